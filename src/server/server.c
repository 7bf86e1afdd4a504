/* HTTP plumbing on libmicrohttpd: routing, bodies and their limits, JSON
 * errors, CORS, the access log, metrics and the graceful stop. What each
 * endpoint does lives in its own file (collector.c). */
#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "server/server_int.h"

static enum MHD_Result healthz(tp_request *r);
static enum MHD_Result metrics(tp_request *r);

static const tp_route routes[] = {
	{"POST", "/v1/track", tp__collect, TP_CALL_TRACK, 1, 0},
	{"POST", "/v1/identify", tp__collect, TP_CALL_IDENTIFY, 1, 0},
	{"POST", "/v1/page", tp__collect, TP_CALL_PAGE, 1, 0},
	{"POST", "/v1/screen", tp__collect, TP_CALL_SCREEN, 1, 0},
	{"POST", "/v1/group", tp__collect, TP_CALL_GROUP, 1, 0},
	{"POST", "/v1/alias", tp__collect, TP_CALL_ALIAS, 1, 0},
	{"POST", "/v1/batch", tp__collect, -1, 1, 0},
	{"POST", "/v1/import", tp__collect, -1, 1, 0},   /* Segment's other name for batch */
	{"POST", "/v1/forms/", tp__form, TP_ROUTE_OTHER, 1, 1},
	{"POST", "/v1/webhooks/google", tp__webhook_google, TP_ROUTE_OTHER, 0, 0},
	{"POST", "/v1/webhooks/meta", tp__webhook_notice, TP_LEADS_META, 0, 0},
	{"GET", "/v1/webhooks/meta", tp__webhook_challenge, TP_LEADS_META, 0, 0},
	{"POST", "/v1/webhooks/linkedin", tp__webhook_notice, TP_LEADS_LINKEDIN, 0, 0},
	{"GET", "/v1/webhooks/linkedin", tp__webhook_challenge, TP_LEADS_LINKEDIN, 0, 0},
	{"POST", "/v1/webhooks/tiktok", tp__webhook_tiktok, TP_ROUTE_OTHER, 0, 0},
	{"GET", "/t.gif", tp__collect, TP_ROUTE_PIXEL, 0, 0},
	{"GET", "/tp.js", tp__snippet, TP_ROUTE_OTHER, 0, 0},
	{"*", "/v1/contacts", tp__api, TP_ROUTE_OTHER, 0, 2},
	{"*", "/v1/accounts", tp__api, TP_ROUTE_OTHER, 0, 2},
	{"*", "/v1/queue", tp__api, TP_ROUTE_OTHER, 0, 2},
	{"*", "/v1/opportunities", tp__api, TP_ROUTE_OTHER, 0, 2},
	{"*", "/v1/reports", tp__api, TP_ROUTE_OTHER, 0, 2},
	{"*", "/v1/suppressions", tp__api, TP_ROUTE_OTHER, 0, 2},
	{"*", "/v1/messages", tp__api, TP_ROUTE_OTHER, 0, 2},
	{"GET", "/u/", tp__mail_link, TP_ROUTE_OTHER, 0, 1},
	{"POST", "/u/", tp__mail_link, TP_ROUTE_OTHER, 0, 1},
	{"GET", "/c", tp__mail_link, TP_ROUTE_OTHER, 0, 2},
	{"GET", "/o/", tp__mail_link, TP_ROUTE_PIXEL, 0, 1},
	{"GET", "/healthz", healthz, TP_ROUTE_OTHER, 0, 0},
	{"GET", "/metrics", metrics, TP_ROUTE_OTHER, 0, 0},
};
#define N_ROUTES (sizeof routes / sizeof routes[0])
_Static_assert(N_ROUTES < TP_METRICS_ROUTES, "each route needs its metrics row, and one for others");

/* ---- per-thread state ---------------------------------------------------- */

static void thread_state_free(void *p)
{
	tp_thread_state *t = p;
	for (size_t i = 0; i < sizeof t->workspaces / sizeof t->workspaces[0]; i++)
		tp_store_close(t->workspaces[i].store);
	tp_store_close(t->keys);
	tp_ctx_destroy(t->ctx);
	free(t);
}

tp_thread_state *tp__server_thread(tp_server *srv)
{
	tp_thread_state *t = pthread_getspecific(srv->thread_key);
	if (t)
		return t;
	if (!(t = calloc(1, sizeof *t)) || !(t->ctx = tp_ctx_create()) ||
	    tp_store_open_sqlite(t->ctx, srv->db, srv->workspace, TP_OPEN_EXISTING, &t->keys) != TP_OK ||
	    pthread_setspecific(srv->thread_key, t) != 0) {
		if (t)
			thread_state_free(t);
		return NULL;
	}
	tp_ctx_copy_clock(t->ctx, srv->clock);
	return t;
}

tp_segment_parser *tp__server_parser_take(tp_server *srv)
{
	tp_segment_parser *p = NULL;
	pthread_mutex_lock(&srv->parsers_lock);
	if (srv->n_parsers > 0)
		p = srv->parsers[--srv->n_parsers];
	pthread_mutex_unlock(&srv->parsers_lock);
	return p ? p : tp_segment_parser_create();
}

void tp__server_parser_give(tp_server *srv, tp_segment_parser *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&srv->parsers_lock);
	int kept = srv->n_parsers < (int)(sizeof srv->parsers / sizeof srv->parsers[0]);
	if (kept)
		srv->parsers[srv->n_parsers++] = p;
	pthread_mutex_unlock(&srv->parsers_lock);
	if (!kept)
		tp_segment_parser_destroy(p);
}

tp_store *tp__server_workspace_store(tp_server *srv, tp_thread_state *t, int64_t id,
                                     const char *name)
{
	if (id == t->keys->workspace_id)
		return t->keys;
	size_t n = sizeof t->workspaces / sizeof t->workspaces[0], slot = n;
	for (size_t i = 0; i < n; i++) {
		if (t->workspaces[i].store && t->workspaces[i].id == id)
			return t->workspaces[i].store;
		if (!t->workspaces[i].store && slot == n)
			slot = i;
	}
	if (slot == n) {   /* full: a thread serving many workspaces reopens */
		slot = (size_t)id % n;
		tp_store_close(t->workspaces[slot].store);
		t->workspaces[slot].store = NULL;
	}
	if (tp_store_open_sqlite(t->ctx, srv->db, name, TP_OPEN_EXISTING, &t->workspaces[slot].store) !=
	    TP_OK)
		return NULL;
	t->workspaces[slot].id = id;
	return t->workspaces[slot].store;
}

/* ---- responses ------------------------------------------------------------ */

static double seconds_since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

enum MHD_Result tp__respond(tp_request *r, unsigned status, const char *type, const char *body,
                            size_t len)
{
	struct MHD_Response *resp =
		MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);
	if (!resp)
		return MHD_NO;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	if (r->route && r->route->cors) {
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ACCESS_CONTROL_ALLOW_ORIGIN, "*");
		MHD_add_response_header(resp, "Access-Control-Allow-Methods", "POST, OPTIONS");
		MHD_add_response_header(resp, "Access-Control-Allow-Headers",
		                        "Authorization, Content-Type");
		MHD_add_response_header(resp, "Access-Control-Max-Age", "86400");
	}
	if (r->route && r->route->call == TP_ROUTE_PIXEL)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store, max-age=0");
	else if (r->route && r->route->handle == tp__snippet)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "public, max-age=3600");
	if (status == MHD_HTTP_UNAUTHORIZED)   /* the JSON API takes secret keys as Bearer tokens */
		MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
		                        r->route && r->route->handle == tp__api
		                            ? "Bearer realm=\"touchpoint\""
		                            : "Basic realm=\"touchpoint\"");
	if (status == MHD_HTTP_SERVICE_UNAVAILABLE)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, "1");
	enum MHD_Result ok = MHD_queue_response(r->conn, status, resp);
	MHD_destroy_response(resp);
	r->status = (int)status;
	return ok;
}

enum MHD_Result tp__redirect(tp_request *r, const char *url)
{
	struct MHD_Response *resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	if (!resp)
		return MHD_NO;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_LOCATION, url);
	enum MHD_Result ok = MHD_queue_response(r->conn, MHD_HTTP_SEE_OTHER, resp);
	MHD_destroy_response(resp);
	r->status = MHD_HTTP_SEE_OTHER;
	return ok;
}

unsigned tp__http_status(tp_status rc)
{
	switch (rc) {
	case TP_ERR_INVALID: case TP_ERR_PARSE: case TP_ERR_USAGE: case TP_ERR_CONFLICT:
		return MHD_HTTP_BAD_REQUEST;
	case TP_ERR_TOO_BIG: return MHD_HTTP_CONTENT_TOO_LARGE;
	case TP_ERR_AUTH: return MHD_HTTP_UNAUTHORIZED;
	case TP_ERR_FORBIDDEN: return MHD_HTTP_FORBIDDEN;
	case TP_ERR_NOT_FOUND: return MHD_HTTP_NOT_FOUND;
	case TP_ERR_STORE: case TP_ERR_NOMEM: case TP_ERR_IO: return MHD_HTTP_SERVICE_UNAVAILABLE;
	default: return MHD_HTTP_INTERNAL_SERVER_ERROR;
	}
}

enum MHD_Result tp__respond_error(tp_request *r, unsigned status, tp_status rc, const char *field,
                                  const char *message)
{
	cJSON *root = cJSON_CreateObject();
	cJSON_AddFalseToObject(root, "success");
	cJSON *err = cJSON_AddObjectToObject(root, "error");
	cJSON_AddStringToObject(err, "status", tp_status_name(rc));
	if (field && *field)
		cJSON_AddStringToObject(err, "field", field);
	else
		cJSON_AddNullToObject(err, "field");
	cJSON_AddStringToObject(err, "message", message ? message : tp_strerror(rc));
	char *text = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	if (!text)
		return MHD_NO;
	enum MHD_Result ok = tp__respond(r, status, "application/json", text, strlen(text));
	free(text);
	return ok;
}

/* ---- built-in endpoints ----------------------------------------------------- */

static enum MHD_Result healthz(tp_request *r)
{
	static const char ok[] = "{\"status\":\"ok\"}";
	return tp__respond(r, MHD_HTTP_OK, "application/json", ok, sizeof ok - 1);
}

static enum MHD_Result metrics(tp_request *r)
{
	tp_writer_stats ws;
	tp_writer_stats_get(r->srv->writer, &ws);
	tp_buf b;
	tp__buf_init(&b, 0);
	enum MHD_Result ok =
		tp_metrics_render(&r->srv->metrics, &ws, &b) == 0
			? tp__respond(r, MHD_HTTP_OK, "text/plain; version=0.0.4", b.data, b.len)
			: tp__respond_error(r, MHD_HTTP_SERVICE_UNAVAILABLE, TP_ERR_NOMEM, NULL, NULL);
	tp__buf_free(&b);
	return ok;
}

/* ---- the request's life ------------------------------------------------------ */

static int path_matches(const tp_route *rt, const char *url)
{
	size_t n = strlen(rt->path);
	if (rt->prefix == 2)
		return strncmp(url, rt->path, n) == 0 && (url[n] == '\0' || url[n] == '/');
	return rt->prefix ? strncmp(url, rt->path, n) == 0 && url[n] && !strchr(url + n, '/')
	                  : strcmp(url, rt->path) == 0;
}

static const tp_route *route_of(const char *method, const char *url, int *index, int *path_known)
{
	*path_known = 0;
	for (size_t i = 0; i < N_ROUTES; i++)
		if (path_matches(&routes[i], url)) {
			*path_known = 1;
			*index = (int)i;
			if (strcmp(method, routes[i].method) == 0 || strcmp(routes[i].method, "*") == 0)
				return &routes[i];
		}
	return NULL;
}

static int body_add(tp_request *r, const char *data, size_t n)
{
	if (r->too_big || r->len + n > r->limit) {
		r->too_big = 1;
		return 0;
	}
	if (r->len + n + 1 > r->cap) {
		size_t cap = r->cap ? r->cap : 4096;
		while (cap < r->len + n + 1)
			cap *= 2;
		char *p = realloc(r->body, cap);
		if (!p)
			return -1;
		r->body = p, r->cap = cap;
	}
	memcpy(r->body + r->len, data, n);
	r->len += n;
	r->body[r->len] = '\0';
	return 0;
}

static enum MHD_Result too_big(tp_request *r)
{
	char msg[128];
	snprintf(msg, sizeof msg, "the body is over this endpoint's limit of %zu bytes", r->limit);
	return tp__respond_error(r, MHD_HTTP_CONTENT_TOO_LARGE, TP_ERR_TOO_BIG, "body", msg);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version,
                                  const char *upload, size_t *upload_size, void **con_cls)
{
	(void)version;
	tp_server *srv = cls;
	tp_request *r = *con_cls;
	if (!r) {
		if (!(r = calloc(1, sizeof *r)))
			return MHD_NO;
		*con_cls = r;
		r->srv = srv;
		r->conn = conn;
		r->route_index = -1;
		snprintf(r->method, sizeof r->method, "%s", method);
		snprintf(r->path, sizeof r->path, "%s", url);
		clock_gettime(CLOCK_MONOTONIC, &r->t0);
		pthread_mutex_lock(&srv->lock);
		srv->in_flight++;
		pthread_mutex_unlock(&srv->lock);
		int known;
		r->route = route_of(method, url, &r->route_index, &known);
		if (!r->route && strcmp(method, "OPTIONS") == 0 && known && routes[r->route_index].cors) {
			/* A browser's preflight for the collector. */
			r->route = &routes[r->route_index];
			return tp__respond(r, MHD_HTTP_NO_CONTENT, "text/plain", "", 0);
		}
		if (!r->route)
			return known ? tp__respond_error(r, MHD_HTTP_METHOD_NOT_ALLOWED, TP_ERR_USAGE, "method",
			                                 "this path does not take that method")
			             : tp__respond_error(r, MHD_HTTP_NOT_FOUND, TP_ERR_NOT_FOUND, "path",
			                                 "no such endpoint");
		r->limit = r->route->call == -1 ? srv->opts.batch_limit : srv->opts.call_limit;
		const char *length = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
		                                                 MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (length && strtoull(length, NULL, 10) > r->limit) {
			r->too_big = 1;
			return too_big(r);
		}
		return MHD_YES;
	}
	if (r->status)
		return MHD_YES;   /* answered early; the rest of the body is dropped */
	if (*upload_size) {
		if (body_add(r, upload, *upload_size) != 0)
			return MHD_NO;
		*upload_size = 0;
		return MHD_YES;
	}
	if (r->too_big)
		return too_big(r);
	return r->route->handle(r);
}

void tp__client_address(tp_request *r, char *ip, size_t cap)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	snprintf(ip, cap, "?");
	if (ci && ci->client_addr && ci->client_addr->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)ci->client_addr)->sin_addr, ip,
		          (socklen_t)cap);
	else if (ci && ci->client_addr && ci->client_addr->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ci->client_addr)->sin6_addr, ip,
		          (socklen_t)cap);
}

static void access_log(tp_request *r, double seconds)
{
	FILE *log = r->srv->opts.access_log;
	if (!log)
		return;
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	char ts[25];
	tp_time_format((int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000, ts);
	char ip[INET6_ADDRSTRLEN];
	tp__client_address(r, ip, sizeof ip);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "ts", ts);
	cJSON_AddStringToObject(o, "ip", ip);
	cJSON_AddStringToObject(o, "method", r->method);
	cJSON_AddStringToObject(o, "route", r->route ? r->route->path : "-");
	cJSON_AddNumberToObject(o, "status", r->status);
	cJSON_AddNumberToObject(o, "ms", (double)(long long)(seconds * 1e5) / 100);
	cJSON_AddNumberToObject(o, "bytes_in", (double)r->len);
	if (r->workspace[0])
		cJSON_AddStringToObject(o, "workspace", r->workspace);
	char *line = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	if (line) {
		fprintf(log, "%s\n", line);   /* one call per line: stdio locks the stream */
		free(line);
	}
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode why)
{
	(void)conn, (void)why;
	tp_server *srv = cls;
	tp_request *r = *con_cls;
	if (!r)
		return;
	double seconds = seconds_since(&r->t0);
	tp_metrics_request(&srv->metrics, r->route_index, r->status ? (unsigned)r->status : 500,
	                   seconds);
	access_log(r, seconds);
	free(r->location);
	free(r->body);
	tp__server_parser_give(srv, r->parser);
	free(r);
	*con_cls = NULL;
	pthread_mutex_lock(&srv->lock);
	if (--srv->in_flight == 0)
		pthread_cond_broadcast(&srv->idle);
	pthread_mutex_unlock(&srv->lock);
}

/* ---- start and stop ----------------------------------------------------------- */

static tp_status parse_listen(tp_ctx *ctx, const char *listen, struct sockaddr_storage *ss,
                              socklen_t *len)
{
	char host[128];
	const char *colon = strrchr(listen, ':');
	if (!colon || (size_t)(colon - listen) >= sizeof host)
		return tp_ctx_fail(ctx, TP_ERR_USAGE, "listen", "\"%s\" is not HOST:PORT", listen);
	memcpy(host, listen, (size_t)(colon - listen));
	host[colon - listen] = '\0';
	char *end;
	long port = strtol(colon + 1, &end, 10);
	if (*end || colon[1] == '\0' || port < 0 || port > 65535)
		return tp_ctx_fail(ctx, TP_ERR_USAGE, "listen", "\"%s\" is not a port", colon + 1);
	memset(ss, 0, sizeof *ss);
	size_t hl = strlen(host);
	if (hl >= 2 && host[0] == '[' && host[hl - 1] == ']') {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
		host[hl - 1] = '\0';
		a->sin6_family = AF_INET6;
		a->sin6_port = htons((uint16_t)port);
		if (inet_pton(AF_INET6, host + 1, &a->sin6_addr) != 1)
			return tp_ctx_fail(ctx, TP_ERR_USAGE, "listen", "\"%s\" is not an IPv6 address", host + 1);
		*len = sizeof *a;
		return TP_OK;
	}
	struct sockaddr_in *a = (struct sockaddr_in *)ss;
	a->sin_family = AF_INET;
	a->sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, host, &a->sin_addr) != 1)
		return tp_ctx_fail(ctx, TP_ERR_USAGE, "listen",
		                   "\"%s\" is not an IPv4 address (use 0.0.0.0 for every interface)", host);
	*len = sizeof *a;
	return TP_OK;
}

static void server_free(tp_server *srv)
{
	tp_nurturer_stop(srv->nurturer);
	tp_fetcher_stop(srv->fetcher);   /* it hands its leads to the writer */
	tp_writer_stop(srv->writer);
	tp_rate_limit_destroy(srv->form_limit);
	pthread_key_delete(srv->thread_key);
	pthread_mutex_destroy(&srv->lock);
	pthread_cond_destroy(&srv->idle);
	for (int i = 0; i < srv->n_parsers; i++)
		tp_segment_parser_destroy(srv->parsers[i]);
	pthread_mutex_destroy(&srv->parsers_lock);
	free(srv->db);
	free(srv->workspace);
	tp_ctx_destroy(srv->clock);
	free(srv);
}

tp_status tp_server_start(tp_ctx *ctx, const tp_server_opts *opts, tp_server **out)
{
	if (!opts->db)
		return tp_ctx_fail(ctx, TP_ERR_USAGE, "db", "is required");
	tp_server *srv = calloc(1, sizeof *srv);
	if (!srv)
		return tp_ctx_fail(ctx, TP_ERR_NOMEM, NULL, "out of memory");
	srv->opts = *opts;
	if (!srv->opts.listen)
		srv->opts.listen = "127.0.0.1:8080";
	if (!srv->opts.call_limit)
		srv->opts.call_limit = 32 * 1024;
	if (!srv->opts.batch_limit)
		srv->opts.batch_limit = 512 * 1024;
	if (!srv->opts.threads)
		srv->opts.threads = 2;
	curl_global_init(CURL_GLOBAL_DEFAULT);   /* before any thread: it is not thread-safe */
	srv->db = strdup(opts->db);
	srv->workspace = strdup(opts->workspace ? opts->workspace : "default");
	if ((srv->clock = tp_ctx_create()))
		tp_ctx_copy_clock(srv->clock, ctx);   /* the caller's clock data outlives the server */
	pthread_mutex_init(&srv->lock, NULL);
	pthread_cond_init(&srv->idle, NULL);
	pthread_mutex_init(&srv->parsers_lock, NULL);
	pthread_key_create(&srv->thread_key, thread_state_free);
	for (size_t i = 0; i < N_ROUTES && i < TP_METRICS_ROUTES - 1; i++)
		srv->metrics.route_names[i] = routes[i].path;
	srv->metrics.route_names[TP_METRICS_ROUTES - 1] = "other";
	/* Forms: a person submits a few a minute; a bot, many. */
	srv->form_limit = tp_rate_limit_create(srv->opts.form_rate ? srv->opts.form_rate : 10,
	                                       srv->opts.form_rate ? srv->opts.form_rate : 10);

	struct sockaddr_storage addr;
	socklen_t addr_len;
	tp_status rc;
	tp_store *probe = NULL;
	if (!srv->db || !srv->workspace || !srv->clock) {
		rc = tp_ctx_fail(ctx, TP_ERR_NOMEM, NULL, "out of memory");
		goto fail;
	}
	/* Fail now, with the store's message, rather than on the first request. */
	if ((rc = tp_store_open_sqlite(ctx, srv->db, srv->workspace, TP_OPEN_EXISTING, &probe)) != TP_OK)
		goto fail;
	tp_store_close(probe);
	if ((rc = parse_listen(ctx, srv->opts.listen, &addr, &addr_len)) != TP_OK ||
	    (rc = tp_writer_start(ctx, srv->clock, srv->db, srv->workspace, srv->opts.queue_over,
	                          srv->opts.inbox_limit, srv->opts.cache_limit, &srv->writer)) != TP_OK ||
	    (rc = tp_fetcher_start(ctx, srv->db, srv->workspace, srv->writer,
	                           srv->opts.lead_retry_ms, &srv->fetcher)) != TP_OK ||
	    (!srv->opts.no_nurture &&
	     (rc = tp_nurturer_start(ctx, srv->clock, srv->db, srv->workspace, srv->writer,
	                             srv->opts.nurture_poll_ms, &srv->nurturer)) != TP_OK))
		goto fail;
	unsigned flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
	if (addr.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	srv->daemon = MHD_start_daemon(
		flags, 0, NULL, NULL, on_request, srv,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
		MHD_OPTION_THREAD_POOL_SIZE, srv->opts.threads,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
		MHD_OPTION_CONNECTION_TIMEOUT, 30u,
		MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u,
		/* MHD clears a connection's memory pool between requests: 32 KiB by
		 * default, the largest cost of a small request in a profile. Headers
		 * fit in 16 KiB; bodies arrive in pieces and are kept by us. */
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)16384,
		MHD_OPTION_END);
	if (!srv->daemon) {
		rc = tp_ctx_fail(ctx, TP_ERR_IO, "listen",
		                 "cannot listen on %s (in use, or not an address of this machine?)",
		                 srv->opts.listen);
		goto fail;
	}
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
	srv->port = info ? info->port : 0;
	*out = srv;
	return TP_OK;
fail:
	server_free(srv);
	return rc;
}

unsigned tp_server_port(const tp_server *s)
{
	return s->port;
}

void tp_server_stop(tp_server *srv)
{
	if (!srv)
		return;
	/* Stop accepting; requests in flight (some waiting for the writer) are
	 * answered before the daemon goes, for up to 30 seconds. */
	MHD_socket listener = MHD_quiesce_daemon(srv->daemon);
	if (listener != MHD_INVALID_SOCKET)
		close(listener);
	struct timespec deadline;
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += 30;
	pthread_mutex_lock(&srv->lock);
	while (srv->in_flight > 0 &&
	       pthread_cond_timedwait(&srv->idle, &srv->lock, &deadline) == 0)
		;
	pthread_mutex_unlock(&srv->lock);
	MHD_stop_daemon(srv->daemon);
	server_free(srv);
}
