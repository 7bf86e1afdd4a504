/* The funnel report: per cohort (the people who became leads in a period),
 * how many reached each stage, stage-to-stage conversion, and how long they
 * stayed in each stage; top/middle/bottom of funnel; how many touches a
 * customer had before buying. From the append-only stage history, so that
 * `as_of` gives the report as it stood on that day. */
#ifndef TOUCHPOINT_FUNNEL_H
#define TOUCHPOINT_FUNNEL_H

#include "touchpoint/ctx.h"
#include "touchpoint/stage.h"
#include "touchpoint/store.h"

/* The forward stages the funnel counts: lead .. customer. */
#define TP_FUNNEL_STAGES 6

typedef enum tp_funnel_by {
	TP_FUNNEL_TOTAL, TP_FUNNEL_MONTH, TP_FUNNEL_OWNER, TP_FUNNEL_CHANNEL, TP_FUNNEL_CAMPAIGN
} tp_funnel_by;

typedef struct tp_funnel_opts {
	tp_funnel_by by;
	int64_t from, to;      /* cohort: became a lead in [from, to]; 0 = open */
	int64_t as_of;         /* 0 = now */
} tp_funnel_opts;

typedef struct tp_funnel_stage {
	int64_t reached;       /* reached this stage or a later one */
	double conversion;     /* reached / reached the previous stage; -1 undefined (first, or 0) */
	/* Days from reaching this stage to reaching the next, for those who did;
	 * -1 undefined (nobody moved on, or the last stage). */
	double median_days, p90_days;
	int64_t moved_on;      /* how many the times are of */
} tp_funnel_stage;

typedef struct tp_funnel_row {
	char key[64];          /* "2026-03", an owner, a channel or campaign of first touch, "all" */
	tp_funnel_stage stages[TP_FUNNEL_STAGES];  /* lead, mql, sal, sql, opportunity, customer */
	int64_t now_top, now_middle, now_bottom;    /* where the cohort is now: lead | mql, sal | sql, opportunity */
	int64_t customers_with_touches;             /* customers of whom touches are known */
	double median_touches;                      /* sessions before becoming customer; -1 undefined */
	int64_t touches_hist[6];                    /* 0, 1, 2-3, 4-7, 8-15, 16+ touches */
} tp_funnel_row;

/* Rows sorted by key; free *rows with free(). */
TP_API tp_status tp_funnel_report(tp_ctx *ctx, tp_store *s, const tp_funnel_opts *o,
                                  tp_funnel_row **rows, size_t *n);

#endif
