/* Opportunities, and the lifecycle moves they cause. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/text.h"
#include "touchpoint/lifecycle.h"
#include "touchpoint/opportunity.h"

#define PROB_KEY "opportunity.probabilities"

static const char *const opp_names[] = {
#define TP__OPP_NAME(e, s, p) s,
	TP_OPP_STAGE_MAP(TP__OPP_NAME)
#undef TP__OPP_NAME
};
static const int opp_default_prob[] = {
#define TP__OPP_PROB(e, s, p) p,
	TP_OPP_STAGE_MAP(TP__OPP_PROB)
#undef TP__OPP_PROB
};

const char *tp_opp_stage_name(tp_opp_stage s)
{
	return (unsigned)s < TP_OPP__COUNT ? opp_names[s] : "?";
}

int tp_opp_stage_from_name(const char *name, tp_opp_stage *out)
{
	for (int i = 0; name && i < TP_OPP__COUNT; i++)
		if (tp__ieq(name, opp_names[i])) {
			*out = (tp_opp_stage)i;
			return 0;
		}
	return -1;
}

/* Parses "stage=percent,..." over `out` (which holds the defaults). */
static tp_status parse_probabilities(tp_ctx *ctx, const char *spec, int out[TP_OPP__COUNT])
{
	const char *p = spec;
	while (*p) {
		size_t n = strcspn(p, ",");
		char item[64];
		snprintf(item, sizeof item, "%.*s", (int)(n < 63 ? n : 63), p);
		char *eq = strchr(item, '=');
		tp_opp_stage st;
		long long v;
		if (!eq)
			return tp_ctx_fail(ctx, TP_ERR_INVALID, "probabilities",
			                   "\"%s\" is not stage=percent", item);
		*eq = '\0';
		if (tp_opp_stage_from_name(tp__lower(item), &st) != 0)
			return tp_ctx_fail(ctx, TP_ERR_INVALID, "probabilities",
			                   "\"%s\" is not a stage (qualify, meeting, proposal, negotiation,"
			                   " won, lost)", item);
		if (tp__parse_i64(eq + 1, &v) != 0 || v > 100)
			return tp_ctx_fail(ctx, TP_ERR_INVALID, "probabilities",
			                   "%s=%s: the percent must be a whole number 0..100", item, eq + 1);
		out[st] = (int)v;
		p += n + (p[n] == ',');
	}
	return TP_OK;
}

tp_status tp_opp_probabilities(tp_ctx *ctx, tp_store *s, int out[TP_OPP__COUNT])
{
	memcpy(out, opp_default_prob, sizeof opp_default_prob);
	char *spec;
	tp_status rc = tp_store_setting(ctx, s, PROB_KEY, &spec);
	if (rc == TP_OK && spec)
		rc = parse_probabilities(ctx, spec, out);
	free(spec);
	return rc;
}

tp_status tp_opp_probabilities_set(tp_ctx *ctx, tp_store *s, const char *spec)
{
	int p[TP_OPP__COUNT];
	memcpy(p, opp_default_prob, sizeof p);
	tp_status rc = parse_probabilities(ctx, spec, p);
	if (rc != TP_OK)
		return rc;
	char buf[256];
	size_t n = 0;
	for (int i = 0; i < TP_OPP__COUNT; i++)
		n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s=%d", i ? "," : "", opp_names[i], p[i]);
	return s->ops->setting_set(s, ctx, PROB_KEY, buf);
}

static int valid_currency(const char *c)
{
	if (!c || strlen(c) != 3)
		return 0;
	for (int i = 0; i < 3; i++)
		if (c[i] < 'A' || c[i] > 'Z')
			return 0;
	return 1;
}

/* Moves the contact forward to `to` when that is a forward move for it;
 * otherwise (already there or beyond) leaves it. */
static tp_status advance(tp_ctx *ctx, tp_store *s, int64_t contact_id, tp_stage to, int64_t at,
                         const char *actor, const char *reason)
{
	tp_contact c;
	int found;
	tp_status rc = s->ops->contact_get(s, ctx, contact_id, &c, &found);
	if (rc != TP_OK || !found || tp_stage_move_kind(c.stage, to) != TP_MOVE_FORWARD)
		return rc;
	return tp_lifecycle_move(ctx, s, NULL, contact_id, to, at, actor, reason);
}

tp_status tp_opportunity_open(tp_ctx *ctx, tp_store *s, tp_opportunity_row *r)
{
	int64_t now = tp_ctx_now(ctx);
	tp_opp_stage st = TP_OPP_QUALIFY;
	tp_status rc;
	if (r->stage && tp_opp_stage_from_name(r->stage, &st) != 0)
		return tp_ctx_fail(ctx, TP_ERR_INVALID, "stage",
		                   "\"%s\" is not an opportunity stage (qualify, meeting, proposal,"
		                   " negotiation, won, lost)", r->stage);
	if (st == TP_OPP_WON || st == TP_OPP_LOST)
		return tp_ctx_fail(ctx, TP_ERR_INVALID, "stage",
		                   "open it at an open stage, then update it to %s", opp_names[st]);
	if (r->amount < 0)
		return tp_ctx_fail(ctx, TP_ERR_INVALID, "amount", "must be 0 or more");
	if (!valid_currency(r->currency))
		return tp_ctx_fail(ctx, TP_ERR_INVALID, "currency",
		                   "\"%s\" is not an ISO 4217 code like USD or EUR",
		                   r->currency ? r->currency : "");
	if (r->probability > 100)
		return tp_ctx_fail(ctx, TP_ERR_INVALID, "probability", "must be 0..100");
	tp_arena a;
	tp__arena_init(&a, 512);
	if (r->contact_id) {
		tp_contact c;
		int found;
		if ((rc = s->ops->contact_get(s, ctx, r->contact_id, &c, &found)) != TP_OK)
			goto out;
		if (!found) {
			rc = tp_ctx_fail(ctx, TP_ERR_NOT_FOUND, "contact", "no contact %" PRId64, r->contact_id);
			goto out;
		}
		if (c.merged_into) {
			rc = tp_ctx_fail(ctx, TP_ERR_CONFLICT, "contact",
			                 "contact %" PRId64 " is merged into %" PRId64 "; use that one",
			                 r->contact_id, c.merged_into);
			goto out;
		}
		if (!r->account_id)
			r->account_id = c.account_id;
		if (!r->source_channel && c.source_channel)
			r->source_channel = tp__arena_strndup(&a, c.source_channel, strlen(c.source_channel));
		if (!r->owner && c.owner)
			r->owner = tp__arena_strndup(&a, c.owner, strlen(c.owner));
	}
	if (!r->account_id) {
		rc = tp_ctx_fail(ctx, TP_ERR_INVALID, "account",
		                 "an opportunity needs an account (or a contact who has one)");
		goto out;
	}
	tp_account acc;
	int found;
	if ((rc = s->ops->account_get(s, ctx, r->account_id, &acc, &found)) != TP_OK)
		goto out;
	if (!found) {
		rc = tp_ctx_fail(ctx, TP_ERR_NOT_FOUND, "account", "no account %" PRId64, r->account_id);
		goto out;
	}
	int prob[TP_OPP__COUNT];
	if ((rc = tp_opp_probabilities(ctx, s, prob)) != TP_OK)
		goto out;
	if (r->probability < 0)
		r->probability = prob[st];
	r->stage = opp_names[st];
	r->created_at = r->updated_at = now;
	r->closed_at = 0;
	if ((rc = s->ops->opportunity_insert(s, ctx, r, &r->id)) != TP_OK)
		goto out;
	if (r->contact_id) {
		char actor[64], reason[96];
		snprintf(actor, sizeof actor, "opportunity %" PRId64, r->id);
		snprintf(reason, sizeof reason, "opportunity %" PRId64 " opened", r->id);
		rc = advance(ctx, s, r->contact_id, TP_STAGE_OPPORTUNITY, now, actor, reason);
	}
out:
	/* r's strings taken from the contact die with the arena: the caller
	 * must not read them after (they were written already). */
	if (r->source_channel && tp__arena_owns(&a, r->source_channel))
		r->source_channel = NULL;
	if (r->owner && tp__arena_owns(&a, r->owner))
		r->owner = NULL;
	tp__arena_free(&a);
	return rc;
}

static char *dup_or_null(tp_arena *a, const char *s)
{
	return s ? tp__arena_strndup(a, s, strlen(s)) : NULL;
}

tp_status tp_opportunity_update(tp_ctx *ctx, tp_store *s, int64_t id, const tp_opportunity_row *ch)
{
	int64_t now = tp_ctx_now(ctx);
	tp_opportunity_row r;
	int found;
	tp_status rc = s->ops->opportunity_get(s, ctx, id, &r, &found);
	if (rc != TP_OK)
		return rc;
	if (!found)
		return tp_ctx_fail(ctx, TP_ERR_NOT_FOUND, "opportunity", "no opportunity %" PRId64, id);
	tp_opp_stage was, to;
	if (tp_opp_stage_from_name(r.stage, &was) != 0)
		was = TP_OPP_QUALIFY;
	if (was == TP_OPP_WON || was == TP_OPP_LOST)
		return tp_ctx_fail(ctx, TP_ERR_CONFLICT, "opportunity",
		                   "opportunity %" PRId64 " is closed (%s); open a new one", id, r.stage);
	to = was;
	if (ch->stage && tp_opp_stage_from_name(ch->stage, &to) != 0)
		return tp_ctx_fail(ctx, TP_ERR_INVALID, "stage",
		                   "\"%s\" is not an opportunity stage (qualify, meeting, proposal,"
		                   " negotiation, won, lost)", ch->stage);
	if (to == TP_OPP_LOST && !ch->lost_reason && !r.lost_reason)
		return tp_ctx_fail(ctx, TP_ERR_INVALID, "lost_reason",
		                   "a lost opportunity needs a reason (--lost-reason TEXT)");
	if (ch->currency && !valid_currency(ch->currency))
		return tp_ctx_fail(ctx, TP_ERR_INVALID, "currency",
		                   "\"%s\" is not an ISO 4217 code like USD or EUR", ch->currency);
	if (ch->probability > 100)
		return tp_ctx_fail(ctx, TP_ERR_INVALID, "probability", "must be 0..100");
	/* The record's strings live until the next store call: keep them. */
	tp_arena a;
	tp__arena_init(&a, 1024);
	r.name = dup_or_null(&a, ch->name ? ch->name : r.name);
	r.currency = dup_or_null(&a, ch->currency ? ch->currency : r.currency);
	r.close_date = dup_or_null(&a, ch->close_date ? ch->close_date : r.close_date);
	r.lost_reason = dup_or_null(&a, ch->lost_reason ? ch->lost_reason : r.lost_reason);
	r.source_channel = dup_or_null(&a, ch->source_channel ? ch->source_channel : r.source_channel);
	r.owner = dup_or_null(&a, ch->owner ? ch->owner : r.owner);
	if (ch->amount >= 0)
		r.amount = ch->amount;
	if (to != was) {
		int prob[TP_OPP__COUNT];
		if ((rc = tp_opp_probabilities(ctx, s, prob)) != TP_OK)
			goto out;
		r.probability = prob[to];
	}
	if (ch->probability >= 0)
		r.probability = ch->probability;
	r.stage = opp_names[to];
	r.updated_at = now;
	if (to == TP_OPP_WON || to == TP_OPP_LOST)
		r.closed_at = now;
	if ((rc = s->ops->opportunity_update(s, ctx, &r)) != TP_OK || to != TP_OPP_WON)
		goto out;
	/* Won: the contact and the account become customers. */
	char actor[64], reason[96];
	snprintf(actor, sizeof actor, "opportunity %" PRId64, id);
	snprintf(reason, sizeof reason, "opportunity %" PRId64 " won", id);
	if (r.contact_id && (rc = advance(ctx, s, r.contact_id, TP_STAGE_CUSTOMER, now, actor,
	                                  reason)) != TP_OK)
		goto out;
	if (r.account_id) {
		tp_account acc;
		if ((rc = s->ops->account_get(s, ctx, r.account_id, &acc, &found)) == TP_OK && found &&
		    !acc.customer_since) {
			acc.customer_since = now;
			rc = s->ops->account_put(s, ctx, &acc);
		}
	}
out:
	tp__arena_free(&a);
	return rc;
}

/* The two above in a transaction of their own, for a person's change. */
static tp_status in_transaction(tp_ctx *ctx, tp_store *s, int64_t id, tp_opportunity_row *r)
{
	tp_status rc = s->ops->begin(s, ctx);
	if (rc != TP_OK)
		return rc;
	rc = id ? tp_opportunity_update(ctx, s, id, r) : tp_opportunity_open(ctx, s, r);
	if (rc == TP_OK)
		return s->ops->commit(s, ctx);
	tp_store_rollback_quiet(s);
	return rc;
}

tp_status tp_opportunity_add(tp_ctx *ctx, tp_store *s, tp_opportunity_row *r)
{
	return in_transaction(ctx, s, 0, r);
}

tp_status tp_opportunity_change(tp_ctx *ctx, tp_store *s, int64_t id,
                                const tp_opportunity_row *change)
{
	return in_transaction(ctx, s, id, (tp_opportunity_row *)change);
}
