/* libFuzzer target: bytes as the opportunity probability spec
 * ("proposal=40,won=100", opportunities stages --set). Accepted specs are
 * stored and must read back as whole percents 0..100 for every stage;
 * refused ones must leave the stored table as it was. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "touchpoint/touchpoint.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static tp_ctx *ctx;
static tp_store *store;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!ctx) {
		ctx = tp_ctx_create();
		if (tp_store_open_sqlite(ctx, ":memory:", NULL, TP_OPEN_CREATE, &store) != TP_OK)
			abort();
	}
	char *spec = malloc(size + 1);
	if (!spec)
		return 0;
	memcpy(spec, data, size);
	spec[size] = '\0';
	int before[TP_OPP__COUNT], after[TP_OPP__COUNT];
	if (tp_opp_probabilities(ctx, store, before) != TP_OK)
		abort();
	tp_status rc = tp_opp_probabilities_set(ctx, store, spec);
	if (tp_opp_probabilities(ctx, store, after) != TP_OK)
		abort();
	for (int i = 0; i < TP_OPP__COUNT; i++)
		if (after[i] < 0 || after[i] > 100 || (rc != TP_OK && after[i] != before[i]))
			abort();
	free(spec);
	return 0;
}
