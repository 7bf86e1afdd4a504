/* libFuzzer target: bytes as a scoring configuration (score rules --set).
 * A document that is refused must be refused cleanly; one that is accepted
 * must score: a replayed person, with events the bytes pick, must get a
 * total in 0..100 whose explanation adds up to it exactly. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "touchpoint/touchpoint.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static tp_ctx *ctx;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!ctx)
		ctx = tp_ctx_create();
	char *json = malloc(size + 1);
	if (!json)
		return 0;
	memcpy(json, data, size);
	json[size] = '\0';
	tp_score_config *cfg;
	if (tp_score_config_parse(ctx, json, &cfg) != TP_OK) {
		free(json);
		return 0;
	}
	tp_fit_input fit = {.title = "VP Marketing", .industry = "software", .country = "US",
	                    .email = "a@example.com", .employees = (int64_t)(size % 5000)};
	tp_explainer *x = tp_explainer_create(cfg, &fit);
	if (!x)
		abort();
	/* Events from the document's own bytes, a day apart at most. */
	int64_t ts = 1700000000000;
	for (size_t i = 0; i + 3 < size && i < 256; i += 4) {
		tp_score_event ev = {
			.ts = ts,
			.touch = (tp_touch)(data[i] % TP_TOUCH__COUNT),
			.channel = (tp_channel)(data[i + 1] % TP_CH__COUNT),
			.page_category = (int)(data[i + 2] % 11) - 1,
			.asset = (data[i + 3] & 1) ? "ebook" : NULL,
			.video_percent = (int)(data[i + 3] % 102) - 1,
		};
		tp_explainer_event(x, &ev);
		ts += (int64_t)(data[i + 3] % 25) * 3600000;
	}
	const tp_score_explanation *e = tp_explainer_finish(x, ts + 86400000);
	if (e) {
		int64_t sum = 0;
		for (size_t i = 0; i < e->n_parts; i++)
			sum += e->parts[i].cents;
		if (!(e->total >= 0 && e->total <= 100) || sum != e->total_cents ||
		    e->grade < 1 || e->grade > 10)
			abort();
	}
	tp_explainer_free(x);
	tp_score_config_free(cfg);
	free(json);
	return 0;
}
