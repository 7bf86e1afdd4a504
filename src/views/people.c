/* The JSON documents of people and deals: a contact with its history, lists
 * of contacts and accounts, stage history, a score's explanation, the sales
 * queue, an opportunity. `touchpoint ... --json` prints them; the HTTP API
 * answers them; the CLI's tables are drawn from them. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "views/report.h"

/* ---- one contact ----------------------------------------------------------- */

static int add_merge(void *user, const tp_merge *m)
{
	cJSON *j = cJSON_CreateObject();
	cJSON_AddNumberToObject(j, "id", (double)m->id);
	cJSON_AddNumberToObject(j, "winner_id", (double)m->winner_id);
	cJSON_AddNumberToObject(j, "loser_id", (double)m->loser_id);
	tp_json_add_str(j, "rule", m->rule);
	tp_json_add_str(j, "detail", m->detail);
	cJSON_AddItemToObject(j, "at", tp_json_time(m->at));
	cJSON_AddItemToObject(j, "undone_at", tp_json_time(m->undone_at));
	cJSON_AddItemToArray(user, j);
	return 0;
}

static int add_note(void *user, const tp_identity_note *n)
{
	cJSON *j = cJSON_CreateObject();
	tp_json_add_str(j, "kind", n->kind);
	tp_json_add_str(j, "anonymous_id", n->anonymous_id);
	tp_json_add_count(j, "contact_id", n->contact_id ? n->contact_id : -1);
	tp_json_add_count(j, "other_contact_id", n->other_contact_id ? n->other_contact_id : -1);
	tp_json_add_str(j, "detail", n->detail);
	cJSON_AddItemToObject(j, "at", tp_json_time(n->at));
	cJSON_AddItemToArray(user, j);
	return 0;
}

static void add_visitor(void *user, const tp_visitor *v)
{
	cJSON *j = cJSON_CreateObject(), *clicks = cJSON_CreateObject();
	tp_json_add_str(j, "anonymous_id", v->anonymous_id);
	cJSON_AddItemToObject(j, "first_seen", tp_json_time(v->first_seen));
	cJSON_AddItemToObject(j, "last_seen", tp_json_time(v->last_seen));
	tp_json_add_str(j, "first_channel", tp_channel_name(v->first_channel));
	tp_json_add_str(j, "landing_url", v->landing_url);
	for (int i = 0; i < TP_CLICK__COUNT; i++)
		if (v->click_id[i])
			tp_json_add_str(clicks, tp_click_name((tp_click)i), v->click_id[i]);
	cJSON_AddItemToObject(j, "click_ids", clicks);
	cJSON_AddItemToArray(user, j);
}

static int add_touch(void *user, const tp_touch_record *t)
{
	cJSON_AddItemToArray(user, tp_json_touch(t));
	return 0;
}

tp_status tp_view_contact(tp_ctx *ctx, tp_store *s, int64_t id, cJSON **out)
{
	*out = NULL;
	tp_identity *ident = tp_identity_create(s);
	if (!ident)
		return tp__nomem(ctx);
	tp_contact c;
	tp_status rc = tp_identity_profile(ident, ctx, id, &c);
	cJSON *doc = rc == TP_OK ? tp_json_contact(&c) : NULL;
	tp_account a;
	int found = 0;
	if (rc == TP_OK && c.account_id)
		rc = s->ops->account_get(s, ctx, c.account_id, &a, &found);
	if (rc == TP_OK) {
		cJSON_AddItemToObject(doc, "account", found ? tp_json_account(&a, -1) : cJSON_CreateNull());
		cJSON *visitors = cJSON_AddArrayToObject(doc, "visitors");
		cJSON *merges = cJSON_AddArrayToObject(doc, "merges");
		cJSON *notes = cJSON_AddArrayToObject(doc, "identity_notes");
		cJSON *timeline = cJSON_AddArrayToObject(doc, "timeline");
		/* A merged contact's touches live with the contact it was merged into. */
		if ((rc = s->ops->visitors_of_contact(s, ctx, id, add_visitor, visitors)) == TP_OK &&
		    (rc = s->ops->merges_of_contact(s, ctx, id, add_merge, merges)) == TP_OK &&
		    (rc = s->ops->notes_of_contact(s, ctx, id, add_note, notes)) == TP_OK)
			rc = s->ops->events_of_contact(s, ctx, id, add_touch, timeline);
	}
	tp_identity_destroy(ident);
	if (rc != TP_OK) {
		cJSON_Delete(doc);
		return rc;
	}
	*out = doc;
	return TP_OK;
}

/* ---- lists ------------------------------------------------------------------ */

typedef struct page {
	cJSON *items;
	long long limit, n;
	int64_t last_id;
	int more;
} page;

static int page_full(page *p)
{
	if (p->limit >= 0 && p->n >= p->limit) {
		p->more = 1;
		return 1;
	}
	p->n++;
	return 0;
}

static int contact_item(void *user, const tp_contact *c)
{
	page *p = user;
	if (page_full(p))
		return 1;
	cJSON_AddItemToArray(p->items, tp_json_contact(c));
	p->last_id = c->id;
	return 0;
}

tp_status tp_view_contacts(tp_ctx *ctx, tp_store *s, const tp_contact_filter *f, long long limit,
                           cJSON **out, int64_t *next_after)
{
	page p = {cJSON_CreateArray(), limit, 0, 0, 0};
	tp_status rc = s->ops->contacts_list(s, ctx, f, contact_item, &p);
	if (rc != TP_OK) {
		cJSON_Delete(p.items);
		return rc;
	}
	*out = p.items;
	if (next_after)
		*next_after = p.more ? p.last_id : 0;
	return TP_OK;
}

static int account_item(void *user, const tp_account *a, int64_t n_contacts)
{
	page *p = user;
	if (page_full(p))
		return 1;
	cJSON_AddItemToArray(p->items, tp_json_account(a, n_contacts));
	p->last_id = a->id;
	return 0;
}

tp_status tp_view_accounts(tp_ctx *ctx, tp_store *s, long long limit, cJSON **out)
{
	page p = {cJSON_CreateArray(), limit, 0, 0, 0};
	tp_status rc = s->ops->accounts_list(s, ctx, account_item, &p);
	if (rc != TP_OK) {
		cJSON_Delete(p.items);
		return rc;
	}
	*out = p.items;
	return TP_OK;
}

static int member_item(void *user, const tp_contact *c)
{
	cJSON_AddItemToArray(user, tp_json_contact(c));
	return 0;
}

tp_status tp_view_account(tp_ctx *ctx, tp_store *s, int64_t id, cJSON **out)
{
	*out = NULL;
	tp_account a;
	int found = 0;
	tp_status rc = s->ops->account_get(s, ctx, id, &a, &found);
	if (rc != TP_OK)
		return rc;
	if (!found)
		return tp_ctx_fail(ctx, TP_ERR_NOT_FOUND, "account", "no account %lld", (long long)id);
	cJSON *people = cJSON_CreateArray();
	tp_contact_filter f = {.stage = -1, .account_id = id};
	/* The account's strings die with the next store call: read it again after. */
	if ((rc = s->ops->contacts_list(s, ctx, &f, member_item, people)) != TP_OK ||
	    (rc = s->ops->account_get(s, ctx, id, &a, &found)) != TP_OK) {
		cJSON_Delete(people);
		return rc;
	}
	cJSON *doc = tp_json_account(&a, cJSON_GetArraySize(people));
	cJSON_AddItemToObject(doc, "people", people);
	*out = doc;
	return TP_OK;
}

/* ---- stage history ------------------------------------------------------------ */

cJSON *tp_json_stage_change(const tp_stage_change_row *r)
{
	cJSON *j = cJSON_CreateObject();
	cJSON_AddItemToObject(j, "at", tp_json_time(r->at));
	tp_json_add_str(j, "from", r->from_stage >= 0 ? tp_stage_name((tp_stage)r->from_stage) : NULL);
	cJSON_AddStringToObject(j, "to", tp_stage_name(r->to_stage));
	cJSON_AddStringToObject(j, "actor", r->actor ? r->actor : "");
	tp_json_add_str(j, "reason", r->reason);
	return j;
}

static int stage_item(void *user, const tp_stage_change_row *r)
{
	cJSON_AddItemToArray(user, tp_json_stage_change(r));
	return 0;
}

tp_status tp_view_stage_history(tp_ctx *ctx, tp_store *s, int64_t id, cJSON **out)
{
	cJSON *arr = cJSON_CreateArray();
	tp_status rc = s->ops->stage_changes(s, ctx, id, stage_item, arr);
	if (rc != TP_OK) {
		cJSON_Delete(arr);
		arr = NULL;
	}
	*out = arr;
	return rc;
}

/* ---- scores ------------------------------------------------------------------- */

/* Points as the explanation adds them: two decimals, exactly. */
static double points(int64_t cents)
{
	return (double)cents / 100;
}

tp_status tp_view_score(tp_ctx *ctx, tp_store *s, int64_t id, cJSON **out)
{
	*out = NULL;
	tp_score_config *cfg;
	tp_explainer *x = NULL;
	tp_status rc = tp_score_config_load(ctx, s, &cfg);
	if (rc != TP_OK)
		return rc;
	if ((rc = tp_score_explain(ctx, s, cfg, id, &x)) != TP_OK) {
		tp_score_config_free(cfg);
		return rc;
	}
	int64_t now = tp_ctx_now(ctx);
	const tp_score_explanation *e = tp_explainer_finish(x, now);
	tp_score_row stored;
	int found = 0;
	rc = e ? tp_score_now(ctx, s, cfg, id, now, &stored, &found) : tp__nomem(ctx);
	if (rc == TP_OK) {
		cJSON *j = cJSON_CreateObject(), *parts = cJSON_CreateArray();
		cJSON_AddNumberToObject(j, "contact_id", (double)id);
		cJSON_AddItemToObject(j, "at", tp_json_time(now));
		cJSON_AddNumberToObject(j, "total", points(e->total_cents));
		cJSON_AddNumberToObject(j, "grade", e->grade);
		cJSON_AddNumberToObject(j, "fit", round(e->fit * 100) / 100);
		cJSON_AddNumberToObject(j, "engagement", round(e->engagement * 100) / 100);
		if (found)
			cJSON_AddNumberToObject(j, "stored_total", round(stored.total * 100) / 100);
		else
			cJSON_AddNullToObject(j, "stored_total");
		cJSON_AddNumberToObject(j, "fit_weight", cfg->fit_weight);
		cJSON_AddNumberToObject(j, "engagement_weight", cfg->engagement_weight);
		cJSON_AddNumberToObject(j, "half_life_days", cfg->half_life_days);
		/* The weighted sum can leave 0..100; the total is clamped to it. */
		cJSON_AddBoolToObject(j, "clamped",
		                      e->total_cents != llround(100 * (cfg->fit_weight * e->fit +
		                                                       cfg->engagement_weight * e->engagement)));
		for (size_t i = 0; i < e->n_parts; i++) {
			const tp_score_part *p = &e->parts[i];
			cJSON *pj = cJSON_CreateObject();
			cJSON_AddStringToObject(pj, "rule", p->rule);
			cJSON_AddStringToObject(pj, "kind", p->kind);
			cJSON_AddNumberToObject(pj, "points", points(p->cents));
			if (p->hits) {
				cJSON_AddNumberToObject(pj, "hits", (double)p->hits);
				cJSON_AddItemToObject(pj, "first_at", tp_json_time(p->first_at));
				cJSON_AddItemToObject(pj, "last_at", tp_json_time(p->last_at));
			}
			cJSON_AddItemToArray(parts, pj);
		}
		cJSON_AddItemToObject(j, "parts", parts);
		*out = j;
	}
	tp_explainer_free(x);
	tp_score_config_free(cfg);
	return rc;
}

/* ---- the sales queue ------------------------------------------------------------ */

typedef struct lead {
	int64_t id;
	double total;
	int grade;
	cJSON *json;
} lead;

typedef struct leads {
	lead *v;
	size_t n, cap;
	const char *owner;
	int nomem;
} leads;

static int collect_mql(void *user, const tp_contact *c)
{
	leads *l = user;
	if (l->owner && (!c->owner || strcmp(l->owner, c->owner) != 0))
		return 0;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		lead *v = realloc(l->v, cap * sizeof *v);
		if (!v) {
			l->nomem = 1;
			return 1;
		}
		l->v = v;
		l->cap = cap;
	}
	char name[512];
	snprintf(name, sizeof name, "%s%s%s", c->first_name ? c->first_name : "",
	         c->first_name && c->last_name ? " " : "", c->last_name ? c->last_name : "");
	cJSON *j = cJSON_CreateObject();
	cJSON_AddNumberToObject(j, "contact_id", (double)c->id);
	cJSON_AddStringToObject(j, "email", c->email ? c->email : "");
	cJSON_AddStringToObject(j, "name", name);
	cJSON_AddStringToObject(j, "company", c->company ? c->company : "");
	cJSON_AddStringToObject(j, "owner", c->owner ? c->owner : "");
	l->v[l->n++] = (lead){c->id, 0, 0, j};
	return 0;
}

static int by_total_desc(const void *a, const void *b)
{
	const lead *x = a, *y = b;
	if (x->total != y->total)
		return x->total > y->total ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* The three parts that add most, as "Demo request +30.00; VP +10.00". */
static void top_reasons(const tp_score_explanation *e, char *buf, size_t cap)
{
	size_t used = 0;
	buf[0] = '\0';
	for (size_t i = 0, shown = 0; i < e->n_parts && shown < 3; i++) {
		const tp_score_part *p = &e->parts[i];
		if (p->cents <= 0 || strcmp(p->kind, "adjustment") == 0)
			continue;
		int w = snprintf(buf + used, cap - used, "%s%s +%lld.%02lld", shown ? "; " : "", p->rule,
		                 (long long)(p->cents / 100), (long long)(p->cents % 100));
		if (w < 0 || (size_t)w >= cap - used) {
			buf[used] = '\0';
			break;
		}
		used += (size_t)w;
		shown++;
	}
}

tp_status tp_view_queue(tp_ctx *ctx, tp_store *s, const char *owner, long long limit,
                        cJSON **out, size_t *waiting)
{
	*out = NULL;
	tp_score_config *cfg;
	tp_status rc = tp_score_config_load(ctx, s, &cfg);
	if (rc != TP_OK)
		return rc;
	leads l = {.owner = owner};
	tp_contact_filter f = {.stage = TP_STAGE_MQL};
	rc = s->ops->contacts_list(s, ctx, &f, collect_mql, &l);
	if (rc == TP_OK && l.nomem)
		rc = tp__nomem(ctx);
	int64_t now = tp_ctx_now(ctx);
	/* The score shown is the replayed one, so that the reasons add up to it. */
	for (size_t i = 0; i < l.n && rc == TP_OK; i++) {
		tp_explainer *x;
		if ((rc = tp_score_explain(ctx, s, cfg, l.v[i].id, &x)) != TP_OK)
			break;
		const tp_score_explanation *e = tp_explainer_finish(x, now);
		if (!e) {
			rc = tp__nomem(ctx);
		} else {
			char reasons[512];
			top_reasons(e, reasons, sizeof reasons);
			l.v[i].total = points(e->total_cents);
			l.v[i].grade = e->grade;
			cJSON_AddNumberToObject(l.v[i].json, "score", l.v[i].total);
			cJSON_AddNumberToObject(l.v[i].json, "grade", e->grade);
			cJSON_AddStringToObject(l.v[i].json, "top_reasons", reasons);
		}
		tp_explainer_free(x);
	}
	if (rc == TP_OK) {
		qsort(l.v, l.n, sizeof *l.v, by_total_desc);
		cJSON *arr = cJSON_CreateArray();
		for (size_t i = 0; i < l.n; i++)
			if (limit < 0 || (long long)i < limit) {
				cJSON_AddItemToArray(arr, l.v[i].json);
				l.v[i].json = NULL;
			}
		*out = arr;
		if (waiting)
			*waiting = l.n;
	}
	for (size_t i = 0; i < l.n; i++)
		cJSON_Delete(l.v[i].json);
	free(l.v);
	tp_score_config_free(cfg);
	return rc;
}

/* ---- opportunities ---------------------------------------------------------------- */

cJSON *tp_json_opportunity(const tp_opportunity_row *r)
{
	cJSON *j = cJSON_CreateObject();
	cJSON_AddNumberToObject(j, "id", (double)r->id);
	cJSON_AddStringToObject(j, "name", r->name ? r->name : "");
	cJSON_AddNumberToObject(j, "account_id", (double)r->account_id);
	tp_json_add_count(j, "contact_id", r->contact_id ? r->contact_id : -1);
	cJSON_AddStringToObject(j, "stage", r->stage ? r->stage : "");
	cJSON_AddNumberToObject(j, "amount", (double)r->amount / 100);
	cJSON_AddStringToObject(j, "currency", r->currency ? r->currency : "");
	cJSON_AddNumberToObject(j, "probability", r->probability);
	cJSON_AddNumberToObject(j, "weighted_amount", (double)(r->amount * r->probability / 100) / 100);
	tp_json_add_str(j, "close_date", r->close_date);
	cJSON_AddItemToObject(j, "created_at", tp_json_time(r->created_at));
	cJSON_AddItemToObject(j, "closed_at", tp_json_time(r->closed_at));
	tp_json_add_str(j, "lost_reason", r->lost_reason);
	cJSON_AddStringToObject(j, "owner", r->owner ? r->owner : "");
	cJSON_AddStringToObject(j, "source_channel", r->source_channel ? r->source_channel : "");
	return j;
}
