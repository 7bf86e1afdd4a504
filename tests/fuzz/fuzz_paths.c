/* libFuzzer target: bytes as a ChannelAttribution path file
 * (report attribution --paths). A file that is refused must be refused
 * cleanly; one that is read must go through every model that takes path
 * files, and each must share out exactly the conversions it was given. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "touchpoint/touchpoint.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static tp_ctx *ctx;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!ctx)
		ctx = tp_ctx_create();
	FILE *in = fmemopen((void *)data, size ? size : 1, "r");
	if (!in)
		return 0;
	tp_journeys *j = tp_journeys_create();
	if (size && tp_journeys_read_paths(ctx, in, j) == TP_OK) {
		for (int m = 0; m < TP_ATTR__COUNT; m++)
			for (int order = 1; order <= (m == TP_ATTR_MARKOV ? 3 : 1); order++) {
				tp_attr_opts o = {.model = (tp_attr_model)m, .markov_order = order,
				                  .min_journeys = size % 3};
				tp_attr_result r;
				tp_status rc = tp_attribute(ctx, j, &o, &r);
				if (rc == TP_ERR_UNSUPPORTED || rc == TP_ERR_INVALID)
					continue;
				if (rc != TP_OK)
					abort();
				double sum = r.unattributed_conversions;
				for (size_t c = 0; c < r.n_channels; c++)
					sum += r.conversions[c];
				if (!(fabs(sum - r.total_conversions) <= 1e-6 * (1 + r.total_conversions)))
					abort();
				tp_attr_result_free(&r);
			}
		tp_paths_report pr;
		if (tp_paths_report_build(ctx, j, 5, &pr) == TP_OK)
			tp_paths_report_free(&pr);
	}
	tp_journeys_free(j);
	fclose(in);
	return 0;
}
