/* Group commit: request threads hand accepted bodies (their calls parsed
 * already) to one writer thread, which takes every body waiting, stores
 * them in one transaction per workspace and commits once; each request is
 * answered only after the commit that made its events durable. SQLite has
 * one writer at a time, so one thread loses nothing and shares each fsync
 * among many requests.
 *
 * When calls arrive faster than they can be stored (a group of more than
 * queue_over calls, or while earlier ones wait), their bodies are appended
 * to the workspace's inbox instead: one cheap insert per body, committed,
 * then answered. Between groups the writer stores the inbox's calls in
 * order, removing each body in the transaction that stores its calls, so
 * that every acknowledged call is stored once, after a crash too. A
 * graceful stop stores what waits; a killed server stores it on its next
 * start. A full inbox refuses calls with 503 and Retry-After. */
#ifndef TP_SERVER_WRITER_H
#define TP_SERVER_WRITER_H

#include <stddef.h>
#include <stdint.h>

#include "touchpoint/touchpoint.h"

typedef struct tp_writer tp_writer;

typedef struct tp_write_job tp_write_job;

/* What a job writes. The lead-ad outbox's writes share the transaction of
 * the group, so that a fetched lead and the mark that it was fetched
 * commit together: never lost, never stored twice. */
typedef enum tp_write_kind {
	TP_WRITE_CALLS = 0,     /* body: Segment call(s) */
	TP_WRITE_LEAD_NOTICE,   /* body: a webhook notification naming leads; call: its tp_lead_format */
	TP_WRITE_LEAD_FETCHED,  /* body: the fetched lead's call; marks fetch_id done */
	TP_WRITE_LEAD_RETRY,    /* records a failed fetch of fetch_id (attempts, next_at, error) */
	TP_WRITE_MAIL_EVENT     /* what became of email message_id (mail_event, link) and its touch */
} tp_write_kind;
/* Called on the writer thread when the job's fate is known. */
typedef void (*tp_write_done_fn)(tp_write_job *job);

struct tp_write_job {
	/* in */
	int64_t workspace_id;
	char workspace[128];
	const char *body;     /* borrowed until done */
	size_t len;
	int call;             /* endpoint call type, -1 for a batch */
	const tp_parse_item *items;  /* CALLS: body's calls parsed already (borrowed), or NULL */
	size_t n_items;
	tp_write_kind kind;
	int64_t fetch_id;     /* LEAD_FETCHED, LEAD_RETRY */
	int attempts;
	int64_t next_at;
	const char *error;    /* LEAD_RETRY; borrowed; MAIL_EVENT: its source */
	int64_t message_id;   /* MAIL_EVENT */
	int mail_event;       /* MAIL_EVENT: a tp_mail_event */
	int link;             /* MAIL_EVENT: the clicked link */
	tp_write_done_fn done;
	void *user;
	/* out */
	tp_status rc;
	char field[128], message[256];
	/* the writer's */
	tp_write_job *next;
};

typedef struct tp_writer_stats {
	int64_t accepted, duplicates, commits, queued;
	int64_t inboxed;        /* calls acknowledged through the inbox */
	int64_t inbox_events;   /* calls in the inbox, still to store */
	int64_t inbox_bodies;
	int64_t inbox_failed;   /* bodies set aside: their calls could not be stored */
	int64_t cache_resets;   /* caches emptied for passing their bound */
} tp_writer_stats;

/* Opens workspaces of the SQLite database at `db` as jobs name them, and
 * at once those whose inbox holds calls (`workspace` is the server's);
 * keeps the clock of `clock`. queue_over: see above; 0 = 1,000; < 0 queues
 * every group. Calls that would take a workspace's inbox over inbox_limit
 * calls (0 = 5,000,000) are refused, retryably (TP_ERR_STORE). Each
 * workspace's caches are bounded by cache_limit (tp_import_opts'). */
tp_status tp_writer_start(tp_ctx *ctx, const tp_ctx *clock, const char *db, const char *workspace,
                          int64_t queue_over, int64_t inbox_limit, size_t cache_limit,
                          tp_writer **out);
/* Queues a job; its done callback runs later on the writer thread. */
void tp_writer_submit(tp_writer *w, tp_write_job *job);
/* fn(user) runs on the writer thread after a commit that added leads to
 * fetch (the fetcher's wake-up). */
void tp_writer_on_leads(tp_writer *w, void (*fn)(void *user), void *user);
/* fn(user) runs on the writer thread after every commit of events (the
 * nurture scheduler's wake-up). */
void tp_writer_on_commit(tp_writer *w, void (*fn)(void *user), void *user);
void tp_writer_stats_get(tp_writer *w, tp_writer_stats *out);
/* Finishes every queued job, then stops the thread and closes the stores. */
void tp_writer_stop(tp_writer *w);

#endif
