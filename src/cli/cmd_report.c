/* touchpoint report: the reports. pipeline here; attribution and paths in
 * report_attribution.c. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/json_out.h"
#include "cli/report.h"

static int report_pipeline(tp_ctx *ctx, tp_store *s, const cli_opts *o)
{
	tp_pipeline_by by = TP_PIPELINE_TOTAL;
	if (o->by) {
		if (strcmp(o->by, "month") == 0)
			by = TP_PIPELINE_MONTH;
		else if (strcmp(o->by, "owner") == 0)
			by = TP_PIPELINE_OWNER;
		else if (strcmp(o->by, "channel") == 0)
			by = TP_PIPELINE_CHANNEL;
		else
			return cli_usage("report", "--by is month, owner or channel, not \"%s\"", o->by);
	}
	tp_pipeline_row *rows;
	size_t n;
	tp_status rc = tp_pipeline_report(ctx, s, by, &rows, &n);
	if (rc != TP_OK)
		return cli_fail(ctx, rc);
	if (o->json) {
		cJSON *arr = cJSON_CreateArray();
		for (size_t i = 0; i < n; i++) {
			const tp_pipeline_row *r = &rows[i];
			cJSON *j = cJSON_CreateObject();
			cJSON_AddStringToObject(j, "group", r->key);
			cJSON_AddStringToObject(j, "currency", r->currency);
			cJSON_AddNumberToObject(j, "open", (double)r->open);
			cJSON_AddNumberToObject(j, "open_amount", (double)r->open_amount / 100);
			cJSON_AddNumberToObject(j, "weighted_pipeline", (double)r->weighted_amount / 100);
			cJSON_AddNumberToObject(j, "won", (double)r->won);
			cJSON_AddNumberToObject(j, "won_amount", (double)r->won_amount / 100);
			cJSON_AddNumberToObject(j, "lost", (double)r->lost);
			json_add_number(j, "win_rate", r->win_rate);
			json_add_number(j, "average_deal", (double)r->average_deal / 100);
			json_add_number(j, "sales_cycle_days", r->cycle_days);
			cJSON_AddItemToArray(arr, j);
		}
		cli_json_print(arr, stdout);
		free(rows);
		return EXIT_OK;
	}
	cli_table *t = cli_table_new(11);
	const char *group = by == TP_PIPELINE_MONTH ? "MONTH OPENED" : by == TP_PIPELINE_OWNER ? "OWNER"
	                  : by == TP_PIPELINE_CHANNEL ? "SOURCE CHANNEL" : "";
	cli_table_add(t, (const char *[]){group, "CUR", "OPEN", "OPEN AMOUNT",
	                                  "WEIGHTED", "WON", "WON AMOUNT", "LOST", "WIN RATE",
	                                  "AVG DEAL", "CYCLE DAYS"});
	for (size_t i = 0; i < n; i++) {
		const tp_pipeline_row *r = &rows[i];
		char open[24], oa[40], wa[40], won[24], wona[40], lost[24], rate[16], avg[40], cyc[16];
		snprintf(open, sizeof open, "%lld", (long long)r->open);
		snprintf(won, sizeof won, "%lld", (long long)r->won);
		snprintf(lost, sizeof lost, "%lld", (long long)r->lost);
		cli_money(r->open_amount, oa, sizeof oa);
		cli_money(r->weighted_amount, wa, sizeof wa);
		cli_money(r->won_amount, wona, sizeof wona);
		/* Undefined (no closed or no won deal) shows as "-", never as 0. */
		if (r->win_rate >= 0)
			snprintf(rate, sizeof rate, "%.1f%%", 100 * r->win_rate);
		else
			snprintf(rate, sizeof rate, "-");
		if (r->average_deal >= 0)
			cli_money(r->average_deal, avg, sizeof avg);
		else
			snprintf(avg, sizeof avg, "-");
		if (r->cycle_days >= 0)
			snprintf(cyc, sizeof cyc, "%.1f", r->cycle_days);
		else
			snprintf(cyc, sizeof cyc, "-");
		cli_table_add(t, (const char *[]){r->key, r->currency, open, oa, wa, won, wona, lost,
		                                  rate, avg, cyc});
	}
	cli_table_print(t, stdout);
	cli_table_free(t);
	free(rows);
	return EXIT_OK;
}

int cmd_report(tp_ctx *ctx, int argc, char **argv)
{
	cli_opts o;
	int rc = cli_parse("report", argc, argv,
	                   "db workspace by json csv model lookback conversion paths order half-life "
	                   "min-journeys as-of limit from to currency month",
	                   &o);
	if (rc)
		return rc;
	const char *what = o.nargs ? o.args[0] : "";
	if (strcmp(what, "attribution") == 0) {
		rc = report_attribution(ctx, &o);
	} else if (strcmp(what, "paths") == 0) {
		rc = report_paths(ctx, &o);
	} else if (strcmp(what, "pipeline") == 0 || strcmp(what, "funnel") == 0 ||
	           strcmp(what, "revenue") == 0 || strcmp(what, "kpi") == 0) {
		tp_store *s = cli_open(ctx, o.db, o.workspace);
		rc = !s ? EXIT_FAILED
		     : strcmp(what, "pipeline") == 0 ? report_pipeline(ctx, s, &o)
		     : strcmp(what, "funnel") == 0 ? report_funnel(ctx, s, &o)
		     : strcmp(what, "revenue") == 0 ? report_revenue(ctx, s, &o)
		     : report_kpi(ctx, s, &o);
		tp_store_close(s);
	} else {
		rc = cli_usage("report", "say which report: funnel, kpi, revenue, pipeline, attribution"
		               " or paths");
	}
	cli_opts_free(&o);
	return rc;
}
