/* The Markov chain attribution model, solved exactly.
 *
 * States are the last `order` channels touched; a journey walks from START
 * through its states and is absorbed in CONVERSION or NULL. Transition
 * probabilities are the observed frequencies. The probability of reaching
 * CONVERSION from START is x_START in (I − Q) x = r, Q the transient part of
 * the transition matrix and r the one-step conversion probabilities — the
 * fundamental matrix N = (I − Q)⁻¹ applied to r, solved by sparse LU
 * (UMFPACK) instead of being estimated by simulation. Removing a channel makes
 * every state that contains it lead to NULL; its removal effect is the share
 * of conversions lost. Credits are the attributable conversions shared in
 * proportion to removal effects; revenue likewise, with the expected value
 * absorbed in place of the probability. */
#include <stdlib.h>
#include <string.h>
#include <suitesparse/umfpack.h>

#include "analytics/attribution_int.h"
#include "core/buf.h"
#include "core/i64map.h"

typedef struct state {
	uint32_t channels[TP_ATTR_MAX_ORDER];  /* the last touches, oldest first */
	uint32_t n;
	double out, to_conversion, value_out;  /* weights leaving; into CONVERSION; its value */
} state;

typedef struct chain {
	state *states;       /* [0] is START */
	size_t n_states, cap_states;
	int64_t *from, *to;  /* transitions between transient states */
	double *weight;
	size_t n_trans, cap_trans;
	tp_i64map state_index, trans_index;
} chain;

static void chain_free(chain *c)
{
	free(c->states);
	free(c->from);
	free(c->to);
	free(c->weight);
	tp__i64map_free(&c->state_index);
	tp__i64map_free(&c->trans_index);
}

/* The state of the window ending at step i. Keys pack the window's channels
 * (each + 1) in 16 bits apiece, so they are never 0. */
static int64_t state_of(chain *c, const tp_journey *jr, uint32_t i, int order, int64_t key)
{
	int64_t idx;
	if (tp__i64map_get(&c->state_index, key, &idx))
		return idx;
	if (tp__grow((void **)&c->states, &c->cap_states, c->n_states + 1, sizeof *c->states) != 0)
		return -1;
	state *s = &c->states[c->n_states];
	memset(s, 0, sizeof *s);
	uint32_t first = i + 1 >= (uint32_t)order ? i + 1 - (uint32_t)order : 0;
	for (uint32_t k = first; k <= i; k++)
		s->channels[s->n++] = jr->steps[k].channel;
	if (tp__i64map_put(&c->state_index, key, (int64_t)c->n_states) != 0)
		return -1;
	return (int64_t)c->n_states++;
}

static int add_transition(chain *c, int64_t from, int64_t to, double w)
{
	int64_t key = ((from + 1) << 32) | (to + 1), idx;
	if (tp__i64map_get(&c->trans_index, key, &idx)) {
		c->weight[idx] += w;
		return 0;
	}
	if (c->n_trans == c->cap_trans) {
		size_t cap = c->cap_trans ? c->cap_trans * 2 : 1024;
		int64_t *f = realloc(c->from, cap * sizeof *f);
		if (f)
			c->from = f;
		int64_t *t = f ? realloc(c->to, cap * sizeof *t) : NULL;
		if (t)
			c->to = t;
		double *wt = t ? realloc(c->weight, cap * sizeof *wt) : NULL;
		if (!wt)
			return -1;
		c->weight = wt;
		c->cap_trans = cap;
	}
	c->from[c->n_trans] = from;
	c->to[c->n_trans] = to;
	c->weight[c->n_trans] = w;
	if (tp__i64map_put(&c->trans_index, key, (int64_t)c->n_trans) != 0)
		return -1;
	c->n_trans++;
	return 0;
}

static int build_chain(const tp_journeys *j, int order, chain *c)
{
	tp__i64map_init(&c->state_index);
	tp__i64map_init(&c->trans_index);
	if (tp__grow((void **)&c->states, &c->cap_states, 1, sizeof *c->states) != 0)
		return -1;
	memset(&c->states[0], 0, sizeof c->states[0]);
	c->n_states = 1;
	int64_t mask = order >= 4 ? -1 : (int64_t)((UINT64_C(1) << (16 * order)) - 1);
	for (size_t k = 0; k < tp_journeys_count(j); k++) {
		tp_journey jr = tp_journeys_get(j, k);
		double w = jr.conversions + jr.nulls;
		if (jr.n_steps == 0 || w == 0)
			continue;
		int64_t prev = 0, key = 0;
		for (uint32_t i = 0; i < jr.n_steps; i++) {
			uint32_t ch = jr.steps[i].channel;
			key = order == 1 ? (int64_t)ch + 1
			                 : (int64_t)(((uint64_t)key << 16) | (ch + 1)) & mask;
			int64_t s = state_of(c, &jr, i, order, key);
			if (s < 0 || add_transition(c, prev, s, w) != 0)
				return -1;
			c->states[prev].out += w;
			prev = s;
		}
		state *last = &c->states[prev];
		last->out += w;
		last->to_conversion += jr.conversions;
		last->value_out += jr.value;
	}
	return 0;
}

static int state_has(const state *s, uint32_t channel)
{
	for (uint32_t i = 0; i < s->n; i++)
		if (s->channels[i] == channel)
			return 1;
	return 0;
}

#define SOLVE_NOMEM (-1000)

/* Solves the chain with the states containing `removed` (UINT32_MAX: none)
 * turned into NULL; sets the conversion probability and expected value
 * from START. Returns UMFPACK_OK, UMFPACK's status, or SOLVE_NOMEM. */
static int solve(const chain *c, uint32_t removed, double *p_conv, double *v_conv)
{
	int rc = SOLVE_NOMEM;
	size_t n = c->n_states;
	int *col = malloc(n * sizeof *col);     /* state → unknown; -1 removed */
	int m = 0;
	if (!col)
		return SOLVE_NOMEM;
	for (size_t i = 0; i < n; i++)
		col[i] = (i == 0 || removed == UINT32_MAX || !state_has(&c->states[i], removed)) ? m++ : -1;
	size_t nz_cap = (size_t)m + c->n_trans;
	int *ti = malloc(nz_cap * sizeof *ti), *tj = malloc(nz_cap * sizeof *tj);
	int *ap = malloc(((size_t)m + 1) * sizeof *ap), *ai = malloc(nz_cap * sizeof *ai);
	double *tx = malloc(nz_cap * sizeof *tx), *ax = malloc(nz_cap * sizeof *ax);
	double *b = calloc((size_t)m, sizeof *b), *bv = calloc((size_t)m, sizeof *bv);
	double *x = malloc((size_t)m * sizeof *x), *xv = malloc((size_t)m * sizeof *xv);
	void *symbolic = NULL, *numeric = NULL;
	if (!ti || !tj || !ap || !ai || !tx || !ax || !b || !bv || !x || !xv)
		goto out;
	size_t nz = 0;
	for (size_t i = 0; i < n; i++) {
		if (col[i] < 0)
			continue;
		ti[nz] = tj[nz] = col[i];
		tx[nz++] = 1;
		const state *s = &c->states[i];
		if (s->out > 0) {
			b[col[i]] = s->to_conversion / s->out;
			bv[col[i]] = s->value_out / s->out;
		}
	}
	for (size_t t = 0; t < c->n_trans; t++) {
		int r = col[c->from[t]], k = col[c->to[t]];
		if (r < 0 || k < 0)
			continue;
		ti[nz] = r;
		tj[nz] = k;
		tx[nz++] = -c->weight[t] / c->states[c->from[t]].out;
	}
	if ((rc = umfpack_di_triplet_to_col(m, m, (int)nz, ti, tj, tx, ap, ai, ax, NULL)) ||
	    (rc = umfpack_di_symbolic(m, m, ap, ai, ax, &symbolic, NULL, NULL)) ||
	    (rc = umfpack_di_numeric(ap, ai, ax, symbolic, &numeric, NULL, NULL)) ||
	    (rc = umfpack_di_solve(UMFPACK_A, ap, ai, ax, x, b, numeric, NULL, NULL)) ||
	    (rc = umfpack_di_solve(UMFPACK_A, ap, ai, ax, xv, bv, numeric, NULL, NULL)))
		goto out;
	*p_conv = x[0];
	*v_conv = xv[0];
out:
	if (symbolic)
		umfpack_di_free_symbolic(&symbolic);
	if (numeric)
		umfpack_di_free_numeric(&numeric);
	free(col);
	free(ti);
	free(tj);
	free(ap);
	free(ai);
	free(tx);
	free(ax);
	free(b);
	free(bv);
	free(x);
	free(xv);
	return rc;
}

/* Removing a channel never adds conversions; a hair below zero is rounding. */
static double not_below_zero(double x)
{
	return x < 0 && x > -1e-12 ? 0 : x;
}

static tp_status solve_failed(tp_ctx *ctx, int status)
{
	if (status == UMFPACK_OK)
		return TP_OK;
	if (status == SOLVE_NOMEM || status == UMFPACK_ERROR_out_of_memory)
		return tp_ctx_fail(ctx, TP_ERR_NOMEM, NULL, "markov: out of memory");
	/* (I - Q) of an absorbing chain is never singular; a status here means
	 * counts so uneven that the transition probabilities underflowed. */
	return tp_ctx_fail(ctx, TP_ERR_INVALID, NULL, "markov: the chain could not be solved (UMFPACK %d)",
	                   status);
}

tp_status tp__markov(tp_ctx *ctx, const tp_journeys *j, int order, tp_attr_result *r)
{
	size_t nch = r->n_channels;
	if (order > 1 && nch >= 0xFFFF)
		return tp_ctx_fail(ctx, TP_ERR_TOO_BIG, "order",
		                   "a Markov chain of order %d takes at most 65534 channels, not %zu", order,
		                   nch);
	chain c = {0};
	if (build_chain(j, order, &c) != 0) {
		chain_free(&c);
		return tp_ctx_fail(ctx, TP_ERR_NOMEM, NULL, "markov: out of memory");
	}
	if (c.n_states > INT32_MAX / 2 || c.n_trans > INT32_MAX / 2) {
		chain_free(&c);
		return tp_ctx_fail(ctx, TP_ERR_TOO_BIG, "order", "markov: %zu states is too many",
		                   c.n_states);
	}
	r->markov_states = c.n_states;
	r->removal_effect = calloc(nch + 1, sizeof *r->removal_effect);
	r->removal_effect_value = calloc(nch + 1, sizeof *r->removal_effect_value);
	double p = 0, v = 0, sum_re = 0, sum_rev = 0;
	tp_status rc = TP_OK;
	if (!r->removal_effect || !r->removal_effect_value)
		rc = tp_ctx_fail(ctx, TP_ERR_NOMEM, NULL, "markov: out of memory");
	else
		rc = solve_failed(ctx, solve(&c, UINT32_MAX, &p, &v));
	r->conversion_probability = p;
	for (size_t ch = 0; rc == TP_OK && ch < nch && (p > 0 || v != 0); ch++) {
		double pc, vc;
		if ((rc = solve_failed(ctx, solve(&c, (uint32_t)ch, &pc, &vc))) != TP_OK)
			break;
		r->removal_effect[ch] = p > 0 ? not_below_zero(1 - pc / p) : 0;
		r->removal_effect_value[ch] = v != 0 ? not_below_zero(1 - vc / v) : 0;
		sum_re += r->removal_effect[ch];
		sum_rev += r->removal_effect_value[ch];
	}
	double conv = r->total_conversions - r->unattributed_conversions;
	double value = r->total_value - r->unattributed_value;
	for (size_t ch = 0; rc == TP_OK && ch < nch; ch++) {
		if (sum_re > 0)
			r->conversions[ch] = conv * r->removal_effect[ch] / sum_re;
		if (sum_rev != 0)
			r->value[ch] = value * r->removal_effect_value[ch] / sum_rev;
	}
	if (rc == TP_OK && !(sum_re > 0))
		r->unattributed_conversions = r->total_conversions;
	if (rc == TP_OK && sum_rev == 0)
		r->unattributed_value = r->total_value;
	chain_free(&c);
	return rc;
}
