/* The Segment-compatible collector: POST /v1/track|identify|page|screen|
 * group|alias|batch with the workspace's write key as the Basic auth user
 * (Segment's HTTP API), and GET /t.gif, the pixel, whose query is turned
 * into a call (tp_pixel_call); answered once the calls are committed. A body
 * is checked whole before anything is queued: a batch with one bad call is
 * refused whole (400 naming batch[i].field), so that a client can fix and
 * resend it without storing any call twice. */
#include <stdlib.h>
#include <string.h>

#include "server/server_int.h"

static void job_done(tp_write_job *job)
{
	tp_request *r = job->user;
	atomic_store(&r->job_state, JOB_DONE);
	MHD_resume_connection(r->conn);
}

/* The write key: Basic auth user (Segment), else its password, else Bearer,
 * else ?writeKey= (a pixel or navigator.sendBeacon cannot set headers; a
 * write key is public anyway: it sits in every page that tracks). */
static tp_status authenticate(tp_request *r, tp_thread_state *t, tp_api_key_row *key)
{
	char *pass = NULL;
	char *user = MHD_basic_auth_get_username_password(r->conn, &pass);
	const char *presented = user && *user ? user : pass;
	if (!presented) {
		const char *auth = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
		                                               MHD_HTTP_HEADER_AUTHORIZATION);
		presented = auth && strncmp(auth, "Bearer ", 7) == 0 ? auth + 7 : NULL;
	}
	if (!presented)
		presented = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "writeKey");
	if (!presented)
		presented = "";
	tp_status rc =
		tp_api_key_check(t->ctx, t->keys, presented, strlen(presented), TP_API_KEY_WRITE, key);
	if (user)
		MHD_free(user);
	if (pass)
		MHD_free(pass);
	return rc;
}

/* A 1×1 transparent GIF. */
const unsigned char tp__pixel_gif[] = {
	0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00,
	0x00, 0xff, 0xff, 0xff, 0x21, 0xf9, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x2c, 0x00, 0x00,
	0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3b};
const size_t tp__pixel_gif_len = sizeof tp__pixel_gif;

static enum MHD_Result answer(tp_request *r)
{
	if (r->job.rc != TP_OK)
		return tp__respond_error(r, tp__http_status(r->job.rc), r->job.rc, r->job.field,
		                         r->job.message);
	if (r->route->call == TP_ROUTE_PIXEL)
		return tp__respond(r, MHD_HTTP_OK, "image/gif", (const char *)tp__pixel_gif,
		                  tp__pixel_gif_len);
	if (r->location)
		return tp__redirect(r, r->location);
	static const char ok[] = "{\"success\":true}";
	return tp__respond(r, MHD_HTTP_OK, "application/json", ok, sizeof ok - 1);
}

typedef struct query {
	tp_query_param params[128];
	size_t n;
} query;

static enum MHD_Result add_param(void *cls, enum MHD_ValueKind kind, const char *key,
                                 const char *value)
{
	(void)kind;
	query *q = cls;
	if (q->n == sizeof q->params / sizeof q->params[0])
		return MHD_NO;
	q->params[q->n++] = (tp_query_param){key, value};
	return MHD_YES;
}

/* The pixel's query as a Segment call body, owned by the request. */
static tp_status pixel_body(tp_request *r, tp_thread_state *t, int *call)
{
	query q = {.n = 0};
	MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, add_param, &q);
	tp_call c;
	char *json;
	tp_status rc = tp_pixel_call(t->ctx, q.params, q.n, &json, &c);
	if (rc != TP_OK)
		return rc;
	free(r->body);
	r->body = json;
	r->len = strlen(json);
	*call = (int)c;
	return TP_OK;
}

int tp__collector_auth(tp_request *r, tp_thread_state **out, tp_api_key_row *key,
                       enum MHD_Result *answered)
{
	tp_thread_state *t = tp__server_thread(r->srv);
	if (!t) {
		*answered = tp__respond_error(r, MHD_HTTP_SERVICE_UNAVAILABLE, TP_ERR_NOMEM, NULL,
		                              "the server is out of memory or cannot open the database");
		return -1;
	}
	tp_status rc = authenticate(r, t, key);
	if (rc != TP_OK) {
		*answered = tp__respond_error(r, tp__http_status(rc), rc, tp_ctx_field(t->ctx),
		                              tp_ctx_message(t->ctx));
		return -1;
	}
	snprintf(r->workspace, sizeof r->workspace, "%s", key->workspace);
	*out = t;
	return 0;
}

enum MHD_Result tp__collector_queue(tp_request *r, tp_thread_state *t, const tp_api_key_row *key,
                                    int call)
{
	if (r->len == 0) {
		atomic_fetch_add(&r->srv->metrics.rejected, 1);
		return tp__respond_error(r, MHD_HTTP_BAD_REQUEST, TP_ERR_INVALID, "body",
		                         "is empty: send the call as JSON");
	}
	const tp_parse_item *items;
	size_t n;
	if (!r->parser && !(r->parser = tp__server_parser_take(r->srv)))
		return tp__respond_error(r, MHD_HTTP_SERVICE_UNAVAILABLE, TP_ERR_NOMEM, NULL,
		                         "the server is out of memory");
	tp_status rc = tp_segment_parse_live(r->parser, t->ctx, r->body, r->len, tp_ctx_now(t->ctx),
	                                     call, &items, &n);
	if (rc != TP_OK) {
		atomic_fetch_add(&r->srv->metrics.rejected, 1);
		return tp__respond_error(r, tp__http_status(rc), rc, tp_ctx_field(t->ctx),
		                         tp_ctx_message(t->ctx));
	}
	for (size_t i = 0; i < n; i++)
		if (items[i].status != TP_OK) {
			atomic_fetch_add(&r->srv->metrics.rejected, (long long)n);
			return tp__respond_error(r, tp__http_status(items[i].status), items[i].status,
			                         items[i].field, items[i].message);
		}
	r->job = (tp_write_job){.items = items, .n_items = n};
	return tp__collector_submit(r, key, call, TP_WRITE_CALLS);
}

enum MHD_Result tp__collector_submit(tp_request *r, const tp_api_key_row *key, int call,
                                     tp_write_kind kind)
{
	/* Calls parsed already (tp__collector_queue) stay with the job. */
	r->job = (tp_write_job){.workspace_id = key->workspace_id, .body = r->body, .len = r->len,
	                        .call = call, .kind = kind, .items = r->job.items,
	                        .n_items = r->job.n_items};
	snprintf(r->job.workspace, sizeof r->job.workspace, "%s", key->workspace);
	return tp__request_submit(r);
}

enum MHD_Result tp__request_submit(tp_request *r)
{
	r->job.done = job_done;
	r->job.user = r;
	/* Suspend before queueing: the writer may finish before we return. */
	atomic_store(&r->job_state, JOB_QUEUED);
	MHD_suspend_connection(r->conn);
	tp_writer_submit(r->srv->writer, &r->job);
	return MHD_YES;
}

int tp__collector_waiting(tp_request *r, enum MHD_Result *answered)
{
	int state = atomic_load(&r->job_state);
	if (state == JOB_DONE)
		*answered = answer(r);
	else if (state == JOB_QUEUED)
		*answered = MHD_YES;   /* woken early: still waiting for the commit */
	return state != JOB_NONE;
}

enum MHD_Result tp__collect(tp_request *r)
{
	enum MHD_Result answered;
	tp_thread_state *t;
	tp_api_key_row key;
	if (tp__collector_waiting(r, &answered) || tp__collector_auth(r, &t, &key, &answered) != 0)
		return answered;
	int call = r->route->call;
	tp_status rc;
	if (call == TP_ROUTE_PIXEL && (rc = pixel_body(r, t, &call)) != TP_OK) {
		atomic_fetch_add(&r->srv->metrics.rejected, 1);
		return tp__respond_error(r, tp__http_status(rc), rc, tp_ctx_field(t->ctx),
		                         tp_ctx_message(t->ctx));
	}
	return tp__collector_queue(r, t, &key, call);
}

enum MHD_Result tp__snippet(tp_request *r)
{
	return tp__respond(r, MHD_HTTP_OK, "application/javascript; charset=utf-8",
	                   (const char *)tp__snippet_js, tp__snippet_js_len);
}
