/* The stage machine: which moves are legal, and the one function that makes
 * a move, so that the CLI, the MQL rule and opportunities all record stage
 * history the same way. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/text.h"
#include "store/records.h"
#include "touchpoint/lifecycle.h"

/* Position along the funnel; side states have none. */
static int rank(tp_stage s)
{
	return s <= TP_STAGE_CUSTOMER ? (int)s : -1;
}

tp_move_kind tp_stage_move_kind(tp_stage from, tp_stage to)
{
	if (from == to || (unsigned)from >= TP_STAGE__COUNT || (unsigned)to >= TP_STAGE__COUNT)
		return TP_MOVE_ILLEGAL;
	switch (to) {
	case TP_STAGE_DISQUALIFIED:
		/* Anyone not yet a customer can be ruled out, recycled leads included. */
		return rank(from) >= 0 && from < TP_STAGE_CUSTOMER ? TP_MOVE_SIDE
		       : from == TP_STAGE_RECYCLED                ? TP_MOVE_SIDE
		                                                  : TP_MOVE_ILLEGAL;
	case TP_STAGE_RECYCLED:
		/* Back to nurturing: from a qualified stage that went nowhere, or a
		 * disqualified or churned contact given another chance. */
		return (from >= TP_STAGE_MQL && from <= TP_STAGE_OPPORTUNITY) ||
		       from == TP_STAGE_DISQUALIFIED || from == TP_STAGE_CHURNED ? TP_MOVE_SIDE
		                                                               : TP_MOVE_ILLEGAL;
	case TP_STAGE_CHURNED:
		return from == TP_STAGE_CUSTOMER ? TP_MOVE_SIDE : TP_MOVE_ILLEGAL;
	default:
		break;
	}
	/* Forward along the funnel. A recycled contact stands where a lead
	 * does; a churned customer can come back through a new opportunity. */
	if (from == TP_STAGE_RECYCLED)
		return to >= TP_STAGE_MQL ? TP_MOVE_FORWARD : TP_MOVE_ILLEGAL;
	if (from == TP_STAGE_CHURNED)
		return to == TP_STAGE_OPPORTUNITY || to == TP_STAGE_CUSTOMER ? TP_MOVE_FORWARD
		                                                             : TP_MOVE_ILLEGAL;
	if (from == TP_STAGE_DISQUALIFIED)
		return TP_MOVE_ILLEGAL;
	return rank(to) > rank(from) ? TP_MOVE_FORWARD : TP_MOVE_ILLEGAL;
}

const char *tp_stage_legal_moves(tp_stage from, char *buf, size_t cap)
{
	size_t n = 0;
	buf[0] = '\0';
	for (int pass = 0; pass < 2; pass++) {
		int first = 1;
		for (int t = 0; t < TP_STAGE__COUNT; t++) {
			tp_move_kind k = tp_stage_move_kind(from, (tp_stage)t);
			if (k != (pass ? TP_MOVE_SIDE : TP_MOVE_FORWARD))
				continue;
			const char *lead = first ? (pass ? (n ? "; with a reason: " : "with a reason: ") : "")
			                         : ", ";
			int w = snprintf(buf + n, n < cap ? cap - n : 0, "%s%s", lead,
			                 tp_stage_name((tp_stage)t));
			if (w > 0)
				n += (size_t)w;
			first = 0;
		}
	}
	if (!n)
		snprintf(buf, cap, "none");
	return buf;
}

static tp_status round_robin(tp_ctx *ctx, tp_store *s, const tp_score_config *cfg,
                             const char **owner)
{
	static const char key[] = "assignment.round_robin.next";
	char *stored, turn[32];
	tp_status rc = tp_store_setting(ctx, s, key, &stored);
	if (rc != TP_OK)
		return rc;
	long long next = 0;
	if (stored && tp__parse_i64(stored, &next) != 0)
		next = 0;
	free(stored);
	*owner = cfg->owners[(size_t)next % cfg->n_owners];
	snprintf(turn, sizeof turn, "%lld", (long long)(((size_t)next + 1) % cfg->n_owners));
	return s->ops->setting_set(s, ctx, key, turn);
}

tp_status tp_assign_owner(tp_ctx *ctx, tp_store *s, const tp_score_config *cfg,
                          const tp_contact *c, const char **owner)
{
	*owner = NULL;
	if (!cfg)
		return TP_OK;
	switch (cfg->assign) {
	case TP_ASSIGN_ROUND_ROBIN:
		return round_robin(ctx, s, cfg, owner);
	case TP_ASSIGN_COUNTRY:
		for (size_t i = 0; c->country && i < cfg->n_bands; i++)
			if (tp__ieq(c->country, cfg->bands[i].key)) {
				*owner = cfg->bands[i].owner;
				return TP_OK;
			}
		break;
	case TP_ASSIGN_ACCOUNT_SIZE: {
		int64_t employees = -1;
		if (c->account_id) {
			tp_account a;
			int found;
			tp_status rc = s->ops->account_get(s, ctx, c->account_id, &a, &found);
			if (rc != TP_OK)
				return rc;
			if (found)
				employees = a.employees;
		}
		for (size_t i = 0; employees >= 0 && i < cfg->n_bands; i++)
			if (employees >= cfg->bands[i].min_employees) {
				*owner = cfg->bands[i].owner;
				return TP_OK;
			}
		break;
	}
	default:
		return TP_OK;
	}
	*owner = cfg->default_owner;
	return TP_OK;
}

tp_status tp_lifecycle_move(tp_ctx *ctx, tp_store *s, const tp_score_config *cfg,
                            int64_t contact_id, tp_stage to, int64_t at, const char *actor,
                            const char *reason)
{
	tp_contact c;
	int found;
	tp_status rc = s->ops->contact_get(s, ctx, contact_id, &c, &found);
	if (rc != TP_OK)
		return rc;
	if (!found)
		return tp_ctx_fail(ctx, TP_ERR_NOT_FOUND, "contact", "no contact %" PRId64, contact_id);
	if (c.merged_into)
		return tp_ctx_fail(ctx, TP_ERR_CONFLICT, "contact",
		                   "contact %" PRId64 " is merged into %" PRId64 "; move that one",
		                   contact_id, c.merged_into);
	tp_move_kind kind = tp_stage_move_kind(c.stage, to);
	if (kind == TP_MOVE_ILLEGAL) {
		char legal[256];
		tp_stage_legal_moves(c.stage, legal, sizeof legal);
		if (c.stage == to)
			return tp_ctx_fail(ctx, TP_ERR_CONFLICT, "stage", "contact %" PRId64 " is already %s",
			                   contact_id, tp_stage_name(to));
		return tp_ctx_fail(ctx, TP_ERR_CONFLICT, "stage",
		                   "contact %" PRId64 " cannot move from %s to %s: stages only move"
		                   " forward. Legal from %s: %s",
		                   contact_id, tp_stage_name(c.stage), tp_stage_name(to),
		                   tp_stage_name(c.stage), legal);
	}
	if (kind == TP_MOVE_SIDE && (!reason || !*reason))
		return tp_ctx_fail(ctx, TP_ERR_INVALID, "reason",
		                   "moving to %s needs a reason (--reason TEXT)", tp_stage_name(to));
	/* The record's texts live only until the next store call, and a move
	 * makes several. */
	tp_arena a;
	tp__arena_init(&a, 1024);
	if (tp__contact_copy_texts(&a, &c) < 0) {
		tp__arena_free(&a);
		return tp_ctx_fail(ctx, TP_ERR_NOMEM, NULL, "out of memory");
	}
	tp_stage from = c.stage;
	if (to == TP_STAGE_MQL && !c.owner) {
		const char *owner;
		if ((rc = tp_assign_owner(ctx, s, cfg, &c, &owner)) != TP_OK) {
			tp__arena_free(&a);
			return rc;
		}
		c.owner = owner;
	}
	c.stage = to;
	if (at > c.updated_at)
		c.updated_at = at;
	tp_stage_change_row row = {0, contact_id, at, (int)from, to, actor, reason};
	if ((rc = s->ops->contact_put(s, ctx, &c)) == TP_OK)
		rc = s->ops->stage_change_insert(s, ctx, &row);
	tp__arena_free(&a);
	return rc;
}
