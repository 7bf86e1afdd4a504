/* The writer thread of the collector: see writer.h. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "server/writer.h"

enum {
	QUEUE_OVER_DEFAULT = 1000,
	INBOX_LIMIT_DEFAULT = 5000000,
	/* A turn at the inbox ends when requests wait and it has lasted SLICE_MS
	 * and as long as storing the last requests took (so that under overload
	 * the inbox gets at least half the writer), else after SLICE_MAX_MS:
	 * short enough to keep a waiting request's latency low, long enough to
	 * share each commit among many bodies. */
	SLICE_MS = 2,
	SLICE_MAX_MS = 250,
	TAKE_ROWS = 64,
	RETRY_MS = 1000   /* after the store failed to store the inbox */
};

/* One open workspace: its store connection and importer. */
typedef struct workspace_writer {
	int64_t id;
	tp_store *store;
	tp_importer *imp;
	tp_import_stats seen;   /* committed counters already added to the stats */
	int64_t inbox_bodies, inbox_events;   /* still to store */
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
	char *workspace;          /* the server's */
	int64_t queue_over, inbox_limit;
	tp_segment_parser *parser;   /* the writer thread's, for inbox bodies */
	atomic_int jobs_waiting;
	int64_t retry_at;         /* ms: no turn at the inbox before, after a failure */
	int told_drain;
};

static int64_t clock_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

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

/* Moves counts of the workspace's inbox (and the stats' sums). */
static void inbox_moved(tp_writer *w, workspace_writer *o, int64_t bodies, int64_t events,
                        int64_t failed, int64_t inboxed)
{
	o->inbox_bodies += bodies;
	o->inbox_events += events;
	pthread_mutex_lock(&w->lock);
	w->stats.inbox_bodies += bodies;
	w->stats.inbox_events += events;
	w->stats.inbox_failed += failed;
	w->stats.inboxed += inboxed;
	pthread_mutex_unlock(&w->lock);
}

static tp_status open_workspace(tp_writer *w, int64_t id, const char *name,
                                workspace_writer **out)
{
	for (workspace_writer *o = w->open; o; o = o->next)
		if (o->id == id) {
			*out = o;
			return TP_OK;
		}
	workspace_writer *o = calloc(1, sizeof *o);
	if (!o)
		return tp_ctx_fail(w->ctx, TP_ERR_NOMEM, NULL, "out of memory");
	int64_t bodies = 0, events = 0, failed = 0;
	tp_status rc = tp_store_open_sqlite(w->ctx, w->db, name, TP_OPEN_EXISTING, &o->store);
	if (rc == TP_OK)
		rc = tp_importer_create(w->ctx, o->store, &w->opts, &o->imp);
	if (rc == TP_OK)
		rc = o->store->ops->inbox_count(o->store, w->ctx, &bodies, &events, &failed);
	if (rc != TP_OK) {
		tp_importer_destroy(o->imp);
		tp_store_close(o->store);
		free(o);
		return rc;
	}
	o->id = id;
	o->next = w->open;
	w->open = o;
	inbox_moved(w, o, bodies, events, failed, 0);
	*out = o;
	return TP_OK;
}

static workspace_writer *writer_of(tp_writer *w, tp_write_job *job)
{
	workspace_writer *o = NULL;
	tp_status rc = open_workspace(w, job->workspace_id, job->workspace, &o);
	if (rc != TP_OK)
		job_fail(job, rc, tp_ctx_field(w->ctx), tp_ctx_message(w->ctx));
	return o;
}

/* Adds a commit's counters to the stats and, when it stored something,
 * wakes whoever waits for new events (or leads). */
static void committed(tp_writer *w, workspace_writer *o, tp_status rc, int leads)
{
	const tp_import_stats *st = tp_importer_stats(o->imp);
	pthread_mutex_lock(&w->lock);
	w->stats.commits++;
	w->stats.accepted += st->accepted - o->seen.accepted;
	w->stats.duplicates += st->duplicates - o->seen.duplicates;
	w->stats.cache_resets += st->cache_resets - o->seen.cache_resets;
	/* Under the lock: once tp_writer_on_leads(NULL) returns, no call to
	 * the old hook is under way (its owner may then be freed). */
	if (rc == TP_OK && leads && w->on_leads)
		w->on_leads(w->on_leads_user);
	if (rc == TP_OK && w->on_commit)
		w->on_commit(w->on_commit_user);
	pthread_mutex_unlock(&w->lock);
	o->seen = *st;
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
	if (rc != TP_OK)
		for (tp_write_job *j = jobs; j; j = j->next)
			if (j->rc == TP_OK)
				job_fail(j, rc, tp_ctx_field(ctx), tp_ctx_message(ctx));
	committed(w, o, rc, leads);
}

static int64_t calls_of(const tp_write_job *j)
{
	return j->items ? (int64_t)j->n_items : 1;
}

/* Appends the bodies of jobs (all CALLS) to the inbox in one transaction:
 * once it commits they are durable, and answered. */
static void queue_group(tp_writer *w, workspace_writer *o, tp_write_job *jobs)
{
	tp_ctx *ctx = w->ctx;
	tp_store *s = o->store;
	int64_t now = tp_ctx_now(ctx), bodies = 0, events = 0;
	tp_status rc = tp_importer_begin(o->imp, ctx);
	for (tp_write_job *j = jobs; j && rc == TP_OK; j = j->next) {
		tp_inbox_row r = {.call = j->call, .events = calls_of(j), .received_at = now,
		                  .body = j->body, .len = j->len};
		rc = s->ops->inbox_add(s, ctx, &r);
		bodies++;
		events += r.events;
	}
	if (rc == TP_OK)
		rc = tp_importer_commit(o->imp, ctx);
	else
		tp_importer_abort(o->imp);
	if (rc != TP_OK) {
		for (tp_write_job *j = jobs; j; j = j->next)
			job_fail(j, rc, tp_ctx_field(ctx), tp_ctx_message(ctx));
		return;
	}
	pthread_mutex_lock(&w->lock);
	w->stats.commits++;
	pthread_mutex_unlock(&w->lock);
	inbox_moved(w, o, bodies, events, 0, events);
}

/* Moves the jobs of *list that `take` picks to the list returned, keeping
 * the order of both; *rest_tail (when asked) is where *list now ends. */
static tp_write_job *take_jobs(tp_write_job **list, int (*take)(const tp_write_job *j, int64_t arg),
                               int64_t arg, tp_write_job ***rest_tail)
{
	tp_write_job *taken = NULL, **taken_tail = &taken, *rest = NULL, **tail = &rest;
	for (tp_write_job *j = *list, *next; j; j = next) {
		next = j->next;
		j->next = NULL;
		if (take(j, arg))
			*taken_tail = j, taken_tail = &j->next;
		else
			*tail = j, tail = &j->next;
	}
	*list = rest;
	if (rest_tail)
		*rest_tail = rest ? tail : list;
	return taken;
}

static int is_calls(const tp_write_job *j, int64_t unused)
{
	(void)unused;
	return j->kind == TP_WRITE_CALLS;
}

static int of_workspace(const tp_write_job *j, int64_t workspace_id)
{
	return j->workspace_id == workspace_id;
}

/* Stores one workspace's jobs: directly while it keeps up, else through
 * the inbox (see writer.h). Returns the jobs, relinked. */
static tp_write_job *store_jobs(tp_writer *w, workspace_writer *o, tp_write_job *jobs)
{
	tp_write_job *other = jobs, **other_tail;
	tp_write_job *calls = take_jobs(&other, is_calls, 0, &other_tail);
	int64_t n_calls = 0;
	for (tp_write_job *j = calls; j; j = j->next)
		n_calls += calls_of(j);
	int queue = calls && (o->inbox_bodies > 0 || w->queue_over < 0 || n_calls > w->queue_over);
	if (!queue) {
		/* One transaction for all, in arrival order within each kind. */
		*other_tail = calls;
		write_group(w, o, other);
		return other;
	}
	/* Other jobs (leads, mail events) do not wait behind queued calls. */
	if (other)
		write_group(w, o, other);
	if (o->inbox_events + n_calls > w->inbox_limit) {
		/* Answered 503 with Retry-After: clients send them again later. */
		char why[200];
		snprintf(why, sizeof why, "cannot take %lld more calls: the inbox holds %lld not"
		         " stored yet and takes at most %lld (serve --inbox-limit); send them again"
		         " later", (long long)n_calls, (long long)o->inbox_events,
		         (long long)w->inbox_limit);
		for (tp_write_job *j = calls; j; j = j->next)
			job_fail(j, TP_ERR_STORE, NULL, why);
	} else {
		queue_group(w, o, calls);
	}
	*other_tail = calls;
	return other;
}

typedef struct drain_turn {
	tp_writer *w;
	workspace_writer *o;
	int64_t until, until_idle;   /* ms */
	int64_t last, bodies, events;
	int64_t bad;                 /* the body that failed */
	tp_status rc;
	int more;                    /* the turn ended with rows left */
} drain_turn;

static int drain_row(void *user, const tp_inbox_row *r)
{
	drain_turn *d = user;
	tp_ctx *ctx = d->w->ctx;
	const tp_parse_item *items;
	size_t n;
	tp_status rc = tp_segment_parse_live(d->w->parser, ctx, r->body, r->len, r->received_at,
	                                     r->call, &items, &n);
	if (rc == TP_OK)
		rc = tp_importer_items(d->o->imp, ctx, items, n, r->len);
	if (rc != TP_OK) {
		d->rc = rc;
		d->bad = r->id;
		return 1;
	}
	d->last = r->id;
	d->bodies++;
	d->events += r->events;
	int64_t now = clock_ms();
	if (now >= d->until_idle || (now >= d->until && atomic_load(&d->w->jobs_waiting))) {
		d->more = 1;
		return 1;
	}
	return 0;
}

/* Sets the workspace's inbox counts to what its store holds. */
static tp_status inbox_recount(tp_writer *w, workspace_writer *o, int64_t failed_now)
{
	int64_t bodies, events, failed;
	tp_status rc = o->store->ops->inbox_count(o->store, w->ctx, &bodies, &events, &failed);
	if (rc == TP_OK)
		inbox_moved(w, o, bodies - o->inbox_bodies, events - o->inbox_events, failed_now, 0);
	return rc;
}

/* One turn at a workspace's inbox: stores its oldest calls for a while,
 * removes their bodies and commits, all in one transaction. A body whose
 * calls cannot be stored is set aside with the reason, and the turn taken
 * again without it. */
static void drain(tp_writer *w, workspace_writer *o, int64_t min_ms)
{
	tp_ctx *ctx = w->ctx;
	tp_store *s = o->store;
	int64_t start = clock_ms();
	for (;;) {
		drain_turn d = {.w = w, .o = o, .until = start + min_ms,
		                .until_idle = start + SLICE_MAX_MS, .rc = TP_OK};
		tp_status rc = tp_importer_begin(o->imp, ctx);
		int64_t taken;
		do {
			taken = d.bodies;
			if (rc == TP_OK)
				rc = s->ops->inbox_take(s, ctx, d.last, TAKE_ROWS, drain_row, &d);
		} while (rc == TP_OK && d.rc == TP_OK && !d.more && d.bodies - taken == TAKE_ROWS);
		if (rc == TP_OK)
			rc = d.rc;
		if (rc == TP_OK && d.last)
			rc = s->ops->inbox_remove(s, ctx, d.last);
		if (rc == TP_OK) {
			rc = tp_importer_commit(o->imp, ctx);
			committed(w, o, rc, 0);
		} else {
			tp_importer_abort(o->imp);
		}
		if (rc == TP_OK) {
			if (d.bodies)
				inbox_moved(w, o, -d.bodies, -d.events, 0, 0);
			else
				rc = inbox_recount(w, o, 0);   /* counted more than there was */
			if (rc == TP_OK)
				return;
		}
		if (d.rc == TP_OK || rc == TP_ERR_STORE || rc == TP_ERR_NOMEM || rc == TP_ERR_IO) {
			fprintf(stderr, "touchpoint: storing the inbox of workspace %lld failed: %s;"
			        " trying again in %d ms\n", (long long)o->id, tp_ctx_message(ctx), RETRY_MS);
			w->retry_at = clock_ms() + RETRY_MS;
			return;
		}
		fprintf(stderr, "touchpoint: inbox body %lld of workspace %lld set aside: %s\n",
		        (long long)d.bad, (long long)o->id, tp_ctx_message(ctx));
		if ((rc = tp_importer_begin(o->imp, ctx)) == TP_OK &&
		    (rc = s->ops->inbox_fail(s, ctx, d.bad, tp_ctx_message(ctx))) == TP_OK)
			rc = tp_importer_commit(o->imp, ctx);
		else
			tp_importer_abort(o->imp);
		if (rc != TP_OK || inbox_recount(w, o, 1) != TP_OK) {
			w->retry_at = clock_ms() + RETRY_MS;
			return;
		}
	}
}

/* A turn at each workspace's inbox that holds calls. */
static void drain_all(tp_writer *w, int64_t min_ms)
{
	if (clock_ms() < w->retry_at)
		return;
	for (workspace_writer *o = w->open; o; o = o->next)
		if (o->inbox_bodies > 0)
			drain(w, o, min_ms < SLICE_MS ? SLICE_MS : min_ms);
}

typedef struct workspace_list {
	struct named { int64_t id; char *name; } *at;
	size_t n, cap;
} workspace_list;

static int list_workspace(void *user, int64_t id, const char *name)
{
	workspace_list *l = user;
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 8;
		struct named *at = realloc(l->at, cap * sizeof *at);
		if (!at)
			return 1;
		l->at = at;
		l->cap = cap;
	}
	if (!(l->at[l->n].name = strdup(name)))
		return 1;
	l->at[l->n++].id = id;
	return 0;
}

/* Opens the workspaces whose inbox a killed server left holding calls,
 * so that they are stored without waiting for new ones. */
static void recover(tp_writer *w)
{
	tp_store *probe;
	if (tp_store_open_sqlite(w->ctx, w->db, w->workspace, TP_OPEN_EXISTING, &probe) != TP_OK)
		return;   /* the jobs will say why */
	workspace_list l = {0};
	probe->ops->inbox_workspaces(probe, w->ctx, list_workspace, &l);
	tp_store_close(probe);
	for (size_t i = 0; i < l.n; i++) {
		workspace_writer *o;
		if (open_workspace(w, l.at[i].id, l.at[i].name, &o) != TP_OK)
			fprintf(stderr, "touchpoint: cannot open workspace %s to store its inbox: %s\n",
			        l.at[i].name, tp_ctx_message(w->ctx));
		free(l.at[i].name);
	}
	free(l.at);
}

/* Stores the jobs taken from the queue, a workspace at a time, and answers
 * them. */
static void write_all(tp_writer *w, tp_write_job *all)
{
	/* Split by workspace, keeping arrival order within each. */
	while (all) {
		tp_write_job *mine = take_jobs(&all, of_workspace, all->workspace_id, NULL);
		int n = 0;
		for (tp_write_job *j = mine; j; j = j->next, n++)
			j->rc = TP_OK;
		workspace_writer *o = writer_of(w, mine);
		if (o)
			mine = store_jobs(w, o, mine);
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

static void *writer_main(void *arg)
{
	tp_writer *w = arg;
	recover(w);
	for (;;) {
		pthread_mutex_lock(&w->lock);
		for (;;) {
			int64_t now = clock_ms();
			int inbox = w->stats.inbox_bodies > 0;
			if (w->head || w->stopping || (inbox && now >= w->retry_at))
				break;
			if (inbox) {
				struct timespec at = {.tv_sec = (time_t)(w->retry_at / 1000),
				                      .tv_nsec = (long)(w->retry_at % 1000) * 1000000};
				pthread_cond_timedwait(&w->wake, &w->lock, &at);
			} else {
				pthread_cond_wait(&w->wake, &w->lock);
			}
		}
		tp_write_job *all = w->head;
		w->head = NULL;
		w->tail = &w->head;
		atomic_store(&w->jobs_waiting, 0);
		int64_t left = w->stats.inbox_events;
		/* A graceful stop stores the inbox first, unless the store fails. */
		int stop = w->stopping && !all && (left == 0 || clock_ms() < w->retry_at);
		pthread_mutex_unlock(&w->lock);
		if (stop)
			break;
		if (w->stopping && left && !w->told_drain) {
			w->told_drain = 1;
			fprintf(stderr, "touchpoint: storing %lld queued calls before stopping\n",
			        (long long)left);
		}
		int64_t start = clock_ms();
		write_all(w, all);
		drain_all(w, clock_ms() - start);
	}
	return NULL;
}

static void writer_free(tp_writer *w)
{
	tp_segment_parser_destroy(w->parser);
	tp_ctx_destroy(w->ctx);
	free(w->workspace);
	free(w->db);
	free(w);
}

tp_status tp_writer_start(tp_ctx *ctx, const tp_ctx *clock, const char *db, const char *workspace,
                          int64_t queue_over, int64_t inbox_limit, size_t cache_limit,
                          tp_writer **out)
{
	tp_writer *w = calloc(1, sizeof *w);
	if (!w || !(w->db = strdup(db)) || !(w->workspace = strdup(workspace)) ||
	    !(w->ctx = tp_ctx_create()) || !(w->parser = tp_segment_parser_create())) {
		if (w)
			writer_free(w);
		return tp_ctx_fail(ctx, TP_ERR_NOMEM, NULL, "out of memory");
	}
	tp_ctx_copy_clock(w->ctx, clock);
	w->queue_over = queue_over == 0 ? QUEUE_OVER_DEFAULT : queue_over;
	w->inbox_limit = inbox_limit > 0 ? inbox_limit : INBOX_LIMIT_DEFAULT;
	/* The collector commits each group itself; a workspace getting its first
	 * events must not switch to the bulk load's deferred indexes. */
	w->opts = (tp_import_opts){.actor = "collector", .commit_every = INT64_MAX, .no_bulk = 1,
	                           .cache_limit = cache_limit};
	w->tail = &w->head;
	pthread_mutex_init(&w->lock, NULL);
	pthread_condattr_t attr;
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);   /* clock_ms's */
	pthread_cond_init(&w->wake, &attr);
	pthread_condattr_destroy(&attr);
	if (pthread_create(&w->thread, NULL, writer_main, w) != 0) {
		pthread_mutex_destroy(&w->lock);
		pthread_cond_destroy(&w->wake);
		writer_free(w);
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
	atomic_store(&w->jobs_waiting, 1);
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
	writer_free(w);
}
