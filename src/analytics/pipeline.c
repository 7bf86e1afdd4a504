/* The pipeline report: one pass over the opportunities, grouped. Money stays
 * in integer minor units; amounts of different currencies are never added. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "touchpoint/opportunity.h"
#include "touchpoint/pipeline.h"
#include "touchpoint/time.h"

typedef struct acc {
	tp_pipeline_by by;
	tp_pipeline_row *rows;
	double *cycle_sum;
	size_t n, cap;
	int nomem;
} acc;

static tp_pipeline_row *row_for(acc *a, const char *key, const char *currency, double **cycle)
{
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->rows[i].key, key) == 0 && strcmp(a->rows[i].currency, currency) == 0) {
			*cycle = &a->cycle_sum[i];
			return &a->rows[i];
		}
	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 16;
		tp_pipeline_row *r = realloc(a->rows, cap * sizeof *r);
		if (r)
			a->rows = r;
		double *c = realloc(a->cycle_sum, cap * sizeof *c);
		if (c)
			a->cycle_sum = c;
		if (!r || !c)
			return NULL;
		a->cap = cap;
	}
	tp_pipeline_row *r = &a->rows[a->n];
	memset(r, 0, sizeof *r);
	snprintf(r->key, sizeof r->key, "%s", key);
	snprintf(r->currency, sizeof r->currency, "%s", currency);
	a->cycle_sum[a->n] = 0;
	*cycle = &a->cycle_sum[a->n];
	a->n++;
	return r;
}

static int take(void *user, const tp_opportunity_row *o)
{
	acc *a = user;
	char key[64];
	switch (a->by) {
	case TP_PIPELINE_MONTH: {
		char iso[25];
		tp_time_format(o->created_at, iso);
		snprintf(key, sizeof key, "%.7s", iso);
		break;
	}
	case TP_PIPELINE_OWNER:
		snprintf(key, sizeof key, "%s", o->owner && *o->owner ? o->owner : "(none)");
		break;
	case TP_PIPELINE_CHANNEL:
		snprintf(key, sizeof key, "%s", o->source_channel ? o->source_channel : "(none)");
		break;
	default:
		snprintf(key, sizeof key, "all");
	}
	double *cycle;
	tp_pipeline_row *r = row_for(a, key, o->currency ? o->currency : "", &cycle);
	if (!r) {
		a->nomem = 1;
		return 1;
	}
	tp_opp_stage st = TP_OPP_QUALIFY;
	tp_opp_stage_from_name(o->stage, &st);
	if (st == TP_OPP_WON) {
		r->won++;
		r->won_amount += o->amount;
		*cycle += (double)(o->closed_at - o->created_at) / 86400000.0;
	} else if (st == TP_OPP_LOST) {
		r->lost++;
		r->lost_amount += o->amount;
	} else {
		r->open++;
		r->open_amount += o->amount;
		r->weighted_amount += o->amount * o->probability / 100;
	}
	return 0;
}

static int by_key(const void *x, const void *y)
{
	const tp_pipeline_row *a = x, *b = y;
	int c = strcmp(a->key, b->key);
	return c ? c : strcmp(a->currency, b->currency);
}

tp_status tp_pipeline_report(tp_ctx *ctx, tp_store *s, tp_pipeline_by by, tp_pipeline_row **rows,
                             size_t *n)
{
	acc a = {.by = by};
	tp_status rc = s->ops->opportunities_list(s, ctx, take, &a);
	if (rc == TP_OK && a.nomem)
		rc = tp_ctx_fail(ctx, TP_ERR_NOMEM, NULL, "out of memory");
	if (rc != TP_OK) {
		free(a.rows);
		free(a.cycle_sum);
		return rc;
	}
	for (size_t i = 0; i < a.n; i++) {
		tp_pipeline_row *r = &a.rows[i];
		int64_t closed = r->won + r->lost;
		r->win_rate = closed ? (double)r->won / (double)closed : -1;
		r->average_deal = r->won ? r->won_amount / r->won : -1;
		r->cycle_days = r->won ? a.cycle_sum[i] / (double)r->won : -1;
	}
	free(a.cycle_sum);
	if (a.n)   /* qsort takes no NULL, even for none */
		qsort(a.rows, a.n, sizeof *a.rows, by_key);
	*rows = a.rows;
	*n = a.n;
	return TP_OK;
}
