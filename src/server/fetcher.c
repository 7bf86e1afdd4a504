/* The lead-ad outbox's worker: see fetcher.h. */
#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "server/fetcher.h"

#define MAX_LEAD_BYTES (1 << 20)
#define MAX_WAIT_MS (3600 * 1000LL)
#define DUE_BATCH 16

struct tp_fetcher {
	char *db, *workspace;
	tp_writer *writer;
	int64_t retry_base_ms;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;      /* woken, stopping, or a job done */
	int stopping, woken;
	tp_ctx *ctx;              /* the fetcher thread's */
	tp_store *reader;
};

/* A due lead, copied out of the store's row. */
typedef struct due_lead {
	int64_t id, workspace_id;
	char workspace[128], platform[16], lead_id[128];
	int attempts;
} due_lead;

typedef struct due_list {
	due_lead items[DUE_BATCH];
	int n;
} due_list;

static int64_t now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_REALTIME, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static int take_due(void *user, const tp_lead_fetch_row *r)
{
	due_list *l = user;
	if (l->n == DUE_BATCH)
		return 1;
	due_lead *d = &l->items[l->n++];
	d->id = r->id;
	d->workspace_id = r->workspace_id;
	d->attempts = r->attempts;
	snprintf(d->workspace, sizeof d->workspace, "%s", r->workspace ? r->workspace : "");
	snprintf(d->platform, sizeof d->platform, "%s", r->platform ? r->platform : "");
	snprintf(d->lead_id, sizeof d->lead_id, "%s", r->lead_id ? r->lead_id : "");
	return 0;
}

typedef struct body {
	char *data;
	size_t len;
	int too_big;
} body;

static size_t on_data(char *p, size_t size, size_t n, void *user)
{
	body *b = user;
	size_t add = size * n;
	if (b->len + add > MAX_LEAD_BYTES) {
		b->too_big = 1;
		return 0;
	}
	char *grown = realloc(b->data, b->len + add + 1);
	if (!grown)
		return 0;
	memcpy(grown + b->len, p, add);
	b->data = grown;
	b->len += add;
	b->data[b->len] = '\0';
	return add;
}

/* GETs the lead from the platform: 0 and *out (new) on 200, else -1 and
 * `error` says why. */
static int http_get_lead(tp_lead_format format, const tp_lead_source *src, const char *lead_id,
                         char **out, char *error, size_t cap)
{
	CURL *curl = curl_easy_init();
	if (!curl) {
		snprintf(error, cap, "libcurl could not start");
		return -1;
	}
	const char *api = src->api_url[0] ? src->api_url : tp_lead_api_default(format);
	char *id = curl_easy_escape(curl, lead_id, 0);
	char url[1024];
	if (format == TP_LEADS_META)
		snprintf(url, sizeof url, "%s/%s?fields=id,created_time,ad_id,ad_name,adset_id,"
		         "adset_name,campaign_id,campaign_name,form_id,is_organic,platform,field_data",
		         api, id ? id : "");
	else
		snprintf(url, sizeof url, "%s/leadFormResponses/%s", api, id ? id : "");
	curl_free(id);
	char auth[1100];
	snprintf(auth, sizeof auth, "Authorization: Bearer %s", src->access_token);
	struct curl_slist *headers = curl_slist_append(NULL, auth);
	if (format == TP_LEADS_LINKEDIN) {
		headers = curl_slist_append(headers, "LinkedIn-Version: 202411");
		headers = curl_slist_append(headers, "X-Restli-Protocol-Version: 2.0.0");
	}
	body b = {NULL, 0, 0};
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 15000L);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
	CURLcode cc = curl_easy_perform(curl);
	long status = 0;
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(headers);
	curl_easy_cleanup(curl);
	int ok = cc == CURLE_OK && status == 200 && b.data;
	if (ok) {
		*out = b.data;
		return 0;
	}
	if (b.too_big)
		snprintf(error, cap, "the answer is over %d bytes", MAX_LEAD_BYTES);
	else if (cc != CURLE_OK)
		snprintf(error, cap, "%s", curl_easy_strerror(cc));
	else
		snprintf(error, cap, "HTTP %ld: %.200s", status, b.data ? b.data : "");
	free(b.data);
	return -1;
}

static void job_done(tp_write_job *job)
{
	tp_fetcher *f = job->user;
	pthread_mutex_lock(&f->lock);
	job->user = NULL;   /* done */
	pthread_cond_broadcast(&f->wake);
	pthread_mutex_unlock(&f->lock);
}

static tp_status submit_and_wait(tp_fetcher *f, tp_write_job *job)
{
	job->done = job_done;
	job->user = f;
	tp_writer_submit(f->writer, job);
	pthread_mutex_lock(&f->lock);
	while (job->user)
		pthread_cond_wait(&f->wake, &f->lock);
	pthread_mutex_unlock(&f->lock);
	return job->rc;
}

static int64_t backoff_ms(const tp_fetcher *f, int attempts)
{
	int64_t wait = f->retry_base_ms;
	for (int i = 1; i < attempts && wait < MAX_WAIT_MS; i++)
		wait *= 2;
	return wait < MAX_WAIT_MS ? wait : MAX_WAIT_MS;
}

static void fetch_one(tp_fetcher *f, const due_lead *d)
{
	tp_lead_format format = TP_LEADS_NONE;
	tp_lead_source src;
	int found = 0;
	char error[300] = "";
	char *lead = NULL, *call = NULL;
	tp_store *store = NULL;
	tp_lead_format_from_name(d->platform, &format);
	if (tp_store_open_sqlite(f->ctx, f->db, d->workspace, TP_OPEN_EXISTING, &store) != TP_OK ||
	    tp_lead_source_get(f->ctx, store, format, &src, &found) != TP_OK)
		snprintf(error, sizeof error, "%s", tp_ctx_message(f->ctx));
	else if (!found || !src.access_token[0])
		snprintf(error, sizeof error, "no access token: touchpoint leads set %s --access-token T",
		         d->platform);
	tp_store_close(store);
	if (!error[0] && http_get_lead(format, &src, d->lead_id, &lead, error, sizeof error) == 0 &&
	    tp_lead_call(f->ctx, format, lead, strlen(lead), &call, NULL) != TP_OK)
		snprintf(error, sizeof error, "the platform's answer: %.60s %.200s", tp_ctx_field(f->ctx),
		         tp_ctx_message(f->ctx));
	free(lead);
	tp_write_job job = {.workspace_id = d->workspace_id, .fetch_id = d->id,
	                    .attempts = d->attempts + 1};
	snprintf(job.workspace, sizeof job.workspace, "%s", d->workspace);
	if (call) {
		job.kind = TP_WRITE_LEAD_FETCHED;
		job.body = call;
		job.len = strlen(call);
		job.next_at = now_ms();
		if (submit_and_wait(f, &job) != TP_OK)
			snprintf(error, sizeof error, "not stored: %.60s %.200s", job.field, job.message);
		free(call);
		if (!error[0])
			return;
	}
	job.kind = TP_WRITE_LEAD_RETRY;
	job.body = NULL;
	job.len = 0;
	job.error = error;
	job.next_at = now_ms() + backoff_ms(f, job.attempts);
	submit_and_wait(f, &job);   /* on failure the row stays due: tried again */
}

static void *fetcher_main(void *arg)
{
	tp_fetcher *f = arg;
	for (;;) {
		pthread_mutex_lock(&f->lock);
		int stop = f->stopping;
		f->woken = 0;
		pthread_mutex_unlock(&f->lock);
		if (stop)
			break;
		due_list due = {.n = 0};
		int64_t next = 0;
		if (f->reader->ops->lead_fetch_due(f->reader, f->ctx, now_ms(), DUE_BATCH, take_due,
		                                   &due) == TP_OK)
			for (int i = 0; i < due.n; i++)
				fetch_one(f, &due.items[i]);
		if (due.n)
			continue;
		if (f->reader->ops->lead_fetch_next(f->reader, f->ctx, &next) != TP_OK)
			next = now_ms() + 1000;   /* the store failed: look again soon */
		pthread_mutex_lock(&f->lock);
		if (!f->stopping && !f->woken) {
			if (next) {
				struct timespec until = {(time_t)(next / 1000), (long)(next % 1000) * 1000000};
				pthread_cond_timedwait(&f->wake, &f->lock, &until);
			} else {
				pthread_cond_wait(&f->wake, &f->lock);
			}
		}
		pthread_mutex_unlock(&f->lock);
	}
	return NULL;
}

void tp_fetcher_wake(void *fetcher)
{
	tp_fetcher *f = fetcher;
	pthread_mutex_lock(&f->lock);
	f->woken = 1;
	pthread_cond_broadcast(&f->wake);
	pthread_mutex_unlock(&f->lock);
}

static void fetcher_free(tp_fetcher *f)
{
	tp_store_close(f->reader);
	tp_ctx_destroy(f->ctx);
	pthread_mutex_destroy(&f->lock);
	pthread_cond_destroy(&f->wake);
	free(f->db);
	free(f->workspace);
	free(f);
}

tp_status tp_fetcher_start(tp_ctx *ctx, const char *db, const char *workspace, tp_writer *w,
                           int64_t retry_base_ms, tp_fetcher **out)
{
	tp_fetcher *f = calloc(1, sizeof *f);
	if (!f)
		return tp_ctx_fail(ctx, TP_ERR_NOMEM, NULL, "out of memory");
	pthread_mutex_init(&f->lock, NULL);
	pthread_cond_init(&f->wake, NULL);
	f->writer = w;
	f->retry_base_ms = retry_base_ms > 0 ? retry_base_ms : 1000;
	if (!(f->db = strdup(db)) || !(f->workspace = strdup(workspace)) ||
	    !(f->ctx = tp_ctx_create())) {
		fetcher_free(f);
		return tp_ctx_fail(ctx, TP_ERR_NOMEM, NULL, "out of memory");
	}
	tp_status rc = tp_store_open_sqlite(ctx, db, workspace, TP_OPEN_EXISTING, &f->reader);
	if (rc == TP_OK && pthread_create(&f->thread, NULL, fetcher_main, f) != 0)
		rc = tp_ctx_fail(ctx, TP_ERR_IO, NULL, "cannot start the lead fetcher thread");
	if (rc != TP_OK) {
		fetcher_free(f);
		return rc;
	}
	tp_writer_on_leads(w, tp_fetcher_wake, f);
	*out = f;
	return TP_OK;
}

void tp_fetcher_stop(tp_fetcher *f)
{
	if (!f)
		return;
	tp_writer_on_leads(f->writer, NULL, NULL);
	pthread_mutex_lock(&f->lock);
	f->stopping = 1;
	pthread_cond_broadcast(&f->wake);
	pthread_mutex_unlock(&f->lock);
	pthread_join(f->thread, NULL);
	fetcher_free(f);
}
