/* Revenue movements from MRR levels (see touchpoint/revenue.h). Each
 * account's levels are laid out month by month; a month with no level is
 * no MRR. Comparing a month with the one before classifies the change:
 *   0 → x:  new (reactivation when the account paid before)
 *   x → 0:  churn
 *   x → y:  expansion when y > x, contraction when y < x. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/i64map.h"
#include "touchpoint/channel.h"
#include "touchpoint/revenue.h"
#include "touchpoint/time.h"

typedef struct level {
	int64_t account_id, mrr;
	int month;
} level;

typedef struct source_of {
	int64_t at;           /* when the opportunity or contact was created */
	int referral;
	int from_opportunity;
} source_of;

typedef struct collect {
	const tp_revenue_opts *o;
	int64_t as_of;
	level *levels;
	size_t n, cap;
	char currency[4], other[4];
	int oom;
	tp_i64map source_index;   /* account → index in sources */
	source_of *sources;
	size_t n_sources, cap_sources;
} collect;

static int on_mrr(void *user, const tp_mrr_row *r)
{
	collect *c = user;
	int m;
	if (tp_month_parse(r->month, &m) != 0)
		return 0;
	if (c->o->currency && strcmp(r->currency, c->o->currency) != 0)
		return 0;
	if (!c->o->currency) {
		if (!c->currency[0])
			snprintf(c->currency, sizeof c->currency, "%s", r->currency);
		else if (strcmp(c->currency, r->currency) != 0 && !c->other[0])
			snprintf(c->other, sizeof c->other, "%s", r->currency);
	}
	if (tp__grow((void **)&c->levels, &c->cap, c->n + 1, sizeof *c->levels) != 0)
		return c->oom = 1;
	c->levels[c->n++] = (level){r->account_id, r->mrr, m};
	return 0;
}

static int referral_channel(const char *ch)
{
	return ch && (strcmp(ch, tp_channel_name(TP_CH_REFERRAL)) == 0 ||
	              strcmp(ch, tp_channel_name(TP_CH_PARTNER)) == 0);
}

/* Keeps the earliest source of an account; opportunities outrank contacts. */
static int note_source(collect *c, int64_t account_id, int64_t at, int from_opp, const char *ch)
{
	if (!account_id || at > c->as_of)
		return 0;
	int64_t i;
	if (!tp__i64map_get(&c->source_index, account_id, &i)) {
		if (tp__grow((void **)&c->sources, &c->cap_sources, c->n_sources + 1,
		             sizeof *c->sources) != 0 ||
		    tp__i64map_put(&c->source_index, account_id, (int64_t)c->n_sources) != 0)
			return c->oom = 1;
		i = (int64_t)c->n_sources++;
		c->sources[i] = (source_of){at, referral_channel(ch), from_opp};
		return 0;
	}
	source_of *s = &c->sources[i];
	if ((from_opp && !s->from_opportunity) || (from_opp == s->from_opportunity && at < s->at))
		*s = (source_of){at, referral_channel(ch), from_opp};
	return 0;
}

static int on_opportunity(void *user, const tp_opportunity_row *r)
{
	return note_source(user, r->account_id, r->created_at, 1, r->source_channel);
}

static int on_contact(void *user, const tp_contact *k)
{
	return note_source(user, k->account_id, k->created_at, 0, k->source_channel);
}

static int referral_account(const collect *c, int64_t account_id)
{
	int64_t i;
	return tp__i64map_get(&c->source_index, account_id, &i) && c->sources[i].referral;
}

static double percent(int64_t num, int64_t den)
{
	return den > 0 ? (double)num / (double)den * 100.0 : -1;
}

/* Adds one account's months [first, last] (levels lv, indexed from `base`)
 * to the report rows of months [from, to]. */
static void tally_account(tp_revenue_month *rows, int from, int to, const int64_t *lv, int base,
                          int last, int referral)
{
	int paid_before = 0;
	for (int m = base; m <= to && m <= last + 1; m++) {
		int64_t prev = m > base ? lv[m - 1 - base] : 0;
		int64_t cur = m <= last ? lv[m - base] : 0;
		paid_before |= prev > 0;
		if (m < from)
			continue;
		tp_revenue_month *r = &rows[m - from];
		r->start_mrr += prev;
		r->end_mrr += cur;
		r->accounts_start += prev > 0;
		r->accounts_end += cur > 0;
		if (!prev && cur) {
			if (paid_before) {
				r->reactivation += cur;
				r->reactivated_logos++;
			} else {
				r->new_mrr += cur;
				r->new_logos++;
				if (referral)
					r->referral_new_mrr += cur;
			}
		} else if (prev && !cur) {
			r->churn -= prev;
			r->churned_logos++;
		} else if (cur > prev) {
			r->expansion += cur - prev;
		} else {
			r->contraction += cur - prev;
		}
	}
	/* Months after the account's last level: it stays at 0, nothing moves. */
}

static int cmp_level(const void *a, const void *b)
{
	const level *x = a, *y = b;
	if (x->account_id != y->account_id)
		return x->account_id < y->account_id ? -1 : 1;
	return (x->month > y->month) - (x->month < y->month);
}

tp_status tp_revenue_report(tp_ctx *ctx, tp_store *s, const tp_revenue_opts *o,
                            tp_revenue_month **rows, size_t *n, char currency[4])
{
	*rows = NULL;
	*n = 0;
	currency[0] = '\0';
	collect c = {.o = o, .as_of = o->as_of ? o->as_of : tp_ctx_now(ctx)};
	tp__i64map_init(&c.source_index);
	tp_revenue_month *out = NULL;
	int64_t *lv = NULL;
	tp_status rc = s->ops->mrr_list(s, ctx, c.as_of, on_mrr, &c);
	if (rc == TP_OK && !c.oom)
		rc = s->ops->opportunities_list(s, ctx, on_opportunity, &c);
	tp_contact_filter all = {.stage = -1, .include_merged = 0, .account_id = 0};
	if (rc == TP_OK && !c.oom)
		rc = s->ops->contacts_list(s, ctx, &all, on_contact, &c);
	if (rc != TP_OK)
		goto done;
	if (c.oom)
		goto oom;
	if (c.other[0]) {
		rc = tp_ctx_fail(ctx, TP_ERR_USAGE, "--currency", "MRR is in %s and %s: say which"
		                 " with --currency", c.currency, c.other);
		goto done;
	}
	snprintf(currency, 4, "%s", o->currency ? o->currency : c.currency);
	/* Months with data, up to the month of as_of. */
	int lo = 0, hi = 0, as_of_month = tp_month_of(c.as_of);
	for (size_t i = 0; i < c.n; i++)
		if (c.levels[i].month <= as_of_month) {
			if (!lo || c.levels[i].month < lo)
				lo = c.levels[i].month;
			if (c.levels[i].month > hi)
				hi = c.levels[i].month;
		}
	/* Past the last month with data nothing is known yet: not reported. */
	int from = o->from ? o->from : lo, to = o->to && o->to < hi ? o->to : hi;
	if (!lo || from > to)
		goto done;   /* nothing to report */
	size_t months = (size_t)(to - from + 1);
	if (!(out = calloc(months, sizeof *out)))
		goto oom;
	for (size_t m = 0; m < months; m++)
		tp_month_format(from + (int)m, out[m].month);
	/* Per account: its levels laid out from its first month (rows of one
	 * account and month add up). */
	qsort(c.levels, c.n, sizeof *c.levels, cmp_level);
	size_t span = (size_t)(hi - lo + 2);
	if (!(lv = malloc(span * sizeof *lv)))
		goto oom;
	for (size_t i = 0; i < c.n;) {
		int64_t account = c.levels[i].account_id;
		int base = c.levels[i].month, last = base;
		memset(lv, 0, span * sizeof *lv);
		for (; i < c.n && c.levels[i].account_id == account; i++)
			if (c.levels[i].month <= as_of_month) {
				lv[c.levels[i].month - base] += c.levels[i].mrr;
				last = c.levels[i].month;
			}
		if (base <= as_of_month)
			tally_account(out, from, to, lv, base, last, referral_account(&c, account));
	}
	for (size_t m = 0; m < months; m++) {
		tp_revenue_month *r = &out[m];
		r->net_new = r->new_mrr + r->reactivation + r->expansion + r->contraction + r->churn;
		r->nrr = percent(r->start_mrr + r->expansion + r->contraction + r->churn, r->start_mrr);
		r->grr = percent(r->start_mrr + r->contraction + r->churn, r->start_mrr);
		r->logo_churn = percent(r->churned_logos, r->accounts_start);
	}
	*rows = out;
	*n = months;
	out = NULL;
	goto done;
oom:
	rc = tp_ctx_fail(ctx, TP_ERR_NOMEM, NULL, "revenue: out of memory");
done:
	free(out);
	free(lv);
	free(c.levels);
	free(c.sources);
	tp__i64map_free(&c.source_index);
	return rc;
}
