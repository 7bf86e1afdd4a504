/* Scoring over the store. During an import each touched contact's score
 * state sits in memory (loaded once, updated in O(1) per event) and is
 * written at flush, before the import commits; contacts whose history
 * changed wholesale (adoption, merges) are replayed from the store instead. */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/i64map.h"
#include "core/text.h"
#include "touchpoint/lifecycle.h"
#include "touchpoint/scorer.h"

#define CONFIG_KEY "score.config"

/* ---- configuration in the workspace ------------------------------------ */

tp_status tp_score_config_load(tp_ctx *ctx, tp_store *s, tp_score_config **out)
{
	char *json;
	tp_status rc = tp_store_setting(ctx, s, CONFIG_KEY, &json);
	if (rc != TP_OK)
		return rc;
	rc = tp_score_config_parse(ctx, json ? json : tp_score_default_json(), out);
	free(json);
	return rc;
}

tp_status tp_score_config_save(tp_ctx *ctx, tp_store *s, const char *json)
{
	if (json) {
		tp_score_config *c;
		tp_status rc = tp_score_config_parse(ctx, json, &c);
		if (rc != TP_OK)
			return rc;
		tp_score_config_free(c);
	}
	return s->ops->setting_set(s, ctx, CONFIG_KEY, json);
}

/* ---- inputs -------------------------------------------------------------- */

void tp_score_event_of_record(const tp_touch_record *t, tp_score_event *out)
{
	tp_touch touch = TP_TOUCH_CUSTOM;
	tp_channel ch = TP_CH_UNASSIGNED;
	if (t->coded) {
		/* A bulk load's capture: no name to look up (1% of the load). */
		touch = (tp_touch)t->touch;
		ch = (tp_channel)t->channel_code;
	} else {
		if (t->type)
			tp_touch_from_name(t->type, &touch);
		if (t->channel)
			tp_channel_from_name(t->channel, &ch);
	}
	*out = (tp_score_event){t->ts, touch, ch, tp_page_category_index(t->page_category), t->asset,
	                        t->video_percent};
}

void tp_score_event_of_event(const tp_event *ev, tp_channel channel, tp_score_event *out)
{
	*out = (tp_score_event){ev->ts, ev->touch, channel, tp_page_category_index(ev->page_category),
	                        ev->asset, ev->video_percent};
}

static const char *copy_in(const char *s, char *buf, size_t cap, size_t *used)
{
	if (!s)
		return NULL;
	size_t n = strlen(s);
	if (*used + n + 1 > cap)
		return NULL;   /* an over-long value cannot match a rule anyway */
	char *d = buf + *used;
	memcpy(d, s, n + 1);
	*used += n + 1;
	return d;
}

tp_status tp_fit_input_of_contact(tp_ctx *ctx, tp_store *s, int64_t contact_id,
                                  tp_fit_input *out, char *buf, size_t cap, tp_stage *stage)
{
	tp_contact c;
	int found;
	size_t used = 0;
	memset(out, 0, sizeof *out);
	out->employees = -1;
	if (stage)
		*stage = TP_STAGE_LEAD;
	tp_status rc = s->ops->contact_get(s, ctx, contact_id, &c, &found);
	if (rc != TP_OK || !found)
		return rc;
	if (stage)
		*stage = c.stage;
	out->title = copy_in(c.title, buf, cap, &used);
	out->email = copy_in(c.email, buf, cap, &used);
	out->country = copy_in(c.country, buf, cap, &used);
	int64_t account = c.account_id;
	if (account) {
		tp_account a;
		if ((rc = s->ops->account_get(s, ctx, account, &a, &found)) != TP_OK)
			return rc;
		if (found) {
			out->industry = copy_in(a.industry, buf, cap, &used);
			out->employees = a.employees;
			if (!out->country)
				out->country = copy_in(a.country, buf, cap, &used);
		}
	}
	return TP_OK;
}

static tp_status fit_of(tp_ctx *ctx, tp_store *s, const tp_score_config *cfg, int64_t contact_id,
                        double *fit, tp_stage *stage)
{
	tp_fit_input in;
	char buf[1024];
	tp_status rc = tp_fit_input_of_contact(ctx, s, contact_id, &in, buf, sizeof buf, stage);
	if (rc == TP_OK)
		*fit = tp_score_fit(cfg, &in, 0, NULL, NULL);
	return rc;
}

/* ---- cap counters as text ------------------------------------------------ */

static void caps_parse(const char *text, tp_score_cap *caps, int n)
{
	memset(caps, 0, (size_t)n * sizeof *caps);
	while (text && *text) {
		int slot, day, hits, used = 0;
		if (sscanf(text, "%d:%d:%d%n", &slot, &day, &hits, &used) != 3)
			return;
		if (slot >= 0 && slot < n)
			caps[slot] = (tp_score_cap){day, hits};
		text += used;
		if (*text == ',')
			text++;
	}
}

static char *caps_format(const tp_score_cap *caps, int n, char *buf, size_t cap)
{
	size_t used = 0;
	buf[0] = '\0';
	for (int i = 0; i < n; i++) {
		if (!caps[i].hits)
			continue;
		/* "i:day:hits", comma-separated; by hand: snprintf was 1.4% of an import. */
		char entry[64];
		size_t w = 0;
		if (used)
			entry[w++] = ',';
		w += tp__put_i64(entry + w, i);
		entry[w++] = ':';
		w += tp__put_i64(entry + w, caps[i].day);
		entry[w++] = ':';
		w += tp__put_i64(entry + w, caps[i].hits);
		if (w >= cap - used)
			break;
		memcpy(buf + used, entry, w);
		used += w;
		buf[used] = '\0';
	}
	return used ? buf : NULL;
}

/* ---- replay -------------------------------------------------------------- */

typedef struct replay {
	const tp_score_config *cfg;
	tp_score_state *state;
	double fit;
	int watch_mql;        /* look for the first crossing of the threshold */
	int64_t crossed_at;   /* 0 = not crossed */
	double crossed_total;
	int64_t events;
} replay;

static void replay_event(replay *r, const tp_score_event *e)
{
	if (!tp_score_apply(r->cfg, r->state, e, NULL, NULL) || !r->watch_mql || r->crossed_at)
		return;
	double total = tp_score_total(r->cfg, r->fit, tp_score_engagement_at(r->cfg, r->state, e->ts));
	if (total >= r->cfg->mql_threshold && r->fit >= r->cfg->mql_min_fit) {
		r->crossed_at = e->ts;
		r->crossed_total = total;
	}
}

static int replay_touch(void *user, const tp_touch_record *t)
{
	replay *r = user;
	tp_score_event e;
	tp_score_event_of_record(t, &e);
	r->events++;
	replay_event(r, &e);
	return 0;
}

static int qualifies_for_mql(tp_stage s)
{
	return s == TP_STAGE_LEAD || s == TP_STAGE_RECYCLED;
}

static tp_status move_to_mql(tp_ctx *ctx, tp_store *s, const tp_score_config *cfg, int64_t cid,
                             int64_t at, double total)
{
	char reason[96];
	snprintf(reason, sizeof reason, "score %.0f \xe2\x89\xa5 %.0f", floor(total),
	         cfg->mql_threshold);
	return tp_lifecycle_move(ctx, s, cfg, cid, TP_STAGE_MQL, at, "rule: mql threshold", reason);
}

static tp_status write_score(tp_ctx *ctx, tp_store *s, const tp_score_config *cfg, int64_t cid,
                             double fit, const tp_score_state *st, double probability, int64_t now)
{
	char caps[1024];
	double total = tp_score_total(cfg, fit, tp_score_engagement_at(cfg, st, now));
	tp_score_row row = {cid, fit, st->engagement, st->at,
	                    caps_format(st->caps, cfg->n_capped, caps, sizeof caps), total,
	                    tp_score_grade(total), probability, now};
	return s->ops->score_put(s, ctx, &row);
}

/* ---- the incremental scorer --------------------------------------------- */

typedef struct entry {
	int64_t contact_id;
	tp_score_state state;
	double fit;
	double probability;
	tp_stage stage;
	int dirty, rebuild;
	int fit_stale;         /* fit and stage to read at flush (a rebuild's) */
	int64_t mql_at;        /* crossing to act on at flush; 0 none */
	double mql_total;
} entry;

struct tp_scorer {
	tp_store *store;
	const tp_score_config *cfg;
	int auto_mql;
	tp_i64map index;       /* contact id → entry index */
	entry *entries;
	size_t len, cap;
	tp_arena caps;         /* the entries' cap counters */
	int64_t mql_moves;
	int one_pass;          /* rebuilds read the events in one sequential pass */
};

tp_status tp_scorer_create(tp_ctx *ctx, tp_store *s, const tp_score_config *cfg, int auto_mql,
                           tp_scorer **out)
{
	tp_scorer *sc = calloc(1, sizeof *sc);
	if (!sc)
		return tp_ctx_fail(ctx, TP_ERR_NOMEM, NULL, "out of memory");
	sc->store = s;
	sc->cfg = cfg;
	sc->auto_mql = auto_mql;
	tp__i64map_init(&sc->index);
	tp__arena_init(&sc->caps, 64 * 1024);
	*out = sc;
	return TP_OK;
}

void tp_scorer_reset(tp_scorer *sc)
{
	tp__i64map_free(&sc->index);
	tp__i64map_init(&sc->index);
	tp__arena_free(&sc->caps);
	free(sc->entries);
	sc->entries = NULL;
	sc->len = sc->cap = 0;
}

size_t tp_scorer_held_bytes(const tp_scorer *sc)
{
	return tp__i64map_bytes(&sc->index) + sc->cap * sizeof *sc->entries +
	       tp__arena_used(&sc->caps);
}

void tp_scorer_destroy(tp_scorer *sc)
{
	if (!sc)
		return;
	tp__i64map_free(&sc->index);
	tp__arena_free(&sc->caps);
	free(sc->entries);
	free(sc);
}

int64_t tp_scorer_mql_moves(const tp_scorer *sc)
{
	return sc->mql_moves;
}

/* The entry of a contact, loaded from the store on first sight. */
static tp_status entry_of(tp_scorer *sc, tp_ctx *ctx, int64_t cid, entry **out)
{
	int64_t idx;
	if (tp__i64map_get(&sc->index, cid, &idx)) {
		*out = &sc->entries[idx];
		return TP_OK;
	}
	if (tp__grow((void **)&sc->entries, &sc->cap, sc->len + 1, sizeof *sc->entries) != 0)
		return tp_ctx_fail(ctx, TP_ERR_NOMEM, NULL, "out of memory");
	tp_store *s = sc->store;
	entry e = {.contact_id = cid, .probability = -1};
	e.state.caps = tp__arena_alloc(&sc->caps, ((size_t)sc->cfg->n_capped + 1) * sizeof *e.state.caps);
	if (!e.state.caps)
		return tp_ctx_fail(ctx, TP_ERR_NOMEM, NULL, "out of memory");
	memset(e.state.caps, 0, ((size_t)sc->cfg->n_capped + 1) * sizeof *e.state.caps);
	tp_score_row row;
	int found;
	tp_status rc = s->ops->score_get(s, ctx, cid, &row, &found);
	if (rc != TP_OK)
		return rc;
	if (found) {
		/* All of the row before the next store call: its texts live in the
		 * store's scratch, which that call (fit_of's contact read) reuses. */
		e.state.engagement = row.engagement;
		e.state.at = row.engagement_at;
		e.probability = row.probability;
		caps_parse(row.caps, e.state.caps, sc->cfg->n_capped);
		/* One contact lookup gives both the stage and the fit; a rebuild
		 * needs them only at flush, once, however many traits its events
		 * bring. */
		if ((rc = fit_of(ctx, s, sc->cfg, cid, &e.fit, &e.stage)) != TP_OK)
			return rc;
	} else {
		/* Never scored: the contact may have history from before (an older
		 * version, a contacts import): rebuild it rather than start at 0. */
		e.rebuild = 1;
	}
	e.fit_stale = !found;
	if (tp__i64map_put(&sc->index, cid, (int64_t)sc->len) != 0)
		return tp_ctx_fail(ctx, TP_ERR_NOMEM, NULL, "out of memory");
	sc->entries[sc->len] = e;
	*out = &sc->entries[sc->len++];
	return TP_OK;
}

tp_status tp_scorer_event(tp_scorer *sc, tp_ctx *ctx, int64_t contact_id, const tp_event *ev,
                          tp_channel channel)
{
	entry *e;
	tp_status rc = entry_of(sc, ctx, contact_id, &e);
	if (rc != TP_OK)
		return rc;
	int traits = ev->call == TP_CALL_IDENTIFY || ev->call == TP_CALL_GROUP || ev->traits.email;
	e->dirty = 1;
	if (e->rebuild) {
		e->fit_stale |= traits;
		return TP_OK;   /* the replay at flush will see this event too */
	}
	if (traits && (rc = fit_of(ctx, sc->store, sc->cfg, contact_id, &e->fit, NULL)) != TP_OK)
		return rc;
	tp_score_event se;
	tp_score_event_of_event(ev, channel, &se);
	if (!tp_score_apply(sc->cfg, &e->state, &se, NULL, NULL) || !sc->auto_mql ||
	    !qualifies_for_mql(e->stage) || e->mql_at)
		return TP_OK;
	double total = tp_score_total(sc->cfg, e->fit, tp_score_engagement_at(sc->cfg, &e->state, ev->ts));
	if (total >= sc->cfg->mql_threshold && e->fit >= sc->cfg->mql_min_fit) {
		e->mql_at = ev->ts;
		e->mql_total = total;
	}
	return TP_OK;
}

tp_status tp_scorer_rebuild(tp_scorer *sc, tp_ctx *ctx, int64_t contact_id)
{
	entry *e;
	tp_status rc = entry_of(sc, ctx, contact_id, &e);
	if (rc == TP_OK)
		e->rebuild = e->dirty = e->fit_stale = 1;
	return rc;
}

tp_status tp_scorer_forget(tp_scorer *sc, tp_ctx *ctx, int64_t contact_id)
{
	int64_t idx;
	if (tp__i64map_get(&sc->index, contact_id, &idx))
		sc->entries[idx].dirty = sc->entries[idx].rebuild = 0;
	return sc->store->ops->score_delete(sc->store, ctx, contact_id);
}

void tp_scorer_replay_in_one_pass(tp_scorer *sc, int on)
{
	sc->one_pass = on;
}

/* A replay of e from nothing. */
static replay replay_from_zero(const tp_scorer *sc, entry *e)
{
	memset(&e->state, 0, offsetof(tp_score_state, caps));
	memset(e->state.caps, 0, (size_t)sc->cfg->n_capped * sizeof *e->state.caps);
	return (replay){sc->cfg, &e->state, e->fit,
	                sc->auto_mql && qualifies_for_mql(e->stage) && !e->mql_at, 0, 0, 0};
}

static void replay_done(entry *e, const replay *r)
{
	if (r->crossed_at) {
		e->mql_at = r->crossed_at;
		e->mql_total = r->crossed_total;
	}
	e->rebuild = 0;
}

/* One sequential pass over every owned event: the rows of the contacts to
 * rebuild are kept (what scoring reads of them), sorted by contact, time
 * and id, as events_for_scoring gives them, and replayed. Read in the
 * order of the index instead, each row was a random page read. */
typedef struct pass_row {
	size_t entry;          /* index in the scorer's entries */
	int64_t id;
	tp_score_event ev;
} pass_row;

typedef struct pass {
	tp_scorer *sc;
	pass_row *rows;
	size_t n, cap;
	tp_arena assets;       /* the rows' asset names */
	int nomem;
} pass;

static int pass_touch(void *user, const tp_touch_record *t)
{
	pass *p = user;
	int64_t idx;
	if (!tp__i64map_get(&p->sc->index, t->contact_id, &idx) || !p->sc->entries[idx].dirty ||
	    !p->sc->entries[idx].rebuild)
		return 0;
	if (tp__grow((void **)&p->rows, &p->cap, p->n + 1, sizeof *p->rows) != 0) {
		p->nomem = 1;
		return 1;
	}
	pass_row *r = &p->rows[p->n++];
	r->entry = (size_t)idx;
	r->id = t->id;
	tp_score_event_of_record(t, &r->ev);
	/* The record's strings die with the next row. */
	if (r->ev.asset && !(r->ev.asset = tp__arena_strndup(&p->assets, r->ev.asset,
	                                                     strlen(r->ev.asset)))) {
		p->nomem = 1;
		return 1;
	}
	return 0;
}

static int pass_row_order(const void *x, const void *y)
{
	const pass_row *a = x, *b = y;
	if (a->entry != b->entry)
		return a->entry < b->entry ? -1 : 1;
	if (a->ev.ts != b->ev.ts)
		return a->ev.ts < b->ev.ts ? -1 : 1;
	return (a->id > b->id) - (a->id < b->id);
}

/* Insertion sort, which is linear on the nearly sorted; a group far from
 * sorted (more moves than a few per row) is left to qsort. */
static void sort_group(pass_row *g, size_t len)
{
	size_t moves = 0;
	for (size_t i = 1; i < len; i++) {
		pass_row r = g[i];
		size_t j = i;
		for (; j > 0 && pass_row_order(&g[j - 1], &r) > 0; j--)
			g[j] = g[j - 1];
		g[j] = r;
		if ((moves += i - j) > 4 * len) {
			qsort(g, len, sizeof *g, pass_row_order);
			return;
		}
	}
}

/* Sorts the rows as pass_row_order does, in place. They are distributed
 * to their entries' groups first (entries are dense indexes, so a counting
 * sort does it in linear time), then each group is sorted by time; a group
 * arrives in id order, which is nearly time order. qsort of the whole was
 * 2.6% of a 1M-event import. */
static int sort_rows(pass_row *rows, size_t n, size_t n_entries)
{
	if (!n)
		return 0;
	size_t *next = calloc(n_entries, sizeof *next), *end = calloc(n_entries, sizeof *end);
	if (!next || !end) {
		free(next);
		free(end);
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		end[rows[i].entry]++;
	for (size_t e = 0, at = 0; e < n_entries; e++) {
		next[e] = at;
		at += end[e];
		end[e] = at;
	}
	/* Each row taken out of a slot goes to its group's next free slot,
	 * displacing the row there, until one belongs where the chain began. */
	for (size_t e = 0; e < n_entries; e++)
		while (next[e] < end[e]) {
			pass_row r = rows[next[e]];
			while (r.entry != e) {
				pass_row out = rows[next[r.entry]];
				rows[next[r.entry]++] = r;
				r = out;
			}
			rows[next[e]++] = r;
		}
	for (size_t e = 0, at = 0; e < n_entries; at = end[e++])
		sort_group(rows + at, end[e] - at);
	free(next);
	free(end);
	return 0;
}

static tp_status replay_in_one_pass(tp_scorer *sc, tp_ctx *ctx)
{
	pass p = {.sc = sc};
	tp__arena_init(&p.assets, 64 * 1024);
	tp_status rc = sc->store->ops->events_for_scoring_all(sc->store, ctx, pass_touch, &p);
	if (rc == TP_OK && (p.nomem || sort_rows(p.rows, p.n, sc->len) != 0))
		rc = tp_ctx_fail(ctx, TP_ERR_NOMEM, NULL, "out of memory");
	if (rc == TP_OK) {
		for (size_t i = 0; i < p.n;) {
			entry *e = &sc->entries[p.rows[i].entry];
			replay r = replay_from_zero(sc, e);
			for (size_t of = p.rows[i].entry; i < p.n && p.rows[i].entry == of; i++)
				replay_event(&r, &p.rows[i].ev);
			replay_done(e, &r);
		}
		/* Those with no event left (all moved by a merge) score from nothing. */
		for (size_t i = 0; i < sc->len; i++) {
			entry *e = &sc->entries[i];
			if (e->dirty && e->rebuild) {
				replay r = replay_from_zero(sc, e);
				replay_done(e, &r);
			}
		}
	}
	free(p.rows);
	tp__arena_free(&p.assets);
	return rc;
}

tp_status tp_scorer_flush(tp_scorer *sc, tp_ctx *ctx)
{
	tp_store *s = sc->store;
	int64_t now = tp_ctx_now(ctx);
	tp_status rc = TP_OK;
	for (size_t i = 0; i < sc->len && rc == TP_OK; i++) {
		entry *e = &sc->entries[i];
		if (e->dirty && e->fit_stale) {
			rc = fit_of(ctx, s, sc->cfg, e->contact_id, &e->fit, &e->stage);
			e->fit_stale = 0;
		}
	}
	if (rc == TP_OK && sc->one_pass && s->ops->events_for_scoring_all)
		rc = replay_in_one_pass(sc, ctx);
	for (size_t i = 0; i < sc->len && rc == TP_OK; i++) {
		entry *e = &sc->entries[i];
		if (!e->dirty)
			continue;
		if (e->rebuild) {
			replay r = replay_from_zero(sc, e);
			if ((rc = s->ops->events_for_scoring(s, ctx, e->contact_id, replay_touch, &r)) != TP_OK)
				break;
			replay_done(e, &r);
		}
		if ((rc = write_score(ctx, s, sc->cfg, e->contact_id, e->fit, &e->state, e->probability,
		                      now)) != TP_OK)
			break;
		if (e->mql_at && qualifies_for_mql(e->stage)) {
			if ((rc = move_to_mql(ctx, s, sc->cfg, e->contact_id, e->mql_at, e->mql_total)) != TP_OK)
				break;
			e->stage = TP_STAGE_MQL;
			sc->mql_moves++;
		}
		e->mql_at = 0;
		e->dirty = 0;
	}
	/* Single writer assumed while cached; a large cache is let go. */
	if (rc == TP_OK && sc->len > 200000)
		tp_scorer_reset(sc);
	return rc;
}

/* ---- recompute ------------------------------------------------------------ */

typedef struct recompute {
	tp_ctx *ctx;
	tp_store *s;
	const tp_score_config *cfg;
	int auto_mql;
	tp_recompute_stats *stats;
	int64_t now;
	int64_t *ids;          /* contacts to score, ascending */
	size_t n_ids, cap_ids;
	tp_i64map stage;       /* contact id → stage */
	double *fit;           /* per ids[] */
	size_t at;             /* next ids[] to finish */
	int64_t current;       /* contact being replayed; 0 none */
	tp_score_state state;
	replay r;
	tp_status rc;
} recompute;

static int collect_contact(void *user, const tp_contact *c)
{
	recompute *rc = user;
	if (tp__grow((void **)&rc->ids, &rc->cap_ids, rc->n_ids + 1, sizeof *rc->ids) != 0) {
		rc->rc = TP_ERR_NOMEM;
		return 1;
	}
	rc->ids[rc->n_ids++] = c->id;
	if (tp__i64map_put(&rc->stage, c->id, (int64_t)c->stage) != 0) {
		rc->rc = TP_ERR_NOMEM;
		return 1;
	}
	return 0;
}

/* Writes contacts up to (not including) `upto`, the one replayed included. */
static tp_status finish_upto(recompute *x, int64_t upto)
{
	tp_status rc = TP_OK;
	while (x->at < x->n_ids && x->ids[x->at] < upto && rc == TP_OK) {
		int64_t cid = x->ids[x->at];
		tp_score_state empty = {0, 0, x->state.caps};
		const tp_score_state *st = cid == x->current ? &x->state : &empty;
		if (cid != x->current)
			memset(x->state.caps, 0, (size_t)x->cfg->n_capped * sizeof *x->state.caps);
		rc = write_score(x->ctx, x->s, x->cfg, cid, x->fit[x->at], st, -1, x->now);
		int64_t stage = TP_STAGE_LEAD;
		tp__i64map_get(&x->stage, cid, &stage);
		if (rc == TP_OK && cid == x->current && x->r.crossed_at && x->auto_mql &&
		    qualifies_for_mql((tp_stage)stage)) {
			rc = move_to_mql(x->ctx, x->s, x->cfg, cid, x->r.crossed_at, x->r.crossed_total);
			x->stats->mql_moves++;
		}
		x->stats->contacts++;
		x->at++;
	}
	return rc;
}

static size_t find_id(const recompute *x, int64_t cid)
{
	return x->at + tp__i64_lower_bound(x->ids + x->at, x->n_ids - x->at, cid);
}

static int recompute_touch(void *user, const tp_touch_record *t)
{
	recompute *x = user;
	x->stats->events++;
	if (t->contact_id != x->current) {
		size_t i = find_id(x, t->contact_id);
		if (i >= x->n_ids || x->ids[i] != t->contact_id)
			return 0;   /* owned by a merged contact's row: not a person of its own */
		/* The record's strings die at the next store call: take what the
		 * rules read first. */
		tp_score_event e;
		tp_score_event_of_record(t, &e);
		char asset[512];
		if (e.asset) {
			snprintf(asset, sizeof asset, "%s", e.asset);
			e.asset = asset;
		}
		if ((x->rc = finish_upto(x, t->contact_id)) != TP_OK)
			return 1;
		int64_t stage = TP_STAGE_LEAD;
		tp__i64map_get(&x->stage, t->contact_id, &stage);
		x->current = t->contact_id;
		memset(&x->state, 0, offsetof(tp_score_state, caps));
		memset(x->state.caps, 0, (size_t)x->cfg->n_capped * sizeof *x->state.caps);
		x->r = (replay){x->cfg, &x->state, x->fit[i],
		                x->auto_mql && qualifies_for_mql((tp_stage)stage), 0, 0, 0};
		replay_event(&x->r, &e);
		return 0;
	}
	tp_score_event e;
	tp_score_event_of_record(t, &e);
	replay_event(&x->r, &e);
	return 0;
}

tp_status tp_score_recompute(tp_ctx *ctx, tp_store *s, const tp_score_config *cfg, int auto_mql,
                             tp_recompute_stats *stats)
{
	memset(stats, 0, sizeof *stats);
	recompute x = {.ctx = ctx, .s = s, .cfg = cfg, .auto_mql = auto_mql, .stats = stats,
	               .now = tp_ctx_now(ctx)};
	tp__i64map_init(&x.stage);
	x.state.caps = calloc((size_t)cfg->n_capped + 1, sizeof *x.state.caps);
	tp_contact_filter f = {.stage = -1};
	tp_status rc = x.state.caps ? s->ops->contacts_list(s, ctx, &f, collect_contact, &x)
	                            : TP_ERR_NOMEM;
	if (rc == TP_OK && x.rc != TP_OK)
		rc = x.rc;
	if (rc == TP_OK && !(x.fit = calloc(x.n_ids + 1, sizeof *x.fit)))
		rc = TP_ERR_NOMEM;
	/* Fit first, in one pass: the event scan below must not be interleaved
	 * with lookups that reuse the store's record buffers. */
	for (size_t i = 0; rc == TP_OK && i < x.n_ids; i++)
		rc = fit_of(ctx, s, cfg, x.ids[i], &x.fit[i], NULL);
	if (rc == TP_OK) {
		rc = s->ops->events_scan(s, ctx, recompute_touch, &x);
		if (rc == TP_OK && x.rc != TP_OK)
			rc = x.rc;
	}
	if (rc == TP_OK)
		rc = finish_upto(&x, INT64_MAX);
	if (rc == TP_ERR_NOMEM)
		rc = tp_ctx_fail(ctx, TP_ERR_NOMEM, NULL, "out of memory");
	free(x.ids);
	free(x.fit);
	free(x.state.caps);
	tp__i64map_free(&x.stage);
	return rc;
}

/* ---- explain and read ---------------------------------------------------- */

static int explain_touch(void *user, const tp_touch_record *t)
{
	tp_score_event e;
	tp_score_event_of_record(t, &e);
	tp_explainer_event(user, &e);
	return 0;
}

tp_status tp_score_explain(tp_ctx *ctx, tp_store *s, const tp_score_config *cfg,
                           int64_t contact_id, tp_explainer **out)
{
	tp_fit_input in;
	char buf[1024];
	tp_status rc = tp_fit_input_of_contact(ctx, s, contact_id, &in, buf, sizeof buf, NULL);
	if (rc != TP_OK)
		return rc;
	tp_explainer *x = tp_explainer_create(cfg, &in);
	if (!x)
		return tp_ctx_fail(ctx, TP_ERR_NOMEM, NULL, "out of memory");
	if ((rc = s->ops->events_of_contact(s, ctx, contact_id, explain_touch, x)) != TP_OK) {
		tp_explainer_free(x);
		return rc;
	}
	*out = x;
	return TP_OK;
}

tp_status tp_score_now(tp_ctx *ctx, tp_store *s, const tp_score_config *cfg, int64_t contact_id,
                       int64_t now, tp_score_row *out, int *found)
{
	tp_status rc = s->ops->score_get(s, ctx, contact_id, out, found);
	if (rc != TP_OK || !*found)
		return rc;
	tp_score_state st = {out->engagement, out->engagement_at, NULL};
	double e = tp_score_engagement_at(cfg, &st, now);
	out->total = tp_score_total(cfg, out->fit, e);
	out->grade = tp_score_grade(out->total);
	out->engagement = e;
	out->engagement_at = now;
	out->caps = NULL;
	return TP_OK;
}
