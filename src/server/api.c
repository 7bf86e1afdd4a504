/* The JSON API: /v1/contacts, /v1/accounts, /v1/queue, /v1/opportunities
 * and /v1/reports, with a workspace's secret key as a Bearer token. Each
 * handler turns the request into a call of the library's views
 * (touchpoint/views.h) or person-made changes (tp_contact_*, tp_opportunity_*),
 * the same calls the CLI makes: the API and the CLI cannot disagree.
 * docs/openapi.yaml describes every path; docs/API.md explains it. */
#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "server/server_int.h"

enum { PAGE_DEFAULT = 50, PAGE_MAX = 1000 };

typedef struct api_call {
	tp_request *r;
	tp_ctx *ctx;
	tp_store *s;
	const char *parts[4];   /* the path after /v1/, split at '/' */
	int n_parts;
	char path[256];
	cJSON *body;            /* a JSON object, for POST and PATCH */
} api_call;

static enum MHD_Result send_json(tp_request *r, unsigned status, cJSON *doc)
{
	char *text = doc ? cJSON_PrintUnformatted(doc) : NULL;
	cJSON_Delete(doc);
	if (!text)
		return tp__respond_error(r, MHD_HTTP_SERVICE_UNAVAILABLE, TP_ERR_NOMEM, NULL, NULL);
	enum MHD_Result ok = tp__respond(r, status, "application/json", text, strlen(text));
	free(text);
	return ok;
}

static enum MHD_Result failed(api_call *a, tp_status rc)
{
	unsigned status = tp__http_status(rc);
	if (rc == TP_ERR_USAGE || rc == TP_ERR_INVALID || rc == TP_ERR_PARSE)
		status = MHD_HTTP_BAD_REQUEST;
	if (rc == TP_ERR_CONFLICT)
		status = MHD_HTTP_CONFLICT;
	if (rc == TP_ERR_UNSUPPORTED)
		status = MHD_HTTP_UNPROCESSABLE_CONTENT;
	return tp__respond_error(a->r, status, rc, tp_ctx_field(a->ctx), tp_ctx_message(a->ctx));
}

static enum MHD_Result fail(api_call *a, tp_status rc, const char *field, const char *msg)
{
	tp_ctx_fail(a->ctx, rc, field, "%s", msg);
	return failed(a, rc);
}

static enum MHD_Result not_allowed(api_call *a, const char *msg)
{
	return tp__respond_error(a->r, MHD_HTTP_METHOD_NOT_ALLOWED, TP_ERR_USAGE, "method", msg);
}

static const char *query(api_call *a, const char *key)
{
	return MHD_lookup_connection_value(a->r->conn, MHD_GET_ARGUMENT_KIND, key);
}

/* ---- request parts -------------------------------------------------------- */

static tp_status read_body(api_call *a)
{
	a->body = a->r->len ? cJSON_ParseWithLength(a->r->body, a->r->len) : cJSON_CreateObject();
	if (!cJSON_IsObject(a->body))
		return tp_ctx_fail(a->ctx, TP_ERR_PARSE, "body", "is not a JSON object");
	return TP_OK;
}

/* A body field that must be a string when given; NULL when absent or null. */
static tp_status body_text(api_call *a, const char *key, const char **out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(a->body, key);
	*out = NULL;
	if (!v || cJSON_IsNull(v))
		return TP_OK;
	if (!cJSON_IsString(v))
		return tp_ctx_fail(a->ctx, TP_ERR_INVALID, key, "must be a string");
	*out = v->valuestring;
	return TP_OK;
}

/* Refuses a body field that the endpoint does not take: a typo would
 * otherwise be dropped without a word. */
static tp_status only_fields(api_call *a, const char *const *allowed)
{
	const cJSON *v;
	cJSON_ArrayForEach(v, a->body) {
		int known = 0;
		for (const char *const *k = allowed; *k && !known; k++)
			known = strcmp(*k, v->string) == 0;
		if (!known)
			return tp_ctx_fail(a->ctx, TP_ERR_INVALID, v->string, "is not a field of this request");
	}
	return TP_OK;
}

static tp_status query_count(api_call *a, const char *key, long long def, long long max,
                             long long *out)
{
	const char *v = query(a, key);
	*out = def;
	if (!v)
		return TP_OK;
	char *end;
	long long n = strtoll(v, &end, 10);
	if (!*v || *end || n < 0 || n > max)
		return tp_ctx_fail(a->ctx, TP_ERR_INVALID, key, "is a whole number from 0 to %lld, not \"%s\"",
		                   max, v);
	*out = n;
	return TP_OK;
}

/* A contact named by id, email or user id, as the CLI takes them. */
static tp_status contact_of(api_call *a, const char *key, const char *field, int64_t *id)
{
	tp_identity *ident = tp_identity_create(a->s);
	if (!ident)
		return tp_ctx_fail(a->ctx, TP_ERR_NOMEM, NULL, "out of memory");
	tp_status rc = tp_identity_lookup(ident, a->ctx, key, id);
	tp_identity_destroy(ident);
	if (rc == TP_OK && !*id)
		rc = tp_ctx_fail(a->ctx, TP_ERR_NOT_FOUND, field, "no contact \"%s\"", key);
	return rc;
}

/* ---- nurturing: consent, suppressions, what became of a message ------------------ */

/* "api", or "api: SOURCE" when the caller says where it came from. */
static tp_status api_source(api_call *a, char *out, size_t cap)
{
	const char *source = NULL;
	tp_status rc = body_text(a, "source", &source);
	snprintf(out, cap, "api%s%.200s", source ? ": " : "", source ? source : "");
	return rc;
}

static enum MHD_Result contacts_consent(api_call *a, int64_t id)
{
	static const char *const fields[] = {"consent", "source", NULL};
	cJSON *doc;
	tp_status rc = TP_OK;
	if (strcmp(a->r->method, "POST") == 0) {
		const cJSON *consent = cJSON_GetObjectItemCaseSensitive(a->body, "consent");
		char source[240];
		if ((rc = only_fields(a, fields)) == TP_OK && !cJSON_IsBool(consent))
			rc = tp_ctx_fail(a->ctx, TP_ERR_INVALID, "consent", "must be true or false");
		if (rc == TP_OK && (rc = api_source(a, source, sizeof source)) == TP_OK)
			rc = tp_contact_consent(a->ctx, a->s, id, cJSON_IsTrue(consent), source,
			                        tp_ctx_now(a->ctx));
	} else if (strcmp(a->r->method, "GET") != 0) {
		return not_allowed(a, "this path takes GET and POST");
	}
	if (rc == TP_OK)
		rc = tp_consent_view(a->ctx, a->s, id, &doc);
	return rc == TP_OK ? send_json(a->r, strcmp(a->r->method, "POST") ? MHD_HTTP_OK
	                                                                   : MHD_HTTP_CREATED, doc)
	                   : failed(a, rc);
}

static int keep_text(void *user, const char *text)
{
	char **out = user;
	free(*out);
	*out = strdup(text);
	return 0;
}

static enum MHD_Result suppression_answer(api_call *a, unsigned status, const char *email)
{
	char normal[TP_MAX_EMAIL_BYTES + 1];
	const char *why;
	if (tp_email_normalize(email, normal, &why) != 0)
		return fail(a, TP_ERR_INVALID, "email", why);
	char *reason = NULL;
	int found = 0;
	tp_status rc = a->s->ops->suppression_get
		? a->s->ops->suppression_get(a->s, a->ctx, normal, keep_text, &reason, &found)
		: tp_ctx_fail(a->ctx, TP_ERR_UNSUPPORTED, NULL, "this store keeps no suppressions");
	if (rc != TP_OK)
		return failed(a, rc);
	cJSON *doc = cJSON_CreateObject();
	cJSON_AddStringToObject(doc, "email", normal);
	if (found)
		tp_json_add_str(doc, "suppressed", reason);
	else
		cJSON_AddNullToObject(doc, "suppressed");
	free(reason);
	return send_json(a->r, status, doc);
}

/* POST /v1/suppressions {"email","reason","source"}: an address a mail
 * provider reported; GET /v1/suppressions/EMAIL: whether it is suppressed. */
static enum MHD_Result suppressions(api_call *a)
{
	static const char *const fields[] = {"email", "reason", "source", NULL};
	if (a->n_parts == 2 && strcmp(a->r->method, "GET") == 0)
		return suppression_answer(a, MHD_HTTP_OK, a->parts[1]);
	if (a->n_parts != 1)
		return fail(a, TP_ERR_NOT_FOUND, "path", "no such endpoint");
	if (strcmp(a->r->method, "POST") != 0)
		return not_allowed(a, "this path takes POST");
	const char *email = NULL, *reason_name = NULL;
	char source[240];
	tp_mail_event reason;
	tp_status rc = only_fields(a, fields);
	if (rc == TP_OK && (rc = body_text(a, "email", &email)) == TP_OK && !email)
		rc = tp_ctx_fail(a->ctx, TP_ERR_INVALID, "email", "is missing");
	if (rc == TP_OK && (rc = body_text(a, "reason", &reason_name)) == TP_OK &&
	    (tp_mail_event_from_name(reason_name, &reason) != 0 || reason < TP_MAIL_UNSUBSCRIBED))
		rc = tp_ctx_fail(a->ctx, TP_ERR_INVALID, "reason",
		                 "is one of unsubscribed, bounced, complained");
	if (rc == TP_OK && (rc = api_source(a, source, sizeof source)) == TP_OK)
		rc = tp_mail_suppress(a->ctx, a->s, email, reason, source, tp_ctx_now(a->ctx));
	return rc == TP_OK ? suppression_answer(a, MHD_HTTP_CREATED, email) : failed(a, rc);
}

/* POST /v1/messages/ID/bounced|complained|unsubscribed: what a mail
 * provider reported of one message (its Message-ID is <tp-WS-ID@...>). The
 * writer stores it with the contact's touch; the answer waits for that. */
static enum MHD_Result messages(api_call *a)
{
	static const char *const fields[] = {"source", NULL};
	if (a->n_parts != 3)
		return fail(a, TP_ERR_NOT_FOUND, "path", "no such endpoint");
	if (strcmp(a->r->method, "POST") != 0)
		return not_allowed(a, "this path takes POST");
	char *end;
	long long id = strtoll(a->parts[1], &end, 10);
	if (*end || id <= 0)
		return fail(a, TP_ERR_NOT_FOUND, "message", "is not a message id");
	tp_mail_event what;
	if (tp_mail_event_from_name(a->parts[2], &what) != 0 || what < TP_MAIL_UNSUBSCRIBED)
		return fail(a, TP_ERR_NOT_FOUND, "path", "a message takes bounced, complained or unsubscribed");
	tp_request *r = a->r;
	tp_status rc = only_fields(a, fields);
	if (rc == TP_OK)
		rc = api_source(a, r->source, sizeof r->source);
	if (rc != TP_OK)
		return failed(a, rc);
	r->job = (tp_write_job){.workspace_id = a->s->workspace_id, .kind = TP_WRITE_MAIL_EVENT,
	                        .message_id = id, .mail_event = (int)what, .error = r->source,
	                        .body = "", .len = 0};
	snprintf(r->job.workspace, sizeof r->job.workspace, "%s", a->s->workspace);
	return tp__request_submit(r);
}

static enum MHD_Result message_answer(tp_request *r)
{
	if (r->job.rc != TP_OK)
		return tp__respond_error(r, r->job.rc == TP_ERR_NOT_FOUND ? MHD_HTTP_NOT_FOUND
		                                                          : tp__http_status(r->job.rc),
		                         r->job.rc, r->job.field, r->job.message);
	cJSON *doc = cJSON_CreateObject();
	cJSON_AddNumberToObject(doc, "message_id", (double)r->job.message_id);
	cJSON_AddStringToObject(doc, "recorded", tp_mail_event_name((tp_mail_event)r->job.mail_event));
	return send_json(r, MHD_HTTP_CREATED, doc);
}

/* ---- contacts ----------------------------------------------------------------- */

static const char *const trait_fields[] = {"email", "first_name", "last_name", "title", "phone",
	"company", "website", "industry", "country", "lead_source", "owner", "employees",
	"annual_revenue", "stage", "fields", NULL};

/* "fields": {"NAME": "value" or null}: custom fields (a date a workflow's
 * date trigger reads, a plan, a region), set or removed in one transaction. */
static tp_status custom_fields_check(api_call *a)
{
	const cJSON *fields = cJSON_GetObjectItemCaseSensitive(a->body, "fields");
	if (!fields)
		return TP_OK;
	if (!cJSON_IsObject(fields))
		return tp_ctx_fail(a->ctx, TP_ERR_INVALID, "fields", "must be an object of name: value");
	if (!a->s->ops->field_set)
		return tp_ctx_fail(a->ctx, TP_ERR_UNSUPPORTED, "fields", "this store keeps no custom fields");
	const cJSON *f;
	cJSON_ArrayForEach(f, fields) {
		char where[96];
		snprintf(where, sizeof where, "fields.%.80s", f->string);
		if (!f->string[0] || strlen(f->string) > 64)
			return tp_ctx_fail(a->ctx, TP_ERR_INVALID, where, "a name is 1 to 64 bytes");
		if (!(cJSON_IsString(f) && strlen(f->valuestring) <= TP_MAX_TEXT_BYTES) && !cJSON_IsNull(f))
			return tp_ctx_fail(a->ctx, TP_ERR_INVALID, where,
			                   "must be a string (null removes the field)");
	}
	return TP_OK;
}

/* After the contact is saved: the body was checked before. */
static tp_status custom_fields(api_call *a, int64_t id)
{
	const cJSON *fields = cJSON_GetObjectItemCaseSensitive(a->body, "fields"), *f;
	if (!fields)
		return TP_OK;
	tp_status rc = a->s->ops->begin(a->s, a->ctx);
	cJSON_ArrayForEach(f, fields) {
		if (rc == TP_OK)
			rc = a->s->ops->field_set(a->s, a->ctx, id, f->string,
			                          cJSON_IsString(f) ? f->valuestring : NULL);
	}
	if (rc == TP_OK)
		return a->s->ops->commit(a->s, a->ctx);
	tp_store_rollback_quiet(a->s);
	return rc;
}

static tp_status traits_of(api_call *a, tp_traits *t, char email[TP_MAX_EMAIL_BYTES + 1],
                           int *stage)
{
	*t = (tp_traits){.employees = -1, .annual_revenue = -1};
	*stage = -1;
	tp_status rc = only_fields(a, trait_fields);
	if (rc == TP_OK)
		rc = custom_fields_check(a);
	const char *text, *stage_name = NULL;
	struct {
		const char *key;
		const char **to;
	} strings[] = {{"first_name", &t->first_name}, {"last_name", &t->last_name},
	               {"title", &t->title}, {"phone", &t->phone}, {"company", &t->company},
	               {"website", &t->website}, {"industry", &t->industry}, {"country", &t->country},
	               {"lead_source", &t->lead_source}, {"owner", &t->owner}, {"stage", &stage_name}};
	for (size_t i = 0; rc == TP_OK && i < sizeof strings / sizeof strings[0]; i++)
		rc = body_text(a, strings[i].key, strings[i].to);
	if (rc == TP_OK && (rc = body_text(a, "email", &text)) == TP_OK && text) {
		const char *why;
		if (tp_email_normalize(text, email, &why) != 0)
			return tp_ctx_fail(a->ctx, TP_ERR_INVALID, "email", "\"%.200s\" %s", text, why);
		t->email = email;
	}
	const char *numbers[] = {"employees", "annual_revenue"};
	for (int i = 0; rc == TP_OK && i < 2; i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(a->body, numbers[i]);
		if (!v || cJSON_IsNull(v))
			continue;
		if (!cJSON_IsNumber(v) || v->valuedouble < 0 || v->valuedouble > 1e13)
			return tp_ctx_fail(a->ctx, TP_ERR_INVALID, numbers[i], "must be a number >= 0");
		if (i == 0)
			t->employees = (int64_t)v->valuedouble;
		else   /* in the workspace's currency, major units, as a CRM export has it */
			t->annual_revenue = (int64_t)(v->valuedouble * 100 + 0.5);
	}
	if (rc == TP_OK && stage_name) {
		tp_stage st;
		if (tp_stage_from_name(stage_name, &st) != 0)
			return tp_ctx_fail(a->ctx, TP_ERR_INVALID, "stage", "\"%s\" is not a stage", stage_name);
		*stage = (int)st;
	}
	return rc;
}

static enum MHD_Result contact_answer(api_call *a, unsigned status, int64_t id, const char *key,
                                      double number)
{
	cJSON *doc;
	tp_status rc = tp_view_contact(a->ctx, a->s, id, &doc);
	if (rc != TP_OK)
		return failed(a, rc);
	if (key)
		cJSON_AddNumberToObject(doc, key, number);
	return send_json(a->r, status, doc);
}

static enum MHD_Result contacts_list(api_call *a)
{
	tp_contact_filter f = {.stage = -1};
	long long limit;
	const char *v;
	tp_status rc = query_count(a, "limit", PAGE_DEFAULT, PAGE_MAX, &limit);
	if (rc != TP_OK)
		return failed(a, rc);
	if ((v = query(a, "stage"))) {
		tp_stage st;
		if (tp_stage_from_name(v, &st) != 0)
			return fail(a, TP_ERR_INVALID, "stage", "is not a stage (visitor, lead, mql, sal, sql,"
			            " opportunity, customer, disqualified, recycled, churned)");
		f.stage = (int)st;
	}
	long long n;
	if ((v = query(a, "account_id"))) {
		if ((rc = query_count(a, "account_id", 0, INT64_MAX / 2, &n)) != TP_OK)
			return failed(a, rc);
		f.account_id = n;
	}
	if ((v = query(a, "cursor"))) {
		if ((rc = query_count(a, "cursor", 0, INT64_MAX / 2, &n)) != TP_OK)
			return failed(a, rc);
		f.after_id = n;
	}
	if ((v = query(a, "updated_since")) && tp_time_parse(v, &f.updated_since) != 0)
		return fail(a, TP_ERR_INVALID, "updated_since", "is a time like 2026-03-01T00:00:00Z");
	f.owner = query(a, "owner");
	f.source_channel = query(a, "source_channel");
	cJSON *items;
	int64_t next;
	if ((rc = tp_view_contacts(a->ctx, a->s, &f, limit, &items, &next)) != TP_OK)
		return failed(a, rc);
	cJSON *doc = cJSON_CreateObject();
	cJSON_AddItemToObject(doc, "data", items);
	if (next) {
		char cursor[24];
		snprintf(cursor, sizeof cursor, "%lld", (long long)next);
		cJSON_AddStringToObject(doc, "next_cursor", cursor);
	} else {
		cJSON_AddNullToObject(doc, "next_cursor");
	}
	return send_json(a->r, MHD_HTTP_OK, doc);
}

static enum MHD_Result contacts_create(api_call *a)
{
	tp_traits t;
	char email[TP_MAX_EMAIL_BYTES + 1];
	int stage, created;
	int64_t id;
	tp_status rc = traits_of(a, &t, email, &stage);
	if (rc == TP_OK && !t.email)
		rc = tp_ctx_fail(a->ctx, TP_ERR_INVALID, "email",
		                 "is missing: contacts are deduplicated by email");
	if (rc == TP_OK)
		rc = tp_contact_save(a->ctx, a->s, &t, stage, 0, "api", &id, &created);
	if (rc == TP_OK)
		rc = custom_fields(a, id);
	if (rc != TP_OK)
		return failed(a, rc);
	return contact_answer(a, created ? MHD_HTTP_CREATED : MHD_HTTP_OK, id, NULL, 0);
}

static enum MHD_Result contacts_update(api_call *a, int64_t id)
{
	tp_traits t;
	char email[TP_MAX_EMAIL_BYTES + 1], stored[TP_MAX_EMAIL_BYTES + 1];
	int stage, created;
	tp_status rc = traits_of(a, &t, email, &stage);
	if (rc != TP_OK)
		return failed(a, rc);
	if (stage >= 0)
		return fail(a, TP_ERR_INVALID, "stage", "changes by POST /v1/contacts/{id}/stages,"
		            " which checks the move and keeps its reason");
	tp_contact c;
	int found;
	if ((rc = a->s->ops->contact_get(a->s, a->ctx, id, &c, &found)) != TP_OK)
		return failed(a, rc);
	if (!found || !c.email)
		return fail(a, found ? TP_ERR_UNSUPPORTED : TP_ERR_NOT_FOUND, found ? "email" : "contact",
		            found ? "the contact has no email: it is known by user id only, and only"
		                    " contacts with an email can be updated"
		                  : "no such contact");
	snprintf(stored, sizeof stored, "%s", c.email);
	if (t.email && strcmp(t.email, stored) != 0)
		return fail(a, TP_ERR_INVALID, "email", "cannot change: it is what the contact is known by;"
		            " create the new address and merge the two");
	t.email = stored;
	if ((rc = tp_contact_save(a->ctx, a->s, &t, -1, 1, "api", &id, &created)) != TP_OK ||
	    (rc = custom_fields(a, id)) != TP_OK)
		return failed(a, rc);
	return contact_answer(a, MHD_HTTP_OK, id, NULL, 0);
}

static enum MHD_Result contacts_merge(api_call *a, int64_t winner, int undo)
{
	static const char *const merge_fields[] = {"loser", "reason", NULL};
	static const char *const no_fields[] = {NULL};
	const char *loser_key = NULL, *reason = NULL;
	int64_t loser = 0, n = 0;
	tp_status rc = only_fields(a, undo ? no_fields : merge_fields);
	if (rc == TP_OK && !undo && (rc = body_text(a, "loser", &loser_key)) == TP_OK &&
	    (rc = body_text(a, "reason", &reason)) == TP_OK && !loser_key)
		rc = tp_ctx_fail(a->ctx, TP_ERR_INVALID, "loser",
		                 "is missing: the contact (id or email) to merge into this one");
	if (rc == TP_OK && !undo)
		rc = contact_of(a, loser_key, "loser", &loser);
	if (rc == TP_OK)
		rc = undo ? tp_contact_unmerge(a->ctx, a->s, winner, &n)
		          : tp_contact_merge(a->ctx, a->s, winner, loser, reason, &n);
	if (rc != TP_OK)
		return failed(a, rc);
	return contact_answer(a, MHD_HTTP_OK, winner, undo ? "restored_touches" : "merge_id",
	                      (double)n);
}

static enum MHD_Result contacts_stage(api_call *a, int64_t id)
{
	static const char *const fields[] = {"stage", "reason", "by", NULL};
	const char *stage_name = NULL, *reason = NULL, *by = NULL;
	tp_status rc = only_fields(a, fields);
	if (rc == TP_OK && (rc = body_text(a, "stage", &stage_name)) == TP_OK &&
	    (rc = body_text(a, "reason", &reason)) == TP_OK && (rc = body_text(a, "by", &by)) == TP_OK &&
	    !stage_name)
		rc = tp_ctx_fail(a->ctx, TP_ERR_INVALID, "stage", "is missing");
	tp_stage to;
	if (rc == TP_OK && tp_stage_from_name(stage_name, &to) != 0)
		rc = tp_ctx_fail(a->ctx, TP_ERR_INVALID, "stage", "\"%s\" is not a stage", stage_name);
	char actor[160];
	snprintf(actor, sizeof actor, "api%s%s", by ? ": " : "", by ? by : "");
	if (rc == TP_OK)
		rc = tp_contact_move(a->ctx, a->s, id, to, actor, reason);
	cJSON *doc;
	if (rc == TP_OK)
		rc = tp_view_stage_history(a->ctx, a->s, id, &doc);
	return rc == TP_OK ? send_json(a->r, MHD_HTTP_CREATED, doc) : failed(a, rc);
}

static enum MHD_Result contacts(api_call *a)
{
	const char *m = a->r->method;
	if (a->n_parts == 1) {
		if (strcmp(m, "GET") == 0)
			return contacts_list(a);
		if (strcmp(m, "POST") == 0)
			return contacts_create(a);
		return not_allowed(a, "this path takes GET and POST");
	}
	int64_t id;
	tp_status rc = contact_of(a, a->parts[1], "contact", &id);
	if (rc != TP_OK)
		return failed(a, rc);
	const char *sub = a->n_parts > 2 ? a->parts[2] : NULL;
	cJSON *doc;
	if (!sub) {
		if (strcmp(m, "GET") == 0)
			return contact_answer(a, MHD_HTTP_OK, id, NULL, 0);
		if (strcmp(m, "PATCH") == 0)
			return contacts_update(a, id);
		if (strcmp(m, "DELETE") == 0) {
			int64_t n;
			if ((rc = tp_contact_erase(a->ctx, a->s, id, &n)) != TP_OK)
				return failed(a, rc);
			return contact_answer(a, MHD_HTTP_OK, id, "erased_contacts", (double)n);
		}
		return not_allowed(a, "this path takes GET, PATCH and DELETE");
	}
	if (strcmp(sub, "merge") == 0 || strcmp(sub, "unmerge") == 0) {
		if (strcmp(m, "POST") != 0)
			return not_allowed(a, "this path takes POST");
		return contacts_merge(a, id, strcmp(sub, "unmerge") == 0);
	}
	if (strcmp(sub, "stages") == 0) {
		if (strcmp(m, "POST") == 0)
			return contacts_stage(a, id);
		if (strcmp(m, "GET") != 0)
			return not_allowed(a, "this path takes GET and POST");
		rc = tp_view_stage_history(a->ctx, a->s, id, &doc);
		return rc == TP_OK ? send_json(a->r, MHD_HTTP_OK, doc) : failed(a, rc);
	}
	if (strcmp(sub, "consent") == 0)
		return contacts_consent(a, id);
	if (strcmp(sub, "score") == 0) {
		if (strcmp(m, "GET") != 0)
			return not_allowed(a, "this path takes GET");
		rc = tp_view_score(a->ctx, a->s, id, &doc);
		return rc == TP_OK ? send_json(a->r, MHD_HTTP_OK, doc) : failed(a, rc);
	}
	return fail(a, TP_ERR_NOT_FOUND, "path", "no such endpoint");
}

/* ---- accounts, queue ----------------------------------------------------------- */

static enum MHD_Result accounts(api_call *a)
{
	if (strcmp(a->r->method, "GET") != 0)
		return not_allowed(a, "this path takes GET");
	cJSON *doc;
	tp_status rc;
	if (a->n_parts == 1) {
		long long limit;
		if ((rc = query_count(a, "limit", -1, PAGE_MAX * 100, &limit)) == TP_OK)
			rc = tp_view_accounts(a->ctx, a->s, limit, &doc);
	} else {
		char *end;
		long long id = strtoll(a->parts[1], &end, 10);
		rc = *end || id <= 0 || a->n_parts > 2 ? tp_ctx_fail(a->ctx, TP_ERR_NOT_FOUND, "account", "no account \"%s\"",
		                                   a->parts[1])
		                     : tp_view_account(a->ctx, a->s, id, &doc);
	}
	return rc == TP_OK ? send_json(a->r, MHD_HTTP_OK, doc) : failed(a, rc);
}

static enum MHD_Result queue(api_call *a)
{
	if (strcmp(a->r->method, "GET") != 0)
		return not_allowed(a, "this path takes GET");
	if (a->n_parts > 1)
		return fail(a, TP_ERR_NOT_FOUND, "path", "no such endpoint");
	long long limit;
	cJSON *doc;
	size_t waiting;
	tp_status rc = query_count(a, "limit", -1, PAGE_MAX * 100, &limit);
	if (rc == TP_OK)
		rc = tp_view_queue(a->ctx, a->s, query(a, "owner"), limit, &doc, &waiting);
	return rc == TP_OK ? send_json(a->r, MHD_HTTP_OK, doc) : failed(a, rc);
}

/* ---- opportunities ------------------------------------------------------------- */

static const char *const opp_fields[] = {"name", "stage", "amount", "currency", "probability",
	"close_date", "lost_reason", "owner", "source_channel", "contact", "account", NULL};

static tp_status opp_of(api_call *a, tp_opportunity_row *r)
{
	memset(r, 0, sizeof *r);
	r->amount = -1;
	r->probability = -1;
	tp_status rc = only_fields(a, opp_fields);
	struct {
		const char *key;
		const char **to;
	} strings[] = {{"name", &r->name}, {"stage", &r->stage}, {"currency", &r->currency},
	               {"close_date", &r->close_date}, {"lost_reason", &r->lost_reason},
	               {"owner", &r->owner}, {"source_channel", &r->source_channel}};
	for (size_t i = 0; rc == TP_OK && i < sizeof strings / sizeof strings[0]; i++)
		rc = body_text(a, strings[i].key, strings[i].to);
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(a->body, "amount");
	if (rc == TP_OK && v && !cJSON_IsNull(v)) {
		/* Money is exact: "12000.50" as text, or a number with at most two decimals. */
		char text[64];
		if (cJSON_IsNumber(v))
			snprintf(text, sizeof text, "%.2f", v->valuedouble);
		else
			snprintf(text, sizeof text, "%s", cJSON_IsString(v) ? v->valuestring : "");
		if (tp_money_parse(text, &r->amount) != 0)
			return tp_ctx_fail(a->ctx, TP_ERR_INVALID, "amount",
			                   "is an amount like 12000 or \"12000.50\"");
	}
	v = cJSON_GetObjectItemCaseSensitive(a->body, "probability");
	if (rc == TP_OK && v && !cJSON_IsNull(v)) {
		if (!cJSON_IsNumber(v) || v->valuedouble < 0 || v->valuedouble > 100)
			return tp_ctx_fail(a->ctx, TP_ERR_INVALID, "probability", "is a number from 0 to 100");
		r->probability = (int)v->valuedouble;
	}
	const char *contact, *account;
	if (rc == TP_OK && (rc = body_text(a, "contact", &contact)) == TP_OK && contact)
		rc = contact_of(a, contact, "contact", &r->contact_id);
	if (rc == TP_OK && (rc = body_text(a, "account", &account)) == TP_OK && account) {
		char *end;
		long long id = strtoll(account, &end, 10);
		if (*account && !*end && id > 0)
			r->account_id = id;
		else if ((rc = a->s->ops->account_find(a->s, a->ctx, account, NULL, &r->account_id)) ==
		             TP_OK && !r->account_id)
			rc = tp_ctx_fail(a->ctx, TP_ERR_NOT_FOUND, "account", "no account \"%s\"", account);
	}
	return rc;
}

typedef struct opp_page {
	cJSON *items;
	const char *stage;
	long long limit, n;
} opp_page;

static int opp_item(void *user, const tp_opportunity_row *r)
{
	opp_page *p = user;
	if (p->stage && strcmp(p->stage, r->stage ? r->stage : "") != 0)
		return 0;
	if (p->limit >= 0 && p->n >= p->limit)
		return 1;
	p->n++;
	cJSON_AddItemToArray(p->items, tp_json_opportunity(r));
	return 0;
}

static enum MHD_Result opportunity_answer(api_call *a, unsigned status, int64_t id)
{
	tp_opportunity_row r;
	int found;
	tp_status rc = a->s->ops->opportunity_get(a->s, a->ctx, id, &r, &found);
	if (rc == TP_OK && !found)
		rc = tp_ctx_fail(a->ctx, TP_ERR_NOT_FOUND, "opportunity", "no opportunity %lld",
		                 (long long)id);
	return rc == TP_OK ? send_json(a->r, status, tp_json_opportunity(&r)) : failed(a, rc);
}

static enum MHD_Result opportunities(api_call *a)
{
	const char *m = a->r->method;
	tp_opportunity_row row;
	tp_status rc;
	if (a->n_parts == 1) {
		if (strcmp(m, "GET") == 0) {
			opp_page p = {cJSON_CreateArray(), query(a, "stage"), -1, 0};
			if ((rc = query_count(a, "limit", -1, PAGE_MAX * 100, &p.limit)) == TP_OK)
				rc = a->s->ops->opportunities_list(a->s, a->ctx, opp_item, &p);
			if (rc != TP_OK) {
				cJSON_Delete(p.items);
				return failed(a, rc);
			}
			return send_json(a->r, MHD_HTTP_OK, p.items);
		}
		if (strcmp(m, "POST") != 0)
			return not_allowed(a, "this path takes GET and POST");
		if ((rc = opp_of(a, &row)) == TP_OK && (row.amount < 0 || !row.currency))
			rc = tp_ctx_fail(a->ctx, TP_ERR_INVALID, row.amount < 0 ? "amount" : "currency",
			                 "is missing: an opportunity needs amount and currency");
		if (rc == TP_OK)
			rc = tp_opportunity_add(a->ctx, a->s, &row);
		return rc == TP_OK ? opportunity_answer(a, MHD_HTTP_CREATED, row.id) : failed(a, rc);
	}
	char *end;
	long long id = strtoll(a->parts[1], &end, 10);
	if (*end || id <= 0 || a->n_parts > 2)
		return fail(a, TP_ERR_NOT_FOUND, "opportunity", "no such opportunity");
	if (strcmp(m, "GET") == 0)
		return opportunity_answer(a, MHD_HTTP_OK, id);
	if (strcmp(m, "PATCH") != 0)
		return not_allowed(a, "this path takes GET and PATCH");
	if ((rc = opp_of(a, &row)) == TP_OK)
		rc = tp_opportunity_change(a->ctx, a->s, id, &row);
	return rc == TP_OK ? opportunity_answer(a, MHD_HTTP_OK, id) : failed(a, rc);
}

/* ---- reports --------------------------------------------------------------------- */

typedef struct report_query {
	api_call *a;
	tp_report_args args;
	tp_status rc;
} report_query;

static enum MHD_Result report_param(void *cls, enum MHD_ValueKind kind, const char *key,
                                    const char *value)
{
	(void)kind;
	report_query *q = cls;
	if (q->rc == TP_OK)
		q->rc = tp_report_arg(q->a->ctx, &q->args, key, value ? value : "");
	return MHD_YES;
}

static enum MHD_Result reports(api_call *a)
{
	if (strcmp(a->r->method, "GET") != 0)
		return not_allowed(a, "this path takes GET");
	if (a->n_parts != 2)
		return fail(a, TP_ERR_NOT_FOUND, "report",
		            "name the report: /v1/reports/funnel, kpi, revenue, pipeline, attribution or paths");
	report_query q = {.a = a};
	MHD_get_connection_values(a->r->conn, MHD_GET_ARGUMENT_KIND, report_param, &q);
	if (q.rc != TP_OK)
		return failed(a, q.rc);
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	if (!out)
		return fail(a, TP_ERR_NOMEM, NULL, "out of memory");
	tp_status rc = tp_report_write(a->ctx, a->s, a->parts[1], &q.args, TP_FORMAT_JSON, out, NULL);
	fclose(out);
	enum MHD_Result ok = rc == TP_OK
		? tp__respond(a->r, MHD_HTTP_OK, "application/json", text, len)
		: failed(a, rc);
	free(text);
	return ok;
}

/* ---- the entry --------------------------------------------------------------------- */

static tp_status authenticate(tp_request *r, tp_thread_state *t, tp_api_key_row *key)
{
	const char *auth = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
	                                               MHD_HTTP_HEADER_AUTHORIZATION);
	if (!auth || strncmp(auth, "Bearer ", 7) != 0)
		return tp_ctx_fail(t->ctx, TP_ERR_AUTH, "Authorization",
		                   "send the workspace's secret key as \"Authorization: Bearer KEY\"");
	return tp_api_key_check(t->ctx, t->keys, auth + 7, strlen(auth + 7), TP_API_KEY_SECRET, key);
}

enum MHD_Result tp__api(tp_request *r)
{
	int state = atomic_load(&r->job_state);
	if (state == JOB_QUEUED)
		return MHD_YES;   /* woken early: still waiting for the writer */
	if (state == JOB_DONE)
		return message_answer(r);
	tp_thread_state *t = tp__server_thread(r->srv);
	if (!t)
		return tp__respond_error(r, MHD_HTTP_SERVICE_UNAVAILABLE, TP_ERR_NOMEM, NULL,
		                         "the server is out of memory or cannot open the database");
	tp_ctx_clear(t->ctx);
	api_call a = {.r = r, .ctx = t->ctx};
	tp_api_key_row key;
	tp_status rc = authenticate(r, t, &key);
	if (rc != TP_OK)
		return failed(&a, rc);
	/* The row's strings die with the next call on the keys store. */
	char workspace[128];
	snprintf(workspace, sizeof workspace, "%s", key.workspace);
	snprintf(r->workspace, sizeof r->workspace, "%s", workspace);
	if (!(a.s = tp__server_workspace_store(r->srv, t, key.workspace_id, workspace)))
		return fail(&a, TP_ERR_STORE, NULL, "cannot open the workspace");
	snprintf(a.path, sizeof a.path, "%s", r->path + strlen("/v1/"));
	for (char *p = a.path, *save = NULL, *part; (part = strtok_r(p, "/", &save)); p = NULL) {
		if (a.n_parts == 4)
			return fail(&a, TP_ERR_NOT_FOUND, "path", "no such endpoint");
		a.parts[a.n_parts++] = part;
	}
	enum MHD_Result answered;
	if ((strcmp(r->method, "POST") == 0 || strcmp(r->method, "PATCH") == 0) &&
	    (rc = read_body(&a)) != TP_OK) {
		answered = failed(&a, rc);
	} else if (strcmp(a.parts[0], "contacts") == 0) {
		answered = contacts(&a);
	} else if (strcmp(a.parts[0], "accounts") == 0) {
		answered = accounts(&a);
	} else if (strcmp(a.parts[0], "queue") == 0) {
		answered = queue(&a);
	} else if (strcmp(a.parts[0], "suppressions") == 0) {
		answered = suppressions(&a);
	} else if (strcmp(a.parts[0], "messages") == 0) {
		answered = messages(&a);
	} else if (strcmp(a.parts[0], "opportunities") == 0) {
		answered = opportunities(&a);
	} else {
		answered = reports(&a);
	}
	cJSON_Delete(a.body);
	return answered;
}
