/* The funnel report: per cohort, people reaching each stage, stage
 * conversion, median and p90 days in stage; where the cohort is now; touches
 * before becoming a customer. Undefined numbers are "-" (null in JSON). */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "views/report.h"

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

tp_status tp__report_funnel(tp_ctx *ctx, tp_store *s, const tp_report_args *args, tp__report_out *o)
{
	tp_funnel_opts fo = {.by = TP_FUNNEL_TOTAL};
	tp_status rc = TP_OK;
	if (args->by && parse_by(args->by, &fo.by) != 0)
		return tp_ctx_fail(ctx, TP_ERR_USAGE, "by", "is month, owner, channel or campaign, not \"%s\"",
		                   args->by);
	if (args->from && tp_time_parse(args->from, &fo.from) != 0)
		return tp_ctx_fail(ctx, TP_ERR_USAGE, "from", "is a date (2026-01-01), not \"%s\"", args->from);
	if ((args->to && (rc = tp__arg_as_of(ctx, "to", args->to, &fo.to)) != TP_OK) ||
	    (args->as_of && (rc = tp__arg_as_of(ctx, "as-of", args->as_of, &fo.as_of)) != TP_OK))
		return rc;
	tp_funnel_row *rows;
	size_t n;
	if ((rc = tp_funnel_report(ctx, s, &fo, &rows, &n)) != TP_OK)
		return rc;
	FILE *out = o->out;
	if (o->format == TP_FORMAT_JSON) {
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
				tp_json_add_number(j, "conversion", x->conversion);
				tp_json_add_number(j, "median_days", x->median_days);
				tp_json_add_number(j, "p90_days", x->p90_days);
				cJSON_AddNumberToObject(j, "moved_on", (double)x->moved_on);
				cJSON_AddItemToArray(st, j);
			}
			cJSON *now = cJSON_AddObjectToObject(g, "now");
			cJSON_AddNumberToObject(now, "top", (double)r->now_top);
			cJSON_AddNumberToObject(now, "middle", (double)r->now_middle);
			cJSON_AddNumberToObject(now, "bottom", (double)r->now_bottom);
			cJSON *t = cJSON_AddObjectToObject(g, "touches_before_customer");
			cJSON_AddNumberToObject(t, "customers", (double)r->customers_with_touches);
			tp_json_add_number(t, "median", r->median_touches);
			for (int b = 0; b < 6; b++)
				cJSON_AddNumberToObject(t, touch_buckets[b], (double)r->touches_hist[b]);
			cJSON_AddItemToArray(arr, g);
		}
		tp_json_print(arr, out);
	} else if (o->format == TP_FORMAT_CSV) {
		tp_csv_row(out, (const char *[]){"cohort", "stage", "reached", "conversion",
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
				tp_csv_row(out, (const char *[]){rows[i].key, stage_names[k], a,
				                                     b[0] == '-' ? "" : b, c[0] == '-' ? "" : c,
				                                     d[0] == '-' ? "" : d, e}, 7);
			}
	} else {
		for (size_t i = 0; i < n; i++) {
			const tp_funnel_row *r = &rows[i];
			if (n > 1 || fo.by != TP_FUNNEL_TOTAL)
				fprintf(out, "%s%s\n", i ? "\n" : "", r->key);
			tp_table *t = tp_table_new(5);
			tp_table_add(t, (const char *[]){"STAGE", "REACHED", "CONVERSION", "MEDIAN DAYS",
			                                  "P90 DAYS"});
			for (int k = 0; k < TP_FUNNEL_STAGES; k++) {
				const tp_funnel_stage *x = &r->stages[k];
				char a[24], b[24], c[24], d[24];
				snprintf(a, sizeof a, "%lld", (long long)x->reached);
				num_or_dash(b, sizeof b, "%.1f%%", x->conversion, 100);
				num_or_dash(c, sizeof c, "%.1f", x->median_days, 1);
				num_or_dash(d, sizeof d, "%.1f", x->p90_days, 1);
				tp_table_add(t, (const char *[]){stage_names[k], a, b, c, d});
			}
			tp_table_print(t, out);
			tp_table_free(t);
			char med[24];
			num_or_dash(med, sizeof med, "%.1f", r->median_touches, 1);
			fprintf(out, "now: %lld top of funnel (lead), %lld middle (mql, sal), %lld bottom (sql, "
			       "opportunity)\n",
			       (long long)r->now_top, (long long)r->now_middle, (long long)r->now_bottom);
			fprintf(out, "touches before becoming customer (%lld customers, median %s):",
			       (long long)r->customers_with_touches, med);
			for (int b = 0; b < 6; b++)
				fprintf(out, " %s: %lld%s", touch_buckets[b], (long long)r->touches_hist[b],
				       b < 5 ? "," : "\n");
		}
	}
	free(rows);
	return TP_OK;
}
