/* An in-memory store holding what identity resolution reads back (contacts,
 * accounts, visitors, message ids) and counting the rest. It measures the
 * engine without a database (bench/) and backs quick experiments; reports
 * and timelines are not its job: those calls answer TP_ERR_UNSUPPORTED. */
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/arena.h"
#include "core/strmap.h"
#include "core/strset.h"
#include "core/text.h"
#include "store/records.h"
#include "touchpoint/store.h"

typedef struct mem_store {
	tp_store base;
	tp_arena strings;
	tp_strset messages;
	tp_strmap emails, users, domains, groups, anons;
	tp_strmap visit_texts;   /* visits' sources, media and campaigns: few, shared */
	tp_contact *contacts;
	size_t n_contacts, cap_contacts;
	tp_account *accounts;
	size_t n_accounts, cap_accounts;
	tp_visitor *visitors;
	size_t n_visitors, cap_visitors;
	int64_t events, merges;
} mem_store;

#define M(b) ((mem_store *)(b))

/* The store's maps: the one list for setting them up and freeing them. */
enum { N_MAPS = 6 };
static void maps_of(mem_store *m, tp_strmap *maps[N_MAPS])
{
	tp_strmap *all[N_MAPS] = {&m->emails, &m->users, &m->domains,
	                          &m->groups, &m->anons, &m->visit_texts};
	memcpy(maps, all, sizeof all);
}

static const char *keep(mem_store *m, const char *s)
{
	return s ? tp__arena_strndup(&m->strings, s, strlen(s)) : NULL;
}

/* s kept, reusing the copy a row held before when the text is the same:
 * a contact is written again as its events come in, mostly unchanged. */
static const char *keep_again(mem_store *m, const char *held, const char *s)
{
	return tp__same_text(held, s) ? held : keep(m, s);
}

/* A row's texts f[0..n) kept, each reusing what the row held before
 * (was[i]) when unchanged; -1 when out of memory. */
static int keep_texts(mem_store *m, const char **f[], const char **was[], size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *s = *f[i];
		if (s && !(*f[i] = keep_again(m, *was[i], s)))
			return -1;
	}
	return 0;
}

static tp_status nomem(tp_ctx *ctx)
{
	return tp_ctx_fail(ctx, TP_ERR_NOMEM, NULL, "out of memory");
}

static tp_status unsupported(tp_ctx *ctx)
{
	return tp_ctx_fail(ctx, TP_ERR_UNSUPPORTED, NULL, "the memory store keeps no history");
}

static tp_status ok(tp_store *b, tp_ctx *c)
{
	(void)b;
	(void)c;
	return TP_OK;
}

static tp_status m_event_exists(tp_store *b, tp_ctx *ctx, const char *id, int *exists)
{
	(void)ctx;
	*exists = tp__strset_has(&M(b)->messages, id);
	return TP_OK;
}

static void m_event_prefetch(tp_store *b, const char *id)
{
	tp__strset_prefetch(&M(b)->messages, id);
}

static tp_status m_event_insert(tp_store *b, tp_ctx *ctx, const tp_event_row *row)
{
	M(b)->events++;
	return tp__strset_add(&M(b)->messages, row->ev->message_id) ? nomem(ctx) : TP_OK;
}

static tp_status m_events_adopt(tp_store *b, tp_ctx *ctx, const char *a, int64_t c, int64_t o,
                                int64_t *moved)
{
	(void)b, (void)ctx, (void)a, (void)c, (void)o;
	*moved = 0;
	return TP_OK;
}

static tp_status m_events_reassign(tp_store *b, tp_ctx *ctx, int64_t f, int64_t t)
{
	(void)b, (void)ctx, (void)f, (void)t;
	return TP_OK;
}

static tp_status m_visitor_get(tp_store *b, tp_ctx *ctx, const char *anon, tp_visitor *out,
                               int *found)
{
	int64_t i;
	(void)ctx;
	*found = tp__strmap_get(&M(b)->anons, anon, &i);
	if (*found)
		*out = M(b)->visitors[i];
	return TP_OK;
}

static tp_status m_visitor_put(tp_store *b, tp_ctx *ctx, tp_visitor *v)
{
	mem_store *m = M(b);
	tp_visitor held = {0};
	if (!v->id) {
		if (tp__grow((void **)&m->visitors, &m->cap_visitors, m->n_visitors + 1, sizeof *v))
			return nomem(ctx);
		v->id = (int64_t)++m->n_visitors;
		m->visitors[v->id - 1] = held;  /* empty, not garbage, if a copy below fails */
		if (tp__strmap_put(&m->anons, v->anonymous_id, v->id - 1))
			return nomem(ctx);
	} else {
		held = m->visitors[v->id - 1];
	}
	/* Every text copied: the caller's point into identity's memory, which
	 * an unmerge resets. */
	tp_visitor copy = *v;
	const char **f[TP__VISITOR_TEXTS], **was[TP__VISITOR_TEXTS];
	tp__visitor_text_slots(&copy, f);
	tp__visitor_text_slots(&held, was);
	if (keep_texts(m, f, was, TP__VISITOR_OWN_TEXTS) != 0)
		return nomem(ctx);
	for (int i = TP__VISITOR_OWN_TEXTS; i < TP__VISITOR_TEXTS; i++)
		if (*f[i] && !(*f[i] = tp__strmap_intern(&m->visit_texts, *f[i])))
			return nomem(ctx);
	m->visitors[v->id - 1] = copy;
	return TP_OK;
}

static tp_status m_contact_get(tp_store *b, tp_ctx *ctx, int64_t id, tp_contact *out, int *found)
{
	(void)ctx;
	*found = id >= 1 && (size_t)id <= M(b)->n_contacts;
	if (*found)
		*out = M(b)->contacts[id - 1];
	return TP_OK;
}

static tp_status m_contact_find(tp_store *b, tp_ctx *ctx, tp_contact_key key, const char *value,
                                int64_t *id)
{
	(void)ctx;
	if (!tp__strmap_get(key == TP_KEY_EMAIL ? &M(b)->emails : &M(b)->users, value, id))
		*id = 0;
	return TP_OK;
}

static tp_status m_contact_put(tp_store *b, tp_ctx *ctx, tp_contact *c)
{
	mem_store *m = M(b);
	tp_contact held = {0};
	if (!c->id) {
		if (tp__grow((void **)&m->contacts, &m->cap_contacts, m->n_contacts + 1, sizeof *c))
			return nomem(ctx);
		c->id = (int64_t)++m->n_contacts;
		m->contacts[c->id - 1] = held;  /* empty, not garbage, if a copy below fails */
	} else {
		held = m->contacts[c->id - 1];
	}
	tp_contact copy = *c;
	const char **f[TP__CONTACT_TEXTS], **was[TP__CONTACT_TEXTS];
	tp__contact_text_slots(&copy, f);
	tp__contact_text_slots(&held, was);
	if (keep_texts(m, f, was, TP__CONTACT_TEXTS) != 0)
		return nomem(ctx);
	m->contacts[c->id - 1] = copy;
	if ((c->email && tp__strmap_put(&m->emails, c->email, c->id)) ||
	    (c->user_id && tp__strmap_put(&m->users, c->user_id, c->id)))
		return nomem(ctx);
	return TP_OK;
}

static tp_status m_account_get(tp_store *b, tp_ctx *ctx, int64_t id, tp_account *out, int *found)
{
	(void)ctx;
	*found = id >= 1 && (size_t)id <= M(b)->n_accounts;
	if (*found)
		*out = M(b)->accounts[id - 1];
	return TP_OK;
}

static tp_status m_account_find(tp_store *b, tp_ctx *ctx, const char *domain, const char *group,
                                int64_t *id)
{
	(void)ctx;
	*id = 0;
	if (domain && tp__strmap_get(&M(b)->domains, domain, id))
		return TP_OK;
	if (group && !tp__strmap_get(&M(b)->groups, group, id))
		*id = 0;
	return TP_OK;
}

static tp_status m_account_put(tp_store *b, tp_ctx *ctx, tp_account *a)
{
	mem_store *m = M(b);
	if (!a->id) {
		if (tp__grow((void **)&m->accounts, &m->cap_accounts, m->n_accounts + 1, sizeof *a))
			return nomem(ctx);
		a->id = (int64_t)++m->n_accounts;
	}
	tp_account copy = *a;
	const char **f[] = {&copy.domain, &copy.group_id, &copy.name, &copy.industry, &copy.country};
	for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
		*f[i] = keep(m, *f[i]);
	m->accounts[a->id - 1] = copy;
	if ((a->domain && tp__strmap_put(&m->domains, a->domain, a->id)) ||
	    (a->group_id && tp__strmap_put(&m->groups, a->group_id, a->id)))
		return nomem(ctx);
	return TP_OK;
}

static tp_status m_merge_put(tp_store *b, tp_ctx *ctx, tp_merge *mg)
{
	(void)ctx;
	if (!mg->id)
		mg->id = ++M(b)->merges;
	return TP_OK;
}

static tp_status m_note_insert(tp_store *b, tp_ctx *ctx, const tp_identity_note *n)
{
	(void)b, (void)ctx, (void)n;
	return TP_OK;
}

static tp_status m_stage_insert(tp_store *b, tp_ctx *ctx, const tp_stage_change_row *r)
{
	(void)b, (void)ctx, (void)r;
	return TP_OK;
}

static tp_status m_sites_get(tp_store *b, tp_ctx *ctx, tp_site_list l, tp_text_fn fn, void *u,
                             int *stored)
{
	(void)b, (void)ctx, (void)l, (void)fn, (void)u;
	*stored = 0;
	return TP_OK;
}

static tp_status m_counts(tp_store *b, tp_ctx *ctx, tp_store_counts *out)
{
	(void)ctx;
	memset(out, 0, sizeof *out);
	out->events = M(b)->events;
	out->contacts = (int64_t)M(b)->n_contacts;
	out->accounts = (int64_t)M(b)->n_accounts;
	out->visitors = (int64_t)M(b)->n_visitors;
	out->merges = M(b)->merges;
	return TP_OK;
}

/* The history calls: this store keeps none. */
static tp_status m_no_restore(tp_store *b, tp_ctx *ctx, int64_t o, int64_t f, int64_t t, int64_t *m)
{
	(void)b, (void)o, (void)f, (void)t, (void)m;
	return unsupported(ctx);
}
/* No history is kept: a contact has no stored touches to replay. */
static tp_status m_no_touches(tp_store *b, tp_ctx *ctx, int64_t c, tp_touch_fn fn, void *u)
{
	(void)b, (void)ctx, (void)c, (void)fn, (void)u;
	return TP_OK;
}
static tp_status m_no_visitors(tp_store *b, tp_ctx *ctx, int64_t c,
                               void (*fn)(void *, const tp_visitor *), void *u)
{
	(void)b, (void)c, (void)fn, (void)u;
	return unsupported(ctx);
}
static tp_status m_no_list(tp_store *b, tp_ctx *ctx, const tp_contact_filter *f, tp_contact_fn fn,
                           void *u)
{
	(void)b, (void)f, (void)fn, (void)u;
	return unsupported(ctx);
}
static tp_status m_changed_elsewhere(tp_store *b, tp_ctx *ctx, int *changed)
{
	(void)b, (void)ctx;
	*changed = 0;   /* one process, one connection */
	return TP_OK;
}
static tp_status m_no_erase(tp_store *b, tp_ctx *ctx, int64_t i, int64_t at)
{
	(void)b, (void)i, (void)at;
	return unsupported(ctx);
}
static tp_status m_no_merged(tp_store *b, tp_ctx *ctx, int64_t i, tp_contact_fn fn, void *u)
{
	(void)b, (void)i, (void)fn, (void)u;
	return unsupported(ctx);
}
static tp_status m_no_accounts(tp_store *b, tp_ctx *ctx, tp_account_fn fn, void *u)
{
	(void)b, (void)fn, (void)u;
	return unsupported(ctx);
}
static tp_status m_merge_active(tp_store *b, tp_ctx *ctx, int64_t l, tp_merge *mg, int *found)
{
	(void)b, (void)ctx, (void)l, (void)mg;
	*found = 0;
	return TP_OK;
}
static tp_status m_no_merges(tp_store *b, tp_ctx *ctx, int64_t c, tp_merge_fn fn, void *u)
{
	(void)b, (void)c, (void)fn, (void)u;
	return unsupported(ctx);
}
static tp_status m_no_notes(tp_store *b, tp_ctx *ctx, int64_t c, tp_note_fn fn, void *u)
{
	(void)b, (void)c, (void)fn, (void)u;
	return unsupported(ctx);
}
static tp_status m_no_spend(tp_store *b, tp_ctx *ctx, const tp_spend_row *r)
{
	(void)b, (void)r;
	return unsupported(ctx);
}
static tp_status m_no_opp(tp_store *b, tp_ctx *ctx, const tp_opportunity_row *r, int64_t *i)
{
	(void)b, (void)r, (void)i;
	return unsupported(ctx);
}
static tp_status m_no_mrr(tp_store *b, tp_ctx *ctx, const tp_mrr_row *r)
{
	(void)b, (void)r;
	return unsupported(ctx);
}
static tp_status m_no_spend_list(tp_store *b, tp_ctx *ctx, const char *from, const char *to,
                                 int64_t as_of, tp_spend_fn fn, void *u)
{
	(void)b, (void)from, (void)to, (void)as_of, (void)fn, (void)u;
	return unsupported(ctx);
}
static tp_status m_no_mrr_list(tp_store *b, tp_ctx *ctx, int64_t as_of, tp_mrr_fn fn, void *u)
{
	(void)b, (void)as_of, (void)fn, (void)u;
	return unsupported(ctx);
}
static tp_status m_no_key(tp_store *b, tp_ctx *ctx, tp_api_key_row *r)
{
	(void)b, (void)r;
	return unsupported(ctx);
}
static tp_status m_no_keys(tp_store *b, tp_ctx *ctx, tp_api_key_fn fn, void *u)
{
	(void)b, (void)fn, (void)u;
	return unsupported(ctx);
}
static tp_status m_no_revoke(tp_store *b, tp_ctx *ctx, int64_t id, int64_t at, int *found)
{
	(void)b, (void)id, (void)at, (void)found;
	return unsupported(ctx);
}
static tp_status m_no_lookup(tp_store *b, tp_ctx *ctx, const char *h, tp_api_key_row *r, int *f)
{
	(void)b, (void)h, (void)r, (void)f;
	return unsupported(ctx);
}
static tp_status m_no_fetch_add(tp_store *b, tp_ctx *ctx, const tp_lead_fetch_row *r, int *a)
{
	(void)b, (void)r, (void)a;
	return unsupported(ctx);
}
static tp_status m_no_fetch_due(tp_store *b, tp_ctx *ctx, int64_t n, int l, tp_lead_fetch_fn fn,
                                void *u)
{
	(void)b, (void)n, (void)l, (void)fn, (void)u;
	return unsupported(ctx);
}
static tp_status m_no_fetch_next(tp_store *b, tp_ctx *ctx, int64_t *n)
{
	(void)b, (void)n;
	return unsupported(ctx);
}
static tp_status m_no_fetch_update(tp_store *b, tp_ctx *ctx, int64_t i, int a, int64_t n,
                                   const char *e, int64_t d)
{
	(void)b, (void)i, (void)a, (void)n, (void)e, (void)d;
	return unsupported(ctx);
}
static tp_status m_no_fetch_list(tp_store *b, tp_ctx *ctx, int a, tp_lead_fetch_fn fn, void *u)
{
	(void)b, (void)a, (void)fn, (void)u;
	return unsupported(ctx);
}
static tp_status m_no_events_between(tp_store *b, tp_ctx *ctx, int64_t from, int64_t to,
                                     tp_touch_fn fn, void *u)
{
	(void)b, (void)from, (void)to, (void)fn, (void)u;
	return unsupported(ctx);
}
static tp_status m_no_sites_set(tp_store *b, tp_ctx *ctx, tp_site_list l, const char *const *s,
                                size_t n)
{
	(void)b, (void)l, (void)s, (void)n;
	return unsupported(ctx);
}

/* Scores are computed and let go: the engine is what is measured. */
static tp_status m_score_get(tp_store *b, tp_ctx *ctx, int64_t c, tp_score_row *r, int *f)
{
	(void)b, (void)ctx, (void)c, (void)r;
	*f = 0;
	return TP_OK;
}
static tp_status m_score_put(tp_store *b, tp_ctx *ctx, const tp_score_row *r)
{
	(void)b, (void)ctx, (void)r;
	return TP_OK;
}
static tp_status m_score_delete(tp_store *b, tp_ctx *ctx, int64_t c)
{
	(void)b, (void)ctx, (void)c;
	return TP_OK;
}
static tp_status m_setting_get(tp_store *b, tp_ctx *ctx, const char *k, tp_text_fn fn, void *u,
                               int *f)
{
	(void)b, (void)ctx, (void)k, (void)fn, (void)u;
	*f = 0;
	return TP_OK;
}
/* Settings (the round-robin turn of the MQL rule, on the import path) are
 * let go like scores. */
static tp_status m_setting_set(tp_store *b, tp_ctx *ctx, const char *k, const char *v)
{
	(void)b, (void)ctx, (void)k, (void)v;
	return TP_OK;
}
/* Reports and training read history this store does not keep. */
static tp_status m_no_touches_at_all(tp_store *b, tp_ctx *ctx, tp_touch_fn fn, void *u)
{
	(void)b, (void)ctx, (void)fn, (void)u;
	return TP_OK;
}
static tp_status m_no_scan(tp_store *b, tp_ctx *ctx, tp_touch_fn fn, void *u)
{
	(void)b, (void)fn, (void)u;
	return unsupported(ctx);
}
static tp_status m_no_scores(tp_store *b, tp_ctx *ctx, tp_score_fn fn, void *u)
{
	(void)b, (void)fn, (void)u;
	return unsupported(ctx);
}
static tp_status m_no_stage_changes(tp_store *b, tp_ctx *ctx, int64_t c, tp_stage_change_fn fn,
                                    void *u)
{
	(void)b, (void)c, (void)fn, (void)u;
	return unsupported(ctx);
}
static tp_status m_no_opp_get(tp_store *b, tp_ctx *ctx, int64_t i, tp_opportunity_row *r, int *f)
{
	(void)b, (void)i, (void)r;
	*f = 0;
	return unsupported(ctx);
}
static tp_status m_no_opp_update(tp_store *b, tp_ctx *ctx, const tp_opportunity_row *r)
{
	(void)b, (void)r;
	return unsupported(ctx);
}
static tp_status m_no_opps(tp_store *b, tp_ctx *ctx, tp_opportunity_fn fn, void *u)
{
	(void)b, (void)fn, (void)u;
	return unsupported(ctx);
}

static void m_close(tp_store *b)
{
	mem_store *m = M(b);
	tp__arena_free(&m->strings);
	tp_strmap *maps[N_MAPS];
	maps_of(m, maps);
	for (size_t i = 0; i < N_MAPS; i++)
		tp__strmap_free(maps[i]);
	tp__strset_free(&m->messages);
	free(m->contacts);
	free(m->accounts);
	free(m->visitors);
	free(m);
}

static const tp_store_ops memory_ops = {
	.version = TP_STORE_OPS_VERSION,
	.name = "memory",
	.close = m_close,
	.begin = ok,
	.commit = ok,
	.rollback = ok,
	.event_exists = m_event_exists,
	.event_insert = m_event_insert,
	.event_prefetch = m_event_prefetch,
	.events_adopt = m_events_adopt,
	.events_reassign = m_events_reassign,
	.events_restore = m_no_restore,
	.events_of_contact = m_no_touches,
	.events_for_scoring = m_no_touches,
	.visitor_get = m_visitor_get,
	.visitor_put = m_visitor_put,
	.visitors_of_contact = m_no_visitors,
	.contact_get = m_contact_get,
	.contact_find = m_contact_find,
	.contact_put = m_contact_put,
	.contacts_list = m_no_list,
	.contacts_merged_into = m_no_merged,
	.contact_erase = m_no_erase,
	.changed_elsewhere = m_changed_elsewhere,
	.account_get = m_account_get,
	.account_find = m_account_find,
	.account_put = m_account_put,
	.accounts_list = m_no_accounts,
	.merge_put = m_merge_put,
	.merge_active = m_merge_active,
	.merges_of_contact = m_no_merges,
	.note_insert = m_note_insert,
	.notes_of_contact = m_no_notes,
	.stage_change_insert = m_stage_insert,
	.spend_insert = m_no_spend,
	.opportunity_insert = m_no_opp,
	.mrr_insert = m_no_mrr,
	.sites_get = m_sites_get,
	.sites_set = m_no_sites_set,
	.counts = m_counts,
	.bulk_begin = NULL,
	.bulk_end = NULL,
	.setting_get = m_setting_get,
	.setting_set = m_setting_set,
	.events_scan = m_no_scan,
	.score_get = m_score_get,
	.score_put = m_score_put,
	.score_delete = m_score_delete,
	.scores_list = m_no_scores,
	.stage_changes = m_no_stage_changes,
	.opportunity_get = m_no_opp_get,
	.opportunity_update = m_no_opp_update,
	.opportunities_list = m_no_opps,
	.spend_list = m_no_spend_list,
	.mrr_list = m_no_mrr_list,
	.key_insert = m_no_key,
	.keys_list = m_no_keys,
	.key_revoke = m_no_revoke,
	.key_lookup = m_no_lookup,
	.events_between = m_no_events_between,
	.lead_fetch_add = m_no_fetch_add,
	.lead_fetch_due = m_no_fetch_due,
	.lead_fetch_next = m_no_fetch_next,
	.lead_fetch_update = m_no_fetch_update,
	.lead_fetch_list = m_no_fetch_list,
	.events_for_scoring_all = m_no_touches_at_all,
};

tp_store *tp_store_open_memory(void)
{
	mem_store *m = calloc(1, sizeof *m);
	if (!m)
		return NULL;
	m->base.ops = &memory_ops;
	m->base.workspace_id = 1;
	m->base.workspace = "memory";
	tp__arena_init(&m->strings, 1 << 20);
	tp_strmap *maps[N_MAPS];
	maps_of(m, maps);
	for (size_t i = 0; i < N_MAPS; i++)
		tp__strmap_init(maps[i]);
	tp__strset_init(&m->messages);
	return &m->base;
}
