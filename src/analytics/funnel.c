/* The funnel report (see touchpoint/funnel.h). A person "reached" a stage
 * when they entered it or any later forward stage (someone who went from
 * lead straight to sql also passed mql), so counts only fall along the
 * funnel and conversion is reached(B) / reached(A). Medians of an even count
 * are the mean of the two middle values; p90 is the nearest rank. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analytics/people.h"
#include "core/buf.h"
#include "core/strmap.h"
#include "touchpoint/funnel.h"
#include "touchpoint/time.h"

#define DAY_MS 86400000.0

typedef struct durations {
	double *v;
	size_t n, cap;
} durations;

typedef struct group {
	tp_funnel_row row;
	durations days[TP_FUNNEL_STAGES];
	durations touches;
} group;

typedef tp__person person;

typedef struct funnel {
	const tp_funnel_opts *o;
	tp__people people;
	int oom;
} funnel;
static int add(durations *d, double v)
{
	if (tp__grow((void **)&d->v, &d->cap, d->n + 1, sizeof *d->v) != 0)
		return -1;
	d->v[d->n++] = v;
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Sorts d; sets the median and the nearest-rank p90 (-1 when empty). */
static void quantiles(durations *d, double *median, double *p90)
{
	*median = *p90 = -1;
	if (!d->n)
		return;
	qsort(d->v, d->n, sizeof *d->v, cmp_double);
	*median = d->n % 2 ? d->v[d->n / 2] : (d->v[d->n / 2 - 1] + d->v[d->n / 2]) / 2;
	size_t rank = (d->n * 9 + 9) / 10;   /* ceil(0.9 n) */
	*p90 = d->v[rank - 1];
}

static void group_key(const funnel *f, const person *p, char *key, size_t cap)
{
	switch (f->o->by) {
	case TP_FUNNEL_MONTH: {
		char day[11];
		tp_time_format_date(p->reached[0], day);
		snprintf(key, cap, "%.7s", day);
		break;
	}
	case TP_FUNNEL_OWNER:
		snprintf(key, cap, "%s", p->owner && *p->owner ? p->owner : "(none)");
		break;
	case TP_FUNNEL_CHANNEL:
		snprintf(key, cap, "%s", p->channel ? p->channel : "(no touches)");
		break;
	case TP_FUNNEL_CAMPAIGN:
		snprintf(key, cap, "%s", p->campaign ? p->campaign : "(no touches)");
		break;
	default:
		snprintf(key, cap, "all");
		break;
	}
}

static int tally(group *g, const person *p)
{
	tp_funnel_row *r = &g->row;
	for (int s = 0; s < TP_FUNNEL_STAGES; s++) {
		if (!p->reached[s])
			break;
		r->stages[s].reached++;
		if (s + 1 < TP_FUNNEL_STAGES && p->reached[s + 1] &&
		    add(&g->days[s], (double)(p->reached[s + 1] - p->reached[s]) / DAY_MS) != 0)
			return -1;
	}
	int c = p->current;
	if (c == TP_STAGE_LEAD || c == TP_STAGE_RECYCLED)
		r->now_top++;
	else if (c == TP_STAGE_MQL || c == TP_STAGE_SAL)
		r->now_middle++;
	else if (c == TP_STAGE_SQL || c == TP_STAGE_OPPORTUNITY)
		r->now_bottom++;
	if (p->reached[TP_FUNNEL_STAGES - 1] && p->channel) {
		r->customers_with_touches++;
		int64_t t = p->touches;
		int bucket = t == 0 ? 0 : t == 1 ? 1 : t <= 3 ? 2 : t <= 7 ? 3 : t <= 15 ? 4 : 5;
		r->touches_hist[bucket]++;
		if (add(&g->touches, (double)t) != 0)
			return -1;
	}
	return 0;
}

static int cmp_row(const void *a, const void *b)
{
	return strcmp(((const tp_funnel_row *)a)->key, ((const tp_funnel_row *)b)->key);
}

tp_status tp_funnel_report(tp_ctx *ctx, tp_store *s, const tp_funnel_opts *o,
                           tp_funnel_row **rows, size_t *n)
{
	*rows = NULL;
	*n = 0;
	funnel f = {.o = o};
	tp_status rc = tp__people_load(ctx, s, o->as_of ? o->as_of : tp_ctx_now(ctx), 1, &f.people);
	if (rc != TP_OK)
		return rc;
	group *groups = NULL;
	size_t n_groups = 0, cap_groups = 0;
	tp_strmap keys;
	tp__strmap_init(&keys);
	for (size_t i = 0; rc == TP_OK && !f.oom && i < f.people.n; i++) {
		const person *p = &f.people.v[i];
		if (!p->reached[0] || (o->from && p->reached[0] < o->from) || (o->to && p->reached[0] > o->to))
			continue;
		char key[64];
		group_key(&f, p, key, sizeof key);
		int64_t at;
		if (!tp__strmap_get(&keys, key, &at)) {
			if (tp__grow((void **)&groups, &cap_groups, n_groups + 1, sizeof *groups) != 0 ||
			    tp__strmap_put(&keys, key, (int64_t)n_groups) != 0) {
				f.oom = 1;
				break;
			}
			memset(&groups[n_groups], 0, sizeof *groups);
			snprintf(groups[n_groups].row.key, sizeof groups[n_groups].row.key, "%s", key);
			at = (int64_t)n_groups++;
		}
		if (tally(&groups[at], p) != 0)
			f.oom = 1;
	}
	tp_funnel_row *out = NULL;
	if (rc == TP_OK && !f.oom && !(out = malloc((n_groups ? n_groups : 1) * sizeof *out)))
		f.oom = 1;
	for (size_t g = 0; out && g < n_groups; g++) {
		tp_funnel_row *r = &groups[g].row;
		for (int st = 0; st < TP_FUNNEL_STAGES; st++) {
			tp_funnel_stage *x = &r->stages[st];
			int64_t before = st ? r->stages[st - 1].reached : 0;
			x->conversion = st && before ? (double)x->reached / (double)before : -1;
			x->moved_on = (int64_t)groups[g].days[st].n;
			quantiles(&groups[g].days[st], &x->median_days, &x->p90_days);
		}
		double p90;
		quantiles(&groups[g].touches, &r->median_touches, &p90);
		out[g] = *r;
	}
	for (size_t g = 0; g < n_groups; g++) {
		for (int st = 0; st < TP_FUNNEL_STAGES; st++)
			free(groups[g].days[st].v);
		free(groups[g].touches.v);
	}
	free(groups);
	tp__strmap_free(&keys);
	tp__people_free(&f.people);
	if (rc == TP_OK && f.oom) {
		free(out);
		return tp_ctx_fail(ctx, TP_ERR_NOMEM, NULL, "funnel: out of memory");
	}
	if (rc != TP_OK) {
		free(out);
		return rc;
	}
	if (n_groups)
		qsort(out, n_groups, sizeof *out, cmp_row);
	*rows = out;
	*n = n_groups;
	return TP_OK;
}
