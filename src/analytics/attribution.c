/* Attribution models over journeys: the rule-based ones (a weight per touch
 * of each converting journey) and the simplified Shapley value; Markov is
 * in markov.c. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analytics/attribution_int.h"
#include "core/buf.h"
#include "core/strmap.h"
#include "core/text.h"

static const char *const model_names[] = {
#define TP__ATTR_NAME(e, s) s,
	TP_ATTR_MODEL_MAP(TP__ATTR_NAME)
#undef TP__ATTR_NAME
};

const char *tp_attr_model_name(tp_attr_model m)
{
	return (unsigned)m < TP_ATTR__COUNT ? model_names[m] : "?";
}

int tp_attr_model_from_name(const char *name, tp_attr_model *out)
{
	if (!name)
		return -1;
	if (tp__ieq(name, "u-shaped") || tp__ieq(name, "position-based")) {
		*out = TP_ATTR_POSITION;
		return 0;
	}
	for (int m = 0; m < TP_ATTR__COUNT; m++)
		if (tp__ieq(name, model_names[m])) {
			*out = (tp_attr_model)m;
			return 0;
		}
	return -1;
}

void tp_attr_result_free(tp_attr_result *r)
{
	if (!r)
		return;
	free(r->conversions);
	free(r->value);
	free(r->removal_effect);
	free(r->removal_effect_value);
	free(r->by_position);
	memset(r, 0, sizeof *r);
}

/* ---- rule-based models --------------------------------------------------- */

/* The channel that last-non-direct passes over: "Direct" (channels) or
 * "(direct)" (campaigns). */
static int64_t direct_channel(const tp_journeys *j)
{
	for (size_t c = 0; c < tp_journeys_n_channels(j); c++) {
		const char *n = tp_journeys_channel_name(j, (uint32_t)c);
		if (tp__ieq(n, "direct") || tp__ieq(n, "(direct)"))
			return (int64_t)c;
	}
	return -1;
}

/* Fills w[0..n) with the model's share of each touch; they add up to 1. */
static void touch_weights(const tp_attr_opts *o, const tp_journey *jr, int64_t direct,
                          double *w)
{
	uint32_t n = jr->n_steps;
	memset(w, 0, n * sizeof *w);
	switch (o->model) {
	case TP_ATTR_FIRST:
		w[0] = 1;
		break;
	case TP_ATTR_LAST:
		w[n - 1] = 1;
		break;
	case TP_ATTR_LAST_NON_DIRECT: {
		uint32_t i = n;
		while (i > 0 && (int64_t)jr->steps[i - 1].channel == direct)
			i--;
		w[i > 0 ? i - 1 : n - 1] = 1;   /* only direct touches: the last one */
		break;
	}
	case TP_ATTR_LINEAR:
		for (uint32_t i = 0; i < n; i++)
			w[i] = 1.0 / n;
		break;
	case TP_ATTR_TIME_DECAY: {
		int64_t at = jr->converted_at >= 0 ? jr->converted_at : jr->steps[n - 1].ts;
		double hl = (double)(o->half_life_ms ? o->half_life_ms : TP_ATTR_DEFAULT_HALF_LIFE);
		double sum = 0;
		for (uint32_t i = 0; i < n; i++) {
			double age = (double)(at - jr->steps[i].ts);
			w[i] = exp2(-(age > 0 ? age : 0) / hl);
			sum += w[i];
		}
		for (uint32_t i = 0; i < n; i++)
			w[i] /= sum;
		break;
	}
	case TP_ATTR_POSITION:
		if (n == 1) {
			w[0] = 1;
		} else if (n == 2) {
			w[0] = w[1] = 0.5;
		} else {
			w[0] = w[n - 1] = 0.4;
			for (uint32_t i = 1; i + 1 < n; i++)
				w[i] = 0.2 / (n - 2);
		}
		break;
	case TP_ATTR_W_SHAPED: {
		/* Three roles (first touch, lead creation, opportunity creation) share
		 * 90% equally and the other touches 10%; a role that did not happen
		 * gives its share to the others, and with no other touch the roles
		 * take it all. Two roles on one touch add up. */
		int64_t role[3] = {0, -1, -1};
		for (uint32_t i = 0; i < n; i++) {
			if ((jr->steps[i].anchors & TP_ANCHOR_LEAD) && role[1] < 0)
				role[1] = i;
			if ((jr->steps[i].anchors & TP_ANCHOR_OPPORTUNITY) && role[2] < 0)
				role[2] = i;
		}
		int roles = 1 + (role[1] >= 0) + (role[2] >= 0);
		uint32_t others = n;
		for (uint32_t i = 0; i < n; i++)
			if ((int64_t)i == role[0] || (int64_t)i == role[1] || (int64_t)i == role[2])
				others--;
		double role_share = (others ? 0.9 : 1.0) / roles;
		for (uint32_t i = 0; i < n; i++) {
			int is_role = 0;
			for (int r = 0; r < 3; r++)
				if (role[r] == (int64_t)i) {
					w[i] += role_share;
					is_role = 1;
				}
			if (!is_role)
				w[i] = 0.1 / others;
		}
		break;
	}
	default:
		break;
	}
}

static tp_status rule_based(tp_ctx *ctx, const tp_journeys *j, const tp_attr_opts *o,
                            tp_attr_result *r)
{
	int64_t direct = direct_channel(j);
	double *w = NULL;
	size_t cap = 0;
	for (size_t k = 0; k < tp_journeys_count(j); k++) {
		tp_journey jr = tp_journeys_get(j, k);
		if ((jr.conversions == 0 && jr.value == 0) || jr.n_steps == 0)
			continue;
		if (jr.n_steps > cap) {
			free(w);
			cap = jr.n_steps;
			if (!(w = malloc(cap * sizeof *w)))
				return tp_ctx_fail(ctx, TP_ERR_NOMEM, NULL, "attribution: out of memory");
		}
		touch_weights(o, &jr, direct, w);
		for (uint32_t i = 0; i < jr.n_steps; i++) {
			r->conversions[jr.steps[i].channel] += jr.conversions * w[i];
			r->value[jr.steps[i].channel] += jr.value * w[i];
		}
	}
	free(w);
	return TP_OK;
}

/* ---- simplified Shapley value ------------------------------------------- */

/* The key of a set: its members as decimal numbers. */
static int set_key(const uint32_t *m, uint32_t n, char **buf, size_t *cap)
{
	size_t need = (size_t)n * 11 + 1;
	if (need > *cap) {
		char *b = realloc(*buf, need);
		if (!b)
			return -1;
		*buf = b;
		*cap = need;
	}
	size_t len = 0;
	for (uint32_t i = 0; i < n; i++)
		len += (size_t)snprintf(*buf + len, *cap - len, "%s%u", i ? "," : "", (unsigned)m[i]);
	(*buf)[len] = '\0';
	return 0;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

/* The distinct channels of a journey: in first-touch order, or sorted. */
static uint32_t distinct_channels(const tp_journey *jr, int ordered, uint8_t *seen, uint32_t *out)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < jr->n_steps; i++) {
		uint32_t c = jr->steps[i].channel;
		if (!seen[c]) {
			seen[c] = 1;
			out[n++] = c;
		}
	}
	for (uint32_t i = 0; i < n; i++)
		seen[out[i]] = 0;
	if (!ordered)
		qsort(out, n, sizeof *out, cmp_u32);
	return n;
}

tp_status tp__channel_sets(tp_ctx *ctx, const tp_journeys *j, int ordered, channel_sets *out)
{
	memset(out, 0, sizeof *out);
	size_t nch = tp_journeys_n_channels(j);
	uint8_t *seen = calloc(nch ? nch : 1, 1);
	uint32_t *members = malloc((nch ? nch : 1) * sizeof *members);
	char *key = NULL;
	size_t key_cap = 0, cap = 0;
	tp_strmap index;
	tp__strmap_init(&index);
	tp_status rc = seen && members ? TP_OK : TP_ERR_NOMEM;
	for (size_t k = 0; rc == TP_OK && k < tp_journeys_count(j); k++) {
		tp_journey jr = tp_journeys_get(j, k);
		if (jr.n_steps == 0)
			continue;
		uint32_t n = distinct_channels(&jr, ordered, seen, members);
		int64_t at;
		if (set_key(members, n, &key, &key_cap) != 0) {
			rc = TP_ERR_NOMEM;
		} else if (tp__strmap_get(&index, key, &at)) {
			channel_set *s = &out->sets[at];
			s->conversions += jr.conversions;
			s->value += jr.value;
			s->journeys += jr.conversions + jr.nulls;
		} else {
			uint32_t *copy = malloc(n * sizeof *copy);
			if (!copy || tp__grow((void **)&out->sets, &cap, out->n + 1, sizeof *out->sets) != 0 ||
			    tp__strmap_put(&index, key, (int64_t)out->n) != 0) {
				free(copy);
				rc = TP_ERR_NOMEM;
				break;
			}
			memcpy(copy, members, n * sizeof *copy);
			out->sets[out->n++] = (channel_set){copy, n, jr.conversions, jr.value,
			                                    jr.conversions + jr.nulls};
			if (n > out->longest)
				out->longest = n;
		}
	}
	tp__strmap_free(&index);
	free(key);
	free(seen);
	free(members);
	if (rc != TP_OK) {
		tp__channel_sets_free(out);
		return tp_ctx_fail(ctx, rc, NULL, "attribution: out of memory");
	}
	return TP_OK;
}

void tp__channel_sets_free(channel_sets *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->sets[i].members);
	free(s->sets);
	memset(s, 0, sizeof *s);
}

/* Zhao, Mahboobi and Bagheri (2018): with v(S) the conversions of journeys
 * whose channel set lies within S, channel j's Shapley value is the sum,
 * over the sets T that contain j, of conversions(T) / |T|. The ordered
 * variant keeps the order of first touches and credits each position. */
static tp_status shapley(tp_ctx *ctx, const tp_journeys *j, const tp_attr_opts *o, int ordered,
                         tp_attr_result *r)
{
	channel_sets cs;
	tp_status rc = tp__channel_sets(ctx, j, ordered, &cs);
	if (rc != TP_OK)
		return rc;
	if (ordered) {
		r->n_positions = cs.longest;
		r->by_position = calloc(r->n_channels * cs.longest + 1, sizeof *r->by_position);
		if (!r->by_position) {
			tp__channel_sets_free(&cs);
			return tp_ctx_fail(ctx, TP_ERR_NOMEM, NULL, "attribution: out of memory");
		}
	}
	for (size_t i = 0; i < cs.n; i++) {
		const channel_set *s = &cs.sets[i];
		if (s->journeys < o->min_journeys) {
			r->unattributed_conversions += s->conversions;
			r->unattributed_value += s->value;
			continue;
		}
		for (uint32_t m = 0; m < s->n; m++) {
			r->conversions[s->members[m]] += s->conversions / s->n;
			r->value[s->members[m]] += s->value / s->n;
			if (ordered)
				r->by_position[(size_t)s->members[m] * cs.longest + m] += s->conversions / s->n;
		}
	}
	tp__channel_sets_free(&cs);
	return TP_OK;
}

/* ---- dispatch ------------------------------------------------------------ */

tp_status tp_attribute(tp_ctx *ctx, const tp_journeys *j, const tp_attr_opts *o,
                       tp_attr_result *out)
{
	memset(out, 0, sizeof *out);
	if ((unsigned)o->model >= TP_ATTR__COUNT)
		return tp_ctx_fail(ctx, TP_ERR_INVALID, "model", "no attribution model %d", (int)o->model);
	if ((o->model == TP_ATTR_TIME_DECAY || o->model == TP_ATTR_W_SHAPED) && !tp_journeys_timed(j))
		return tp_ctx_fail(ctx, TP_ERR_UNSUPPORTED, "model",
		                   "%s needs the time of each touch%s; a path file has neither",
		                   tp_attr_model_name(o->model),
		                   o->model == TP_ATTR_W_SHAPED ? " and the lead and opportunity touches"
		                                                : "");
	if (o->markov_order < 0 || o->markov_order > TP_ATTR_MAX_ORDER)
		return tp_ctx_fail(ctx, TP_ERR_INVALID, "order", "the Markov order is 1..%d, not %d",
		                   TP_ATTR_MAX_ORDER, o->markov_order);
	if (o->half_life_ms < 0 || o->min_journeys < 0)
		return tp_ctx_fail(ctx, TP_ERR_INVALID, o->half_life_ms < 0 ? "half_life" : "min_journeys",
		                   "must not be negative");
	out->model = o->model;
	out->n_channels = tp_journeys_n_channels(j);
	out->conversions = calloc(out->n_channels + 1, sizeof *out->conversions);
	out->value = calloc(out->n_channels + 1, sizeof *out->value);
	if (!out->conversions || !out->value) {
		tp_attr_result_free(out);
		return tp_ctx_fail(ctx, TP_ERR_NOMEM, NULL, "attribution: out of memory");
	}
	/* Journeys without touches: no model can give them to a channel. */
	for (size_t k = 0; k < tp_journeys_count(j); k++) {
		tp_journey jr = tp_journeys_get(j, k);
		out->total_conversions += jr.conversions;
		out->total_value += jr.value;
		if (jr.n_steps == 0) {
			out->unattributed_conversions += jr.conversions;
			out->unattributed_value += jr.value;
		}
	}
	tp_status rc;
	switch (o->model) {
	case TP_ATTR_MARKOV:
		rc = tp__markov(ctx, j, o->markov_order ? o->markov_order : 1, out);
		break;
	case TP_ATTR_SHAPLEY:
	case TP_ATTR_SHAPLEY_ORDERED:
		rc = shapley(ctx, j, o, o->model == TP_ATTR_SHAPLEY_ORDERED, out);
		break;
	default:
		rc = rule_based(ctx, j, o, out);
		break;
	}
	if (rc != TP_OK)
		tp_attr_result_free(out);
	return rc;
}
