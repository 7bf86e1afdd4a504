/* touchpoint report kpi: the KPIs of a month (docs/METRICS.md). Alone, the
 * total is printed one KPI a line with how it was computed; --by prints a
 * row per channel or campaign. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli/grid.h"
#include "cli/report.h"

static const grid_col columns[] = {
	{"leads", "Leads", GRID_COUNT, "became lead in the month"},
	{"mqls", "MQLs", GRID_COUNT, "became MQL in the month"},
	{"mqls_month_before", "MQLs month before", GRID_COUNT, NULL},
	{"lead_velocity_rate_pct", "Lead Velocity Rate", GRID_PERCENT,
	 "(MQLs - MQLs month before) / MQLs month before x 100"},
	{"leads_30d", "Leads, 30 days", GRID_COUNT, "became lead in the 30 days to month end"},
	{"customers_30d", "Customers, 30 days", GRID_COUNT, NULL},
	{"lead_conversion_rate_30d_pct", "Lead Conversion Rate", GRID_PERCENT,
	 "customers, 30 days / leads, 30 days x 100"},
	{"new_opportunities", "New opportunities", GRID_COUNT, "opportunities opened in the month"},
	{"new_opportunity_amount", "New pipeline", GRID_MONEY, NULL},
	{"customers", "New customers", GRID_COUNT, "became customer in the month"},
	{"impressions", "Impressions", GRID_COUNT, "imported ad spend"},
	{"clicks", "Clicks", GRID_COUNT, NULL},
	{"cost", "Cost", GRID_MONEY, NULL},
	{"ctr_pct", "CTR", GRID_PERCENT, "clicks / impressions x 100"},
	{"cpc", "CPC", GRID_MONEY, "cost / clicks"},
	{"cpm", "CPM", GRID_MONEY, "cost / impressions x 1000"},
	{"cpl", "CPL", GRID_MONEY, "cost / leads"},
	{"cac", "CAC (CPA)", GRID_MONEY, "cost / new customers"},
	{"revenue", "Attributed revenue", GRID_MONEY, NULL},
	{"roas", "ROAS", GRID_RATIO, "attributed revenue / cost"},
	{"roi_pct", "ROI", GRID_PERCENT, "(attributed revenue - cost) / cost x 100"},
	{"sessions", "Sessions", GRID_COUNT, "visits with a page view; 30-minute gap"},
	{"bounces", "Bounces", GRID_COUNT, "sessions of a single page view"},
	{"bounce_rate_pct", "Bounce rate", GRID_PERCENT, "bounces / sessions x 100"},
	{"avg_time_on_site_s", "Avg time on site", GRID_SECONDS,
	 "sum of (last - first event) / sessions"},
};
#define N_COLS (int)(sizeof columns / sizeof columns[0])

static double known(int has, double v)
{
	return has ? v : NAN;
}

int report_kpi(tp_ctx *ctx, tp_store *s, const cli_opts *o)
{
	tp_kpi_opts ko = {.by = TP_KPI_TOTAL, .model = TP_ATTR_LAST_NON_DIRECT};
	char code[4];
	if (o->by) {
		if (strcmp(o->by, "channel") == 0)
			ko.by = TP_KPI_CHANNEL;
		else if (strcmp(o->by, "campaign") == 0)
			ko.by = TP_KPI_CAMPAIGN;
		else
			return cli_usage("report", "--by is channel or campaign, not \"%s\"", o->by);
	}
	if (o->month && tp_month_parse(o->month, &ko.month) != 0)
		return cli_usage("report", "--month is a month like 2026-03, not \"%s\"", o->month);
	if (o->model && (tp_attr_model_from_name(o->model, &ko.model) != 0))
		return cli_usage("report", "--model is one of first, last, last-non-direct, linear,"
		                 " time-decay, position, w-shaped, markov, shapley, shapley-ordered,"
		                 " not \"%s\"", o->model);
	if (o->currency && tp_currency_parse(o->currency, code) != 0)
		return cli_usage("report", "--currency is a code like USD, not \"%s\"", o->currency);
	if (o->currency)
		ko.currency = code;
	if (o->as_of && cli_as_of("report", o->as_of, &ko.as_of) != 0)
		return EXIT_USAGE;
	tp_kpi_row *rows;
	size_t n;
	char month[8], currency[4];
	tp_status rc = tp_kpi_report(ctx, s, &ko, &rows, &n, month, currency);
	if (rc != TP_OK)
		return rc == TP_ERR_USAGE ? (cli_fail(ctx, rc), EXIT_USAGE) : cli_fail(ctx, rc);
	grid g = {ko.by == TP_KPI_CAMPAIGN ? "campaign" : ko.by == TP_KPI_CHANNEL ? "channel"
	          : "group", ko.by == TP_KPI_CAMPAIGN ? "CAMPAIGN" : "CHANNEL", columns, N_COLS,
	          NULL, NULL, 0, currency[0] ? currency : NULL};
	if (grid_rows(&g, ctx, n) != 0) {
		free(rows);
		return EXIT_FAILED;
	}
	for (size_t i = 0; i < n; i++) {
		const tp_kpi_row *r = &rows[i];
		int sp = r->has_spend;
		double v[] = {(double)r->leads, (double)r->mqls, (double)r->mqls_before,
		              r->lead_velocity, (double)r->leads_30d, (double)r->customers_30d,
		              r->lead_conversion_30d, (double)r->opportunities,
		              (double)r->opportunity_amount, (double)r->customers,
		              known(sp, (double)r->impressions), known(sp, (double)r->clicks),
		              known(sp, (double)r->cost), r->ctr, r->cpc, r->cpm, r->cpl, r->cac,
		              r->revenue * 100, r->roas, r->roi, (double)r->sessions,
		              (double)r->bounces, r->bounce_rate, r->avg_time_on_site};
		memcpy(grid_row(&g, i), v, sizeof v);
		g.keys[i] = r->key;
	}
	cli_format f = cli_format_of(o);
	if (f == FMT_TABLE)
		printf("KPIs of %s%s%s; revenue credited by the %s model\n", month,
		       currency[0] ? ", amounts in " : "", currency, tp_attr_model_name(ko.model));
	grid_print(&g, f, ko.by == TP_KPI_TOTAL, stdout);
	if (f == FMT_TABLE)
		printf("- = undefined: a zero denominator, or no ad spend imported for it\n");
	grid_free(&g);
	free(rows);
	return EXIT_OK;
}
