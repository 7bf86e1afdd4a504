/* Anonymous rows held back during a bulk load. Written at once, an
 * anonymous touch whose visitor identifies later was updated at the end
 * of the load through the rebuilt indexes: a second write of the row and
 * two random index inserts (0.8 s of a 1M-event load, docs/PERFORMANCE.md).
 * Held back, it is written once, with its owner. The rows sit in chunks in
 * arrival order; over the budget the oldest chunk is written anonymous and
 * its visitors marked, so that their adoption still queues the update. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "store/sqlite/sqlite_int.h"

/* Emptied chunks kept for the next (outside the budget): freed, each new
 * one was 256 page faults. */
enum { CHUNK_BYTES = 1 << 20, SPARE_CHUNKS = 4 };
/* Holds every adoption of the demo's 1M-event load (docs/PERFORMANCE.md). */
#define DEFAULT_BUDGET ((size_t)16 << 20)

struct deferred_row {
	deferred_row *next;   /* the same visitor's next held-back row */
	defer_chunk *chunk;
	size_t size;          /* bytes taken in the chunk, texts included */
	size_t visitor;       /* index in defer_state.visitors */
	int written;
	event_cols cols;      /* texts point into the chunk, after the row */
};

struct defer_chunk {
	defer_chunk *newer, *older;
	size_t used, cap, live;
	_Alignas(max_align_t) char data[];
};

static size_t align8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

void tp__sq_defer_init(defer_state *d)
{
	memset(d, 0, sizeof *d);
	tp__strmap_init(&d->index);
}

void tp__sq_defer_free(defer_state *d)
{
	for (defer_chunk *c = d->oldest, *next; c; c = next) {
		next = c->newer;
		free(c);
	}
	for (defer_chunk *c = d->spare, *next; c; c = next) {
		next = c->newer;
		free(c);
	}
	tp__strmap_free(&d->index);
	free(d->visitors);
	memset(d, 0, sizeof *d);
}

static void unlink_chunk(defer_state *d, defer_chunk *c)
{
	if (c->older)
		c->older->newer = c->newer;
	else
		d->oldest = c->newer;
	if (c->newer)
		c->newer->older = c->older;
	else
		d->newest = c->older;
	d->bytes -= c->cap;
	if (d->n_spare < SPARE_CHUNKS) {
		c->newer = d->spare;
		d->spare = c;
		d->n_spare++;
	} else {
		free(c);
	}
}

/* A row leaves the chunk; an empty chunk other than the one being filled goes. */
static void row_written(defer_state *d, deferred_row *r)
{
	defer_chunk *c = r->chunk;
	r->written = 1;
	if (--c->live == 0 && c != d->newest)
		unlink_chunk(d, c);
}

/* Writes the oldest chunk's remaining rows anonymous; each is its visitor's
 * oldest held-back row. */
static tp_status spill_oldest(sqlite_store *s, tp_ctx *ctx)
{
	defer_state *d = &s->bulk.defer;
	defer_chunk *c = d->oldest;
	tp_status rc = TP_OK;
	for (size_t at = 0; at < c->used && rc == TP_OK;) {
		deferred_row *r = (deferred_row *)(c->data + at);
		at += r->size;
		if (r->written)
			continue;
		deferred_visitor *v = &d->visitors[r->visitor];
		v->head = r->next;
		if (!v->head)
			v->tail = NULL;
		v->spilled = 1;
		rc = tp__sq_event_write(s, ctx, &r->cols);
		r->written = 1;
	}
	if (rc == TP_OK)
		unlink_chunk(d, c);
	return rc;
}

/* Room for `need` bytes in the newest chunk, or a new chunk. */
static tp_status room(sqlite_store *s, tp_ctx *ctx, size_t need, defer_chunk **out)
{
	defer_state *d = &s->bulk.defer;
	size_t budget = s->defer_budget ? s->defer_budget : DEFAULT_BUDGET;
	if (d->newest && d->newest->cap - d->newest->used >= need) {
		*out = d->newest;
		return TP_OK;
	}
	/* Chunks of an eighth of a small budget, so that a test's budget spills. */
	size_t cap = budget / 8 < CHUNK_BYTES ? budget / 8 : CHUNK_BYTES;
	if (cap < need)
		cap = need;
	tp_status rc;
	while (d->oldest && d->bytes + cap > budget)
		if ((rc = spill_oldest(s, ctx)) != TP_OK)
			return rc;
	/* The chunk that was being filled may have been emptied by adoptions. */
	if (d->newest && !d->newest->live)
		unlink_chunk(d, d->newest);
	defer_chunk *c = d->spare;
	if (c) {
		d->spare = c->newer;
		d->n_spare--;
		if (c->cap != cap) {   /* a chunk made for one big row */
			free(c);
			c = NULL;
		}
	}
	if (!c && !(c = malloc(sizeof *c + cap)))
		return tp_ctx_fail(ctx, TP_ERR_NOMEM, NULL, "out of memory");
	memset(c, 0, sizeof *c);
	c->older = d->newest;
	c->cap = cap;
	if (d->newest)
		d->newest->newer = c;
	else
		d->oldest = c;
	d->newest = c;
	d->bytes += cap;
	*out = c;
	return TP_OK;
}

uint32_t tp__sq_defer_visitor(const defer_state *d, const char *anonymous_id)
{
	int64_t idx;
	return tp__strmap_get(&d->index, anonymous_id, &idx) ? (uint32_t)idx + 1 : 0;
}

static tp_status visitor_of(defer_state *d, tp_ctx *ctx, const char *anonymous_id, size_t *out)
{
	int64_t idx;
	if (tp__strmap_get(&d->index, anonymous_id, &idx)) {
		*out = (size_t)idx;
		return TP_OK;
	}
	if (d->n_visitors >= UINT32_MAX - 1 ||
	    tp__grow((void **)&d->visitors, &d->cap_visitors, d->n_visitors + 1,
	             sizeof *d->visitors) != 0 ||
	    tp__strmap_put(&d->index, anonymous_id, (int64_t)d->n_visitors) != 0)
		return tp_ctx_fail(ctx, TP_ERR_NOMEM, NULL, "out of memory");
	d->visitors[d->n_visitors] = (deferred_visitor){0};
	*out = d->n_visitors++;
	return TP_OK;
}

tp_status tp__sq_defer(sqlite_store *s, tp_ctx *ctx, const event_cols *cols)
{
	defer_state *d = &s->bulk.defer;
	size_t len[EC__TEXTS], need = align8(sizeof(deferred_row));
	for (int i = 0; i < EC__TEXTS; i++)
		if (cols->text[i])
			need += len[i] = strlen(cols->text[i]) + 1;
	need = align8(need);
	size_t visitor = 0;
	defer_chunk *c = NULL;
	tp_status rc;
	if ((rc = visitor_of(d, ctx, cols->text[EC_ANONYMOUS_ID], &visitor)) != TP_OK ||
	    (rc = room(s, ctx, need, &c)) != TP_OK)
		return rc;
	deferred_row *r = (deferred_row *)(c->data + c->used);
	*r = (deferred_row){.chunk = c, .size = need, .visitor = visitor, .cols = *cols};
	r->cols.visitor = (uint32_t)visitor + 1;
	char *text = (char *)r + align8(sizeof *r);
	for (int i = 0; i < EC__TEXTS; i++)
		if (cols->text[i]) {
			memcpy(text, cols->text[i], len[i]);
			r->cols.text[i] = text;
			text += len[i];
		}
	c->used += need;
	c->live++;
	deferred_visitor *v = &d->visitors[visitor];
	if (v->tail)
		v->tail->next = r;
	else
		v->head = r;
	v->tail = r;
	return TP_OK;
}

tp_status tp__sq_defer_adopt(sqlite_store *s, tp_ctx *ctx, const char *anonymous_id,
                             int64_t contact_id, int64_t origin, int *spilled)
{
	defer_state *d = &s->bulk.defer;
	int64_t idx;
	/* A visitor never held back had no anonymous row in this load, and the
	 * table was empty when it began. */
	*spilled = 0;
	if (!tp__strmap_get(&d->index, anonymous_id, &idx))
		return TP_OK;
	deferred_visitor *v = &d->visitors[idx];
	*spilled = v->spilled;
	tp_status rc = TP_OK;
	while (v->head && rc == TP_OK) {
		deferred_row *r = v->head;
		v->head = r->next;
		r->cols.contact_id = contact_id;
		r->cols.origin_contact_id = origin;
		rc = tp__sq_event_write(s, ctx, &r->cols);
		row_written(d, r);
	}
	if (!v->head)
		v->tail = NULL;
	return rc;
}

tp_status tp__sq_defer_flush(sqlite_store *s, tp_ctx *ctx)
{
	defer_state *d = &s->bulk.defer;
	tp_status rc = TP_OK;
	while (d->oldest && rc == TP_OK)
		rc = spill_oldest(s, ctx);
	return rc;
}
