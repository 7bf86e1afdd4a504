/* The funnel report (see touchpoint/funnel.h). A person "reached" a stage
 * when they entered it or any later forward stage (someone who went from
 * lead straight to sql also passed mql), so counts only fall along the
 * funnel and conversion is reached(B) / reached(A). Medians of an even count
 * are the mean of the two middle values; p90 is the nearest rank. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/i64map.h"
#include "core/strmap.h"
#include "touchpoint/channel.h"
#include "touchpoint/funnel.h"
#include "touchpoint/time.h"

#define DAY_MS 86400000.0

typedef struct person {
	int64_t reached[TP_FUNNEL_STAGES];   /* ms; 0 = not reached */
	int current;                         /* stage as of as_of; -1 unknown */
	char *owner, *channel, *campaign;    /* first touch's channel and campaign */
	int64_t touches;                     /* sessions before becoming customer */
	int64_t last_ts;
} person;

typedef struct durations {
	double *v;
	size_t n, cap;
} durations;

typedef struct group {
	tp_funnel_row row;
	durations days[TP_FUNNEL_STAGES];
	durations touches;
} group;

typedef struct funnel {
	tp_ctx *ctx;
	const tp_funnel_opts *o;
	int64_t as_of;
	tp_i64map index;
	person *people;
	size_t n_people, cap_people;
	int64_t contact_id;                  /* events: the contact being read */
	person *who;
	int oom;
} funnel;

static int on_contact(void *user, const tp_contact *c)
{
	funnel *f = user;
	if (tp__grow((void **)&f->people, &f->cap_people, f->n_people + 1, sizeof *f->people) != 0 ||
	    tp__i64map_put(&f->index, c->id, (int64_t)f->n_people) != 0)
		return f->oom = 1;
	person *p = &f->people[f->n_people++];
	memset(p, 0, sizeof *p);
	p->current = -1;
	p->owner = c->owner ? strdup(c->owner) : NULL;
	return 0;
}

static person *person_of(funnel *f, int64_t id)
{
	int64_t i;
	return tp__i64map_get(&f->index, id, &i) ? &f->people[i] : NULL;
}

static int on_stage_change(void *user, const tp_stage_change_row *r)
{
	funnel *f = user;
	person *p = person_of(f, r->contact_id);
	if (!p || r->at > f->as_of)
		return 0;
	p->current = (int)r->to_stage;
	if (r->to_stage < TP_STAGE_LEAD || r->to_stage > TP_STAGE_CUSTOMER)
		return 0;
	for (int s = 0; s <= (int)r->to_stage - TP_STAGE_LEAD; s++)
		if (!p->reached[s])
			p->reached[s] = r->at;
	return 0;
}

static int on_event(void *user, const tp_touch_record *t)
{
	funnel *f = user;
	if (t->contact_id != f->contact_id) {
		f->contact_id = t->contact_id;
		f->who = person_of(f, t->contact_id);
	}
	person *p = f->who;
	if (!p || t->ts > f->as_of)
		return 0;
	if (!p->channel) {
		p->channel = strdup(t->channel ? t->channel : "Unassigned");
		p->campaign = strdup(t->campaign && *t->campaign ? t->campaign : "(not set)");
		if (!p->channel || !p->campaign)
			return f->oom = 1;
	}
	int64_t customer_at = p->reached[TP_FUNNEL_STAGES - 1];
	if ((!customer_at || t->ts <= customer_at) && (!p->last_ts || t->ts - p->last_ts > TP_VISIT_GAP_MS))
		p->touches++;
	p->last_ts = t->ts;
	return 0;
}

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
	funnel f = {.ctx = ctx, .o = o, .as_of = o->as_of ? o->as_of : tp_ctx_now(ctx)};
	tp__i64map_init(&f.index);
	tp_contact_filter all = {.stage = -1, .include_merged = 0, .account_id = 0};
	tp_status rc = s->ops->contacts_list(s, ctx, &all, on_contact, &f);
	if (rc == TP_OK && !f.oom)
		rc = s->ops->stage_changes(s, ctx, 0, on_stage_change, &f);
	if (rc == TP_OK && !f.oom)
		rc = s->ops->events_scan(s, ctx, on_event, &f);
	group *groups = NULL;
	size_t n_groups = 0, cap_groups = 0;
	tp_strmap keys;
	tp__strmap_init(&keys);
	for (size_t i = 0; rc == TP_OK && !f.oom && i < f.n_people; i++) {
		const person *p = &f.people[i];
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
	for (size_t i = 0; i < f.n_people; i++) {
		free(f.people[i].owner);
		free(f.people[i].channel);
		free(f.people[i].campaign);
	}
	free(f.people);
	tp__i64map_free(&f.index);
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
