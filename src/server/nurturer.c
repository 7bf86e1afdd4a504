/* The nurture scheduler's thread: see nurturer.h. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "server/nurturer.h"

/* Steps per pass: a stop waits for at most this many. */
#define STEPS_PER_PASS 1000
/* Passes start at least this far apart: under a steady stream of events
 * every commit wakes the thread, and a pass per commit would take the
 * collector's cores and its write lock. A quiet workspace still gets its
 * pass at once. */
#define MIN_GAP_MS 50

struct tp_nurturer {
	tp_writer *writer;
	int64_t poll_ms;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	int stopping, woken;
	tp_ctx *ctx;              /* the thread's; its clock is the server's */
	tp_store *store;
};

static int stopping(void *user)
{
	tp_nurturer *n = user;
	pthread_mutex_lock(&n->lock);
	int stop = n->stopping;
	pthread_mutex_unlock(&n->lock);
	return stop;
}

static void report(tp_nurturer *n, const char *what)
{
	fprintf(stderr, "touchpoint: nurture %s: %s%s%s\n", what, tp_ctx_message(n->ctx),
	        tp_ctx_field(n->ctx) ? " (" : "", tp_ctx_field(n->ctx) ? ")" : "");
}

static struct timespec realtime_in(int64_t ms)
{
	struct timespec t;
	clock_gettime(CLOCK_REALTIME, &t);
	int64_t ns_total = t.tv_nsec + (ms % 1000) * 1000000;
	t.tv_sec += (time_t)(ms / 1000 + ns_total / 1000000000);
	t.tv_nsec = (long)(ns_total % 1000000000);
	return t;
}

/* Waits until `until`, or earlier when stopping (or woken, if `wakes`). */
static void wait_until(tp_nurturer *n, const struct timespec *until, int wakes)
{
	pthread_mutex_lock(&n->lock);
	while (!n->stopping && !(wakes && n->woken) &&
	       pthread_cond_timedwait(&n->wake, &n->lock, until) == 0)
		;
	pthread_mutex_unlock(&n->lock);
}

static void *nurturer_main(void *arg)
{
	tp_nurturer *n = arg;
	while (!stopping(n)) {
		struct timespec gap_end = realtime_in(MIN_GAP_MS);
		pthread_mutex_lock(&n->lock);
		n->woken = 0;
		pthread_mutex_unlock(&n->lock);
		tp_ctx_clear(n->ctx);
		tp_nurture_stats ns;
		tp_nurture_opts no = {.max_steps = STEPS_PER_PASS, .stop = stopping, .user = n};
		tp_status rc = tp_nurture_tick(n->ctx, n->store, &no, &ns);
		if (rc != TP_OK)
			report(n, "scheduler");
		tp_deliver_stats ds;
		tp_deliver_opts dopt = {.stop = stopping, .user = n};
		tp_ctx_clear(n->ctx);
		if (tp_nurture_deliver(n->ctx, n->store, &dopt, &ds) != TP_OK)
			report(n, "delivery");
		/* A full pass may have left steps due: go on at once. */
		if (rc == TP_OK && ns.steps + ns.exited + ns.failed >= STEPS_PER_PASS)
			continue;
		struct timespec until = realtime_in(n->poll_ms);
		wait_until(n, &gap_end, 0);
		wait_until(n, &until, 1);
	}
	return NULL;
}

void tp_nurturer_wake(void *nurturer)
{
	tp_nurturer *n = nurturer;
	pthread_mutex_lock(&n->lock);
	n->woken = 1;
	pthread_cond_broadcast(&n->wake);
	pthread_mutex_unlock(&n->lock);
}

static void nurturer_free(tp_nurturer *n)
{
	tp_store_close(n->store);
	tp_ctx_destroy(n->ctx);
	pthread_mutex_destroy(&n->lock);
	pthread_cond_destroy(&n->wake);
	free(n);
}

tp_status tp_nurturer_start(tp_ctx *ctx, const tp_ctx *clock, const char *db, const char *workspace, tp_writer *w,
                            int64_t poll_ms, tp_nurturer **out)
{
	tp_nurturer *n = calloc(1, sizeof *n);
	if (!n)
		return tp_ctx_fail(ctx, TP_ERR_NOMEM, NULL, "out of memory");
	pthread_mutex_init(&n->lock, NULL);
	pthread_cond_init(&n->wake, NULL);
	n->writer = w;
	n->poll_ms = poll_ms > 0 ? poll_ms : 1000;
	if (!(n->ctx = tp_ctx_create())) {
		nurturer_free(n);
		return tp_ctx_fail(ctx, TP_ERR_NOMEM, NULL, "out of memory");
	}
	tp_ctx_copy_clock(n->ctx, clock);
	tp_status rc = tp_store_open_sqlite(ctx, db, workspace, TP_OPEN_EXISTING, &n->store);
	if (rc == TP_OK && pthread_create(&n->thread, NULL, nurturer_main, n) != 0)
		rc = tp_ctx_fail(ctx, TP_ERR_IO, NULL, "cannot start the nurture thread");
	if (rc != TP_OK) {
		nurturer_free(n);
		return rc;
	}
	tp_writer_on_commit(w, tp_nurturer_wake, n);
	*out = n;
	return TP_OK;
}

void tp_nurturer_stop(tp_nurturer *n)
{
	if (!n)
		return;
	tp_writer_on_commit(n->writer, NULL, NULL);
	pthread_mutex_lock(&n->lock);
	n->stopping = 1;
	pthread_cond_broadcast(&n->wake);
	pthread_mutex_unlock(&n->lock);
	pthread_join(n->thread, NULL);
	nurturer_free(n);
}
