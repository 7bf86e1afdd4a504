/* Revenue from existing customers (DESIGN §6): per month, how MRR moved —
 * new, referral-sourced new, expansion (upsell and cross-sell), reactivation,
 * contraction, churn — and net and gross revenue retention and logo churn.
 * Derived from the MRR levels billing states (tp_mrr_row), as they were
 * known at `as_of`. docs/METRICS.md defines each figure. */
#ifndef TOUCHPOINT_REVENUE_H
#define TOUCHPOINT_REVENUE_H

#include "touchpoint/ctx.h"
#include "touchpoint/store.h"

typedef struct tp_revenue_opts {
	int from, to;            /* months (tp_month_parse); 0 = the first / last with data */
	int64_t as_of;           /* ms; 0 = now */
	const char *currency;    /* NULL: the data must be in one currency */
} tp_revenue_opts;

/* One month. Amounts in minor units; contraction and churn are negative,
 * so end = start + new + reactivation + expansion + contraction + churn. */
typedef struct tp_revenue_month {
	char month[8];
	int64_t start_mrr, end_mrr;
	int64_t new_mrr, referral_new_mrr, expansion, reactivation, contraction, churn, net_new;
	int64_t accounts_start, accounts_end, new_logos, reactivated_logos, churned_logos;
	/* Percent; -1 when undefined (no MRR at the start of the month). */
	double nrr, grr, logo_churn;
} tp_revenue_month;

/* Rows by month, oldest first; free *rows with free(). currency[4] gets
 * the currency reported. An account is referral-sourced when its first
 * opportunity came from the Referral or Partner channel or, without one,
 * its first contact's first touch did. */
TP_API tp_status tp_revenue_report(tp_ctx *ctx, tp_store *s, const tp_revenue_opts *o,
                                   tp_revenue_month **rows, size_t *n, char currency[4]);

#endif
