/* tp_report_write: a report by name, with its options as text. The
 * pipeline report is here; the others have a file each. */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "views/report.h"

tp_status tp__nomem(tp_ctx *ctx)
{
	return tp_ctx_fail(ctx, TP_ERR_NOMEM, NULL, "out of memory");
}

tp_status tp__arg_as_of(tp_ctx *ctx, const char *key, const char *v, int64_t *ms)
{
	int64_t t;
	if (tp_time_parse(v, &t) != 0)
		return tp_ctx_fail(ctx, TP_ERR_USAGE, key, "is a date (2026-03-31) or a time, not \"%s\"", v);
	/* A bare date means the whole of that day. */
	*ms = strlen(v) == 10 ? t + 86400000LL - 1 : t;
	return TP_OK;
}

tp_status tp__arg_duration(tp_ctx *ctx, const char *key, const char *v, int64_t *ms)
{
	char *end;
	long long n = strtoll(v, &end, 10);
	long long unit = strcmp(end, "") == 0 || strcmp(end, "d") == 0 ? 86400000LL
	               : strcmp(end, "h") == 0 ? 3600000LL
	               : strcmp(end, "w") == 0 ? 7 * 86400000LL : 0;
	if (end == v || *v == '-' || unit == 0 || n <= 0 || n > 100000)
		return tp_ctx_fail(ctx, TP_ERR_USAGE, key, "is a duration such as 90d, 12h or 2w, not \"%s\"",
		                   v);
	*ms = n * unit;
	return TP_OK;
}

tp_status tp__arg_count(tp_ctx *ctx, const char *key, const char *v, long long min,
                        long long max, long long *out)
{
	char *end;
	long long n = strtoll(v, &end, 10);
	if (end == v || *end || n < min || n > max)
		return tp_ctx_fail(ctx, TP_ERR_USAGE, key, "is a whole number from %lld to %lld, not \"%s\"",
		                   min, max, v);
	*out = n;
	return TP_OK;
}

tp_status tp_report_arg(tp_ctx *ctx, tp_report_args *a, const char *key, const char *value)
{
	static const struct {
		const char *name;
		size_t offset;
	} t[] = {
		{"by", offsetof(tp_report_args, by)}, {"from", offsetof(tp_report_args, from)},
		{"to", offsetof(tp_report_args, to)}, {"as_of", offsetof(tp_report_args, as_of)},
		{"month", offsetof(tp_report_args, month)}, {"model", offsetof(tp_report_args, model)},
		{"currency", offsetof(tp_report_args, currency)},
		{"conversion", offsetof(tp_report_args, conversion)},
		{"lookback", offsetof(tp_report_args, lookback)},
		{"half_life", offsetof(tp_report_args, half_life)},
		{"order", offsetof(tp_report_args, order)},
		{"min_journeys", offsetof(tp_report_args, min_journeys)},
		{"limit", offsetof(tp_report_args, limit)},
	};
	char name[32];
	size_t n = strlen(key);
	if (n < sizeof name) {
		/* The CLI says --as-of, a query string as_of: both are the one option. */
		for (size_t i = 0; i <= n; i++)
			name[i] = key[i] == '-' ? '_' : key[i];
		for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
			if (strcmp(name, t[i].name) == 0) {
				*(const char **)((char *)a + t[i].offset) = value;
				return TP_OK;
			}
	}
	return tp_ctx_fail(ctx, TP_ERR_USAGE, key, "is not an option of any report");
}

static tp_status report_pipeline(tp_ctx *ctx, tp_store *s, const tp_report_args *a,
                                 tp__report_out *o)
{
	tp_pipeline_by by = TP_PIPELINE_TOTAL;
	if (a->by) {
		if (strcmp(a->by, "month") == 0)
			by = TP_PIPELINE_MONTH;
		else if (strcmp(a->by, "owner") == 0)
			by = TP_PIPELINE_OWNER;
		else if (strcmp(a->by, "channel") == 0)
			by = TP_PIPELINE_CHANNEL;
		else
			return tp_ctx_fail(ctx, TP_ERR_USAGE, "by", "is month, owner or channel, not \"%s\"", a->by);
	}
	tp_pipeline_row *rows;
	size_t n;
	tp_status rc = tp_pipeline_report(ctx, s, by, &rows, &n);
	if (rc != TP_OK)
		return rc;
	if (o->format == TP_FORMAT_JSON) {
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
			tp_json_add_number(j, "win_rate", r->win_rate);
			tp_json_add_number(j, "average_deal", (double)r->average_deal / 100);
			tp_json_add_number(j, "sales_cycle_days", r->cycle_days);
			cJSON_AddItemToArray(arr, j);
		}
		tp_json_print(arr, o->out);
		free(rows);
		return TP_OK;
	}
	tp_table *t = tp_table_new(11);
	const char *group = by == TP_PIPELINE_MONTH ? "MONTH OPENED" : by == TP_PIPELINE_OWNER ? "OWNER"
	                  : by == TP_PIPELINE_CHANNEL ? "SOURCE CHANNEL" : "";
	tp_table_add(t, (const char *[]){group, "CUR", "OPEN", "OPEN AMOUNT",
	                                  "WEIGHTED", "WON", "WON AMOUNT", "LOST", "WIN RATE",
	                                  "AVG DEAL", "CYCLE DAYS"});
	for (size_t i = 0; i < n; i++) {
		const tp_pipeline_row *r = &rows[i];
		char open[24], oa[40], wa[40], won[24], wona[40], lost[24], rate[16], avg[40], cyc[16];
		snprintf(open, sizeof open, "%lld", (long long)r->open);
		snprintf(won, sizeof won, "%lld", (long long)r->won);
		snprintf(lost, sizeof lost, "%lld", (long long)r->lost);
		tp_money_text(r->open_amount, oa, sizeof oa);
		tp_money_text(r->weighted_amount, wa, sizeof wa);
		tp_money_text(r->won_amount, wona, sizeof wona);
		/* Undefined (no closed or no won deal) shows as "-", never as 0. */
		if (r->win_rate >= 0)
			snprintf(rate, sizeof rate, "%.1f%%", 100 * r->win_rate);
		else
			snprintf(rate, sizeof rate, "-");
		if (r->average_deal >= 0)
			tp_money_text(r->average_deal, avg, sizeof avg);
		else
			snprintf(avg, sizeof avg, "-");
		if (r->cycle_days >= 0)
			snprintf(cyc, sizeof cyc, "%.1f", r->cycle_days);
		else
			snprintf(cyc, sizeof cyc, "-");
		tp_table_add(t, (const char *[]){r->key, r->currency, open, oa, wa, won, wona, lost,
		                                  rate, avg, cyc});
	}
	tp_table_print(t, o->out);
	tp_table_free(t);
	free(rows);
	return TP_OK;
}

tp_status tp_report_write(tp_ctx *ctx, tp_store *s, const char *name, const tp_report_args *a,
                          tp_format format, FILE *out, FILE *notes)
{
	static const struct {
		const char *name;
		tp_status (*write)(tp_ctx *, tp_store *, const tp_report_args *, tp__report_out *);
	} reports[] = {
		{"funnel", tp__report_funnel}, {"kpi", tp__report_kpi},
		{"revenue", tp__report_revenue}, {"pipeline", report_pipeline},
		{"attribution", tp__report_attribution}, {"paths", tp__report_paths},
	};
	tp__report_out o = {format, out, notes};
	for (size_t i = 0; i < sizeof reports / sizeof reports[0]; i++)
		if (strcmp(name, reports[i].name) == 0) {
			int journeys = reports[i].write == tp__report_attribution ||
			               reports[i].write == tp__report_paths;
			if (!s && !(journeys && a->paths))
				return tp_ctx_fail(ctx, TP_ERR_USAGE, NULL, "the %s report needs a workspace", name);
			return reports[i].write(ctx, s, a, &o);
		}
	return tp_ctx_fail(ctx, TP_ERR_NOT_FOUND, "report",
	                   "\"%s\" is not a report: funnel, kpi, revenue, pipeline, attribution or paths",
	                   name);
}
