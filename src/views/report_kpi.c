/* The KPI report: the KPIs of a month (docs/METRICS.md). Alone, the
 * total is printed one KPI a line with how it was computed; --by prints a
 * row per channel or campaign. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "views/grid.h"
#include "views/report.h"

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

tp_status tp__report_kpi(tp_ctx *ctx, tp_store *s, const tp_report_args *a, tp__report_out *o)
{
	tp_kpi_opts ko = {.by = TP_KPI_TOTAL, .model = TP_ATTR_LAST_NON_DIRECT};
	char code[4];
	tp_status rc;
	if (a->by) {
		if (strcmp(a->by, "channel") == 0)
			ko.by = TP_KPI_CHANNEL;
		else if (strcmp(a->by, "campaign") == 0)
			ko.by = TP_KPI_CAMPAIGN;
		else
			return tp_ctx_fail(ctx, TP_ERR_USAGE, "by", "is channel or campaign, not \"%s\"", a->by);
	}
	if (a->month && tp_month_parse(a->month, &ko.month) != 0)
		return tp_ctx_fail(ctx, TP_ERR_USAGE, "month", "is a month like 2026-03, not \"%s\"",
		                   a->month);
	if (a->model && (tp_attr_model_from_name(a->model, &ko.model) != 0))
		return tp_ctx_fail(ctx, TP_ERR_USAGE, "model", "is one of first, last, last-non-direct,"
		                   " linear, time-decay, position, w-shaped, markov, shapley,"
		                   " shapley-ordered, not \"%s\"", a->model);
	if (a->currency && tp_currency_parse(a->currency, code) != 0)
		return tp_ctx_fail(ctx, TP_ERR_USAGE, "currency", "is a code like USD, not \"%s\"",
		                   a->currency);
	if (a->currency)
		ko.currency = code;
	if (a->as_of && (rc = tp__arg_as_of(ctx, "as-of", a->as_of, &ko.as_of)) != TP_OK)
		return rc;
	tp_kpi_row *rows;
	size_t n;
	char month[8], currency[4];
	if ((rc = tp_kpi_report(ctx, s, &ko, &rows, &n, month, currency)) != TP_OK)
		return rc;
	grid g = {ko.by == TP_KPI_CAMPAIGN ? "campaign" : ko.by == TP_KPI_CHANNEL ? "channel"
	          : "group", ko.by == TP_KPI_CAMPAIGN ? "CAMPAIGN" : "CHANNEL", columns, N_COLS,
	          NULL, NULL, 0, currency[0] ? currency : NULL};
	if ((rc = grid_rows(&g, ctx, n)) != TP_OK) {
		free(rows);
		return rc;
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
	tp_format f = o->format;
	if (f == TP_FORMAT_TABLE)
		fprintf(o->out, "KPIs of %s%s%s; revenue credited by the %s model\n", month,
		       currency[0] ? ", amounts in " : "", currency, tp_attr_model_name(ko.model));
	grid_print(&g, f, ko.by == TP_KPI_TOTAL, o->out);
	if (f == TP_FORMAT_TABLE)
		fprintf(o->out, "- = undefined: a zero denominator, or no ad spend imported for it\n");
	grid_free(&g);
	free(rows);
	return TP_OK;
}
