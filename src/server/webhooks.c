/* Lead-ad webhooks. Every one names its workspace by a write key (Google:
 * the payload's google_key; the others: ?writeKey= in the callback URL).
 *
 * - Google, TikTok: the payload is the whole lead; it is stored like any
 *   collector call and answered 200 once committed (the platforms retry
 *   what is not answered 200).
 * - Meta, LinkedIn: the notification names leads by id only. It is signed
 *   with the app's secret (X-Hub-Signature-256, X-LI-Signature), checked
 *   before anything is kept; then its leads go into the outbox, committed
 *   before the 200, and the fetcher gets them from the platform's API.
 *   Their GET is the platform's check that the endpoint is ours. */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "server/server_int.h"

static enum MHD_Result no_thread(tp_request *r)
{
	return tp__respond_error(r, MHD_HTTP_SERVICE_UNAVAILABLE, TP_ERR_NOMEM, NULL,
	                         "the server is out of memory or cannot open the database");
}

static enum MHD_Result failed(tp_request *r, tp_thread_state *t, tp_status rc)
{
	if (rc == TP_ERR_INVALID || rc == TP_ERR_PARSE)
		atomic_fetch_add(&r->srv->metrics.rejected, 1);
	return tp__respond_error(r, tp__http_status(rc), rc, tp_ctx_field(t->ctx),
	                         tp_ctx_message(t->ctx));
}

/* The lead as a track call, queued like a collector call. */
static enum MHD_Result queue_lead(tp_request *r, tp_thread_state *t, tp_lead_format format,
                                  const tp_api_key_row *key)
{
	char *call = NULL;
	tp_status rc = tp_lead_call(t->ctx, format, r->body ? r->body : "", r->len, &call, NULL);
	if (rc != TP_OK)
		return failed(r, t, rc);
	free(r->body);
	r->body = call;
	r->len = strlen(call);
	return tp__collector_queue(r, t, key, TP_CALL_TRACK);
}

enum MHD_Result tp__webhook_google(tp_request *r)
{
	enum MHD_Result answered;
	if (tp__collector_waiting(r, &answered))
		return answered;
	tp_thread_state *t = tp__server_thread(r->srv);
	if (!t)
		return no_thread(r);
	/* Google sends its key in the payload: paste a write key as the
	 * webhook's key in Google Ads. */
	char *call = NULL, *key = NULL;
	tp_status rc = tp_lead_call(t->ctx, TP_LEADS_GOOGLE, r->body ? r->body : "", r->len, &call,
	                            &key);
	free(call);
	tp_api_key_row row;
	if (rc == TP_OK && !key)
		rc = tp_ctx_fail(t->ctx, TP_ERR_AUTH, "google_key",
		                 "is missing: set a write key as the webhook's key in Google Ads");
	if (rc == TP_OK)
		rc = tp_api_key_check(t->ctx, t->keys, key, strlen(key), TP_API_KEY_WRITE, &row);
	free(key);
	if (rc != TP_OK)
		return failed(r, t, rc);
	snprintf(r->workspace, sizeof r->workspace, "%s", row.workspace);
	return queue_lead(r, t, TP_LEADS_GOOGLE, &row);
}

/* A webhook that names its workspace by the usual write key: 1 when the
 * request was answered (queued before, or refused), else *t and *key. */
static int keyed_webhook(tp_request *r, tp_thread_state **t, tp_api_key_row *key,
                         enum MHD_Result *answered)
{
	return tp__collector_waiting(r, answered) || tp__collector_auth(r, t, key, answered) != 0;
}

enum MHD_Result tp__webhook_tiktok(tp_request *r)
{
	enum MHD_Result answered;
	tp_thread_state *t;
	tp_api_key_row key;
	if (keyed_webhook(r, &t, &key, &answered))
		return answered;
	return queue_lead(r, t, TP_LEADS_TIKTOK, &key);
}

/* The workspace's connection to the route's platform; *src empty when
 * never set. */
static tp_status source_of(tp_request *r, tp_thread_state *t, const tp_api_key_row *key,
                           tp_lead_source *src)
{
	int found;
	tp_store *s = tp__server_workspace_store(r->srv, t, key->workspace_id, key->workspace);
	if (!s)
		return tp_ctx_fail(t->ctx, TP_ERR_STORE, NULL, "cannot open the workspace");
	return tp_lead_source_get(t->ctx, s, (tp_lead_format)r->route->call, src, &found);
}

/* The request thread only checks the notification (a bad one gets its
 * 400 now); the writer adds its leads. */
static int check_only(void *user, const char *lead_id)
{
	(void)user, (void)lead_id;
	return 0;
}

enum MHD_Result tp__webhook_notice(tp_request *r)
{
	enum MHD_Result answered;
	tp_thread_state *t;
	tp_api_key_row key;
	if (keyed_webhook(r, &t, &key, &answered))
		return answered;
	tp_lead_format format = (tp_lead_format)r->route->call;
	const char *header = format == TP_LEADS_META ? "X-Hub-Signature-256" : "X-LI-Signature";
	tp_lead_source src;
	tp_status rc = source_of(r, t, &key, &src);
	if (rc == TP_OK && !src.app_secret[0])
		rc = tp_ctx_fail(t->ctx, TP_ERR_FORBIDDEN, "app_secret",
		                 "is not set: touchpoint leads set %s --app-secret S",
		                 tp_lead_format_name(format));
	const char *signature = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, header);
	if (rc == TP_OK &&
	    !tp_lead_signature_ok(src.app_secret, r->body ? r->body : "", r->len, signature))
		rc = tp_ctx_fail(t->ctx, TP_ERR_AUTH, header,
		                 signature ? "does not match the body signed with the app secret"
		                           : "is missing: the platform signs every notification");
	if (rc == TP_OK)
		rc = tp_lead_notification(t->ctx, format, r->body ? r->body : "", r->len, check_only,
		                          NULL);
	if (rc != TP_OK)
		return failed(r, t, rc);
	return tp__collector_submit(r, &key, (int)format, TP_WRITE_LEAD_NOTICE);
}

enum MHD_Result tp__webhook_challenge(tp_request *r)
{
	enum MHD_Result answered;
	tp_thread_state *t;
	tp_api_key_row key;
	if (tp__collector_auth(r, &t, &key, &answered) != 0)
		return answered;
	tp_lead_source src;
	tp_status rc = source_of(r, t, &key, &src);
	if (rc != TP_OK)
		return failed(r, t, rc);
	if (r->route->call == TP_LEADS_META) {
		/* Meta: echo hub.challenge when hub.verify_token is the one set. */
		const char *mode = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "hub.mode");
		const char *token =
			MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "hub.verify_token");
		const char *challenge =
			MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "hub.challenge");
		if (!mode || strcmp(mode, "subscribe") != 0 || !challenge)
			return tp__respond_error(r, MHD_HTTP_BAD_REQUEST, TP_ERR_INVALID, "hub.mode",
			                         "must be subscribe, with hub.challenge");
		if (!src.verify_token[0] || !token || strcmp(token, src.verify_token) != 0)
			return tp__respond_error(r, MHD_HTTP_FORBIDDEN, TP_ERR_FORBIDDEN, "hub.verify_token",
			                         "is not the verify token set (touchpoint leads set meta"
			                         " --verify-token T)");
		return tp__respond(r, MHD_HTTP_OK, "text/plain", challenge, strlen(challenge));
	}
	/* LinkedIn: answer challengeCode with its HMAC under the client secret. */
	const char *code = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "challengeCode");
	if (!code || !code[0] || strlen(code) > 200)
		return tp__respond_error(r, MHD_HTTP_BAD_REQUEST, TP_ERR_INVALID, "challengeCode",
		                         "is required");
	if (!src.app_secret[0])
		return tp__respond_error(r, MHD_HTTP_FORBIDDEN, TP_ERR_FORBIDDEN, "app_secret",
		                         "is not set: touchpoint leads set linkedin --app-secret S");
	char mac[65];
	tp_lead_hmac_hex(src.app_secret, code, strlen(code), mac);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "challengeCode", code);
	cJSON_AddStringToObject(o, "challengeResponse", mac);
	char *text = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	if (!text)
		return no_thread(r);
	enum MHD_Result res = tp__respond(r, MHD_HTTP_OK, "application/json", text, strlen(text));
	free(text);
	return res;
}
