/* touchpoint report funnel: per cohort, people reaching each stage, stage
 * conversion, median and p90 days in stage; where the cohort is now; touches
 * before becoming a customer. Undefined numbers are "-" (null in JSON). */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/json_out.h"
#include "cli/report.h"

static const char *const stage_names[TP_FUNNEL_STAGES] = {"lead", "mql", "sal", "sql",
                                                          "opportunity", "customer"};
static const char *const touch_buckets[6] = {"0", "1", "2-3", "4-7", "8-15", "16+"};

static void num_or_dash(char *buf, size_t cap, const char *fmt, double v, double scale)
{
	if (v < 0)
		snprintf(buf, cap, "-");
	else
		snprintf(buf, cap, fmt, v * scale);
}

static int parse_by(const char *by, tp_funnel_by *out)
{
	static const struct {
		const char *name;
		tp_funnel_by by;
	} t[] = {{"month", TP_FUNNEL_MONTH}, {"owner", TP_FUNNEL_OWNER},
	         {"channel", TP_FUNNEL_CHANNEL}, {"campaign", TP_FUNNEL_CAMPAIGN}};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		if (strcmp(by, t[i].name) == 0) {
			*out = t[i].by;
			return 0;
		}
	return -1;
}

int report_funnel(tp_ctx *ctx, tp_store *s, const cli_opts *o)
{
	tp_funnel_opts fo = {.by = TP_FUNNEL_TOTAL};
	if (o->by && parse_by(o->by, &fo.by) != 0)
		return cli_usage("report", "--by is month, owner, channel or campaign, not \"%s\"", o->by);
	if (o->from && tp_time_parse(o->from, &fo.from) != 0)
		return cli_usage("report", "--from is a date (2026-01-01), not \"%s\"", o->from);
	if (o->to && cli_as_of("report", o->to, &fo.to) != 0)
		return EXIT_USAGE;
	if (o->as_of && cli_as_of("report", o->as_of, &fo.as_of) != 0)
		return EXIT_USAGE;
	tp_funnel_row *rows;
	size_t n;
	tp_status rc = tp_funnel_report(ctx, s, &fo, &rows, &n);
	if (rc != TP_OK)
		return cli_fail(ctx, rc);
	cli_format f = cli_format_of(o);
	if (f == FMT_JSON) {
		cJSON *arr = cJSON_CreateArray();
		for (size_t i = 0; i < n; i++) {
			const tp_funnel_row *r = &rows[i];
			cJSON *g = cJSON_CreateObject();
			cJSON_AddStringToObject(g, "cohort", r->key);
			cJSON *st = cJSON_AddArrayToObject(g, "stages");
			for (int k = 0; k < TP_FUNNEL_STAGES; k++) {
				const tp_funnel_stage *x = &r->stages[k];
				cJSON *j = cJSON_CreateObject();
				cJSON_AddStringToObject(j, "stage", stage_names[k]);
				cJSON_AddNumberToObject(j, "reached", (double)x->reached);
				json_add_number(j, "conversion", x->conversion);
				json_add_number(j, "median_days", x->median_days);
				json_add_number(j, "p90_days", x->p90_days);
				cJSON_AddNumberToObject(j, "moved_on", (double)x->moved_on);
				cJSON_AddItemToArray(st, j);
			}
			cJSON *now = cJSON_AddObjectToObject(g, "now");
			cJSON_AddNumberToObject(now, "top", (double)r->now_top);
			cJSON_AddNumberToObject(now, "middle", (double)r->now_middle);
			cJSON_AddNumberToObject(now, "bottom", (double)r->now_bottom);
			cJSON *t = cJSON_AddObjectToObject(g, "touches_before_customer");
			cJSON_AddNumberToObject(t, "customers", (double)r->customers_with_touches);
			json_add_number(t, "median", r->median_touches);
			for (int b = 0; b < 6; b++)
				cJSON_AddNumberToObject(t, touch_buckets[b], (double)r->touches_hist[b]);
			cJSON_AddItemToArray(arr, g);
		}
		cli_json_print(arr, stdout);
	} else if (f == FMT_CSV) {
		cli_csv_row(stdout, (const char *[]){"cohort", "stage", "reached", "conversion",
		                                     "median_days", "p90_days", "moved_on"}, 7);
		for (size_t i = 0; i < n; i++)
			for (int k = 0; k < TP_FUNNEL_STAGES; k++) {
				const tp_funnel_stage *x = &rows[i].stages[k];
				char a[24], b[24], c[24], d[24], e[24];
				snprintf(a, sizeof a, "%lld", (long long)x->reached);
				num_or_dash(b, sizeof b, "%.6f", x->conversion, 1);
				num_or_dash(c, sizeof c, "%.3f", x->median_days, 1);
				num_or_dash(d, sizeof d, "%.3f", x->p90_days, 1);
				snprintf(e, sizeof e, "%lld", (long long)x->moved_on);
				/* CSV leaves undefined cells empty. */
				cli_csv_row(stdout, (const char *[]){rows[i].key, stage_names[k], a,
				                                     b[0] == '-' ? "" : b, c[0] == '-' ? "" : c,
				                                     d[0] == '-' ? "" : d, e}, 7);
			}
	} else {
		for (size_t i = 0; i < n; i++) {
			const tp_funnel_row *r = &rows[i];
			if (n > 1 || fo.by != TP_FUNNEL_TOTAL)
				printf("%s%s\n", i ? "\n" : "", r->key);
			cli_table *t = cli_table_new(5);
			cli_table_add(t, (const char *[]){"STAGE", "REACHED", "CONVERSION", "MEDIAN DAYS",
			                                  "P90 DAYS"});
			for (int k = 0; k < TP_FUNNEL_STAGES; k++) {
				const tp_funnel_stage *x = &r->stages[k];
				char a[24], b[24], c[24], d[24];
				snprintf(a, sizeof a, "%lld", (long long)x->reached);
				num_or_dash(b, sizeof b, "%.1f%%", x->conversion, 100);
				num_or_dash(c, sizeof c, "%.1f", x->median_days, 1);
				num_or_dash(d, sizeof d, "%.1f", x->p90_days, 1);
				cli_table_add(t, (const char *[]){stage_names[k], a, b, c, d});
			}
			cli_table_print(t, stdout);
			cli_table_free(t);
			char med[24];
			num_or_dash(med, sizeof med, "%.1f", r->median_touches, 1);
			printf("now: %lld top of funnel (lead), %lld middle (mql, sal), %lld bottom (sql, "
			       "opportunity)\n",
			       (long long)r->now_top, (long long)r->now_middle, (long long)r->now_bottom);
			printf("touches before becoming customer (%lld customers, median %s):",
			       (long long)r->customers_with_touches, med);
			for (int b = 0; b < 6; b++)
				printf(" %s: %lld%s", touch_buckets[b], (long long)r->touches_hist[b],
				       b < 5 ? "," : "\n");
		}
	}
	free(rows);
	return EXIT_OK;
}
