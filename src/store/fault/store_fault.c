/* A store that passes every call to another store and fails on demand: the
 * Nth write (event insert, contact or visitor write, commit) returns
 * TP_ERR_STORE. Tests use it to prove that an import interrupted anywhere
 * loses nothing it reported as accepted, and stores nothing twice. */
#include <stdlib.h>

#include "touchpoint/store.h"

typedef struct fault_store {
	tp_store base;
	tp_store *inner;
	int64_t writes, fail_at;
} fault_store;

#define INNER(b) (((fault_store *)(b))->inner)

static tp_status maybe_fail(tp_store *b, tp_ctx *ctx)
{
	fault_store *f = (fault_store *)b;
	if (f->fail_at > 0 && ++f->writes == f->fail_at)
		return tp_ctx_fail(ctx, TP_ERR_STORE, NULL, "fault store: write %lld fails on purpose",
		                   (long long)f->writes);
	return TP_OK;
}

static tp_status f_commit(tp_store *b, tp_ctx *ctx)
{
	tp_status rc = maybe_fail(b, ctx);
	return rc != TP_OK ? rc : INNER(b)->ops->commit(INNER(b), ctx);
}

static tp_status f_event_insert(tp_store *b, tp_ctx *ctx, const tp_event_row *row)
{
	tp_status rc = maybe_fail(b, ctx);
	return rc != TP_OK ? rc : INNER(b)->ops->event_insert(INNER(b), ctx, row);
}

static tp_status f_contact_put(tp_store *b, tp_ctx *ctx, tp_contact *c)
{
	tp_status rc = maybe_fail(b, ctx);
	return rc != TP_OK ? rc : INNER(b)->ops->contact_put(INNER(b), ctx, c);
}

static tp_status f_visitor_put(tp_store *b, tp_ctx *ctx, tp_visitor *v)
{
	tp_status rc = maybe_fail(b, ctx);
	return rc != TP_OK ? rc : INNER(b)->ops->visitor_put(INNER(b), ctx, v);
}

static void f_close(tp_store *b)
{
	free(b);
}

/* Every other call goes through unchanged, with the inner store's handle. */
#define PASS(name, sig, args)                    \
	static tp_status f_##name sig            \
	{                                        \
		return INNER(b)->ops->name args; \
	}

PASS(begin, (tp_store *b, tp_ctx *ctx), (INNER(b), ctx))
PASS(rollback, (tp_store *b, tp_ctx *ctx), (INNER(b), ctx))
PASS(event_exists, (tp_store *b, tp_ctx *ctx, const char *m, int *e), (INNER(b), ctx, m, e))
PASS(events_adopt, (tp_store *b, tp_ctx *ctx, const char *a, int64_t c, int64_t o, int64_t *m),
     (INNER(b), ctx, a, c, o, m))
PASS(events_reassign, (tp_store *b, tp_ctx *ctx, int64_t f, int64_t t), (INNER(b), ctx, f, t))
PASS(events_restore, (tp_store *b, tp_ctx *ctx, int64_t o, int64_t f, int64_t t, int64_t *m),
     (INNER(b), ctx, o, f, t, m))
PASS(events_of_contact, (tp_store *b, tp_ctx *ctx, int64_t c, tp_touch_fn fn, void *u),
     (INNER(b), ctx, c, fn, u))
PASS(events_for_scoring, (tp_store *b, tp_ctx *ctx, int64_t c, tp_touch_fn fn, void *u),
     (INNER(b), ctx, c, fn, u))
PASS(inbox_add, (tp_store *b, tp_ctx *ctx, tp_inbox_row *r), (INNER(b), ctx, r))
PASS(inbox_take, (tp_store *b, tp_ctx *ctx, int64_t a, int l, tp_inbox_fn fn, void *u),
     (INNER(b), ctx, a, l, fn, u))
PASS(inbox_remove, (tp_store *b, tp_ctx *ctx, int64_t u), (INNER(b), ctx, u))
PASS(inbox_fail, (tp_store *b, tp_ctx *ctx, int64_t i, const char *e), (INNER(b), ctx, i, e))
PASS(inbox_count, (tp_store *b, tp_ctx *ctx, int64_t *n, int64_t *e, int64_t *f),
     (INNER(b), ctx, n, e, f))
PASS(inbox_workspaces, (tp_store *b, tp_ctx *ctx, tp_workspace_fn fn, void *u),
     (INNER(b), ctx, fn, u))
PASS(visitor_get, (tp_store *b, tp_ctx *ctx, const char *a, tp_visitor *v, int *f),
     (INNER(b), ctx, a, v, f))
PASS(visitors_of_contact,
     (tp_store *b, tp_ctx *ctx, int64_t c, void (*fn)(void *, const tp_visitor *), void *u),
     (INNER(b), ctx, c, fn, u))
PASS(contact_get, (tp_store *b, tp_ctx *ctx, int64_t i, tp_contact *c, int *f),
     (INNER(b), ctx, i, c, f))
PASS(contact_find, (tp_store *b, tp_ctx *ctx, tp_contact_key k, const char *v, int64_t *i),
     (INNER(b), ctx, k, v, i))
PASS(contacts_list,
     (tp_store *b, tp_ctx *ctx, const tp_contact_filter *f, tp_contact_fn fn, void *u),
     (INNER(b), ctx, f, fn, u))
PASS(changed_elsewhere, (tp_store *b, tp_ctx *ctx, int *c), (INNER(b), ctx, c))
PASS(contact_erase, (tp_store *b, tp_ctx *ctx, int64_t i, int64_t at), (INNER(b), ctx, i, at))
PASS(contacts_merged_into, (tp_store *b, tp_ctx *ctx, int64_t i, tp_contact_fn fn, void *u),
     (INNER(b), ctx, i, fn, u))
PASS(account_get, (tp_store *b, tp_ctx *ctx, int64_t i, tp_account *a, int *f),
     (INNER(b), ctx, i, a, f))
PASS(account_find, (tp_store *b, tp_ctx *ctx, const char *d, const char *g, int64_t *i),
     (INNER(b), ctx, d, g, i))
PASS(account_put, (tp_store *b, tp_ctx *ctx, tp_account *a), (INNER(b), ctx, a))
PASS(accounts_list, (tp_store *b, tp_ctx *ctx, tp_account_fn fn, void *u),
     (INNER(b), ctx, fn, u))
PASS(merge_put, (tp_store *b, tp_ctx *ctx, tp_merge *m), (INNER(b), ctx, m))
PASS(merge_active, (tp_store *b, tp_ctx *ctx, int64_t l, tp_merge *m, int *f),
     (INNER(b), ctx, l, m, f))
PASS(merges_of_contact, (tp_store *b, tp_ctx *ctx, int64_t c, tp_merge_fn fn, void *u),
     (INNER(b), ctx, c, fn, u))
PASS(note_insert, (tp_store *b, tp_ctx *ctx, const tp_identity_note *n), (INNER(b), ctx, n))
PASS(notes_of_contact, (tp_store *b, tp_ctx *ctx, int64_t c, tp_note_fn fn, void *u),
     (INNER(b), ctx, c, fn, u))
PASS(stage_change_insert, (tp_store *b, tp_ctx *ctx, const tp_stage_change_row *r),
     (INNER(b), ctx, r))
PASS(spend_insert, (tp_store *b, tp_ctx *ctx, const tp_spend_row *r), (INNER(b), ctx, r))
PASS(opportunity_insert, (tp_store *b, tp_ctx *ctx, const tp_opportunity_row *r, int64_t *i),
     (INNER(b), ctx, r, i))
PASS(mrr_insert, (tp_store *b, tp_ctx *ctx, const tp_mrr_row *r), (INNER(b), ctx, r))
PASS(sites_get, (tp_store *b, tp_ctx *ctx, tp_site_list l, tp_text_fn fn, void *u, int *s),
     (INNER(b), ctx, l, fn, u, s))
PASS(sites_set, (tp_store *b, tp_ctx *ctx, tp_site_list l, const char *const *s, size_t n),
     (INNER(b), ctx, l, s, n))
PASS(counts, (tp_store *b, tp_ctx *ctx, tp_store_counts *o), (INNER(b), ctx, o))
PASS(bulk_begin, (tp_store *b, tp_ctx *ctx, int *e), (INNER(b), ctx, e))
PASS(bulk_end, (tp_store *b, tp_ctx *ctx), (INNER(b), ctx))
static tp_status f_bulk_prepare(tp_store *b, tp_ctx *ctx)
{
	return INNER(b)->ops->bulk_prepare ? INNER(b)->ops->bulk_prepare(INNER(b), ctx) : TP_OK;
}
PASS(setting_get, (tp_store *b, tp_ctx *ctx, const char *k, tp_text_fn fn, void *u, int *f),
     (INNER(b), ctx, k, fn, u, f))
PASS(setting_set, (tp_store *b, tp_ctx *ctx, const char *k, const char *v), (INNER(b), ctx, k, v))
PASS(events_scan, (tp_store *b, tp_ctx *ctx, tp_touch_fn fn, void *u), (INNER(b), ctx, fn, u))
PASS(events_for_scoring_all, (tp_store *b, tp_ctx *ctx, tp_touch_fn fn, void *u),
     (INNER(b), ctx, fn, u))
PASS(score_get, (tp_store *b, tp_ctx *ctx, int64_t c, tp_score_row *r, int *f),
     (INNER(b), ctx, c, r, f))
PASS(score_put, (tp_store *b, tp_ctx *ctx, const tp_score_row *r), (INNER(b), ctx, r))
PASS(score_delete, (tp_store *b, tp_ctx *ctx, int64_t c), (INNER(b), ctx, c))
PASS(scores_list, (tp_store *b, tp_ctx *ctx, tp_score_fn fn, void *u), (INNER(b), ctx, fn, u))
PASS(stage_changes, (tp_store *b, tp_ctx *ctx, int64_t c, tp_stage_change_fn fn, void *u),
     (INNER(b), ctx, c, fn, u))
PASS(opportunity_get, (tp_store *b, tp_ctx *ctx, int64_t i, tp_opportunity_row *r, int *f),
     (INNER(b), ctx, i, r, f))
PASS(opportunity_update, (tp_store *b, tp_ctx *ctx, const tp_opportunity_row *r),
     (INNER(b), ctx, r))
PASS(opportunities_list, (tp_store *b, tp_ctx *ctx, tp_opportunity_fn fn, void *u),
     (INNER(b), ctx, fn, u))
PASS(spend_list, (tp_store *b, tp_ctx *ctx, const char *f, const char *t, int64_t a,
                  tp_spend_fn fn, void *u), (INNER(b), ctx, f, t, a, fn, u))
PASS(mrr_list, (tp_store *b, tp_ctx *ctx, int64_t a, tp_mrr_fn fn, void *u),
     (INNER(b), ctx, a, fn, u))
PASS(events_between, (tp_store *b, tp_ctx *ctx, int64_t f, int64_t t, tp_touch_fn fn, void *u),
     (INNER(b), ctx, f, t, fn, u))
PASS(key_insert, (tp_store *b, tp_ctx *ctx, tp_api_key_row *r), (INNER(b), ctx, r))
PASS(keys_list, (tp_store *b, tp_ctx *ctx, tp_api_key_fn fn, void *u), (INNER(b), ctx, fn, u))
PASS(key_revoke, (tp_store *b, tp_ctx *ctx, int64_t i, int64_t a, int *f), (INNER(b), ctx, i, a, f))
PASS(key_lookup, (tp_store *b, tp_ctx *ctx, const char *h, tp_api_key_row *r, int *f),
     (INNER(b), ctx, h, r, f))
PASS(lead_fetch_add, (tp_store *b, tp_ctx *ctx, const tp_lead_fetch_row *r, int *a),
     (INNER(b), ctx, r, a))
PASS(lead_fetch_due, (tp_store *b, tp_ctx *ctx, int64_t n, int l, tp_lead_fetch_fn fn, void *u),
     (INNER(b), ctx, n, l, fn, u))
PASS(lead_fetch_next, (tp_store *b, tp_ctx *ctx, int64_t *n), (INNER(b), ctx, n))
PASS(lead_fetch_update, (tp_store *b, tp_ctx *ctx, int64_t i, int a, int64_t n, const char *e,
                         int64_t d), (INNER(b), ctx, i, a, n, e, d))
PASS(lead_fetch_list, (tp_store *b, tp_ctx *ctx, int a, tp_lead_fetch_fn fn, void *u),
     (INNER(b), ctx, a, fn, u))
PASS(workflow_put, (tp_store *b, tp_ctx *ctx, tp_workflow_row *r),
     (INNER(b), ctx, r))
PASS(workflows_list, (tp_store *b, tp_ctx *ctx, tp_workflow_fn fn, void *user),
     (INNER(b), ctx, fn, user))
PASS(run_put, (tp_store *b, tp_ctx *ctx, tp_run_row *r),
     (INNER(b), ctx, r))
PASS(run_get, (tp_store *b, tp_ctx *ctx, int64_t id, tp_run_row *out, int *found),
     (INNER(b), ctx, id, out, found))
PASS(run_latest, (tp_store *b, tp_ctx *ctx, int64_t workflow_id, int64_t contact_id, tp_run_row *out, int *found),
     (INNER(b), ctx, workflow_id, contact_id, out, found))
PASS(runs_due, (tp_store *b, tp_ctx *ctx, int64_t now, int limit, tp_run_fn fn, void *user),
     (INNER(b), ctx, now, limit, fn, user))
PASS(runs_of_contact, (tp_store *b, tp_ctx *ctx, int64_t contact_id, tp_run_fn fn, void *user),
     (INNER(b), ctx, contact_id, fn, user))
PASS(run_log_add, (tp_store *b, tp_ctx *ctx, const tp_run_log_row *r),
     (INNER(b), ctx, r))
PASS(run_logs, (tp_store *b, tp_ctx *ctx, int64_t run_id, tp_run_log_fn fn, void *user),
     (INNER(b), ctx, run_id, fn, user))
PASS(events_after, (tp_store *b, tp_ctx *ctx, int64_t after_id, int limit, tp_touch_fn fn, void *user),
     (INNER(b), ctx, after_id, limit, fn, user))
PASS(stage_changes_after, (tp_store *b, tp_ctx *ctx, int64_t after_id, int limit, tp_stage_change_fn fn, void *user),
     (INNER(b), ctx, after_id, limit, fn, user))
PASS(message_put, (tp_store *b, tp_ctx *ctx, tp_message_row *r),
     (INNER(b), ctx, r))
PASS(message_get, (tp_store *b, tp_ctx *ctx, int64_t id, tp_message_row *out, int *found),
     (INNER(b), ctx, id, out, found))
PASS(messages_due, (tp_store *b, tp_ctx *ctx, int64_t now, int limit, tp_message_fn fn, void *user),
     (INNER(b), ctx, now, limit, fn, user))
PASS(messages_of_contact, (tp_store *b, tp_ctx *ctx, int64_t contact_id, tp_message_fn fn, void *user),
     (INNER(b), ctx, contact_id, fn, user))
PASS(suppression_add, (tp_store *b, tp_ctx *ctx, const char *email, const char *reason, const char *source, int64_t at),
     (INNER(b), ctx, email, reason, source, at))
PASS(suppression_get, (tp_store *b, tp_ctx *ctx, const char *email, tp_text_fn fn, void *user, int *found),
     (INNER(b), ctx, email, fn, user, found))
PASS(consent_change_add, (tp_store *b, tp_ctx *ctx, int64_t contact_id, int consent, const char *source, int64_t at),
     (INNER(b), ctx, contact_id, consent, source, at))
PASS(consent_changes, (tp_store *b, tp_ctx *ctx, int64_t contact_id, tp_consent_fn fn, void *user),
     (INNER(b), ctx, contact_id, fn, user))
PASS(tag_set, (tp_store *b, tp_ctx *ctx, int64_t contact_id, const char *tag, int on),
     (INNER(b), ctx, contact_id, tag, on))
PASS(tags_of_contact, (tp_store *b, tp_ctx *ctx, int64_t contact_id, tp_text_fn fn, void *user),
     (INNER(b), ctx, contact_id, fn, user))
PASS(field_set, (tp_store *b, tp_ctx *ctx, int64_t contact_id, const char *name, const char *value),
     (INNER(b), ctx, contact_id, name, value))
PASS(fields_of_contact, (tp_store *b, tp_ctx *ctx, int64_t contact_id, tp_text_fn fn, void *user),
     (INNER(b), ctx, contact_id, fn, user))

PASS(fields_between, (tp_store *b, tp_ctx *ctx, const char *name, const char *lo, const char *hi, tp_field_fn fn, void *user),
     (INNER(b), ctx, name, lo, hi, fn, user))

static const tp_store_ops fault_ops = {
	.version = TP_STORE_OPS_VERSION,
	.name = "fault",
	.close = f_close,
	.begin = f_begin,
	.commit = f_commit,
	.rollback = f_rollback,
	.event_exists = f_event_exists,
	.event_insert = f_event_insert,
	.events_adopt = f_events_adopt,
	.events_reassign = f_events_reassign,
	.events_restore = f_events_restore,
	.events_of_contact = f_events_of_contact,
	.visitor_get = f_visitor_get,
	.visitor_put = f_visitor_put,
	.visitors_of_contact = f_visitors_of_contact,
	.contact_get = f_contact_get,
	.contact_find = f_contact_find,
	.contact_put = f_contact_put,
	.contacts_list = f_contacts_list,
	.contacts_merged_into = f_contacts_merged_into,
	.contact_erase = f_contact_erase,
	.changed_elsewhere = f_changed_elsewhere,
	.account_get = f_account_get,
	.account_find = f_account_find,
	.account_put = f_account_put,
	.accounts_list = f_accounts_list,
	.merge_put = f_merge_put,
	.merge_active = f_merge_active,
	.merges_of_contact = f_merges_of_contact,
	.note_insert = f_note_insert,
	.notes_of_contact = f_notes_of_contact,
	.stage_change_insert = f_stage_change_insert,
	.spend_insert = f_spend_insert,
	.opportunity_insert = f_opportunity_insert,
	.mrr_insert = f_mrr_insert,
	.sites_get = f_sites_get,
	.sites_set = f_sites_set,
	.counts = f_counts,
	.bulk_begin = f_bulk_begin,
	.bulk_end = f_bulk_end,
	.bulk_prepare = f_bulk_prepare,
	.setting_get = f_setting_get,
	.setting_set = f_setting_set,
	.events_scan = f_events_scan,
	.score_get = f_score_get,
	.score_put = f_score_put,
	.score_delete = f_score_delete,
	.scores_list = f_scores_list,
	.stage_changes = f_stage_changes,
	.opportunity_get = f_opportunity_get,
	.opportunity_update = f_opportunity_update,
	.opportunities_list = f_opportunities_list,
	.spend_list = f_spend_list,
	.mrr_list = f_mrr_list,
	.events_between = f_events_between,
	.key_insert = f_key_insert,
	.keys_list = f_keys_list,
	.key_revoke = f_key_revoke,
	.key_lookup = f_key_lookup,
	.lead_fetch_add = f_lead_fetch_add,
	.lead_fetch_due = f_lead_fetch_due,
	.lead_fetch_next = f_lead_fetch_next,
	.lead_fetch_update = f_lead_fetch_update,
	.lead_fetch_list = f_lead_fetch_list,
	.workflow_put = f_workflow_put,
	.workflows_list = f_workflows_list,
	.run_put = f_run_put,
	.run_get = f_run_get,
	.run_latest = f_run_latest,
	.runs_due = f_runs_due,
	.runs_of_contact = f_runs_of_contact,
	.run_log_add = f_run_log_add,
	.run_logs = f_run_logs,
	.events_after = f_events_after,
	.stage_changes_after = f_stage_changes_after,
	.message_put = f_message_put,
	.message_get = f_message_get,
	.messages_due = f_messages_due,
	.messages_of_contact = f_messages_of_contact,
	.suppression_add = f_suppression_add,
	.suppression_get = f_suppression_get,
	.consent_change_add = f_consent_change_add,
	.consent_changes = f_consent_changes,
	.tag_set = f_tag_set,
	.tags_of_contact = f_tags_of_contact,
	.field_set = f_field_set,
	.fields_of_contact = f_fields_of_contact,
	.fields_between = f_fields_between,
	.events_for_scoring = f_events_for_scoring,
	.inbox_add = f_inbox_add,
	.inbox_take = f_inbox_take,
	.inbox_remove = f_inbox_remove,
	.inbox_fail = f_inbox_fail,
	.inbox_count = f_inbox_count,
	.inbox_workspaces = f_inbox_workspaces,
	.events_for_scoring_all = f_events_for_scoring_all,
};

tp_store *tp_store_fault_wrap(tp_store *inner, int64_t fail_at_write)
{
	fault_store *f = calloc(1, sizeof *f);
	if (!f)
		return NULL;
	f->base.ops = &fault_ops;
	f->base.workspace_id = inner->workspace_id;
	f->base.workspace = inner->workspace;
	f->inner = inner;
	f->fail_at = fail_at_write;
	return &f->base;
}
