/* The nurture scheduler inside `touchpoint serve`: one thread that runs
 * what `touchpoint nurture run` runs (enrolment, due steps, then the
 * outbox) for the served workspace, when the writer commits events (an MQL
 * alert leaves at once) and at least every poll interval (waits that come
 * due, retries). */
#ifndef TP_SERVER_NURTURER_H
#define TP_SERVER_NURTURER_H

#include <stdint.h>

#include "server/writer.h"

typedef struct tp_nurturer tp_nurturer;

/* clock: the server's (copied: tests pin it). */
tp_status tp_nurturer_start(tp_ctx *ctx, const tp_ctx *clock, const char *db, const char *workspace, tp_writer *w,
                            int64_t poll_ms, tp_nurturer **out);
/* Run a pass now (a commit added events). */
void tp_nurturer_wake(void *nurturer);
/* Finishes the step or send in progress, then stops. Accepts NULL. */
void tp_nurturer_stop(tp_nurturer *n);

#endif
