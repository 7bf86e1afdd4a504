/* Identity resolution over the store, with caches so that the hot path
 * (a page view of a known visitor) touches no SQL. The rules, in order, are
 * documented in docs/IDENTITY.md; the comments below name each one. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/i64map.h"
#include "core/strmap.h"
#include "core/text.h"
#include "store/records.h"
#include "touchpoint/email.h"
#include "identity/identity_int.h"
#include "touchpoint/identity.h"

typedef struct contact_entry {
	int64_t id, merged_into, account_id;
	/* A contact further up the merge chain (0: none known). Only a shortcut:
	 * merged_into stays exact because unmerge undoes one merge at a time. */
	int64_t root_hint;
	const char *email, *user_id;
} contact_entry;

typedef struct visitor_entry {
	tp_visitor v;
	int dirty;
} visitor_entry;

struct tp_identity {
	tp_store *store;
	tp_arena arena;    /* what the caches hold */
	/* One public call's texts: contacts read to be changed and written, an
	 * account's row for its write. Emptied as each call begins, so that
	 * they do not pile up in the caches' arena for the identity's life. */
	tp_arena scratch;
	tp_strmap by_email, by_user, by_domain, by_group;
	tp_strmap by_anon;           /* anonymous id → visitor index + 1 */
	tp_strmap interned;          /* visit sources, media and campaigns */
	tp_i64map contacts;          /* contact id → index into centries */
	contact_entry *centries;
	size_t clen, ccap;
	visitor_entry *ventries;
	size_t vlen, vcap;
	size_t *dirty;
	size_t dlen, dcap;
};

#define OPS(id) ((id)->store->ops)

/* The caches' text maps: the one list for setting them up, freeing and
 * measuring them. */
enum { N_MAPS = 6 };
static void maps_of(tp_identity *id, tp_strmap *maps[N_MAPS])
{
	tp_strmap *all[N_MAPS] = {&id->by_email, &id->by_user, &id->by_domain,
	                          &id->by_group, &id->by_anon, &id->interned};
	memcpy(maps, all, sizeof all);
}

static void caches_init(tp_identity *id)
{
	tp_strmap *maps[N_MAPS];
	maps_of(id, maps);
	tp__arena_init(&id->arena, 256 * 1024);
	tp__arena_init(&id->scratch, 64 * 1024);
	for (int i = 0; i < N_MAPS; i++)
		tp__strmap_init(maps[i]);
	tp__i64map_init(&id->contacts);
	id->clen = id->vlen = id->dlen = 0;
}

static void caches_free(tp_identity *id)
{
	tp_strmap *maps[N_MAPS];
	maps_of(id, maps);
	tp__arena_free(&id->arena);
	tp__arena_free(&id->scratch);
	for (int i = 0; i < N_MAPS; i++)
		tp__strmap_free(maps[i]);
	tp__i64map_free(&id->contacts);
	/* The entries too: a reset that bounds the caches must give back their
	 * largest part. */
	free(id->centries);
	free(id->ventries);
	free(id->dirty);
	id->centries = NULL;
	id->ventries = NULL;
	id->dirty = NULL;
	id->ccap = id->vcap = id->dcap = 0;
}

tp_identity *tp_identity_create(tp_store *store)
{
	tp_identity *id = calloc(1, sizeof *id);
	if (!id)
		return NULL;
	id->store = store;
	caches_init(id);
	return id;
}

void tp_identity_destroy(tp_identity *id)
{
	if (!id)
		return;
	caches_free(id);
	free(id);
}

void tp_identity_reset(tp_identity *id)
{
	caches_free(id);
	caches_init(id);
}

static tp_status nomem(tp_ctx *ctx)
{
	return tp_ctx_fail(ctx, TP_ERR_NOMEM, NULL, "out of memory");
}

static const char *keep_in(tp_arena *a, const char *s)
{
	return s ? tp__arena_strndup(a, s, strlen(s)) : NULL;
}

static const char *keep(tp_identity *id, const char *s)
{
	return keep_in(&id->arena, s);
}

size_t tp__identity_held_bytes(const tp_identity *id)
{
	tp_strmap *maps[N_MAPS];
	maps_of((tp_identity *)id, maps);   /* only read here */
	size_t bytes = tp__arena_used(&id->arena) + tp__i64map_bytes(&id->contacts) +
	               id->ccap * sizeof *id->centries + id->vcap * sizeof *id->ventries +
	               id->dcap * sizeof *id->dirty;
	for (int i = 0; i < N_MAPS; i++)
		bytes += tp__strmap_bytes(maps[i]);
	return bytes;
}

/* A public call begins: what the last one read is not needed any more. */
static void begin_call(tp_identity *id)
{
	tp__arena_reset(&id->scratch);
}

/* ---- contacts ---------------------------------------------------------- */

static tp_status cache_contact(tp_identity *id, tp_ctx *ctx, const tp_contact *c,
                               contact_entry **out)
{
	int64_t idx;
	if (tp__i64map_get(&id->contacts, c->id, &idx)) {
		contact_entry *e = &id->centries[idx];
		if (e->merged_into != c->merged_into)
			e->root_hint = 0;
		e->merged_into = c->merged_into;
		e->account_id = c->account_id;
		/* Copied again only when they changed: a contact is saved often. */
		if (!tp__same_text(e->email, c->email))
			e->email = keep(id, c->email);
		if (!tp__same_text(e->user_id, c->user_id))
			e->user_id = keep(id, c->user_id);
		*out = e;
		return TP_OK;
	}
	if (tp__grow((void **)&id->centries, &id->ccap, id->clen + 1, sizeof *id->centries) != 0)
		return nomem(ctx);
	contact_entry *e = &id->centries[id->clen];
	*e = (contact_entry){c->id, c->merged_into, c->account_id, 0, keep(id, c->email),
	                     keep(id, c->user_id)};
	if (tp__i64map_put(&id->contacts, c->id, (int64_t)id->clen) != 0)
		return nomem(ctx);
	id->clen++;
	*out = e;
	return TP_OK;
}

static tp_status contact_entry_of(tp_identity *id, tp_ctx *ctx, int64_t cid, contact_entry **out)
{
	int64_t idx;
	if (tp__i64map_get(&id->contacts, cid, &idx)) {
		*out = &id->centries[idx];
		return TP_OK;
	}
	tp_contact c;
	int found;
	tp_status rc = OPS(id)->contact_get(id->store, ctx, cid, &c, &found);
	if (rc != TP_OK)
		return rc;
	if (!found)
		return tp_ctx_fail(ctx, TP_ERR_NOT_FOUND, "contact", "no contact with id %" PRId64, cid);
	return cache_contact(id, ctx, &c, out);
}

tp_status tp_identity_root(tp_identity *id, tp_ctx *ctx, int64_t contact, int64_t *root)
{
	/* Chains have no length limit: every merge of a root lengthens the chains
	 * below it. Each hop reaches a contact not seen on this walk unless the
	 * chain loops, and every contact reached is cached, so more hops than
	 * cached contacts means a cycle (a corrupt database), not a long chain. */
	int64_t at = contact;
	size_t hops = 0;
	for (;;) {
		contact_entry *e;
		tp_status rc = contact_entry_of(id, ctx, at, &e);
		if (rc != TP_OK)
			return rc;
		if (!e->merged_into)
			break;
		at = e->root_hint ? e->root_hint : e->merged_into;
		if (++hops > id->clen)
			return tp_ctx_fail(ctx, TP_ERR_STORE, "contact",
			                   "merge chain of contact %" PRId64 " is a cycle (through contact %"
			                   PRId64 "): the database is corrupt", contact, at);
	}
	*root = at;
	/* Point the walked contacts straight at the root for next time. */
	for (int64_t c = contact, idx; hops > 1 && c != at; ) {
		if (!tp__i64map_get(&id->contacts, c, &idx))
			break;
		contact_entry *e = &id->centries[idx];
		c = e->root_hint ? e->root_hint : e->merged_into;
		e->root_hint = at;
	}
	return TP_OK;
}

static tp_status find_contact(tp_identity *id, tp_ctx *ctx, tp_contact_key key,
                              const char *value, int64_t *cid)
{
	tp_strmap *map = key == TP_KEY_EMAIL ? &id->by_email : &id->by_user;
	if (tp__strmap_get(map, value, cid))
		return TP_OK;
	tp_status rc = OPS(id)->contact_find(id->store, ctx, key, value, cid);
	if (rc != TP_OK)
		return rc;
	return tp__strmap_put(map, value, *cid) == 0 ? TP_OK : nomem(ctx);
}

/* Reads a full contact into `out`, its strings copied into arena a (the
 * store's own copies last only until its next read). */
static tp_status load_contact(tp_identity *id, tp_ctx *ctx, int64_t cid, tp_arena *a,
                              tp_contact *out)
{
	int found;
	tp_status rc = OPS(id)->contact_get(id->store, ctx, cid, out, &found);
	if (rc != TP_OK)
		return rc;
	if (!found)
		return tp_ctx_fail(ctx, TP_ERR_NOT_FOUND, "contact", "no contact with id %" PRId64, cid);
	return tp__contact_copy_texts(a, out) >= 0 ? TP_OK : nomem(ctx);
}

static tp_status save_contact(tp_identity *id, tp_ctx *ctx, tp_contact *c)
{
	tp_status rc = OPS(id)->contact_put(id->store, ctx, c);
	if (rc != TP_OK)
		return rc;
	contact_entry *e;
	if ((rc = cache_contact(id, ctx, c, &e)) != TP_OK)
		return rc;
	if (c->email && tp__strmap_put(&id->by_email, c->email, c->id) != 0)
		return nomem(ctx);
	if (c->user_id && tp__strmap_put(&id->by_user, c->user_id, c->id) != 0)
		return nomem(ctx);
	return TP_OK;
}

/* ---- accounts ---------------------------------------------------------- */

/* The account of a company domain, created on first sight. */
static tp_status account_for(tp_identity *id, tp_ctx *ctx, const char *domain,
                             const char *group_id, const tp_traits *tr, int64_t at,
                             int64_t *account_id)
{
	int64_t aid = 0;
	if (domain && tp__strmap_get(&id->by_domain, domain, &aid) && aid) {
		*account_id = aid;
		return TP_OK;
	}
	if (!aid && group_id && tp__strmap_get(&id->by_group, group_id, &aid) && aid) {
		*account_id = aid;
		return TP_OK;
	}
	tp_status rc = OPS(id)->account_find(id->store, ctx, domain, group_id, &aid);
	if (rc != TP_OK)
		return rc;
	if (!aid) {
		tp_account a = {
			.domain = domain,
			.group_id = group_id,
			.name = tr && tr->company ? tr->company : domain,
			.industry = tr ? tr->industry : NULL,
			.country = tr ? tr->country : NULL,
			.employees = tr ? tr->employees : -1,
			.annual_revenue = tr ? tr->annual_revenue : -1,
			.created_at = at,
		};
		if ((rc = OPS(id)->account_put(id->store, ctx, &a)) != TP_OK)
			return rc;
		aid = a.id;
	}
	if ((domain && tp__strmap_put(&id->by_domain, domain, aid) != 0) ||
	    (group_id && tp__strmap_put(&id->by_group, group_id, aid) != 0))
		return nomem(ctx);
	*account_id = aid;
	return TP_OK;
}

/* Writes group traits onto an account: given values replace stored ones. */
static tp_status update_account(tp_identity *id, tp_ctx *ctx, int64_t aid, const char *domain,
                                const char *group_id, const tp_traits *tr)
{
	tp_account a;
	int found;
	tp_status rc = OPS(id)->account_get(id->store, ctx, aid, &a, &found);
	if (rc != TP_OK || !found)
		return rc;
	/* A domain or group id is an account's key: it is set only where none is,
	 * and only when no other account holds it (two accounts claiming one key
	 * stay apart; merging accounts is a decision, not a side effect). */
	int64_t holder = 0;
	int looked = 0;
	if (!a.domain && domain) {
		if ((rc = OPS(id)->account_find(id->store, ctx, domain, NULL, &holder)) != TP_OK)
			return rc;
		looked = 1;
	}
	if (holder && holder != aid)
		domain = NULL;
	holder = 0;
	if (!a.group_id && group_id) {
		if ((rc = OPS(id)->account_find(id->store, ctx, NULL, group_id, &holder)) != TP_OK)
			return rc;
		looked = 1;
	}
	if (holder && holder != aid)
		group_id = NULL;
	/* account_find may have reused the store's scratch: read the row again. */
	if (looked && ((rc = OPS(id)->account_get(id->store, ctx, aid, &a, &found)) != TP_OK || !found))
		return rc;
	unsigned replaced = 0;  /* bit i: fields[i] takes given[i] */
	const char **fields[] = {&a.domain, &a.group_id, &a.name, &a.industry, &a.country};
	const char *given[] = {domain, group_id, tr->company, tr->industry, tr->country};
	enum { N_FIELDS = sizeof fields / sizeof fields[0] };
	for (unsigned i = 0; i < N_FIELDS; i++) {
		int key = i < 2;
		if (given[i] && (!*fields[i] || (!key && strcmp(*fields[i], given[i]) != 0)))
			replaced |= 1u << i;
	}
	int changed = replaced != 0;
	if (tr->employees >= 0 && tr->employees != a.employees)
		a.employees = tr->employees, changed = 1;
	if (tr->annual_revenue >= 0 && tr->annual_revenue != a.annual_revenue)
		a.annual_revenue = tr->annual_revenue, changed = 1;
	/* Most calls change nothing: the row's texts are copied out of the
	 * store's scratch, which the write may reuse, only for a write. */
	if (!changed)
		return TP_OK;
	for (unsigned i = 0; i < N_FIELDS; i++)
		*fields[i] = replaced & (1u << i) ? given[i] : keep_in(&id->scratch, *fields[i]);
	if ((rc = OPS(id)->account_put(id->store, ctx, &a)) != TP_OK)
		return rc;
	if ((a.domain && tp__strmap_put(&id->by_domain, a.domain, aid) != 0) ||
	    (a.group_id && tp__strmap_put(&id->by_group, a.group_id, aid) != 0))
		return nomem(ctx);
	return TP_OK;
}

/* Company domain of a website trait: "https://www.acme.com/about" → "acme.com". */
static const char *website_domain(tp_identity *id, const char *website)
{
	char domain[256];
	size_t n = website ? tp__website_domain(website, domain, sizeof domain) : 0;
	return n ? tp__arena_strndup(&id->scratch, domain, n) : NULL;
}

/* Account by the email's domain, unless it is a free-mail provider. */
static tp_status account_of_email(tp_identity *id, tp_ctx *ctx, const char *email,
                                  const tp_traits *tr, int64_t at, int64_t *account_id)
{
	*account_id = 0;
	if (!email)
		return TP_OK;
	const char *domain = tp_email_domain(email);
	if (!*domain || tp_domain_is_freemail(domain))
		return TP_OK;
	return account_for(id, ctx, domain, NULL, tr, at, account_id);
}

/* ---- field updates ----------------------------------------------------- */

static int set_field(const char **dst, const char *value, int overwrite)
{
	if (!value || !*value)
		return 0;
	if (*dst && (!overwrite || strcmp(*dst, value) == 0))
		return 0;
	*dst = value;
	return 1;
}

/* Applies traits to c; returns how many fields changed. */
static int apply_traits(tp_contact *c, const tp_traits *tr, int overwrite)
{
	int n = 0;
	n += set_field(&c->first_name, tr->first_name, overwrite);
	n += set_field(&c->last_name, tr->last_name, overwrite);
	n += set_field(&c->title, tr->title, overwrite);
	n += set_field(&c->phone, tr->phone, overwrite);
	n += set_field(&c->company, tr->company, overwrite);
	n += set_field(&c->country, tr->country, overwrite);
	n += set_field(&c->lead_source, tr->lead_source, overwrite);
	n += set_field(&c->owner, tr->owner, overwrite);
	/* Consent is what the person said last, whatever the overwrite rule. */
	int consent = tr->consent == TP_CONSENT_GIVEN ? 1 : tr->consent == TP_CONSENT_REFUSED ? 0 : -1;
	if (consent >= 0 && c->consent != consent) {
		c->consent = consent;
		n++;
	}
	return n;
}

/* Consent as the person said it, kept with where it was said (issue 6:
 * consent changes are kept with source and time). Stores that keep no
 * history (the memory store) skip it. */
static tp_status record_consent(tp_identity *id, tp_ctx *ctx, int64_t cid, int before,
                                int after, const char *source, int64_t at)
{
	if (after < 0 || after == before || !OPS(id)->consent_change_add)
		return TP_OK;
	return OPS(id)->consent_change_add(id->store, ctx, cid, after, source, at);
}

static tp_status record_stage(tp_identity *id, tp_ctx *ctx, int64_t cid, int from, tp_stage to,
                              int64_t at, const char *actor, const char *reason)
{
	tp_stage_change_row r = {0, cid, at, from, to, actor, reason};
	return OPS(id)->stage_change_insert(id->store, ctx, &r);
}

static tp_status new_contact(tp_identity *id, tp_ctx *ctx, const char *email, const char *user_id,
                             const tp_traits *tr, tp_stage stage, int64_t at, const char *actor,
                             const char *reason, const char *channel, int64_t *cid)
{
	tp_contact c = {0};
	c.email = email;
	c.user_id = user_id;
	c.stage = stage;
	c.created_at = c.updated_at = at;
	c.consent = -1;
	c.source_channel = channel;
	if (tr)
		apply_traits(&c, tr, 1);
	tp_status rc = account_of_email(id, ctx, email, tr, at, &c.account_id);
	if (rc != TP_OK || (rc = save_contact(id, ctx, &c)) != TP_OK ||
	    (rc = record_consent(id, ctx, c.id, -1, c.consent, actor, at)) != TP_OK)
		return rc;
	*cid = c.id;
	return record_stage(id, ctx, c.id, -1, stage, at, actor, reason);
}

static tp_status note(tp_identity *id, tp_ctx *ctx, const char *kind, const char *anon,
                      int64_t contact, int64_t other, int64_t at, const char *detail)
{
	tp_identity_note n = {0, at, contact, other, kind, anon, detail};
	return OPS(id)->note_insert(id->store, ctx, &n);
}

/* ---- merge ------------------------------------------------------------- */

static tp_status merge_at(tp_identity *id, tp_ctx *ctx, int64_t winner, int64_t loser,
                          const char *rule, const char *detail, int64_t at, int64_t *merge_id)
{
	int64_t wr, lr;
	tp_status rc;
	if ((rc = tp_identity_root(id, ctx, winner, &wr)) != TP_OK ||
	    (rc = tp_identity_root(id, ctx, loser, &lr)) != TP_OK)
		return rc;
	if (wr != winner || lr != loser)
		return tp_ctx_fail(ctx, TP_ERR_CONFLICT, "contact",
		                   "contact %" PRId64 " is merged into %" PRId64 "; merge that one",
		                   wr != winner ? winner : loser, wr != winner ? wr : lr);
	if (winner == loser)
		return tp_ctx_fail(ctx, TP_ERR_INVALID, "contact", "cannot merge a contact into itself");
	tp_contact c;
	if ((rc = load_contact(id, ctx, loser, &id->scratch, &c)) != TP_OK)
		return rc;
	c.merged_into = winner;
	c.updated_at = at;
	if ((rc = save_contact(id, ctx, &c)) != TP_OK ||
	    (rc = OPS(id)->events_reassign(id->store, ctx, loser, winner)) != TP_OK)
		return rc;
	tp_merge m = {0, winner, loser, at, 0, rule, detail};
	if ((rc = OPS(id)->merge_put(id->store, ctx, &m)) != TP_OK)
		return rc;
	if (merge_id)
		*merge_id = m.id;
	return TP_OK;
}

tp_status tp_identity_merge(tp_identity *id, tp_ctx *ctx, int64_t winner, int64_t loser,
                            const char *rule, const char *detail, int64_t *merge_id)
{
	begin_call(id);
	return merge_at(id, ctx, winner, loser, rule, detail, tp_ctx_now(ctx), merge_id);
}

typedef struct subtree {
	int64_t *ids;
	size_t len, cap;
	int nomem;
} subtree;

static int collect_child(void *user, const tp_contact *c)
{
	subtree *t = user;
	if (tp__grow((void **)&t->ids, &t->cap, t->len + 1, sizeof *t->ids) != 0) {
		t->nomem = 1;
		return 1;
	}
	t->ids[t->len++] = c->id;
	return 0;
}

tp_status tp_identity_unmerge(tp_identity *id, tp_ctx *ctx, int64_t contact, int64_t *restored)
{
	begin_call(id);
	tp_merge m;
	int found;
	tp_status rc = OPS(id)->merge_active(id->store, ctx, contact, &m, &found);
	if (rc != TP_OK)
		return rc;
	if (!found)
		return tp_ctx_fail(ctx, TP_ERR_NOT_FOUND, "contact",
		                   "contact %" PRId64 " is not merged into another", contact);
	int64_t merge_id = m.id, owner;
	if ((rc = tp_identity_root(id, ctx, contact, &owner)) != TP_OK)
		return rc;
	/* The contact and everything merged into it, at any depth, go back together. */
	subtree t = {0};
	collect_child(&t, &(tp_contact){.id = contact});
	for (size_t i = 0; i < t.len && !t.nomem; i++)
		if ((rc = OPS(id)->contacts_merged_into(id->store, ctx, t.ids[i], collect_child, &t)) != TP_OK)
			goto out;
	if (t.nomem) {
		rc = nomem(ctx);
		goto out;
	}
	tp_contact c;
	if ((rc = load_contact(id, ctx, contact, &id->scratch, &c)) != TP_OK)
		goto out;
	int64_t now = tp_ctx_now(ctx);
	c.merged_into = 0;
	c.updated_at = now;
	if ((rc = save_contact(id, ctx, &c)) != TP_OK)
		goto out;
	*restored = 0;
	for (size_t i = 0; i < t.len; i++) {
		int64_t moved;
		if ((rc = OPS(id)->events_restore(id->store, ctx, t.ids[i], owner, contact, &moved)) != TP_OK)
			goto out;
		*restored += moved;
	}
	m = (tp_merge){.id = merge_id, .undone_at = now};
	if ((rc = OPS(id)->merge_put(id->store, ctx, &m)) != TP_OK)
		goto out;
	tp_identity_reset(id);
out:
	free(t.ids);
	return rc;
}

/* ---- visitors ---------------------------------------------------------- */

static tp_status mark_dirty(tp_identity *id, tp_ctx *ctx, size_t idx)
{
	if (id->ventries[idx].dirty)
		return TP_OK;
	if (tp__grow((void **)&id->dirty, &id->dcap, id->dlen + 1, sizeof *id->dirty) != 0)
		return nomem(ctx);
	id->dirty[id->dlen++] = idx;
	id->ventries[idx].dirty = 1;
	return TP_OK;
}

/* The visitor of an anonymous id, loaded or created (dirty, unsaved). */
static tp_status visitor_of(tp_identity *id, tp_ctx *ctx, const char *anon, int64_t at,
                            tp_visitor **out)
{
	int64_t slot;
	if (tp__strmap_get(&id->by_anon, anon, &slot)) {
		*out = &id->ventries[slot - 1].v;
		return TP_OK;
	}
	if (tp__grow((void **)&id->ventries, &id->vcap, id->vlen + 1, sizeof *id->ventries) != 0)
		return nomem(ctx);
	visitor_entry *e = &id->ventries[id->vlen];
	memset(e, 0, sizeof *e);
	int found;
	tp_status rc = OPS(id)->visitor_get(id->store, ctx, anon, &e->v, &found);
	if (rc != TP_OK)
		return rc;
	if (found) {
		const char **f[TP__VISITOR_TEXTS];
		tp__visitor_text_slots(&e->v, f);
		for (int i = 0; i < TP__VISITOR_TEXTS; i++)
			*f[i] = i < TP__VISITOR_OWN_TEXTS ? keep(id, *f[i]) : tp__identity_intern(id, *f[i]);
	} else {
		e->v.anonymous_id = keep(id, anon);
		e->v.first_seen = e->v.last_seen = at;
		e->v.first_channel = TP_CH_UNASSIGNED;
		e->v.visit_channel = TP_CH_DIRECT;
	}
	if (!e->v.anonymous_id || tp__strmap_put(&id->by_anon, anon, (int64_t)id->vlen + 1) != 0)
		return nomem(ctx);
	size_t idx = id->vlen++;
	if (!found && (rc = mark_dirty(id, ctx, idx)) != TP_OK)
		return rc;
	*out = &e->v;
	return TP_OK;
}

tp_status tp_identity_flush(tp_identity *id, tp_ctx *ctx)
{
	for (size_t i = 0; i < id->dlen; i++) {
		visitor_entry *e = &id->ventries[id->dirty[i]];
		tp_status rc = OPS(id)->visitor_put(id->store, ctx, &e->v);
		if (rc != TP_OK)
			return rc;
		e->dirty = 0;
	}
	id->dlen = 0;
	return TP_OK;
}

void tp__identity_prefetch(tp_identity *id, const char *anon)
{
	tp__strmap_prefetch(&id->by_anon, anon);
}

void tp__identity_prefetch_visitor(tp_identity *id, const char *anon)
{
	int64_t slot = tp__strmap_prefetch_key(&id->by_anon, anon);
	if (slot >= 1 && (size_t)slot <= id->vlen)
		__builtin_prefetch(&id->ventries[slot - 1]);
}

tp_status tp__identity_visitor(tp_identity *id, tp_ctx *ctx, const char *anon, int64_t at,
                               tp_visitor **out)
{
	return visitor_of(id, ctx, anon, at, out);
}

tp_status tp__identity_visitor_changed(tp_identity *id, tp_ctx *ctx, tp_visitor *v)
{
	visitor_entry *e = (visitor_entry *)((char *)v - offsetof(visitor_entry, v));
	return mark_dirty(id, ctx, (size_t)(e - id->ventries));
}

const char *tp__identity_keep(tp_identity *id, const char *s)
{
	return keep(id, s);
}

const char *tp__identity_intern(tp_identity *id, const char *s)
{
	return s ? tp__strmap_intern(&id->interned, s) : NULL;
}

/* ---- resolution -------------------------------------------------------- */

/* Two identified contacts are different people when each has an email (or a
 * user id) and those differ: a shared browser must not fuse them. */
static int distinct_people(const contact_entry *a, const contact_entry *b)
{
	if (a->email && b->email && strcmp(a->email, b->email) != 0)
		return 1;
	if (a->user_id && b->user_id && strcmp(a->user_id, b->user_id) != 0)
		return 1;
	return 0;
}

/* Links a visitor to `person` (origin) whose root is `root`. */
static tp_status link_visitor(tp_identity *id, tp_ctx *ctx, tp_visitor *v, int64_t person,
                              int64_t root, int64_t at, tp_resolution *out)
{
	tp_status rc;
	if (!v->contact_id) {
		/* Rule: identification adopts the visitor's earlier anonymous touches. */
		v->contact_id = person;
		if ((rc = tp__identity_visitor_changed(id, ctx, v)) != TP_OK)
			return rc;
		return OPS(id)->events_adopt(id->store, ctx, v->anonymous_id, root, person,
		                             &out->adopted);
	}
	int64_t known;
	if ((rc = tp_identity_root(id, ctx, v->contact_id, &known)) != TP_OK)
		return rc;
	if (known == root)
		return TP_OK;
	contact_entry *a, *b;
	if ((rc = contact_entry_of(id, ctx, known, &a)) != TP_OK ||
	    (rc = contact_entry_of(id, ctx, root, &b)) != TP_OK)
		return rc;
	if (distinct_people(a, b)) {
		/* Rule: a shared browser. The visitor's next touches are the new
		 * person's; nothing earlier moves, and it is logged. */
		char detail[600];
		snprintf(detail, sizeof detail,
		         "anonymous id %.200s was %s, now %s: treated as a shared browser, not merged",
		         v->anonymous_id, a->email ? a->email : a->user_id,
		         b->email ? b->email : b->user_id);
		v->contact_id = person;
		out->conflict = 1;
		if ((rc = tp__identity_visitor_changed(id, ctx, v)) != TP_OK)
			return rc;
		return note(id, ctx, "shared_browser", v->anonymous_id, root, known, at, detail);
	}
	/* Rule: one browser, no conflicting identifiers → the same person. */
	char detail[400];
	snprintf(detail, sizeof detail, "anonymous id %.200s links both", v->anonymous_id);
	out->merged_away = known;
	return merge_at(id, ctx, root, known, "anonymous_id", detail, at, NULL);
}

static tp_status resolve_alias(tp_identity *id, tp_ctx *ctx, const tp_event *ev,
                               const char *actor, tp_resolution *out)
{
	int64_t target, prev_user;
	tp_status rc;
	if ((rc = find_contact(id, ctx, TP_KEY_USER_ID, ev->user_id, &target)) != TP_OK ||
	    (rc = find_contact(id, ctx, TP_KEY_USER_ID, ev->previous_id, &prev_user)) != TP_OK)
		return rc;
	if (!target) {
		if ((rc = new_contact(id, ctx, NULL, ev->user_id, NULL, TP_STAGE_LEAD, ev->ts, actor,
		                      "identified by an alias call", NULL, &target)) != TP_OK)
			return rc;
		out->contact_created = 1;
	}
	int64_t root;
	if ((rc = tp_identity_root(id, ctx, target, &root)) != TP_OK)
		return rc;
	out->origin_contact_id = target;
	out->contact_id = root;
	if (prev_user) {
		/* Rule: alias of two known user ids → merge, recorded as such. */
		int64_t prev_root;
		if ((rc = tp_identity_root(id, ctx, prev_user, &prev_root)) != TP_OK)
			return rc;
		if (prev_root == root)
			return TP_OK;
		char detail[600];
		snprintf(detail, sizeof detail, "alias: previousId %.250s is userId %.250s",
		         ev->previous_id, ev->user_id);
		out->merged_away = prev_root;
		return merge_at(id, ctx, root, prev_root, "alias", detail, ev->ts, NULL);
	}
	/* previousId is an anonymous id. */
	tp_visitor *v;
	if ((rc = visitor_of(id, ctx, ev->previous_id, ev->ts, &v)) != TP_OK)
		return rc;
	return link_visitor(id, ctx, v, target, root, ev->ts, out);
}

/* Gives contact `person` the identifier of `ev` it lacks (email or user id),
 * and the call's traits when it is an identify or a form. A contact keeps its
 * first identifier of each kind; a different one is logged, not lost. */
static tp_status attach(tp_identity *id, tp_ctx *ctx, const tp_event *ev, int64_t person,
                        tp_resolution *out)
{
	const char *email = ev->traits.email, *user = ev->user_id;
	tp_contact c;
	tp_status rc = load_contact(id, ctx, person, &id->scratch, &c);
	if (rc != TP_OK)
		return rc;
	const char *kind = NULL, *have = NULL, *got = NULL;
	int changed = 0;
	/* An identifier that another contact owns stays there: after a merge it
	 * shows through the profile, and an unmerge gives it back. */
	int64_t holder = 0;
	if (email && !c.email && (rc = find_contact(id, ctx, TP_KEY_EMAIL, email, &holder)) != TP_OK)
		return rc;
	if (holder)
		email = NULL;
	holder = 0;
	if (user && !c.user_id && (rc = find_contact(id, ctx, TP_KEY_USER_ID, user, &holder)) != TP_OK)
		return rc;
	if (holder)
		user = NULL;
	if (email && (!c.email || strcmp(c.email, email) != 0)) {
		if (!c.email) {
			c.email = email;
			changed = 1;
			if (!c.account_id &&
			    (rc = account_of_email(id, ctx, email, &ev->traits, ev->ts, &c.account_id)) != TP_OK)
				return rc;
		} else {
			kind = "email_conflict", have = c.email, got = email;
		}
	}
	if (user && (!c.user_id || strcmp(c.user_id, user) != 0)) {
		if (!c.user_id) {
			c.user_id = user;
			changed = 1;
		} else {
			kind = "user_id_conflict", have = c.user_id, got = user;
		}
	}
	/* Traits are what the person said last: identify, a form, a lead ad. */
	int consent_before = c.consent;
	changed += apply_traits(&c, &ev->traits, 1);
	if (changed) {
		c.updated_at = ev->ts;
		char source[160];
		snprintf(source, sizeof source, "%s call %.120s", tp_call_name(ev->call),
		         ev->message_id ? ev->message_id : "");
		if ((rc = save_contact(id, ctx, &c)) != TP_OK ||
		    (rc = record_consent(id, ctx, c.id, consent_before, c.consent, source, ev->ts)) !=
		        TP_OK)
			return rc;
	}
	if (kind) {
		char detail[600];
		snprintf(detail, sizeof detail, "contact has %.250s; call %.40s said %.250s", have,
		         ev->message_id, got);
		out->conflict = 1;
		return note(id, ctx, kind, ev->anonymous_id, person, 0, ev->ts, detail);
	}
	return TP_OK;
}

/* The contact a browser belongs to, when taking this email / user id would
 * not clash with the identifiers it has; 0 otherwise. */
static tp_status browser_owner(tp_identity *id, tp_ctx *ctx, const tp_visitor *v,
                               const char *email, const char *user, int64_t *person)
{
	int64_t root;
	contact_entry *e;
	tp_status rc = tp_identity_root(id, ctx, v->contact_id, &root);
	if (rc != TP_OK || (rc = contact_entry_of(id, ctx, root, &e)) != TP_OK)
		return rc;
	*person = (!email || !e->email) && (!user || !e->user_id) ? root : 0;
	return TP_OK;
}

tp_status tp_identity_resolve(tp_identity *id, tp_ctx *ctx, const tp_event *ev,
                              const char *actor, const char *channel, tp_resolution *out)
{
	return tp__identity_resolve_visitor(id, ctx, ev, NULL, actor, channel, out);
}

tp_status tp__identity_resolve_visitor(tp_identity *id, tp_ctx *ctx, const tp_event *ev,
                                       tp_visitor *known, const char *actor, const char *channel,
                                       tp_resolution *out)
{
	begin_call(id);
	memset(out, 0, sizeof *out);
	tp_status rc;
	tp_visitor *v = known;
	if (!v && ev->anonymous_id && (rc = visitor_of(id, ctx, ev->anonymous_id, ev->ts, &v)) != TP_OK)
		return rc;
	out->visitor = v;
	if (ev->call == TP_CALL_ALIAS)
		return resolve_alias(id, ctx, ev, actor, out);

	const char *email = ev->traits.email, *user = ev->user_id;
	int64_t by_user = 0, by_email = 0, person = 0;
	if (user && (rc = find_contact(id, ctx, TP_KEY_USER_ID, user, &by_user)) != TP_OK)
		return rc;
	if (email && (rc = find_contact(id, ctx, TP_KEY_EMAIL, email, &by_email)) != TP_OK)
		return rc;
	int64_t owner = 0;
	if (!by_user && !by_email && (email || user) && v && v->contact_id &&
	    (rc = browser_owner(id, ctx, v, email, user, &owner)) != TP_OK)
		return rc;

	if (by_user && by_email) {
		person = by_user;
		int64_t ru, re;
		if ((rc = tp_identity_root(id, ctx, by_user, &ru)) != TP_OK ||
		    (rc = tp_identity_root(id, ctx, by_email, &re)) != TP_OK)
			return rc;
		if (ru != re) {
			/* Rule: a userId and an email that name two contacts are one person. */
			char detail[600];
			snprintf(detail, sizeof detail, "userId %.200s and email %.250s in one call",
			         user, email);
			if ((rc = merge_at(id, ctx, ru, re, "user_id+email", detail, ev->ts, NULL)) != TP_OK)
				return rc;
			out->merged_away = re;
		}
		if ((rc = attach(id, ctx, ev, person, out)) != TP_OK)
			return rc;
	} else if (by_user || by_email) {
		person = by_user ? by_user : by_email;
		if ((rc = attach(id, ctx, ev, person, out)) != TP_OK)
			return rc;
	} else if (owner) {
		/* Rule: a new identifier on a browser whose contact lacks that kind
		 * of identifier belongs to that contact. */
		person = owner;
		if ((rc = attach(id, ctx, ev, person, out)) != TP_OK)
			return rc;
	} else if (email || user) {
		/* Rule: a new email or user id is a new contact (stage lead). */
		/* A browser that already belongs to someone else says nothing of
		 * this person's first touch. */
		if (v && !v->contact_id && v->first_channel != TP_CH_UNASSIGNED)
			channel = tp_channel_name(v->first_channel);
		char reason[128];
		snprintf(reason, sizeof reason, "identified by a %s call", tp_call_name(ev->call));
		if ((rc = new_contact(id, ctx, email, user, &ev->traits, TP_STAGE_LEAD, ev->ts, actor,
		                      reason, channel, &person)) != TP_OK)
			return rc;
		out->contact_created = 1;
	}

	if (person) {
		int64_t root;
		if ((rc = tp_identity_root(id, ctx, person, &root)) != TP_OK)
			return rc;
		if (v && (rc = link_visitor(id, ctx, v, person, root, ev->ts, out)) != TP_OK)
			return rc;
		/* A merge in link_visitor may have changed the root. */
		if ((rc = tp_identity_root(id, ctx, person, &root)) != TP_OK)
			return rc;
		out->origin_contact_id = person;
		out->contact_id = root;
	} else if (v && v->contact_id) {
		out->origin_contact_id = v->contact_id;
		if ((rc = tp_identity_root(id, ctx, v->contact_id, &out->contact_id)) != TP_OK)
			return rc;
	}

	if (ev->call == TP_CALL_GROUP) {
		/* Rule: a group call names the account of whoever made it, and its
		 * traits are the account's firmographics. */
		int64_t aid;
		const char *domain = website_domain(id, ev->traits.website);
		if ((rc = account_for(id, ctx, domain, ev->group_id, &ev->traits, ev->ts, &aid)) != TP_OK ||
		    (rc = update_account(id, ctx, aid, domain, ev->group_id, &ev->traits)) != TP_OK)
			return rc;
		if (out->contact_id) {
			tp_contact c;
			if ((rc = load_contact(id, ctx, out->contact_id, &id->scratch, &c)) != TP_OK)
				return rc;
			if (c.account_id != aid) {
				c.account_id = aid;
				c.updated_at = ev->ts;
				if ((rc = save_contact(id, ctx, &c)) != TP_OK)
					return rc;
			}
		}
	}
	return TP_OK;
}

tp_status tp_identity_upsert(tp_identity *id, tp_ctx *ctx, const tp_traits *tr, int stage,
                             const char *actor, int overwrite, int64_t *contact_id, int *created)
{
	begin_call(id);
	int64_t now = tp_ctx_now(ctx), cid;
	tp_status rc;
	*created = 0;
	if (!tr->email)
		return tp_ctx_fail(ctx, TP_ERR_INVALID, "email", "is required");
	if ((rc = find_contact(id, ctx, TP_KEY_EMAIL, tr->email, &cid)) != TP_OK)
		return rc;
	if (!cid) {
		if ((rc = new_contact(id, ctx, tr->email, NULL, tr,
		                      stage >= 0 ? (tp_stage)stage : TP_STAGE_LEAD, now, actor,
		                      "imported", NULL, &cid)) != TP_OK)
			return rc;
		*created = 1;
		*contact_id = cid;
		return TP_OK;
	}
	/* Fields go on the contact that owns the email, merged or not. */
	tp_contact c;
	if ((rc = load_contact(id, ctx, cid, &id->scratch, &c)) != TP_OK)
		return rc;
	int consent_before = c.consent;
	int changed = apply_traits(&c, tr, overwrite);
	int from = (int)c.stage;
	/* Stages imported from a CRM only move a contact forward along the funnel. */
	if (stage >= 0 && stage != (int)c.stage && stage <= TP_STAGE_CUSTOMER &&
	    (c.stage > TP_STAGE_CUSTOMER || stage > (int)c.stage)) {
		c.stage = (tp_stage)stage;
		changed++;
	} else {
		from = -2;
	}
	if (!c.account_id && (rc = account_of_email(id, ctx, tr->email, tr, now, &c.account_id)) != TP_OK)
		return rc;
	if (changed) {
		c.updated_at = now;
		if ((rc = save_contact(id, ctx, &c)) != TP_OK ||
		    (rc = record_consent(id, ctx, cid, consent_before, c.consent, actor, now)) != TP_OK)
			return rc;
	}
	if (from >= -1 && (rc = record_stage(id, ctx, cid, from, c.stage, now, actor,
	                                     "stage from the imported file")) != TP_OK)
		return rc;
	*contact_id = cid;
	return TP_OK;
}

typedef struct fill {
	tp_identity *id;
	tp_contact *out;
	subtree *queue;
} fill;

static int fill_from_child(void *user, const tp_contact *c)
{
	fill *f = user;
	const char *const src[] = {c->email, c->user_id, c->first_name, c->last_name, c->title,
		c->phone, c->company, c->country, c->lead_source, c->owner, c->source_channel};
	const char **dst[] = {&f->out->email, &f->out->user_id, &f->out->first_name,
		&f->out->last_name, &f->out->title, &f->out->phone, &f->out->company,
		&f->out->country, &f->out->lead_source, &f->out->owner, &f->out->source_channel};
	for (size_t i = 0; i < sizeof src / sizeof src[0]; i++)
		if (!*dst[i] && src[i])
			*dst[i] = keep(f->id, src[i]);
	if (!f->out->account_id)
		f->out->account_id = c->account_id;
	return collect_child(f->queue, c);
}

tp_status tp_identity_profile(tp_identity *id, tp_ctx *ctx, int64_t contact, tp_contact *out)
{
	/* The caller reads the profile after the call: the cache's arena. */
	tp_status rc = load_contact(id, ctx, contact, &id->arena, out);
	if (rc != TP_OK)
		return rc;
	subtree queue = {0};
	fill f = {id, out, &queue};
	if (collect_child(&queue, out) != 0)
		return nomem(ctx);
	/* Breadth first, so that nearer merges fill gaps before older ones. */
	for (size_t i = 0; i < queue.len && rc == TP_OK && !queue.nomem; i++)
		rc = OPS(id)->contacts_merged_into(id->store, ctx, queue.ids[i], fill_from_child, &f);
	if (rc == TP_OK && queue.nomem)
		rc = nomem(ctx);
	free(queue.ids);
	return rc;
}

tp_status tp_identity_lookup(tp_identity *id, tp_ctx *ctx, const char *key, int64_t *contact)
{
	long long n;
	*contact = 0;
	if (tp__parse_i64(key, &n) == 0) {
		contact_entry *e;
		tp_status rc = contact_entry_of(id, ctx, n, &e);
		if (rc == TP_OK) {
			*contact = n;
			return TP_OK;
		}
		if (rc != TP_ERR_NOT_FOUND)
			return rc;
		tp_ctx_clear(ctx);
		/* Not a row id: it may still be a numeric user id. */
	}
	if (strchr(key, '@')) {
		char norm[TP_MAX_EMAIL_BYTES + 1];
		const char *why;
		if (tp_email_normalize(key, norm, &why) == 0)
			return find_contact(id, ctx, TP_KEY_EMAIL, norm, contact);
	}
	return find_contact(id, ctx, TP_KEY_USER_ID, key, contact);
}
