/* libFuzzer target: the input as a whole JSON Lines file through
 * tp_import_events, the loop that parses each record one ahead of its take,
 * on an in-memory SQLite workspace. Whatever the lines, every call the
 * import reports accepted is in the store, once. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "touchpoint/touchpoint.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static tp_ctx *ctx;
static tp_store *store;
static unsigned long inputs;

static int64_t events_stored(void)
{
	tp_store_counts c;
	if (store->ops->counts(store, ctx, &c) != TP_OK) {
		fprintf(stderr, "counts: %s\n", tp_ctx_message(ctx));
		abort();
	}
	return c.events;
}

/* Lines the import must count as records: all but the blank ones (spaces
 * and tabs only, a final '\r' dropped). */
static int64_t records_in(const uint8_t *data, size_t size)
{
	int64_t n = 0;
	for (size_t at = 0; at < size;) {
		size_t end = at;
		while (end < size && data[end] != '\n')
			end++;
		size_t len = end - at;
		if (len && data[at + len - 1] == '\r')
			len--;
		int blank = 1;
		for (size_t i = 0; i < len && blank; i++)
			blank = data[at + i] == ' ' || data[at + i] == '\t';
		n += !blank;
		at = end + 1;
	}
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size)
		return 0;
	if (!ctx)
		ctx = tp_ctx_create();
	/* A fresh workspace now and then: its first import is a bulk load. */
	if (!store || ++inputs % 16 == 0) {
		tp_store_close(store);
		if (tp_store_open_sqlite(ctx, ":memory:", NULL, TP_OPEN_CREATE, &store) != TP_OK)
			abort();
	}
	int64_t before = events_stored();
	FILE *in = fmemopen((void *)data, size, "r");
	if (!in)
		abort();
	/* Strict for odd sizes: all or nothing must hold too. */
	tp_import_opts o = {.strict = (int)(size & 1)};
	tp_import_stats st;
	tp_status rc = tp_import_events(ctx, store, in, &o, &st);
	fclose(in);
	if (rc != TP_OK && !(o.strict && (rc == TP_ERR_INVALID || rc == TP_ERR_TOO_BIG))) {
		/* Only the store could fail otherwise, and it is in memory: a bug. */
		fprintf(stderr, "import: %s: %s\n", tp_status_name(rc), tp_ctx_message(ctx));
		abort();
	}
	int64_t stored = events_stored() - before;
	if (stored != st.accepted) {
		fprintf(stderr, "import reported %lld calls accepted, the store gained %lld\n",
		        (long long)st.accepted, (long long)stored);
		abort();
	}
	/* Not a line lost or taken twice by the reader or the read-ahead; a
	 * NUL byte is a byte of its line. */
	if (rc == TP_OK && st.records != records_in(data, size)) {
		fprintf(stderr, "import counted %lld records of %lld lines\n", (long long)st.records,
		        (long long)records_in(data, size));
		abort();
	}
	return 0;
}
