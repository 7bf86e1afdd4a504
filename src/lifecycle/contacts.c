/* Changes to contacts made by a person (the CLI, the JSON API): save, merge,
 * unmerge, erase, move to a stage. Each is one transaction together with
 * the scores it changes, so the two callers cannot differ. */
#include <string.h>

#include "touchpoint/touchpoint.h"

typedef struct change {
	int64_t a, b;              /* the contacts concerned */
	int64_t *result;
	const void *arg;
	const char *actor, *reason;
	int flag;
	const tp_score_config *cfg;
} change;

enum { RESCORE_NONE, RESCORE_A, RESCORE_BOTH, RESCORE_A_FORGET_B };

typedef tp_status (*change_fn)(tp_ctx *ctx, tp_store *s, tp_identity *id, change *c);

/* Runs fn, then rescores as `rescore` says, in one transaction; rolls all
 * back when any step fails. */
static tp_status in_transaction(tp_ctx *ctx, tp_store *s, change_fn fn, change *c, int rescore)
{
	tp_identity *id = tp_identity_create(s);
	if (!id)
		return tp_ctx_fail(ctx, TP_ERR_NOMEM, NULL, "out of memory");
	tp_score_config *cfg = NULL;
	tp_scorer *sc = NULL;
	tp_status rc = tp_score_config_load(ctx, s, &cfg);
	c->cfg = cfg;
	if (rc == TP_OK && (rc = s->ops->begin(s, ctx)) == TP_OK) {
		rc = fn(ctx, s, id, c);
		if (rc == TP_OK && rescore != RESCORE_NONE &&
		    (rc = tp_scorer_create(ctx, s, cfg, 1, &sc)) == TP_OK) {
			rc = tp_scorer_rebuild(sc, ctx, c->a);
			if (rc == TP_OK && c->b && c->b != c->a && rescore != RESCORE_A)
				rc = rescore == RESCORE_A_FORGET_B ? tp_scorer_forget(sc, ctx, c->b)
				                                   : tp_scorer_rebuild(sc, ctx, c->b);
			if (rc == TP_OK)
				rc = tp_scorer_flush(sc, ctx);
		}
		if (rc == TP_OK)
			rc = tp_identity_flush(id, ctx);
		if (rc == TP_OK)
			rc = s->ops->commit(s, ctx);
		else
			tp_store_rollback_quiet(s);
	}
	tp_scorer_destroy(sc);
	tp_score_config_free(cfg);
	tp_identity_destroy(id);
	return rc;
}

static tp_status do_save(tp_ctx *ctx, tp_store *s, tp_identity *id, change *c)
{
	(void)s;
	int created = 0;
	tp_status rc = tp_identity_upsert(id, ctx, c->arg, (int)c->b, c->actor, c->flag, &c->a, &created);
	c->b = 0;
	*c->result = created;
	return rc;
}

tp_status tp_contact_save(tp_ctx *ctx, tp_store *s, const tp_traits *traits, int stage,
                          int overwrite, const char *actor, int64_t *contact_id, int *created)
{
	int64_t made = 0;
	change c = {.b = stage, .result = &made, .arg = traits, .actor = actor, .flag = overwrite};
	tp_status rc = in_transaction(ctx, s, do_save, &c, RESCORE_A);
	*contact_id = rc == TP_OK ? c.a : 0;
	*created = (int)made;
	return rc;
}

static tp_status do_merge(tp_ctx *ctx, tp_store *s, tp_identity *id, change *c)
{
	(void)s;
	char detail[512];
	snprintf(detail, sizeof detail, "by hand%s%s", c->reason ? ": " : "",
	         c->reason ? c->reason : "");
	return tp_identity_merge(id, ctx, c->a, c->b, "manual", detail, c->result);
}

tp_status tp_contact_merge(tp_ctx *ctx, tp_store *s, int64_t winner, int64_t loser,
                           const char *reason, int64_t *merge_id)
{
	change c = {.a = winner, .b = loser, .result = merge_id, .reason = reason};
	/* The merged history is scored again; the loser's own score goes. */
	return in_transaction(ctx, s, do_merge, &c, RESCORE_A_FORGET_B);
}

static tp_status do_unmerge(tp_ctx *ctx, tp_store *s, tp_identity *id, change *c)
{
	(void)s;
	/* b: the person a was part of, whose history shrinks. */
	tp_status rc = tp_identity_root(id, ctx, c->a, &c->b);
	return rc == TP_OK ? tp_identity_unmerge(id, ctx, c->a, c->result) : rc;
}

tp_status tp_contact_unmerge(tp_ctx *ctx, tp_store *s, int64_t contact, int64_t *restored)
{
	change c = {.a = contact, .result = restored};
	return in_transaction(ctx, s, do_unmerge, &c, RESCORE_BOTH);
}

typedef struct erase_walk {
	int64_t ids[256];
	size_t n;
} erase_walk;

static int add_merged(void *user, const tp_contact *c)
{
	erase_walk *w = user;
	if (w->n == sizeof w->ids / sizeof w->ids[0])
		return 1;
	w->ids[w->n++] = c->id;
	return 0;
}

static tp_status do_erase(tp_ctx *ctx, tp_store *s, tp_identity *id, change *c)
{
	(void)id;
	/* The person is the contact and every contact merged into it, at any depth. */
	erase_walk w = {.ids = {c->a}, .n = 1};
	tp_status rc = TP_OK;
	for (size_t i = 0; i < w.n && rc == TP_OK; i++) {
		size_t before = w.n;
		rc = s->ops->contacts_merged_into(s, ctx, w.ids[i], add_merged, &w);
		if (rc == TP_OK && w.n == sizeof w.ids / sizeof w.ids[0] && w.n > before)
			rc = tp_ctx_fail(ctx, TP_ERR_UNSUPPORTED, NULL,
			                 "contact %lld has more than %zu contacts merged into it",
			                 (long long)c->a, sizeof w.ids / sizeof w.ids[0]);
	}
	int64_t now = tp_ctx_now(ctx);
	for (size_t i = 0; i < w.n && rc == TP_OK; i++)
		rc = s->ops->contact_erase(s, ctx, w.ids[i], now);
	*c->result = (int64_t)w.n;
	return rc;
}

tp_status tp_contact_erase(tp_ctx *ctx, tp_store *s, int64_t contact, int64_t *erased)
{
	change c = {.a = contact, .result = erased};
	return in_transaction(ctx, s, do_erase, &c, RESCORE_NONE);
}

static tp_status do_move(tp_ctx *ctx, tp_store *s, tp_identity *id, change *c)
{
	(void)id;
	return tp_lifecycle_move(ctx, s, c->cfg, c->a, (tp_stage)c->flag, tp_ctx_now(ctx), c->actor,
	                         c->reason);
}

tp_status tp_contact_move(tp_ctx *ctx, tp_store *s, int64_t contact, tp_stage to,
                          const char *actor, const char *reason)
{
	change c = {.a = contact, .flag = (int)to, .actor = actor, .reason = reason};
	return in_transaction(ctx, s, do_move, &c, RESCORE_NONE);
}
