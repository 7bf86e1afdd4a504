/* What a bulk load wrote, kept for the scoring that follows it. After a
 * first load every contact replays its score from its events; reading them
 * back from the table was a sequential read of every row (0.5 s of a
 * 1M-event load, docs/PERFORMANCE.md). The load writes every row itself,
 * so it keeps what scoring reads of each, and the owners its queued updates
 * change, and answers events_for_scoring_all from memory until the
 * transaction ends. Any other write of events meanwhile drops the capture,
 * and the table answers. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/i64map.h"
#include "store/sqlite/sqlite_int.h"

struct captured_row {
	int64_t contact_id;   /* when written; 0: anonymous */
	int64_t ts;
	uint32_t page_category, asset;   /* names index + 1, 0 none */
	uint32_t visitor;     /* its held-back visitor + 1, 0 none: what an adoption matches */
	unsigned char touch, channel;
	signed char video_percent;
};
_Static_assert(TP_TOUCH__COUNT <= 256 && TP_CH__COUNT <= 256, "a touch and a channel fit a byte");

/* A queued update, in the order the store applies them. */
struct captured_update {
	int adopt;            /* else a reassign */
	int64_t from;         /* reassign: the old owner; adopt: the visitor + 1 */
	int64_t to;
};

/* 128 MB of rows: a larger load's scores read the table again. */
#define DEFAULT_MAX_ROWS ((size_t)1 << 22)

void tp__sq_capture_begin(capture *c, size_t max_rows)
{
	tp__sq_capture_drop(c);
	c->on = 1;
	c->max_rows = max_rows ? max_rows : DEFAULT_MAX_ROWS;
	tp__strmap_init(&c->names);
	tp__arena_init(&c->texts, 16 * 1024);
}

void tp__sq_capture_drop(capture *c)
{
	if (c->on) {
		tp__strmap_free(&c->names);
		tp__arena_free(&c->texts);
	}
	free(c->list);
	free(c->rows);
	free(c->updates);
	memset(c, 0, sizeof *c);
}

/* A name's number + 1, kept once (a workspace has few page categories and
 * assets); 0 when out of memory. */
static uint32_t intern(capture *c, const char *name)
{
	int64_t at;
	if (tp__strmap_get(&c->names, name, &at))
		return (uint32_t)at + 1;
	const char *copy = tp__arena_strndup(&c->texts, name, strlen(name));
	if (!copy || c->n_list >= UINT32_MAX - 1 ||
	    tp__grow((void **)&c->list, &c->cap_list, c->n_list + 1, sizeof *c->list) != 0 ||
	    tp__strmap_put(&c->names, name, (int64_t)c->n_list) != 0)
		return 0;
	c->list[c->n_list] = copy;
	return (uint32_t)++c->n_list;
}

void tp__sq_capture_row(capture *c, int64_t id, const event_cols *e)
{
	if (!c->on)
		return;
	const char *cat_name = e->text[EC_PAGE_CATEGORY], *asset_name = e->text[EC_ASSET];
	uint32_t cat = 0, asset = 0;
	/* Rows numbered 1, 2, ... as the load began on an empty table. */
	int dense = id == (int64_t)c->n + 1;
	if (!dense || c->n >= c->max_rows || e->video_percent < -1 || e->video_percent > 100 ||
	    tp__grow((void **)&c->rows, &c->cap, c->n + 1, sizeof *c->rows) != 0 ||
	    (cat_name && !(cat = intern(c, cat_name))) ||
	    (asset_name && !(asset = intern(c, asset_name)))) {
		tp__sq_capture_drop(c);
		return;
	}
	c->rows[c->n++] = (captured_row){e->contact_id, e->ts, cat, asset, e->visitor,
	                                 (unsigned char)e->touch, (unsigned char)e->channel,
	                                 (signed char)e->video_percent};
}

void tp__sq_capture_update(capture *c, int adopt, int64_t from, int64_t to)
{
	if (!c->on)
		return;
	if (adopt && !from)
		return;   /* a visitor never held back: none of its rows is anonymous */
	if (tp__grow((void **)&c->updates, &c->cap_updates, c->n_updates + 1,
	             sizeof *c->updates) != 0) {
		tp__sq_capture_drop(c);
		return;
	}
	c->updates[c->n_updates++] = (captured_update){adopt, from, to};
}

/* The owner after the updates from `at` on, as the store applies them in
 * order: each reassign moves the rows its old owner has by then. */
static int64_t owner_after(const capture *c, size_t at, int64_t owner)
{
	for (size_t i = at; i < c->n_updates; i++)
		if (!c->updates[i].adopt && c->updates[i].from == owner)
			owner = c->updates[i].to;
	return owner;
}

tp_status tp__sq_capture_scan(capture *c, tp_ctx *ctx, tp_touch_fn fn, void *user, int *served)
{
	*served = 0;
	if (!c->on)
		return TP_OK;
	/* Per visitor, the first adoption that reaches its anonymous rows; per
	 * owner, whether any reassign moves it. */
	tp_i64map adopted, moved;
	tp__i64map_init(&adopted);
	tp__i64map_init(&moved);
	int nomem = 0;
	for (size_t i = 0; i < c->n_updates && !nomem; i++) {
		const captured_update *u = &c->updates[i];
		int64_t seen;
		if (u->adopt && !tp__i64map_get(&adopted, u->from, &seen))
			nomem = tp__i64map_put(&adopted, u->from, (int64_t)i) != 0;
		else if (!u->adopt)
			nomem = tp__i64map_put(&moved, u->from, 1) != 0;
	}
	for (size_t i = 0; i < c->n && !nomem; i++) {
		const captured_row *r = &c->rows[i];
		int64_t owner = r->contact_id, at;
		if (!owner && r->visitor && tp__i64map_get(&adopted, r->visitor, &at))
			owner = owner_after(c, (size_t)at + 1, c->updates[at].to);
		else if (owner && tp__i64map_get(&moved, owner, &at))
			owner = owner_after(c, 0, owner);
		if (!owner)
			continue;
		tp_touch_record t = {
			.id = (int64_t)i + 1,
			.ts = r->ts,
			.contact_id = owner,
			.type = tp_touch_name((tp_touch)r->touch),
			.channel = tp_channel_name((tp_channel)r->channel),
			.page_category = r->page_category ? c->list[r->page_category - 1] : NULL,
			.asset = r->asset ? c->list[r->asset - 1] : NULL,
			.video_percent = r->video_percent,
			.coded = 1,
			.touch = r->touch,
			.channel_code = r->channel,
		};
		if (fn(user, &t))
			break;
	}
	tp__i64map_free(&adopted);
	tp__i64map_free(&moved);
	if (nomem)
		return tp_ctx_fail(ctx, TP_ERR_NOMEM, NULL, "out of memory");
	*served = 1;
	return TP_OK;
}
