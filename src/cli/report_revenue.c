/* touchpoint report revenue: MRR movements per month (docs/METRICS.md). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli/grid.h"
#include "cli/report.h"

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
static int month_arg(const char *opt, const char *v, int *out)
{
	int64_t ms;
	if (tp_month_parse(v, out) == 0)
		return 0;
	if (tp_time_parse(v, &ms) == 0) {
		*out = tp_month_of(ms);
		return 0;
	}
	cli_usage("report", "%s is a month (2026-03), not \"%s\"", opt, v);
	return -1;
}

static double pct(double v)
{
	return v < 0 ? NAN : v;
}

int report_revenue(tp_ctx *ctx, tp_store *s, const cli_opts *o)
{
	tp_revenue_opts ro = {.currency = o->currency};
	char code[4];
	if (o->currency && tp_currency_parse(o->currency, code) != 0)
		return cli_usage("report", "--currency is a code like USD, not \"%s\"", o->currency);
	if (o->currency)
		ro.currency = code;
	if ((o->from && month_arg("--from", o->from, &ro.from) != 0) ||
	    (o->to && month_arg("--to", o->to, &ro.to) != 0) ||
	    (o->as_of && cli_as_of("report", o->as_of, &ro.as_of) != 0))
		return EXIT_USAGE;
	tp_revenue_month *rows;
	size_t n;
	char currency[4];
	tp_status rc = tp_revenue_report(ctx, s, &ro, &rows, &n, currency);
	if (rc != TP_OK)
		return rc == TP_ERR_USAGE ? (cli_fail(ctx, rc), EXIT_USAGE) : cli_fail(ctx, rc);
	grid g = {"month", "MONTH", columns, N_COLS, NULL, NULL, 0, currency[0] ? currency : NULL};
	if (grid_rows(&g, ctx, n) != 0) {
		free(rows);
		return EXIT_FAILED;
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
	cli_format f = cli_format_of(o);
	if (f == FMT_TABLE && !n)
		printf("no MRR up to this date: import it with touchpoint import revenue FILE.csv\n");
	else
		grid_print(&g, f, 0, stdout);
	if (f == FMT_TABLE && n)
		printf("amounts in %s; NRR = (start + expansion + contraction + churn) / start,"
		       " GRR = (start + contraction + churn) / start\n", currency);
	grid_free(&g);
	free(rows);
	return EXIT_OK;
}
