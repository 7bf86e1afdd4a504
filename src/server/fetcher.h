/* The lead-ad outbox's worker: leads that a webhook named only by id (Meta,
 * LinkedIn) are fetched from the platform's API with the workspace's token
 * and stored through the writer, together with the mark that they were.
 * A failed fetch is retried with exponential backoff (base, doubling, at
 * most an hour), across restarts: the outbox is in the database. */
#ifndef TP_SERVER_FETCHER_H
#define TP_SERVER_FETCHER_H

#include <stdint.h>

#include "server/writer.h"

typedef struct tp_fetcher tp_fetcher;

/* Serves every workspace of the SQLite database at `db`; `workspace` is any
 * one of them (to open a connection). retry_base_ms: the first wait. */
tp_status tp_fetcher_start(tp_ctx *ctx, const char *db, const char *workspace, tp_writer *w,
                           int64_t retry_base_ms, tp_fetcher **out);
/* Look for due leads now (a commit added some). */
void tp_fetcher_wake(void *fetcher);
/* Finishes the fetch in progress, then stops. Accepts NULL. */
void tp_fetcher_stop(tp_fetcher *f);

#endif
