/* The revenue report: MRR movements per month (docs/METRICS.md). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "views/grid.h"
#include "views/report.h"

static const grid_col columns[] = {
	{"start_mrr", "START MRR", GRID_MONEY, NULL},
	{"new", "NEW", GRID_MONEY, NULL},
	{"referral_new", "REFERRAL NEW", GRID_MONEY, NULL},
	{"expansion", "EXPANSION", GRID_MONEY, NULL},
	{"reactivation", "REACTIVATION", GRID_MONEY, NULL},
	{"contraction", "CONTRACTION", GRID_MONEY, NULL},
	{"churn", "CHURN", GRID_MONEY, NULL},
	{"net_new", "NET NEW", GRID_MONEY, NULL},
	{"end_mrr", "END MRR", GRID_MONEY, NULL},
	{"nrr_pct", "NRR", GRID_PERCENT, NULL},
	{"grr_pct", "GRR", GRID_PERCENT, NULL},
	{"accounts_start", "ACCOUNTS", GRID_COUNT, NULL},
	{"new_logos", "NEW LOGOS", GRID_COUNT, NULL},
	{"reactivated_logos", "BACK", GRID_COUNT, NULL},
	{"churned_logos", "CHURNED", GRID_COUNT, NULL},
	{"logo_churn_pct", "LOGO CHURN", GRID_PERCENT, NULL},
};
#define N_COLS (int)(sizeof columns / sizeof columns[0])

/* "2026-03" or a day in that month. */
static tp_status month_arg(tp_ctx *ctx, const char *key, const char *v, int *out)
{
	int64_t ms;
	if (tp_month_parse(v, out) == 0)
		return TP_OK;
	if (tp_time_parse(v, &ms) == 0) {
		*out = tp_month_of(ms);
		return TP_OK;
	}
	return tp_ctx_fail(ctx, TP_ERR_USAGE, key, "is a month (2026-03), not \"%s\"", v);
}

static double pct(double v)
{
	return v < 0 ? NAN : v;
}

tp_status tp__report_revenue(tp_ctx *ctx, tp_store *s, const tp_report_args *a,
                             tp__report_out *o)
{
	tp_revenue_opts ro = {.currency = a->currency};
	char code[4];
	tp_status rc = TP_OK;
	if (a->currency && tp_currency_parse(a->currency, code) != 0)
		return tp_ctx_fail(ctx, TP_ERR_USAGE, "currency", "is a code like USD, not \"%s\"",
		                   a->currency);
	if (a->currency)
		ro.currency = code;
	if ((a->from && (rc = month_arg(ctx, "from", a->from, &ro.from)) != TP_OK) ||
	    (a->to && (rc = month_arg(ctx, "to", a->to, &ro.to)) != TP_OK) ||
	    (a->as_of && (rc = tp__arg_as_of(ctx, "as-of", a->as_of, &ro.as_of)) != TP_OK))
		return rc;
	tp_revenue_month *rows;
	size_t n;
	char currency[4];
	if ((rc = tp_revenue_report(ctx, s, &ro, &rows, &n, currency)) != TP_OK)
		return rc;
	grid g = {"month", "MONTH", columns, N_COLS, NULL, NULL, 0, currency[0] ? currency : NULL};
	if ((rc = grid_rows(&g, ctx, n)) != TP_OK) {
		free(rows);
		return rc;
	}
	for (size_t i = 0; i < n; i++) {
		const tp_revenue_month *r = &rows[i];
		double v[] = {(double)r->start_mrr, (double)r->new_mrr, (double)r->referral_new_mrr,
		              (double)r->expansion, (double)r->reactivation, (double)r->contraction,
		              (double)r->churn, (double)r->net_new, (double)r->end_mrr, pct(r->nrr),
		              pct(r->grr), (double)r->accounts_start, (double)r->new_logos,
		              (double)r->reactivated_logos, (double)r->churned_logos,
		              pct(r->logo_churn)};
		memcpy(grid_row(&g, i), v, sizeof v);
		g.keys[i] = r->month;
	}
	tp_format f = o->format;
	if (f == TP_FORMAT_TABLE && !n)
		fprintf(o->out, "no MRR up to this date: import it with touchpoint import revenue FILE.csv\n");
	else
		grid_print(&g, f, 0, o->out);
	if (f == TP_FORMAT_TABLE && n)
		fprintf(o->out, "amounts in %s; NRR = (start + expansion + contraction + churn) / start,"
		       " GRR = (start + contraction + churn) / start\n", currency);
	grid_free(&g);
	free(rows);
	return TP_OK;
}
