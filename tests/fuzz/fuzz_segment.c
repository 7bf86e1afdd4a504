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
	/* The collector's path too: the endpoint's call type from the first byte
	 * (-1 = /v1/batch, 0..5 = /v1/identify../v1/alias, 6 = a file). */
	int call = size ? (int)(data[0] % 8) - 1 : -1;
	if (call < 6 && tp_segment_parse_live(parser, ctx, (const char *)data, size, 0, call, &items,
	                                      &n) == TP_OK)
		for (size_t i = 0; i < n; i++)
			if (items[i].status == TP_OK && (!items[i].ev.message_id ||
			                                 (call >= 0 && (int)items[i].ev.call != call)))
				abort(); /* a call of another type than the endpoint's got through */
	tp_status rc = call < 6 ? tp_importer_record_live(imp, ctx, (const char *)data, size, call)
	                        : tp_importer_record(imp, ctx, (const char *)data, size, 1);
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
