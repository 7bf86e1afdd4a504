/* libFuzzer target: one JSON Lines record through the Segment parser, then
 * (when it parses) through the whole import — identity, channel, store — on
 * an in-memory SQLite workspace, so that no input crashes or corrupts. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "touchpoint/touchpoint.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static tp_ctx *ctx;
static tp_store *store;
static tp_importer *imp;
static tp_segment_parser *parser;
static unsigned long inputs;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!ctx) {
		ctx = tp_ctx_create();
		parser = tp_segment_parser_create();
		if (tp_store_open_sqlite(ctx, ":memory:", NULL, TP_OPEN_CREATE, &store) != TP_OK ||
		    tp_importer_create(ctx, store, NULL, &imp) != TP_OK)
			abort();
	}
	const tp_parse_item *items;
	size_t n;
	if (tp_segment_parse(parser, ctx, (const char *)data, size, 0, &items, &n) == TP_OK)
		for (size_t i = 0; i < n; i++)
			if (items[i].status == TP_OK && !items[i].ev.message_id)
				abort(); /* an accepted call always has a messageId */
	tp_status rc = tp_importer_record(imp, ctx, (const char *)data, size, 1);
	if (rc != TP_OK && rc != TP_ERR_INVALID) {
		/* Only the store could fail here, and it is in memory: a failure is a bug. */
		fprintf(stderr, "importer: %s: %s\n", tp_status_name(rc), tp_ctx_message(ctx));
		abort();
	}
	/* State carries over between inputs (that is how long merge chains were
	 * found); committing now and then also runs the commit path and keeps
	 * the bulk load's single transaction from holding everything. */
	if (++inputs % 1000 == 0 && tp_importer_commit(imp, ctx) != TP_OK) {
		fprintf(stderr, "commit: %s\n", tp_ctx_message(ctx));
		abort();
	}
	return 0;
}
