/* Attribution throughput (issue 4 targets). Part one: 1,000,000 aggregated
 * paths over 12 channels, synthetic and skewed like real channel mixes;
 * Markov order 1 (target <= 2 s), order 2, Shapley and ordered Shapley, and
 * linear as a rule-based reference. The baseline is one pass over the same
 * steps that only counts channels: what reading the paths costs on this
 * machine in the same run. Part two (--db FILE, a demo workspace): reading
 * the journeys from the store and every timed rule-based model over them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "touchpoint/touchpoint.h"


static int die(tp_ctx *ctx)
{
	fprintf(stderr, "bench_attribution: %s\n", tp_ctx_message(ctx));
	return 1;
}

static int time_model(tp_ctx *ctx, const tp_journeys *j, tp_attr_opts o, const char *label,
                      double baseline)
{
	tp_attr_result r;
	double t0 = now_s();
	if (tp_attribute(ctx, j, &o, &r) != TP_OK)
		return die(ctx);
	double s = now_s() - t0;
	printf("  %-22s %8.4f s  %5.1fx baseline  (%.0f conversions credited", label, s,
	       baseline > 0 ? s / baseline : 0, r.total_conversions - r.unattributed_conversions);
	if (r.markov_states)
		printf(", %zu states", r.markov_states);
	printf(")\n");
	tp_attr_result_free(&r);
	return 0;
}

static int synthetic(tp_ctx *ctx, long n_paths)
{
	static const char *const names[12] = {"Paid Search", "Organic Search", "Direct", "Email",
		"Paid Social", "Organic Social", "Referral", "Display", "Webinar", "Events", "Partner",
		"Outbound"};
	/* Skewed: search, direct and email are common, events and partners rare. */
	static const int weight[12] = {20, 18, 16, 12, 8, 7, 5, 5, 4, 2, 2, 1};
	int cumulative[12], total = 0;
	for (int i = 0; i < 12; i++)
		cumulative[i] = total += weight[i];
	tp_journeys *j = tp_journeys_create();
	for (int i = 0; i < 12; i++)
		tp_journeys_channel(j, names[i]);
	double t0 = now_s();
	tp_journey_step steps[16];
	long n_steps = 0;
	for (long k = 0; k < n_paths; k++) {
		uint32_t len = 1 + next() % 4 + (next() % 3 == 0 ? next() % 8 : 0);
		for (uint32_t i = 0; i < len; i++) {
			int r = (int)(next() % (uint32_t)total), c = 0;
			while (cumulative[c] <= r)
				c++;
			steps[i] = (tp_journey_step){(uint32_t)c, 0, -1};
		}
		n_steps += len;
		double conv = next() % 100 < 10 + 3 * len ? 1 + next() % 3 : 0;
		double nulls = next() % 12;
		if (tp_journeys_add(ctx, j, steps, len, conv, conv * (50 + next() % 500), nulls, -1) != TP_OK)
			return die(ctx);
	}
	printf("%ld paths, %ld touches over 12 channels, built in %.3f s\n", n_paths, n_steps,
	       now_s() - t0);
	/* Baseline: read every step once. */
	t0 = now_s();
	long count[12] = {0};
	for (size_t k = 0; k < tp_journeys_count(j); k++) {
		tp_journey jr = tp_journeys_get(j, k);
		for (uint32_t i = 0; i < jr.n_steps; i++)
			count[jr.steps[i].channel]++;
	}
	double baseline = now_s() - t0;
	printf("  %-22s %8.4f s  (counted %ld touches of %s)\n", "baseline: one read", baseline,
	       count[0], names[0]);
	int rc = time_model(ctx, j, (tp_attr_opts){.model = TP_ATTR_MARKOV, .markov_order = 1},
	                    "markov order 1", baseline) ||
	         time_model(ctx, j, (tp_attr_opts){.model = TP_ATTR_MARKOV, .markov_order = 2},
	                    "markov order 2", baseline) ||
	         time_model(ctx, j, (tp_attr_opts){.model = TP_ATTR_SHAPLEY}, "shapley", baseline) ||
	         time_model(ctx, j, (tp_attr_opts){.model = TP_ATTR_SHAPLEY_ORDERED}, "shapley-ordered",
	                    baseline) ||
	         time_model(ctx, j, (tp_attr_opts){.model = TP_ATTR_LINEAR}, "linear", baseline);
	tp_journeys_free(j);
	return rc;
}

static int workspace(tp_ctx *ctx, const char *db)
{
	tp_store *s;
	if (tp_store_open_sqlite(ctx, db, NULL, TP_OPEN_EXISTING, &s) != TP_OK)
		return die(ctx);
	tp_journeys *j = tp_journeys_create();
	tp_journey_opts jo = {.conversion = TP_CONVERT_CUSTOMER};
	double t0 = now_s();
	if (tp_journeys_from_store(ctx, s, &jo, j) != TP_OK)
		return die(ctx);
	double read = now_s() - t0;
	size_t touches = 0;
	for (size_t k = 0; k < tp_journeys_count(j); k++)
		touches += tp_journeys_get(j, k).n_steps;
	printf("%s: %zu journeys, %zu touches read from the store in %.3f s\n", db,
	       tp_journeys_count(j), touches, read);
	int rc = 0;
	for (int m = 0; m < TP_ATTR__COUNT && !rc; m++)
		if (m != TP_ATTR_MARKOV && m != TP_ATTR_SHAPLEY && m != TP_ATTR_SHAPLEY_ORDERED)
			rc = time_model(ctx, j, (tp_attr_opts){.model = (tp_attr_model)m},
			                tp_attr_model_name((tp_attr_model)m), read);
	tp_journeys_free(j);
	tp_store_close(s);
	return rc;
}

int main(int argc, char **argv)
{
	long paths = 1000000;
	const char *db = NULL;
	for (int i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--paths") == 0)
			paths = strtol(argv[i + 1], NULL, 10);
		else if (strcmp(argv[i], "--db") == 0)
			db = argv[i + 1];
	}
	tp_ctx *ctx = tp_ctx_create();
	int rc = synthetic(ctx, paths);
	if (!rc && db) {
		printf("\n(rule-based models: \"baseline\" is the time to read the journeys)\n");
		rc = workspace(ctx, db);
	}
	tp_ctx_destroy(ctx);
	return rc;
}
