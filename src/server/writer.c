/* The writer thread of the collector: see writer.h. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/writer.h"

/* One open workspace: its store connection and importer. */
typedef struct workspace_writer {
	int64_t id;
	tp_store *store;
	tp_importer *imp;
	tp_import_stats seen;   /* committed counters already added to the stats */
	struct workspace_writer *next;
} workspace_writer;

struct tp_writer {
	char *db;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	tp_write_job *head, **tail;
	int stopping;
	tp_writer_stats stats;
	workspace_writer *open;
	tp_ctx *ctx;              /* the writer thread's */
	tp_import_opts opts;
	void (*on_leads)(void *user);
	void *on_leads_user;
	void (*on_commit)(void *user);
	void *on_commit_user;
};

typedef struct notice {
	tp_store *store;
	tp_ctx *ctx;
	tp_write_job *job;
	int64_t now;
	int added;
	tp_status rc;
} notice;

static int add_notice(void *user, const char *lead_id)
{
	notice *n = user;
	int added = 0;
	tp_lead_fetch_row r = {.platform = tp_lead_format_name((tp_lead_format)n->job->call),
	                       .lead_id = lead_id, .notification = n->job->body,
	                       .received_at = n->now, .next_at = n->now};
	n->rc = n->store->ops->lead_fetch_add(n->store, n->ctx, &r, &added);
	n->added += added;
	return n->rc != TP_OK;
}

/* One job's writes, inside the group's transaction. *leads counts leads
 * added to the outbox. */
static tp_status write_one(tp_writer *w, workspace_writer *o, tp_write_job *j, int *leads)
{
	tp_ctx *ctx = w->ctx;
	tp_store *s = o->store;
	int64_t now = tp_ctx_now(ctx);
	tp_status rc;
	switch (j->kind) {
	case TP_WRITE_LEAD_NOTICE: {
		if ((rc = tp_importer_begin(o->imp, ctx)) != TP_OK)
			return rc;
		notice n = {s, ctx, j, now, 0, TP_OK};
		rc = tp_lead_notification(ctx, (tp_lead_format)j->call, j->body, j->len, add_notice, &n);
		*leads += n.added;
		return rc != TP_OK ? rc : n.rc;
	}
	case TP_WRITE_LEAD_FETCHED:
		rc = tp_importer_record_live(o->imp, ctx, j->body, j->len, TP_CALL_TRACK);
		return rc != TP_OK ? rc
		       : s->ops->lead_fetch_update(s, ctx, j->fetch_id, j->attempts, j->next_at, NULL, now);
	case TP_WRITE_LEAD_RETRY:
		if ((rc = tp_importer_begin(o->imp, ctx)) != TP_OK)
			return rc;
		return s->ops->lead_fetch_update(s, ctx, j->fetch_id, j->attempts, j->next_at, j->error, 0);
	case TP_WRITE_MAIL_EVENT: {
		char *call = NULL;
		if ((rc = tp_importer_begin(o->imp, ctx)) != TP_OK ||
		    (rc = tp_mail_feedback(ctx, s, j->message_id, (tp_mail_event)j->mail_event, j->link,
		                           j->error, now, &call)) != TP_OK || !call)
			return rc;
		rc = tp_importer_record_live(o->imp, ctx, call, strlen(call), TP_CALL_TRACK);
		free(call);
		return rc;
	}
	default:
		if (j->items)
			return tp_importer_items(o->imp, ctx, j->items, j->n_items, j->len);
		return tp_importer_record_live(o->imp, ctx, j->body, j->len, j->call);
	}
}

static void job_fail(tp_write_job *job, tp_status rc, const char *field, const char *message)
{
	job->rc = rc;
	snprintf(job->field, sizeof job->field, "%s", field ? field : "");
	snprintf(job->message, sizeof job->message, "%s", message ? message : "");
}

static workspace_writer *writer_of(tp_writer *w, tp_write_job *job)
{
	for (workspace_writer *o = w->open; o; o = o->next)
		if (o->id == job->workspace_id)
			return o;
	workspace_writer *o = calloc(1, sizeof *o);
	if (!o) {
		job_fail(job, TP_ERR_NOMEM, NULL, "out of memory");
		return NULL;
	}
	tp_status rc = tp_store_open_sqlite(w->ctx, w->db, job->workspace, TP_OPEN_EXISTING, &o->store);
	if (rc == TP_OK)
		rc = tp_importer_create(w->ctx, o->store, &w->opts, &o->imp);
	if (rc != TP_OK) {
		job_fail(job, rc, tp_ctx_field(w->ctx), tp_ctx_message(w->ctx));
		tp_store_close(o->store);
		free(o);
		return NULL;
	}
	o->id = job->workspace_id;
	o->next = w->open;
	w->open = o;
	return o;
}

/* Stores the jobs of one workspace (linked by ->next, all rc == TP_OK on
 * entry) in one transaction. A job the importer refuses is answered with
 * its error and the transaction is replayed without it, so that no other
 * request stores half of its calls or loses them. */
static void write_group(tp_writer *w, workspace_writer *o, tp_write_job *jobs)
{
	tp_ctx *ctx = w->ctx;
	int leads;
	for (;;) {
		tp_write_job *bad = NULL;
		tp_status rc = TP_OK;
		leads = 0;
		for (tp_write_job *j = jobs; j && !bad; j = j->next)
			if (j->rc == TP_OK && (rc = write_one(w, o, j, &leads)) != TP_OK)
				bad = j;
		if (!bad)
			break;
		tp_importer_abort(o->imp);
		if (rc == TP_ERR_STORE || rc == TP_ERR_NOMEM || rc == TP_ERR_IO) {
			/* Not this request's fault: the whole group fails, retryably. */
			for (tp_write_job *j = jobs; j; j = j->next)
				if (j->rc == TP_OK)
					job_fail(j, rc, tp_ctx_field(ctx), tp_ctx_message(ctx));
			return;
		}
		job_fail(bad, rc, tp_ctx_field(ctx), tp_ctx_message(ctx));
	}
	tp_status rc = tp_importer_commit(o->imp, ctx);
	const tp_import_stats *st = tp_importer_stats(o->imp);
	pthread_mutex_lock(&w->lock);
	w->stats.commits++;
	w->stats.accepted += st->accepted - o->seen.accepted;
	w->stats.duplicates += st->duplicates - o->seen.duplicates;
	pthread_mutex_unlock(&w->lock);
	o->seen = *st;
	if (rc != TP_OK)
		for (tp_write_job *j = jobs; j; j = j->next)
			if (j->rc == TP_OK)
				job_fail(j, rc, tp_ctx_field(ctx), tp_ctx_message(ctx));
	/* Under the lock: once tp_writer_on_leads(NULL) returns, no call to
	 * the old hook is under way (its owner may then be freed). */
	pthread_mutex_lock(&w->lock);
	if (rc == TP_OK && leads && w->on_leads)
		w->on_leads(w->on_leads_user);
	if (rc == TP_OK && w->on_commit)
		w->on_commit(w->on_commit_user);
	pthread_mutex_unlock(&w->lock);
}

static void *writer_main(void *arg)
{
	tp_writer *w = arg;
	for (;;) {
		pthread_mutex_lock(&w->lock);
		while (!w->head && !w->stopping)
			pthread_cond_wait(&w->wake, &w->lock);
		tp_write_job *all = w->head;
		w->head = NULL;
		w->tail = &w->head;
		int stop = w->stopping && !all;
		pthread_mutex_unlock(&w->lock);
		if (stop)
			break;
		/* Split by workspace, keeping arrival order within each. */
		while (all) {
			int64_t ws = all->workspace_id;
			tp_write_job *mine = NULL, **mine_tail = &mine, *rest = NULL, **rest_tail = &rest;
			int n = 0;
			for (tp_write_job *j = all, *next; j; j = next) {
				next = j->next;
				j->next = NULL;
				if (j->workspace_id == ws) {
					*mine_tail = j, mine_tail = &j->next;
					n++;
				} else {
					*rest_tail = j, rest_tail = &j->next;
				}
			}
			all = rest;
			for (tp_write_job *j = mine; j; j = j->next)
				j->rc = TP_OK;
			workspace_writer *o = writer_of(w, mine);
			if (o)
				write_group(w, o, mine);
			else
				for (tp_write_job *j = mine->next; j; j = j->next)
					job_fail(j, mine->rc, mine->field, mine->message);
			pthread_mutex_lock(&w->lock);
			w->stats.queued -= n;
			pthread_mutex_unlock(&w->lock);
			for (tp_write_job *j = mine, *next; j; j = next) {
				next = j->next;   /* done() may free the job */
				j->done(j);
			}
		}
	}
	return NULL;
}

tp_status tp_writer_start(tp_ctx *ctx, const char *db, tp_writer **out)
{
	tp_writer *w = calloc(1, sizeof *w);
	if (!w || !(w->db = strdup(db)) || !(w->ctx = tp_ctx_create())) {
		if (w)
			free(w->db);
		free(w);
		return tp_ctx_fail(ctx, TP_ERR_NOMEM, NULL, "out of memory");
	}
	/* The collector commits each group itself; a workspace getting its first
	 * events must not switch to the bulk load's deferred indexes. */
	w->opts = (tp_import_opts){.actor = "collector", .commit_every = INT64_MAX, .no_bulk = 1};
	w->tail = &w->head;
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->wake, NULL);
	if (pthread_create(&w->thread, NULL, writer_main, w) != 0) {
		tp_ctx_destroy(w->ctx);
		free(w->db);
		free(w);
		return tp_ctx_fail(ctx, TP_ERR_IO, NULL, "cannot start the writer thread");
	}
	*out = w;
	return TP_OK;
}

void tp_writer_submit(tp_writer *w, tp_write_job *job)
{
	job->next = NULL;
	job->rc = TP_OK;
	pthread_mutex_lock(&w->lock);
	*w->tail = job;
	w->tail = &job->next;
	w->stats.queued++;
	pthread_cond_signal(&w->wake);
	pthread_mutex_unlock(&w->lock);
}

void tp_writer_on_leads(tp_writer *w, void (*fn)(void *user), void *user)
{
	pthread_mutex_lock(&w->lock);
	w->on_leads = fn;
	w->on_leads_user = user;
	pthread_mutex_unlock(&w->lock);
}

void tp_writer_on_commit(tp_writer *w, void (*fn)(void *user), void *user)
{
	pthread_mutex_lock(&w->lock);
	w->on_commit = fn;
	w->on_commit_user = user;
	pthread_mutex_unlock(&w->lock);
}

void tp_writer_stats_get(tp_writer *w, tp_writer_stats *out)
{
	pthread_mutex_lock(&w->lock);
	*out = w->stats;
	pthread_mutex_unlock(&w->lock);
}

void tp_writer_stop(tp_writer *w)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->lock);
	w->stopping = 1;
	pthread_cond_signal(&w->wake);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	for (workspace_writer *o = w->open, *next; o; o = next) {
		next = o->next;
		tp_importer_destroy(o->imp);
		tp_store_close(o->store);
		free(o);
	}
	pthread_mutex_destroy(&w->lock);
	pthread_cond_destroy(&w->wake);
	tp_ctx_destroy(w->ctx);
	free(w->db);
	free(w);
}
