/* The KPIs of one month (DESIGN §6), in total or per channel or campaign:
 * Lead Velocity Rate, Lead Conversion Rate over 30 days, new opportunities,
 * CTR, CPC, CPM, CPL, CAC, ROAS, ROI, bounce rate and time on site. Each is
 * defined, with a worked example, in docs/METRICS.md. A KPI whose
 * denominator is zero — or whose cost is unknown because no spend was
 * imported for the group — is NAN: undefined, never 0 or infinity. */
#ifndef TOUCHPOINT_KPI_H
#define TOUCHPOINT_KPI_H

#include "touchpoint/attribution.h"
#include "touchpoint/ctx.h"
#include "touchpoint/store.h"

typedef enum tp_kpi_by { TP_KPI_TOTAL, TP_KPI_CHANNEL, TP_KPI_CAMPAIGN } tp_kpi_by;

typedef struct tp_kpi_opts {
	int month;             /* tp_month_parse; 0 = the last month complete at as_of */
	tp_kpi_by by;
	int64_t as_of;         /* ms; 0 = now */
	tp_attr_model model;   /* credits revenue for ROAS and ROI */
	const char *currency;  /* of spend and opportunity amounts; NULL = the only one */
} tp_kpi_opts;

typedef struct tp_kpi_row {
	char key[64];          /* "all", a channel, or a campaign (lower-case, as UTM) */
	/* counts of the month, by the first touch of each person */
	int64_t leads, mqls, mqls_before;      /* mqls_before: the month before */
	int64_t leads_30d, customers_30d;      /* in the 30 days to the month's end */
	int64_t customers, opportunities;
	int64_t opportunity_amount;            /* minor units */
	/* ad spend of the month (minor units); has_spend = 0: none imported */
	int has_spend;
	int64_t impressions, clicks, cost;
	double revenue;        /* won revenue of the month's customers, credited by the model */
	int64_t sessions, bounces;
	double seconds_on_site;                /* summed over sessions */
	/* the KPIs; NAN = undefined */
	double lead_velocity, lead_conversion_30d, ctr, cpc, cpm, cpl, cac, roas, roi,
		bounce_rate, avg_time_on_site;
} tp_kpi_row;

/* Rows: the total first ("all"), then the groups by key. month[8] and
 * currency[4] say what was reported. Free *rows with free(). */
TP_API tp_status tp_kpi_report(tp_ctx *ctx, tp_store *s, const tp_kpi_opts *o, tp_kpi_row **rows,
                               size_t *n, char month[8], char currency[4]);

#endif
