/* The links in nurture emails, answered without login: the signed token in
 * the path is the only credential (src/nurture/mail.c makes them).
 *
 *   GET  /u/TOKEN     a page that asks to confirm (link scanners fetch
 *                     every link of a message; they must not unsubscribe)
 *   POST /u/TOKEN     unsubscribes: the page's button, or a mail client's
 *                     RFC 8058 one-click POST of List-Unsubscribe=One-Click
 *   GET  /c/TOKEN/N   records the click, then 302 to the message's link N
 *   GET  /o/TOKEN     records the open, answers a 1x1 GIF
 *
 * What the link reports is written by the writer thread (the message's
 * stamp, the suppression, the consent, the contact's touch in one commit)
 * before the answer, like every event the collector takes. */
#include <stdlib.h>
#include <string.h>

#include "server/server_int.h"

static const char page_head[] =
	"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
	"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
	"<title>Unsubscribe</title><style>body{font:16px/1.5 system-ui,sans-serif;max-width:32em;"
	"margin:4em auto;padding:0 1em}button{font:inherit;padding:.5em 1.2em}</style></head><body>";

static const char confirm_page[] =
	"<h1>Unsubscribe</h1><p>You will get no more emails like this one.</p>"
	"<form method=\"post\"><button type=\"submit\">Unsubscribe</button></form></body></html>";
static const char done_page[] =
	"<h1>You are unsubscribed</h1><p>You will get no more emails like this one.</p>"
	"</body></html>";
static const char bad_page[] =
	"<h1>This link is not valid</h1><p>It may have been cut off when it was copied. Use the "
	"link in the email itself.</p></body></html>";
static const char failed_page[] =
	"<h1>Please try again</h1><p>We could not record this just now.</p></body></html>";

static enum MHD_Result page(tp_request *r, unsigned status, const char *body)
{
	size_t head = sizeof page_head - 1, n = strlen(body);
	char *text = malloc(head + n);
	if (!text)
		return MHD_NO;
	memcpy(text, page_head, head);
	memcpy(text + head, body, n);
	enum MHD_Result ok = tp__respond(r, status, "text/html; charset=utf-8", text, head + n);
	free(text);
	return ok;
}

static enum MHD_Result gif(tp_request *r)
{
	return tp__respond(r, MHD_HTTP_OK, "image/gif", (const char *)tp__pixel_gif,
	                   tp__pixel_gif_len);
}

static enum MHD_Result found(tp_request *r, const char *url)
{
	struct MHD_Response *resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	if (!resp)
		return MHD_NO;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_LOCATION, url);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	enum MHD_Result ok = MHD_queue_response(r->conn, MHD_HTTP_FOUND, resp);
	MHD_destroy_response(resp);
	r->status = MHD_HTTP_FOUND;
	return ok;
}

/* The answer once the writer is done. A click goes on to its page and a
 * pixel is a pixel whatever became of the write (the person must not be
 * stopped); the failure is in the metrics and the access log's status. */
static enum MHD_Result answer(tp_request *r)
{
	char kind = r->path[1];
	if (r->job.rc != TP_OK)
		atomic_fetch_add(&r->srv->metrics.rejected, 1);
	if (kind == 'c')
		return found(r, r->location);
	if (kind == 'o')
		return gif(r);
	return page(r, r->job.rc == TP_OK ? MHD_HTTP_OK : MHD_HTTP_SERVICE_UNAVAILABLE,
	            r->job.rc == TP_OK ? done_page : failed_page);
}

/* Splits "/k/TOKEN[/N]"; -1 when the path is not of that shape. */
static int split_path(const char *path, char token[64], int *link)
{
	if (strlen(path) < 4 || path[2] != '/')
		return -1;
	const char *t = path + 3, *slash = strchr(t, '/');
	size_t n = slash ? (size_t)(slash - t) : strlen(t);
	if (n == 0 || n >= 64)
		return -1;
	memcpy(token, t, n);
	token[n] = '\0';
	*link = 0;
	if (path[1] != 'c')
		return slash ? -1 : 0;
	if (!slash || !slash[1] || strlen(slash + 1) > 4 || strspn(slash + 1, "0123456789") != strlen(slash + 1))
		return -1;
	*link = (int)strtol(slash + 1, NULL, 10);
	return 0;
}

static enum MHD_Result refuse(tp_request *r, char kind, unsigned status)
{
	if (kind == 'o')
		return gif(r);   /* an image tag shows nothing either way */
	return page(r, status, bad_page);
}

enum MHD_Result tp__mail_link(tp_request *r)
{
	int state = atomic_load(&r->job_state);
	if (state == JOB_QUEUED)
		return MHD_YES;   /* woken early: still waiting for the commit */
	if (state == JOB_DONE)
		return answer(r);
	char kind = r->path[1], token[64];
	int link;
	if (split_path(r->path, token, &link) != 0)
		return refuse(r, kind, MHD_HTTP_NOT_FOUND);
	tp_thread_state *t = tp__server_thread(r->srv);
	if (!t)
		return kind == 'o' ? gif(r) : page(r, MHD_HTTP_SERVICE_UNAVAILABLE, failed_page);
	tp_ctx_clear(t->ctx);
	/* Tokens of the served workspace only: its secret signs them. */
	int64_t message_id;
	tp_status rc = tp_mail_token_check(t->ctx, t->keys, token, kind, &message_id);
	if (rc != TP_OK)
		return refuse(r, kind, rc == TP_ERR_AUTH ? MHD_HTTP_FORBIDDEN : MHD_HTTP_SERVICE_UNAVAILABLE);
	snprintf(r->workspace, sizeof r->workspace, "%s", t->keys->workspace);
	if (kind == 'u' && strcmp(r->method, "GET") == 0)
		return page(r, MHD_HTTP_OK, confirm_page);
	tp_mail_event what = TP_MAIL_OPENED;
	const char *source = "open pixel";
	if (kind == 'c') {
		what = TP_MAIL_CLICKED, source = "tracked link";
		if ((rc = tp_mail_link(t->ctx, t->keys, message_id, link, &r->location)) != TP_OK)
			return refuse(r, kind, rc == TP_ERR_NOT_FOUND ? MHD_HTTP_NOT_FOUND
			                                              : MHD_HTTP_SERVICE_UNAVAILABLE);
	} else if (kind == 'u') {
		/* RFC 8058: a mail client posts exactly this; the page's form posts nothing. */
		int one_click = r->body && strstr(r->body, "List-Unsubscribe=One-Click");
		what = TP_MAIL_UNSUBSCRIBED;
		source = one_click ? "one-click unsubscribe (RFC 8058)" : "unsubscribe page";
	}
	r->job = (tp_write_job){.workspace_id = t->keys->workspace_id, .kind = TP_WRITE_MAIL_EVENT,
	                        .message_id = message_id, .mail_event = (int)what, .link = link,
	                        .error = source, .body = "", .len = 0};
	snprintf(r->job.workspace, sizeof r->job.workspace, "%s", t->keys->workspace);
	return tp__request_submit(r);
}
