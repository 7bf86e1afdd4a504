/* Contacts read or written in the open transaction, answered without SQLite
 * the next time they are read. An import reads one contact many times: its
 * identify calls, the scorer's fit at the end, its MQL move; on the demo's
 * 300K calls, 28,000 of 37,000 reads were of a contact read or written
 * before in the same transaction, each a statement of 12,000 instructions.
 * While the connection holds its transaction no one else writes, and every
 * write of a contact goes through this store (s_contact_put, the erase),
 * which keeps or forgets it here; a commit or a rollback forgets all. A
 * read answered here copies the texts to the store's scratch, as one from
 * SQLite does, so that they live exactly as long. */
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "store/records.h"
#include "store/sqlite/sqlite_int.h"

/* Beyond them the cache starts again: texts copied on every write add up,
 * and a load of a million people would keep a million rows (150 MB). */
enum { TEXT_BUDGET = 64 * 1024 * 1024, MAX_ROWS = 1 << 18 };

void tp__sq_contact_cache_init(contact_cache *c)
{
	memset(c, 0, sizeof *c);
	tp__i64map_init(&c->index);
	tp__arena_init(&c->texts, 64 * 1024);
}

void tp__sq_contact_cache_drop(contact_cache *c)
{
	tp__i64map_free(&c->index);
	free(c->rows);
	tp__arena_free(&c->texts);
	tp__sq_contact_cache_init(c);
}

const tp_contact *tp__sq_contact_cache_get(const contact_cache *c, int64_t id)
{
	int64_t at;
	return tp__i64map_get(&c->index, id, &at) && at ? &c->rows[at - 1] : NULL;
}

void tp__sq_contact_cache_keep(contact_cache *c, const tp_contact *row)
{
	int64_t at = 0;
	(void)tp__i64map_get(&c->index, row->id, &at);
	if (!at && c->n >= MAX_ROWS)
		tp__sq_contact_cache_drop(c);
	if (!at && tp__grow((void **)&c->rows, &c->cap, c->n + 1, sizeof *c->rows) != 0) {
		tp__sq_contact_cache_drop(c);
		return;
	}
	tp_contact copy = *row;
	ptrdiff_t copied = tp__contact_copy_texts(&c->texts, &copy);
	if (copied < 0 || (c->text_bytes += (size_t)copied) > TEXT_BUDGET) {
		tp__sq_contact_cache_drop(c);
		return;
	}
	if (!at) {
		at = (int64_t)++c->n;
		if (tp__i64map_put(&c->index, row->id, at) != 0) {
			tp__sq_contact_cache_drop(c);
			return;
		}
	}
	c->rows[at - 1] = copy;
}

void tp__sq_contact_cache_forget(contact_cache *c, int64_t id)
{
	int64_t at;
	if (tp__i64map_get(&c->index, id, &at) && at)
		(void)tp__i64map_put(&c->index, id, 0);
}
