/* The demo's business rows: what reaches a lead engine from ad platforms,
 * sales and billing rather than as events. Written after the world's events
 * are imported, so contacts and accounts are found by email and domain. */
#include <stdio.h>
#include <string.h>

#include "demo/world.h"
#include "touchpoint/time.h"

#define DAY_MS (86400LL * 1000)

static tp_status write_spend(tp_ctx *ctx, const demo_world *w, tp_store *s, tp_demo_stats *st)
{
	demo_rng r = {w->opts.seed ^ 0xA5A5A5A5ULL};
	/* Scale spend with the world: about $60 a day per paid campaign per 1,000 people. */
	double scale = (double)w->n_known / 1000.0;
	for (int64_t day = w->start_ms; day < w->end_ms; day += DAY_MS) {
		char date[11];
		tp_time_format_date(day, date);
		for (int c = 0; c < tp__demo_n_channels; c++) {
			const demo_channel *ch = &tp__demo_channels[c];
			if (!ch->paid)
				continue;
			double noise = 0.7 + 0.6 * tp__demo_unit(&r);
			int64_t impressions = (int64_t)(4000 * scale * ch->weight * 10 * noise) + 1;
			double ctr = strcmp(ch->medium, "cpc") == 0 ? 0.035 : 0.008;
			int64_t clicks = (int64_t)((double)impressions * ctr * (0.8 + 0.4 * tp__demo_unit(&r)));
			double cpc = strcmp(ch->source, "linkedin") == 0 ? 7.5 : strcmp(ch->medium, "cpc") == 0 ? 3.2 : 1.1;
			/* The platforms' reports for a day are final the day after. */
			tp_spend_row row = {date, ch->name, ch->source, ch->campaign, "USD", impressions,
			                    clicks, (int64_t)((double)clicks * cpc * 100),
			                    day + DAY_MS < w->end_ms ? day + DAY_MS : w->end_ms};
			tp_status rc = s->ops->spend_insert(s, ctx, &row);
			if (rc != TP_OK)
				return rc;
			st->spend_rows++;
		}
	}
	return TP_OK;
}

static tp_status stage_row(tp_ctx *ctx, tp_store *s, int64_t cid, int from, tp_stage to, int64_t at,
                           const char *actor, const char *reason, tp_demo_stats *st)
{
	tp_stage_change_row r = {0, cid, at, from, to, actor, reason};
	st->stage_changes++;
	return s->ops->stage_change_insert(s, ctx, &r);
}

/* Sales decisions: each person's stage history past lead, and their stage now. */
static tp_status write_stages(tp_ctx *ctx, const demo_world *w, tp_store *s, tp_demo_stats *st)
{
	static const tp_stage stage_of[] = {TP_STAGE_VISITOR, TP_STAGE_LEAD, TP_STAGE_MQL,
		TP_STAGE_SAL, TP_STAGE_SQL, TP_STAGE_OPPORTUNITY, TP_STAGE_CUSTOMER};
	static const char *const actor_of[] = {"", "", "demo: score rule", "demo: sales",
		"demo: sales", "demo: opportunity opened", "demo: opportunity won"};
	static const char *const reason_of[] = {"", "", "score crossed the MQL threshold",
		"accepted by sales", "need, budget and timeline confirmed", "opportunity opened",
		"opportunity won"};
	for (int32_t i = 0; i < w->n_known; i++) {
		const demo_person *p = &w->people[i];
		if (p->reach < REACH_MQL)
			continue;
		char email[160];
		tp__demo_email(w, i, email, sizeof email);
		int64_t cid;
		tp_status rc = s->ops->contact_find(s, ctx, TP_KEY_EMAIL, email, &cid);
		if (rc != TP_OK)
			return rc;
		if (!cid)
			continue; /* identified after the world's end */
		for (int k = REACH_MQL; k <= p->reach; k++)
			if ((rc = stage_row(ctx, s, cid, stage_of[k - 1], stage_of[k], p->stage_at[k],
			                    actor_of[k], reason_of[k], st)) != TP_OK)
				return rc;
		/* contact_get's strings live until the next store call: write at once. */
		tp_contact c;
		int found;
		if ((rc = s->ops->contact_get(s, ctx, cid, &c, &found)) != TP_OK)
			return rc;
		c.stage = stage_of[p->reach];
		c.updated_at = p->stage_at[p->reach];
		if ((rc = s->ops->contact_put(s, ctx, &c)) != TP_OK)
			return rc;
	}
	return TP_OK;
}

static tp_status write_deals(tp_ctx *ctx, const demo_world *w, tp_store *s, tp_demo_stats *st)
{
	static const char *const lost_reasons[] = {"price", "chose a competitor", "no decision",
		"timing"};
	demo_rng r = {w->opts.seed ^ 0x0DDBA11ULL};
	for (int32_t i = 0; i < w->n_accounts; i++) {
		const demo_account *a = &w->accounts[i];
		if (a->deal == DEAL_NONE)
			continue;
		int64_t aid, cid;
		char email[160];
		tp__demo_email(w, a->champion, email, sizeof email);
		tp_status rc = s->ops->account_find(s, ctx, a->domain, NULL, &aid);
		if (rc != TP_OK || (rc = s->ops->contact_find(s, ctx, TP_KEY_EMAIL, email, &cid)) != TP_OK)
			return rc;
		char close[11] = "", name[96];
		if (a->close_at)
			tp_time_format_date(a->close_at, close);
		snprintf(name, sizeof name, "%s - annual plan", a->name);
		const char *stage = a->deal == DEAL_WON ? "won" : a->deal == DEAL_LOST ? "lost" : "proposal";
		tp_opportunity_row row = {
			.account_id = aid, .contact_id = cid, .amount = a->deal_amount,
			.created_at = a->opp_at, .closed_at = a->deal == DEAL_OPEN ? 0 : a->close_at,
			.name = name, .stage = stage, .currency = "USD",
			.close_date = a->close_at ? close : NULL,
			.lost_reason = a->deal == DEAL_LOST ? lost_reasons[tp__demo_pick(&r, 4)] : NULL,
			.source_channel = tp__demo_channels[a->deal_channel].name,
			.probability = a->deal == DEAL_WON ? 100 : a->deal == DEAL_LOST ? 0 : 50,
		};
		if ((rc = s->ops->opportunity_insert(s, ctx, &row, NULL)) != TP_OK)
			return rc;
		st->opportunities++;
		st->won += a->deal == DEAL_WON;
		st->lost += a->deal == DEAL_LOST;
		if (a->deal != DEAL_WON)
			continue;
		tp_account acc;
		int found;
		if ((rc = s->ops->account_get(s, ctx, aid, &acc, &found)) != TP_OK)
			return rc;
		if (found && !acc.customer_since) {
			acc.customer_since = a->close_at;
			if ((rc = s->ops->account_put(s, ctx, &acc)) != TP_OK)
				return rc;
		}
		/* MRR levels as billing would state them each month: the annual plan
		 * over twelve, then monthly chances of expansion, contraction and
		 * churn. Each month is known (imported) when it closes. */
		int64_t mrr = a->deal_amount / 12;
		int last = tp_month_of(w->end_ms - 1);
		for (int m = tp_month_of(a->close_at); m <= last && mrr > 0; m++) {
			if (m > tp_month_of(a->close_at)) {
				double u = tp__demo_unit(&r);
				if (u < 0.04)
					mrr += mrr / 4;
				else if (u < 0.06)
					mrr -= mrr / 6;
				else if (u < 0.075)
					mrr = 0;
			}
			char month[8];
			tp_month_format(m, month);
			int64_t known = tp_month_start(m + 1);
			tp_mrr_row mr = {aid, month, mrr, "USD", known < w->end_ms ? known : w->end_ms};
			if ((rc = s->ops->mrr_insert(s, ctx, &mr)) != TP_OK)
				return rc;
			st->mrr_rows++;
		}
	}
	return TP_OK;
}

tp_status tp_demo_write_business(tp_ctx *ctx, const tp_demo_opts *opts, tp_store *store,
                                 tp_demo_stats *stats)
{
	demo_world w;
	tp_demo_stats local = {0};
	tp_demo_stats *st = stats ? stats : &local;
	if (tp__demo_world_build(&w, opts) != 0)
		return tp_ctx_fail(ctx, TP_ERR_NOMEM, NULL, "out of memory");
	tp_status rc = store->ops->begin(store, ctx);
	if (rc == TP_OK && (rc = write_spend(ctx, &w, store, st)) == TP_OK &&
	    (rc = write_stages(ctx, &w, store, st)) == TP_OK &&
	    (rc = write_deals(ctx, &w, store, st)) == TP_OK)
		rc = store->ops->commit(store, ctx);
	else if (rc != TP_OK)
		tp_store_rollback_quiet(store);
	tp__demo_world_free(&w);
	return rc;
}
