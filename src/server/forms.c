/* POST /v1/forms/NAME: a landing page's form (urlencoded or multipart from a
 * browser, or JSON from a script) becomes a "Form Submitted" call through
 * tp_form_call, stored like any collector call; the visitor is then sent to
 * the form's configured thank-you page, or gets JSON. Rate limited by client
 * address; a filled honeypot is answered as a success and stored nowhere. */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "server/server_int.h"

#define MAX_FIELDS 100
#define MAX_FIELD_BYTES 8192

typedef struct fields {
	tp_query_param p[MAX_FIELDS];
	size_t n;
	tp_buf text;        /* the values, each NUL-terminated */
	size_t offsets[MAX_FIELDS][2];
	int too_many;
} fields;

/* Keys and values arrive in pieces from the post processor. */
static enum MHD_Result on_field(void *cls, enum MHD_ValueKind kind, const char *key,
                                const char *filename, const char *type, const char *encoding,
                                const char *data, uint64_t off, size_t size)
{
	(void)kind, (void)type, (void)encoding;
	fields *f = cls;
	if (filename)
		return MHD_YES;   /* uploaded files are not form fields we keep */
	if (off == 0) {
		if (f->n == MAX_FIELDS) {
			f->too_many = 1;
			return MHD_NO;
		}
		size_t k = f->text.len;
		if (tp__buf_add(&f->text, key, strlen(key) + 1) != 0)
			return MHD_NO;
		f->offsets[f->n][0] = k;
		f->offsets[f->n][1] = f->text.len;
		f->n++;
	} else if (f->text.len) {
		f->text.len--;   /* continue the value: drop its terminator */
	}
	if (tp__buf_add(&f->text, data, size) != 0 || tp__buf_add(&f->text, "", 1) != 0)
		return MHD_NO;
	return MHD_YES;
}

static void fields_finish(fields *f)
{
	for (size_t i = 0; i < f->n; i++)
		f->p[i] = (tp_query_param){f->text.data + f->offsets[i][0], f->text.data + f->offsets[i][1]};
}

/* A JSON object of strings, numbers and booleans, as fields. */
static tp_status json_fields(tp_ctx *ctx, const char *body, size_t len, fields *f)
{
	cJSON *root = cJSON_ParseWithLength(body, len);
	if (!cJSON_IsObject(root)) {
		cJSON_Delete(root);
		return tp_ctx_fail(ctx, TP_ERR_PARSE, "body", "is not a JSON object of form fields");
	}
	const cJSON *v;
	tp_status rc = TP_OK;
	cJSON_ArrayForEach(v, root) {
		char num[64];
		const char *text = cJSON_IsString(v) ? v->valuestring
		                   : cJSON_IsBool(v) ? (cJSON_IsTrue(v) ? "true" : "false")
		                   : NULL;
		if (cJSON_IsNumber(v)) {
			snprintf(num, sizeof num, "%.17g", v->valuedouble);
			text = num;
		}
		if (!text) {
			rc = tp_ctx_fail(ctx, TP_ERR_INVALID, v->string, "must be a string, number or boolean");
			break;
		}
		if (on_field(f, MHD_POSTDATA_KIND, v->string, NULL, NULL, NULL, text, 0, strlen(text)) != MHD_YES) {
			rc = f->too_many ? tp_ctx_fail(ctx, TP_ERR_TOO_BIG, "body", "more than %d fields", MAX_FIELDS)
			                 : tp_ctx_fail(ctx, TP_ERR_NOMEM, NULL, "out of memory");
			break;
		}
	}
	cJSON_Delete(root);
	return rc;
}

static int is_json(const char *content_type)
{
	return content_type && strncasecmp(content_type, "application/json", 16) == 0;
}

static int wants_json(tp_request *r)
{
	const char *accept = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT);
	const char *type = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
	                                               MHD_HTTP_HEADER_CONTENT_TYPE);
	return is_json(type) || (accept && strstr(accept, "application/json") &&
	                         !strstr(accept, "text/html"));
}

/* The tp_aid cookie of tp.js, when the form is on the tracking domain. */
static const char *cookie_id(tp_request *r)
{
	return MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, "tp_aid");
}

static enum MHD_Result fail(tp_request *r, tp_ctx *ctx, tp_status rc)
{
	atomic_fetch_add(&r->srv->metrics.rejected, 1);
	return tp__respond_error(r, tp__http_status(rc), rc, tp_ctx_field(ctx), tp_ctx_message(ctx));
}

enum MHD_Result tp__form(tp_request *r)
{
	enum MHD_Result answered;
	if (tp__collector_waiting(r, &answered))
		return answered;
	char ip[64];
	tp__client_address(r, ip, sizeof ip);
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!tp_rate_limit_take(r->srv->form_limit, ip, (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000))
		return tp__respond_error(r, MHD_HTTP_TOO_MANY_REQUESTS, TP_ERR_TOO_BIG, "client",
		                         "too many form submissions from this address; try again in a minute");
	tp_thread_state *t;
	tp_api_key_row key;
	if (tp__collector_auth(r, &t, &key, &answered) != 0)
		return answered;
	const char *name = r->path + strlen(r->route->path);
	tp_store *ws = tp__server_workspace_store(r->srv, t, key.workspace_id, key.workspace);
	if (!ws)
		return fail(r, t->ctx, TP_ERR_STORE);
	tp_form_config cfg;
	tp_status rc = tp_form_config_get(t->ctx, ws, name, &cfg);
	if (rc != TP_OK)
		return fail(r, t->ctx, rc);

	fields f = {.n = 0};
	tp__buf_init(&f.text, (size_t)MAX_FIELDS * MAX_FIELD_BYTES);
	const char *type = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
	                                               MHD_HTTP_HEADER_CONTENT_TYPE);
	if (is_json(type)) {
		rc = json_fields(t->ctx, r->body ? r->body : "", r->len, &f);
	} else {
		struct MHD_PostProcessor *pp = MHD_create_post_processor(r->conn, 16 * 1024, on_field, &f);
		if (!pp)
			rc = tp_ctx_fail(t->ctx, TP_ERR_INVALID, "Content-Type",
			                 "send application/x-www-form-urlencoded, multipart/form-data or"
			                 " application/json");
		else if (r->len && MHD_post_process(pp, r->body, r->len) != MHD_YES)
			rc = f.too_many ? tp_ctx_fail(t->ctx, TP_ERR_TOO_BIG, "body", "more than %d fields",
			                              MAX_FIELDS)
			                : tp_ctx_fail(t->ctx, TP_ERR_PARSE, "body", "is not a form submission");
		if (pp)
			MHD_destroy_post_processor(pp);
	}
	char *json = NULL;
	int spam = 0;
	if (rc == TP_OK) {
		fields_finish(&f);
		tp_form_submission sub = {
			.fields = f.p, .n_fields = f.n,
			.page_url = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_REFERER),
			.anonymous_id = cookie_id(r)};
		rc = tp_form_call(t->ctx, &cfg, &sub, &json, &spam);
	}
	const char *asked = NULL;
	for (size_t i = 0; rc == TP_OK && i < f.n; i++)
		if (strcmp(f.p[i].key, "redirect") == 0)
			asked = f.p[i].value;
	const char *to = rc == TP_OK && !wants_json(r) ? tp_form_redirect(&cfg, asked) : NULL;
	if (to && !(r->location = strdup(to)))
		rc = tp_ctx_fail(t->ctx, TP_ERR_NOMEM, NULL, "out of memory");
	tp__buf_free(&f.text);
	tp_form_config_free(&cfg);
	if (rc != TP_OK)
		return fail(r, t->ctx, rc);
	if (spam) {
		/* Looks like a success to the bot; stores nothing. */
		atomic_fetch_add(&r->srv->metrics.rejected, 1);
		static const char ok[] = "{\"success\":true}";
		return r->location ? tp__redirect(r, r->location)
		                   : tp__respond(r, MHD_HTTP_OK, "application/json", ok, sizeof ok - 1);
	}
	free(r->body);
	r->body = json;
	r->len = strlen(json);
	return tp__collector_queue(r, t, &key, TP_CALL_TRACK);
}
