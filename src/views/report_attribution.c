/* The attribution and paths reports: journeys from the workspace or
 * from a ChannelAttribution path file, credited by one model or all. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "views/report.h"

/* Reads the journeys the options ask for into *out (new). */
static tp_status load_journeys(tp_ctx *ctx, tp_store *s, const tp_report_args *a,
                               tp_journeys **out)
{
	tp_journey_opts jo = {.conversion = TP_CONVERT_CUSTOMER, .key = TP_KEY_CHANNEL};
	tp_status rc = TP_OK;
	if (a->by && strcmp(a->by, "channel") != 0) {
		if (strcmp(a->by, "campaign") != 0)
			return tp_ctx_fail(ctx, TP_ERR_USAGE, "by", "is channel or campaign, not \"%s\"", a->by);
		jo.key = TP_KEY_CAMPAIGN;
	}
	if (a->conversion) {
		if (strcmp(a->conversion, "customer") == 0)
			jo.conversion = TP_CONVERT_CUSTOMER;
		else if (strcmp(a->conversion, "opportunity") == 0)
			jo.conversion = TP_CONVERT_OPPORTUNITY;
		else if (strcmp(a->conversion, "sql") == 0)
			jo.conversion = TP_CONVERT_SQL;
		else if (*a->conversion) {
			jo.conversion = TP_CONVERT_EVENT;
			jo.event = a->conversion;
		} else {
			return tp_ctx_fail(ctx, TP_ERR_USAGE, "conversion",
			                   "is customer, opportunity, sql or an event name");
		}
	}
	if ((a->lookback && (rc = tp__arg_duration(ctx, "lookback", a->lookback, &jo.lookback_ms)) !=
	                        TP_OK) ||
	    (a->as_of && (rc = tp__arg_as_of(ctx, "as-of", a->as_of, &jo.as_of)) != TP_OK))
		return rc;
	if (a->paths && (a->by || a->conversion || a->lookback || a->as_of))
		return tp_ctx_fail(ctx, TP_ERR_USAGE, "paths", "gives the journeys: by, conversion, lookback"
		                   " and as-of apply to the workspace's own");
	tp_journeys *j = tp_journeys_create();
	if (!j)
		return tp__nomem(ctx);
	rc = a->paths ? tp_journeys_read_paths(ctx, a->paths, j) : tp_journeys_from_store(ctx, s, &jo, j);
	if (rc != TP_OK) {
		tp_journeys_free(j);
		return rc;
	}
	*out = j;
	return TP_OK;
}

static double share(double part, double whole)
{
	return whole != 0 ? part / whole : 0;
}

/* ---- attribution ------------------------------------------------------------ */

typedef struct run {
	tp_attr_result r;
	int ok;
} run;

static void fmt2(char *buf, size_t cap, double v)
{
	/* -0.00 would read as a debit. */
	snprintf(buf, cap, "%.2f", v > -0.005 && v < 0.005 ? 0.0 : v);
}

/* Revenue in tables: "12,500.00". */
static void fmt_money(char *buf, size_t cap, double v)
{
	tp_money_text(llround(v * 100), buf, cap);
}

static void fmt_pct(char *buf, size_t cap, double v)
{
	snprintf(buf, cap, "%.1f%%", 100 * v);
}

static int cmp_name(const void *a, const void *b, void *j)
{
	return strcmp(tp_journeys_channel_name(j, *(const uint32_t *)a),
	              tp_journeys_channel_name(j, *(const uint32_t *)b));
}

typedef struct by_credit {
	const tp_journeys *j;
	const double *credit;
} by_credit;

static int cmp_credit(const void *a, const void *b, void *u)
{
	const by_credit *c = u;
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	if (c->credit[x] != c->credit[y])
		return c->credit[x] < c->credit[y] ? 1 : -1;
	return strcmp(tp_journeys_channel_name(c->j, x), tp_journeys_channel_name(c->j, y));
}

static cJSON *result_json(const tp_journeys *j, const tp_attr_opts *ao, const tp_attr_result *r,
                          const uint32_t *order)
{
	cJSON *m = cJSON_CreateObject();
	cJSON_AddStringToObject(m, "model", tp_attr_model_name(r->model));
	if (r->model == TP_ATTR_MARKOV) {
		cJSON_AddNumberToObject(m, "order", ao->markov_order ? ao->markov_order : 1);
		cJSON_AddNumberToObject(m, "states", (double)r->markov_states);
		cJSON_AddNumberToObject(m, "conversion_probability", r->conversion_probability);
	}
	if (r->model == TP_ATTR_SHAPLEY || r->model == TP_ATTR_SHAPLEY_ORDERED)
		cJSON_AddNumberToObject(m, "min_journeys", ao->min_journeys);
	cJSON_AddNumberToObject(m, "total_conversions", r->total_conversions);
	cJSON_AddNumberToObject(m, "total_value", r->total_value);
	cJSON_AddNumberToObject(m, "unattributed_conversions", r->unattributed_conversions);
	cJSON_AddNumberToObject(m, "unattributed_value", r->unattributed_value);
	cJSON *arr = cJSON_AddArrayToObject(m, "channels");
	for (size_t k = 0; k < r->n_channels; k++) {
		uint32_t c = order[k];
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "channel", tp_journeys_channel_name(j, c));
		cJSON_AddNumberToObject(o, "conversions", r->conversions[c]);
		cJSON_AddNumberToObject(o, "conversion_share", share(r->conversions[c], r->total_conversions));
		cJSON_AddNumberToObject(o, "value", r->value[c]);
		cJSON_AddNumberToObject(o, "value_share", share(r->value[c], r->total_value));
		if (r->removal_effect) {
			cJSON_AddNumberToObject(o, "removal_effect", r->removal_effect[c]);
			cJSON_AddNumberToObject(o, "removal_effect_value", r->removal_effect_value[c]);
		}
		if (r->by_position) {
			cJSON *pos = cJSON_AddArrayToObject(o, "by_position");
			for (size_t p = 0; p < r->n_positions; p++)
				cJSON_AddItemToArray(pos, cJSON_CreateNumber(r->by_position[c * r->n_positions + p]));
		}
		cJSON_AddItemToArray(arr, o);
	}
	return m;
}

/* Six decimals, and no "-0.000000". */
static void fmt6(char *buf, size_t cap, double v)
{
	snprintf(buf, cap, "%.6f", v > -5e-7 && v < 5e-7 ? 0.0 : v);
}

static void csv_rows(FILE *out, const tp_journeys *j, const tp_attr_result *r, const uint32_t *order)
{
	for (size_t k = 0; k <= r->n_channels; k++) {
		int un = k == r->n_channels;
		uint32_t c = un ? 0 : order[k];
		double conv = un ? r->unattributed_conversions : r->conversions[c];
		double val = un ? r->unattributed_value : r->value[c];
		if (un && conv == 0 && val == 0)
			break;
		char a[40], b[40], d[40], e[40], f[40];
		fmt6(a, sizeof a, conv);
		fmt6(b, sizeof b, share(conv, r->total_conversions));
		fmt6(d, sizeof d, val);
		fmt6(e, sizeof e, share(val, r->total_value));
		if (r->removal_effect && !un)
			fmt6(f, sizeof f, r->removal_effect[c]);
		else
			f[0] = '\0';
		tp_csv_row(out, (const char *[]){tp_attr_model_name(r->model),
		                                  un ? "(unattributed)" : tp_journeys_channel_name(j, c),
		                                  a, b, d, e, f}, 7);
	}
}

/* One model: credit, shares, and what the model adds (removal effects,
 * credit by position). */
static void print_one(FILE *out, const tp_journeys *j, const tp_attr_opts *ao, const tp_attr_result *r,
                      const uint32_t *order)
{
	if (r->model == TP_ATTR_MARKOV)
		fprintf(out, "markov, order %d: %zu states; conversion probability %.6f\n",
		       ao->markov_order ? ao->markov_order : 1, r->markov_states,
		       r->conversion_probability);
	int markov = r->removal_effect != NULL;
	tp_table *t = tp_table_new(markov ? 7 : 5);
	tp_table_add(t, (const char *[]){"CHANNEL", "CONVERSIONS", "SHARE", "REVENUE", "SHARE",
	                                  "REMOVAL EFFECT", "ON REVENUE"});
	for (size_t k = 0; k <= r->n_channels + 1; k++) {
		char a[40], b[16], d[48], e[16], f[16], g[16];
		const char *name;
		double conv, val;
		f[0] = g[0] = '\0';
		if (k < r->n_channels) {
			uint32_t c = order[k];
			name = tp_journeys_channel_name(j, c);
			conv = r->conversions[c];
			val = r->value[c];
			if (markov) {
				fmt_pct(f, sizeof f, r->removal_effect[c]);
				fmt_pct(g, sizeof g, r->removal_effect_value[c]);
			}
		} else if (k == r->n_channels) {
			if (r->unattributed_conversions == 0 && r->unattributed_value == 0)
				continue;
			name = "(unattributed)";
			conv = r->unattributed_conversions;
			val = r->unattributed_value;
		} else {
			name = "TOTAL";
			conv = r->total_conversions;
			val = r->total_value;
		}
		fmt2(a, sizeof a, conv);
		fmt_pct(b, sizeof b, share(conv, r->total_conversions));
		fmt_money(d, sizeof d, val);
		fmt_pct(e, sizeof e, share(val, r->total_value));
		tp_table_add(t, (const char *[]){name, a, b, d, e, f, g});
	}
	tp_table_print(t, out);
	tp_table_free(t);
	if (r->by_position) {
		fprintf(out, "\ncredit by position of first touch:\n");
		size_t cols = r->n_positions + 1;
		tp_table *p = tp_table_new((int)cols);
		const char **cells = calloc(cols, sizeof *cells);
		char (*buf)[32] = calloc(cols, sizeof *buf);
		if (cells && buf) {
			cells[0] = "CHANNEL";
			for (size_t i = 1; i < cols; i++) {
				snprintf(buf[i], sizeof buf[i], "#%zu", i);
				cells[i] = buf[i];
			}
			tp_table_add(p, cells);
			for (size_t k = 0; k < r->n_channels; k++) {
				uint32_t c = order[k];
				cells[0] = tp_journeys_channel_name(j, c);
				for (size_t i = 1; i < cols; i++)
					fmt2(buf[i], sizeof buf[i], r->by_position[c * r->n_positions + i - 1]);
				tp_table_add(p, cells);
			}
			tp_table_print(p, out);
		}
		free(cells);
		free(buf);
		tp_table_free(p);
	}
}

/* All models side by side, conversions then revenue. */
static void print_all(FILE *out, const tp_journeys *j, const run *runs, const uint32_t *order)
{
	for (int value = 0; value < 2; value++) {
		const tp_attr_result *any = NULL;
		int cols = 1;
		for (int m = 0; m < TP_ATTR__COUNT; m++)
			if (runs[m].ok) {
				any = &runs[m].r;
				cols++;
			}
		if (!any || (value && any->total_value == 0))
			return;
		fprintf(out, "%s%s\n", value ? "\n" : "", value ? "revenue credited:" : "conversions credited:");
		tp_table *t = tp_table_new(cols);
		const char *cells[TP_ATTR__COUNT + 1];
		char buf[TP_ATTR__COUNT + 1][40];
		cells[0] = "CHANNEL";
		int c = 1;
		for (int m = 0; m < TP_ATTR__COUNT; m++)
			if (runs[m].ok)
				cells[c++] = tp_attr_model_name((tp_attr_model)m);
		tp_table_add(t, cells);
		for (size_t k = 0; k <= any->n_channels + 1; k++) {
			int unattributed = 0;
			for (int m = 0; m < TP_ATTR__COUNT; m++)
				if (runs[m].ok && (value ? runs[m].r.unattributed_value
				                         : runs[m].r.unattributed_conversions) != 0)
					unattributed = 1;
			if (k == any->n_channels && !unattributed)
				continue;
			cells[0] = k < any->n_channels ? tp_journeys_channel_name(j, order[k])
			         : k == any->n_channels ? "(unattributed)" : "TOTAL";
			c = 1;
			for (int m = 0; m < TP_ATTR__COUNT; m++) {
				if (!runs[m].ok)
					continue;
				const tp_attr_result *r = &runs[m].r;
				double v = k < any->n_channels ? (value ? r->value : r->conversions)[order[k]]
				         : k == any->n_channels
				                 ? (value ? r->unattributed_value : r->unattributed_conversions)
				                 : (value ? r->total_value : r->total_conversions);
				if (value)
					fmt_money(buf[c], sizeof buf[c], v);
				else
					fmt2(buf[c], sizeof buf[c], v);
				cells[c] = buf[c];
				c++;
			}
			tp_table_add(t, cells);
		}
		tp_table_print(t, out);
		tp_table_free(t);
	}
}

tp_status tp__report_attribution(tp_ctx *ctx, tp_store *s, const tp_report_args *a,
                                 tp__report_out *o)
{
	int all = !a->model || strcmp(a->model, "all") == 0;
	tp_attr_model model = TP_ATTR_MARKOV;
	if (!all && tp_attr_model_from_name(a->model, &model) != 0)
		return tp_ctx_fail(ctx, TP_ERR_USAGE, "model", "is first, last, last-non-direct, linear,"
		                   " time-decay, position, w-shaped, markov, shapley, shapley-ordered or"
		                   " all, not \"%s\"", a->model);
	long long order_n = 1, min_journeys = 0;
	tp_status rc = TP_OK;
	if ((a->order && (rc = tp__arg_count(ctx, "order", a->order, 1, 4, &order_n)) != TP_OK) ||
	    (a->min_journeys && (rc = tp__arg_count(ctx, "min-journeys", a->min_journeys, 0,
	                                            1000000000, &min_journeys)) != TP_OK))
		return rc;
	tp_attr_opts ao = {.model = model, .markov_order = (int)order_n,
	                   .min_journeys = (double)min_journeys};
	if (a->half_life && (rc = tp__arg_duration(ctx, "half-life", a->half_life,
	                                           &ao.half_life_ms)) != TP_OK)
		return rc;
	tp_journeys *j;
	if ((rc = load_journeys(ctx, s, a, &j)) != TP_OK)
		return rc;
	cJSON *left_out = cJSON_CreateArray();
	run runs[TP_ATTR__COUNT];
	memset(runs, 0, sizeof runs);
	for (int m = 0; m < TP_ATTR__COUNT; m++) {
		if (!all && m != (int)model)
			continue;
		ao.model = (tp_attr_model)m;
		tp_status st = tp_attribute(ctx, j, &ao, &runs[m].r);
		if (st == TP_OK) {
			runs[m].ok = 1;
		} else if (all && st == TP_ERR_UNSUPPORTED) {
			/* Side by side, a model the journeys cannot feed is left out, and said why. */
			cJSON *x = cJSON_CreateObject();
			cJSON_AddStringToObject(x, "model", tp_attr_model_name((tp_attr_model)m));
			cJSON_AddStringToObject(x, "reason", tp_ctx_message(ctx));
			cJSON_AddItemToArray(left_out, x);
			if (o->notes && o->format != TP_FORMAT_JSON)
				fprintf(o->notes, "touchpoint: %s left out: %s\n",
				        tp_attr_model_name((tp_attr_model)m), tp_ctx_message(ctx));
			tp_ctx_clear(ctx);
		} else {
			rc = st;
			break;
		}
	}
	size_t nch = tp_journeys_n_channels(j);
	uint32_t *order = malloc((nch ? nch : 1) * sizeof *order);
	if (rc == TP_OK && !order)
		rc = tp__nomem(ctx);
	if (rc == TP_OK) {
		for (size_t c = 0; c < nch; c++)
			order[c] = (uint32_t)c;
		/* One model: largest credit first; side by side: by name. */
		by_credit bc = {j, runs[model].r.conversions};
		if (all)
			qsort_r(order, nch, sizeof *order, cmp_name, j);
		else
			qsort_r(order, nch, sizeof *order, cmp_credit, &bc);
		FILE *out = o->out;
		if (o->format == TP_FORMAT_JSON) {
			cJSON *doc = cJSON_CreateObject();
			cJSON_AddNumberToObject(doc, "journeys", (double)tp_journeys_count(j));
			cJSON *models = cJSON_AddArrayToObject(doc, "models");
			for (int m = 0; m < TP_ATTR__COUNT; m++)
				if (runs[m].ok) {
					ao.model = (tp_attr_model)m;
					cJSON_AddItemToArray(models, result_json(j, &ao, &runs[m].r, order));
				}
			cJSON_AddItemToObject(doc, "left_out", left_out);
			left_out = NULL;
			tp_json_print(doc, out);
		} else if (o->format == TP_FORMAT_CSV) {
			tp_csv_row(out, (const char *[]){"model", "channel", "conversions", "conversion_share",
			                                     "value", "value_share", "removal_effect"}, 7);
			for (int m = 0; m < TP_ATTR__COUNT; m++)
				if (runs[m].ok)
					csv_rows(out, j, &runs[m].r, order);
		} else if (all) {
			print_all(out, j, runs, order);
		} else {
			print_one(out, j, &ao, &runs[model].r, order);
		}
	}
	for (int m = 0; m < TP_ATTR__COUNT; m++)
		tp_attr_result_free(&runs[m].r);
	cJSON_Delete(left_out);
	free(order);
	tp_journeys_free(j);
	return rc;
}

/* ---- paths -------------------------------------------------------------------- */

static cJSON *rows_json(const tp_path_row *v, size_t n)
{
	cJSON *arr = cJSON_CreateArray();
	for (size_t i = 0; i < n; i++) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "path", v[i].path);
		cJSON_AddNumberToObject(o, "length", v[i].length);
		cJSON_AddNumberToObject(o, "conversions", v[i].conversions);
		cJSON_AddNumberToObject(o, "value", v[i].value);
		cJSON_AddNumberToObject(o, "non_conversions", v[i].nulls);
		tp_json_add_number(o, "conversion_rate", v[i].conversion_rate);
		cJSON_AddItemToArray(arr, o);
	}
	return arr;
}

static void rows_print(FILE *out, const char *title, const char *first, const tp_path_row *v, size_t n)
{
	fprintf(out, "%s\n", title);
	tp_table *t = tp_table_new(5);
	tp_table_add(t, (const char *[]){first, "CONVERSIONS", "NOT CONVERTED", "CONV RATE", "REVENUE"});
	for (size_t i = 0; i < n; i++) {
		char a[40], b[40], c[16], d[48];
		fmt2(a, sizeof a, v[i].conversions);
		fmt2(b, sizeof b, v[i].nulls);
		if (v[i].conversion_rate >= 0)
			fmt_pct(c, sizeof c, v[i].conversion_rate);
		else
			snprintf(c, sizeof c, "-");
		fmt_money(d, sizeof d, v[i].value);
		/* Long paths keep their ends in a table; JSON and CSV have them whole. */
		char path[104];
		size_t len = strlen(v[i].path);
		if (len > 100)
			snprintf(path, sizeof path, "%.45s ... %s", v[i].path, v[i].path + len - 50);
		tp_table_add(t, (const char *[]){len > 100 ? path : v[i].path, a, b, c, d});
	}
	tp_table_print(t, out);
	tp_table_free(t);
}

static void rows_csv(FILE *out, const char *list, const tp_path_row *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char l[16], a[40], b[40], c[40], d[40];
		snprintf(l, sizeof l, "%u", (unsigned)v[i].length);
		fmt6(a, sizeof a, v[i].conversions);
		fmt6(b, sizeof b, v[i].nulls);
		if (v[i].conversion_rate >= 0)
			fmt6(c, sizeof c, v[i].conversion_rate);
		else
			c[0] = '\0';
		fmt6(d, sizeof d, v[i].value);
		tp_csv_row(out, (const char *[]){list, v[i].path, l, a, b, c, d}, 7);
	}
}

tp_status tp__report_paths(tp_ctx *ctx, tp_store *s, const tp_report_args *a, tp__report_out *o)
{
	long long limit = 10;
	tp_status st = TP_OK;
	if (a->limit && (st = tp__arg_count(ctx, "limit", a->limit, 0, 1000000, &limit)) != TP_OK)
		return st;
	tp_journeys *j;
	if ((st = load_journeys(ctx, s, a, &j)) != TP_OK)
		return st;
	tp_paths_report pr;
	st = tp_paths_report_build(ctx, j, (size_t)limit, &pr);
	tp_journeys_free(j);
	if (st != TP_OK)
		return st;
	FILE *out = o->out;
	if (o->format == TP_FORMAT_JSON) {
		cJSON *doc = cJSON_CreateObject();
		cJSON_AddItemToObject(doc, "converting", rows_json(pr.converting, pr.n_converting));
		cJSON_AddItemToObject(doc, "non_converting", rows_json(pr.non_converting, pr.n_non_converting));
		cJSON_AddItemToObject(doc, "combinations", rows_json(pr.sets, pr.n_sets));
		cJSON_AddItemToObject(doc, "lengths", rows_json(pr.lengths, pr.n_lengths));
		tp_json_print(doc, out);
	} else if (o->format == TP_FORMAT_CSV) {
		tp_csv_row(out, (const char *[]){"list", "path", "length", "conversions",
		                                 "non_conversions", "conversion_rate", "value"}, 7);
		rows_csv(out, "converting", pr.converting, pr.n_converting);
		rows_csv(out, "non_converting", pr.non_converting, pr.n_non_converting);
		rows_csv(out, "combinations", pr.sets, pr.n_sets);
		rows_csv(out, "lengths", pr.lengths, pr.n_lengths);
	} else {
		rows_print(out, "top converting paths:", "PATH", pr.converting, pr.n_converting);
		rows_print(out, "\ntop non-converting paths:", "PATH", pr.non_converting,
		           pr.n_non_converting);
		rows_print(out, "\nchannel combinations:", "CHANNELS", pr.sets, pr.n_sets);
		rows_print(out, "\npath length (touches):", "LENGTH", pr.lengths, pr.n_lengths);
	}
	tp_paths_report_free(&pr);
	return TP_OK;
}
