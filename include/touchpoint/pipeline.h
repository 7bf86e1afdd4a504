/* The sales pipeline report: per group (month opened, owner or source
 * channel) and currency, open deals and their weighted value, won and lost
 * deals, win rate, average deal size and sales-cycle length. */
#ifndef TOUCHPOINT_PIPELINE_H
#define TOUCHPOINT_PIPELINE_H

#include "touchpoint/ctx.h"
#include "touchpoint/store.h"

typedef enum tp_pipeline_by {
	TP_PIPELINE_TOTAL, TP_PIPELINE_MONTH, TP_PIPELINE_OWNER, TP_PIPELINE_CHANNEL
} tp_pipeline_by;

typedef struct tp_pipeline_row {
	char key[64];           /* "2026-03", an owner, a channel, "all"; "(none)" when unset */
	char currency[8];
	int64_t open, won, lost;
	int64_t open_amount, weighted_amount, won_amount, lost_amount;  /* minor units */
	double win_rate;        /* won / (won + lost); -1 undefined (no closed deal) */
	int64_t average_deal;   /* won_amount / won; -1 undefined */
	double cycle_days;      /* mean days from opened to won; -1 undefined */
} tp_pipeline_row;

/* Rows sorted by key then currency; free *rows with free(). */
TP_API tp_status tp_pipeline_report(tp_ctx *ctx, tp_store *s, tp_pipeline_by by,
                                    tp_pipeline_row **rows, size_t *n);

#endif
