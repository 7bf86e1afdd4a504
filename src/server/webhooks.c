/* Lead-ad webhooks: POST /v1/webhooks/google (Google Ads lead form
 * webhook). The payload carries the whole lead and its own key
 * (google_key): paste a write key of the workspace as the webhook's key in
 * Google Ads. The lead is stored like any collector call and answered 200
 * once committed; Google retries what is not answered 200. */
#include <stdlib.h>
#include <string.h>

#include "server/server_int.h"

enum MHD_Result tp__webhook_google(tp_request *r)
{
	enum MHD_Result answered;
	if (tp__collector_waiting(r, &answered))
		return answered;
	tp_thread_state *t = tp__server_thread(r->srv);
	if (!t)
		return tp__respond_error(r, MHD_HTTP_SERVICE_UNAVAILABLE, TP_ERR_NOMEM, NULL,
		                         "the server is out of memory or cannot open the database");
	char *call = NULL, *key = NULL;
	tp_status rc = tp_lead_call(t->ctx, TP_LEADS_GOOGLE, r->body ? r->body : "", r->len, &call,
	                            &key);
	tp_api_key_row row;
	if (rc == TP_OK && !key)
		rc = tp_ctx_fail(t->ctx, TP_ERR_AUTH, "google_key",
		                 "is missing: set a write key as the webhook's key in Google Ads");
	if (rc == TP_OK)
		rc = tp_api_key_check(t->ctx, t->keys, key, strlen(key), TP_API_KEY_WRITE, &row);
	free(key);
	if (rc != TP_OK) {
		free(call);
		if (rc == TP_ERR_INVALID || rc == TP_ERR_PARSE)
			atomic_fetch_add(&r->srv->metrics.rejected, 1);
		return tp__respond_error(r, tp__http_status(rc), rc, tp_ctx_field(t->ctx),
		                         tp_ctx_message(t->ctx));
	}
	snprintf(r->workspace, sizeof r->workspace, "%s", row.workspace);
	free(r->body);
	r->body = call;
	r->len = strlen(call);
	return tp__collector_queue(r, t, &row, TP_CALL_TRACK);
}
