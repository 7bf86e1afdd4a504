/* The Segment-compatible collector: POST /v1/track|identify|page|screen|
 * group|alias|batch with the workspace's write key as the Basic auth user
 * (Segment's HTTP API), answered 200 once the calls are committed. A body
 * is checked whole before anything is queued: a batch with one bad call is
 * refused whole (400 naming batch[i].field), so that a client can fix and
 * resend it without storing any call twice. */
#include <string.h>

#include "server/server_int.h"

static void job_done(tp_write_job *job)
{
	tp_request *r = job->user;
	atomic_store(&r->job_state, JOB_DONE);
	MHD_resume_connection(r->conn);
}

/* The write key: Basic auth user (Segment), else its password, else Bearer. */
static tp_status authenticate(tp_request *r, tp_thread_state *t, tp_api_key_row *key)
{
	char *pass = NULL;
	char *user = MHD_basic_auth_get_username_password(r->conn, &pass);
	const char *presented = user && *user ? user : pass;
	tp_status rc;
	if (presented) {
		rc = tp_api_key_check(t->ctx, t->keys, presented, strlen(presented), TP_API_KEY_WRITE, key);
	} else {
		const char *auth = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
		                                               MHD_HTTP_HEADER_AUTHORIZATION);
		const char *bearer = auth && strncmp(auth, "Bearer ", 7) == 0 ? auth + 7 : "";
		rc = tp_api_key_check(t->ctx, t->keys, bearer, strlen(bearer), TP_API_KEY_WRITE, key);
	}
	if (user)
		MHD_free(user);
	if (pass)
		MHD_free(pass);
	return rc;
}

enum MHD_Result tp__collect(tp_request *r)
{
	int state = atomic_load(&r->job_state);
	if (state == JOB_DONE) {
		if (r->job.rc == TP_OK) {
			static const char ok[] = "{\"success\":true}";
			return tp__respond(r, MHD_HTTP_OK, "application/json", ok, sizeof ok - 1);
		}
		return tp__respond_error(r, tp__http_status(r->job.rc), r->job.rc, r->job.field,
		                         r->job.message);
	}
	if (state == JOB_QUEUED)
		return MHD_YES;   /* woken early: still waiting for the commit */
	tp_thread_state *t = tp__server_thread(r->srv);
	if (!t)
		return tp__respond_error(r, MHD_HTTP_SERVICE_UNAVAILABLE, TP_ERR_NOMEM, NULL,
		                         "the server is out of memory or cannot open the database");
	tp_api_key_row key;
	tp_status rc = authenticate(r, t, &key);
	if (rc != TP_OK)
		return tp__respond_error(r, tp__http_status(rc), rc, tp_ctx_field(t->ctx),
		                         tp_ctx_message(t->ctx));
	snprintf(r->workspace, sizeof r->workspace, "%s", key.workspace);
	if (r->len == 0) {
		atomic_fetch_add(&r->srv->metrics.rejected, 1);
		return tp__respond_error(r, MHD_HTTP_BAD_REQUEST, TP_ERR_INVALID, "body",
		                         "is empty: send the call as JSON");
	}
	const tp_parse_item *items;
	size_t n;
	rc = tp_segment_parse_live(t->parser, t->ctx, r->body, r->len, tp_ctx_now(t->ctx),
	                           r->route->call, &items, &n);
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
	r->job = (tp_write_job){.workspace_id = key.workspace_id, .body = r->body, .len = r->len,
	                        .call = r->route->call, .done = job_done, .user = r};
	snprintf(r->job.workspace, sizeof r->job.workspace, "%s", key.workspace);
	/* Suspend before queueing: the writer may finish before we return. */
	atomic_store(&r->job_state, JOB_QUEUED);
	MHD_suspend_connection(r->conn);
	tp_writer_submit(r->srv->writer, &r->job);
	return MHD_YES;
}
