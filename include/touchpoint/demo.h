/* A realistic, deterministic B2B demo world: the data of `make demo`, of the
 * end-to-end tests and of the benchmarks. Same options, same bytes. */
#ifndef TOUCHPOINT_DEMO_H
#define TOUCHPOINT_DEMO_H

#include <stdint.h>
#include <stdio.h>

#include "touchpoint/ctx.h"
#include "touchpoint/store.h"

typedef struct tp_demo_opts {
	int64_t contacts;     /* people who become known; anonymous-only visitors come on top */
	uint64_t seed;
	int days;             /* length of the world, from start_day */
	const char *start_day; /* "2026-01-01" when NULL */
} tp_demo_opts;

typedef struct tp_demo_stats {
	int64_t people, visitors, accounts, events, duplicates_sent;
	int64_t spend_rows, opportunities, won, lost, mrr_rows, stage_changes;
} tp_demo_stats;

/* Writes the world's events as Segment-spec JSON Lines, in time order. */
TP_API tp_status tp_demo_write_events(tp_ctx *ctx, const tp_demo_opts *opts, FILE *out,
                                      tp_demo_stats *stats);

/* Writes what does not arrive as events — daily ad spend per channel and
 * campaign, opportunities won and lost, stage history of sales decisions,
 * monthly MRR levels — into a store that has imported the same world's events. */
TP_API tp_status tp_demo_write_business(tp_ctx *ctx, const tp_demo_opts *opts, tp_store *store,
                                        tp_demo_stats *stats);

#endif
