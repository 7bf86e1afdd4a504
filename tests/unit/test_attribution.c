/* Attribution models against hand-computed cases (a 3-channel Markov chain
 * solved on paper, Shapley values known by construction, each rule-based
 * weighting), and properties that hold for any input: credits add up to the
 * totals, a channel never touched gets nothing, Markov's conversion
 * probability is the observed rate, and the simplified Shapley value equals
 * the Shapley value computed over every ordering of the channels. */
#include <math.h>

#include "helpers.h"

#define DAY (86400000LL)
#define EPS 1e-9

static tp_journeys *paths_of(const char *text)
{
	tp_ctx *ctx = tp_ctx_create();
	tp_journeys *j = tp_journeys_create();
	FILE *in = fmemopen((void *)text, strlen(text), "r");
	tp_status rc = tp_journeys_read_paths(ctx, in, j);
	if (rc != TP_OK)
		fail_msg("paths: %s", tp_ctx_message(ctx));
	fclose(in);
	tp_ctx_destroy(ctx);
	return j;
}

static double credit_of(const tp_journeys *j, const tp_attr_result *r, const char *name)
{
	for (size_t c = 0; c < r->n_channels; c++)
		if (strcmp(tp_journeys_channel_name(j, (uint32_t)c), name) == 0)
			return r->conversions[c];
	fail_msg("no channel %s", name);
	return NAN;
}

static size_t channel_of(const tp_journeys *j, const char *name)
{
	for (size_t c = 0; c < tp_journeys_n_channels(j); c++)
		if (strcmp(tp_journeys_channel_name(j, (uint32_t)c), name) == 0)
			return c;
	fail_msg("no channel %s", name);
	return 0;
}

static tp_attr_result run(const tp_journeys *j, tp_attr_opts o)
{
	tp_ctx *ctx = tp_ctx_create();
	tp_attr_result r;
	if (tp_attribute(ctx, j, &o, &r) != TP_OK)
		fail_msg("%s: %s", tp_attr_model_name(o.model), tp_ctx_message(ctx));
	tp_ctx_destroy(ctx);
	return r;
}

/* A > B converts (100), A does not, B > C converts (50), C does not.
 * On paper (order 1): x_C = 1/2, x_B = 3/4, x_A = 3/8, x_START = 1/2.
 * Without A: 5/16, removal effect 3/8; without B: 1/8, 3/4; without C:
 * 1/4, 1/2. Credits of 2 conversions: 6/13, 12/13, 8/13. On revenue the
 * expected value is 37.5 and the removal effects 5/12, 5/6, 1/3, so the
 * 150 is shared 5:10:4. */
static const char *const paper_paths =
	"path;total_conversions;total_conversion_value;total_null\n"
	"A > B;1;100;0\n"
	"A;0;0;1\n"
	"B > C;1;50;0\n"
	"C;0;0;1\n";

static void markov_order_1_matches_the_paper(void **state)
{
	(void)state;
	tp_journeys *j = paths_of(paper_paths);
	tp_attr_result r = run(j, (tp_attr_opts){.model = TP_ATTR_MARKOV, .markov_order = 1});
	assert_true(fabs(r.conversion_probability - 0.5) < EPS);
	size_t a = channel_of(j, "A"), b = channel_of(j, "B"), c = channel_of(j, "C");
	assert_true(fabs(r.removal_effect[a] - 3.0 / 8) < EPS);
	assert_true(fabs(r.removal_effect[b] - 3.0 / 4) < EPS);
	assert_true(fabs(r.removal_effect[c] - 1.0 / 2) < EPS);
	assert_true(fabs(r.conversions[a] - 6.0 / 13) < EPS);
	assert_true(fabs(r.conversions[b] - 12.0 / 13) < EPS);
	assert_true(fabs(r.conversions[c] - 8.0 / 13) < EPS);
	assert_true(fabs(r.removal_effect_value[a] - 5.0 / 12) < EPS);
	assert_true(fabs(r.removal_effect_value[b] - 5.0 / 6) < EPS);
	assert_true(fabs(r.removal_effect_value[c] - 1.0 / 3) < EPS);
	assert_true(fabs(r.value[a] - 150.0 * 5 / 19) < EPS);
	assert_true(fabs(r.value[b] - 150.0 * 10 / 19) < EPS);
	assert_true(fabs(r.value[c] - 150.0 * 4 / 19) < EPS);
	/* B is on every converting path: the largest removal effect. */
	assert_true(r.removal_effect[b] > r.removal_effect[a] && r.removal_effect[b] > r.removal_effect[c]);
	assert_int_equal(r.markov_states, 4);
	tp_attr_result_free(&r);
	tp_journeys_free(j);
}

/* Order 2 remembers where a walk came from, so the chain is the paths
 * themselves: removing A keeps B > C (1 of 4 journeys), removing B keeps
 * nothing, removing C keeps A > B. Effects 1/2, 1, 1/2. */
static void markov_order_2_matches_the_paper(void **state)
{
	(void)state;
	tp_journeys *j = paths_of(paper_paths);
	tp_attr_result r = run(j, (tp_attr_opts){.model = TP_ATTR_MARKOV, .markov_order = 2});
	assert_true(fabs(r.removal_effect[channel_of(j, "A")] - 0.5) < EPS);
	assert_true(fabs(r.removal_effect[channel_of(j, "B")] - 1.0) < EPS);
	assert_true(fabs(r.removal_effect[channel_of(j, "C")] - 0.5) < EPS);
	assert_true(fabs(credit_of(j, &r, "B") - 1.0) < EPS);
	assert_true(fabs(credit_of(j, &r, "A") - 0.5) < EPS);
	assert_int_equal(r.markov_states, 6);   /* START, A, A>B, B, B>C, C */
	tp_attr_result_free(&r);
	tp_journeys_free(j);
}

/* Sets {A}: 10, {A,B}: 6, {A,B,C}: 3 conversions, {B}: 5 journeys that did
 * not convert. Shapley: A = 10 + 6/2 + 3/3 = 14, B = 3 + 1 = 4, C = 1. */
static const char *const shapley_paths =
	"path;total_conversions;total_conversion_value;total_null\n"
	"A;10;1000;0\n"
	"B > A;6;600;0\n"
	"A > B > C > A;3;300;0\n"
	"B;0;0;5\n";

static void shapley_matches_known_values(void **state)
{
	(void)state;
	tp_journeys *j = paths_of(shapley_paths);
	tp_attr_result r = run(j, (tp_attr_opts){.model = TP_ATTR_SHAPLEY});
	assert_true(fabs(credit_of(j, &r, "A") - 14) < EPS);
	assert_true(fabs(credit_of(j, &r, "B") - 4) < EPS);
	assert_true(fabs(credit_of(j, &r, "C") - 1) < EPS);
	assert_true(fabs(r.value[channel_of(j, "A")] - 1400) < EPS);
	tp_attr_result_free(&r);

	/* A floor of 6 journeys leaves {A,B,C} (3 journeys) unattributed. */
	r = run(j, (tp_attr_opts){.model = TP_ATTR_SHAPLEY, .min_journeys = 6});
	assert_true(fabs(credit_of(j, &r, "A") - 13) < EPS);
	assert_true(fabs(credit_of(j, &r, "C") - 0) < EPS);
	assert_true(fabs(r.unattributed_conversions - 3) < EPS);
	tp_attr_result_free(&r);

	/* Ordered: B > A gives B the first position and A the second. */
	r = run(j, (tp_attr_opts){.model = TP_ATTR_SHAPLEY_ORDERED});
	size_t a = channel_of(j, "A"), b = channel_of(j, "B"), c = channel_of(j, "C");
	assert_int_equal(r.n_positions, 3);
	assert_true(fabs(r.by_position[a * 3 + 0] - 11) < EPS);  /* 10 + 1 */
	assert_true(fabs(r.by_position[a * 3 + 1] - 3) < EPS);
	assert_true(fabs(r.by_position[b * 3 + 0] - 3) < EPS);
	assert_true(fabs(r.by_position[b * 3 + 1] - 1) < EPS);
	assert_true(fabs(r.by_position[c * 3 + 2] - 1) < EPS);
	assert_true(fabs(r.conversions[a] - 14) < EPS);
	tp_attr_result_free(&r);
	tp_journeys_free(j);
}

/* One converting journey A, B, C at 14, 7 and 0 days before the conversion. */
static tp_journeys *timed_abc(const char *const *names, const uint8_t *anchors, uint32_t n)
{
	tp_ctx *ctx = tp_ctx_create();
	tp_journeys *j = tp_journeys_create();
	tp_journey_step steps[8];
	int64_t conv = 100 * DAY;
	for (uint32_t i = 0; i < n; i++)
		steps[i] = (tp_journey_step){(uint32_t)tp_journeys_channel(j, names[i]),
		                             anchors ? anchors[i] : 0, conv - (int64_t)(n - 1 - i) * 7 * DAY};
	assert_int_equal(tp_journeys_add(ctx, j, steps, n, 1, 100, 0, conv), TP_OK);
	tp_ctx_destroy(ctx);
	return j;
}

static void rule_based_weights(void **state)
{
	(void)state;
	const char *abc[] = {"A", "B", "C"};
	tp_journeys *j = timed_abc(abc, NULL, 3);
	static const struct {
		tp_attr_model model;
		double a, b, c;
	} want[] = {
		{TP_ATTR_FIRST, 1, 0, 0},
		{TP_ATTR_LAST, 0, 0, 1},
		{TP_ATTR_LINEAR, 1.0 / 3, 1.0 / 3, 1.0 / 3},
		{TP_ATTR_POSITION, 0.4, 0.2, 0.4},
		/* half-life 7 days: weights 1/4, 1/2, 1 of 7/4 */
		{TP_ATTR_TIME_DECAY, 1.0 / 7, 2.0 / 7, 4.0 / 7},
	};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		tp_attr_result r = run(j, (tp_attr_opts){.model = want[i].model});
		assert_true(fabs(credit_of(j, &r, "A") - want[i].a) < EPS);
		assert_true(fabs(credit_of(j, &r, "B") - want[i].b) < EPS);
		assert_true(fabs(credit_of(j, &r, "C") - want[i].c) < EPS);
		assert_true(fabs(r.value[2] - 100 * want[i].c) < EPS);
		tp_attr_result_free(&r);
	}
	tp_journeys_free(j);

	/* W-shaped: first touch, lead touch, opportunity touch 30% each, the
	 * other two 5% each. */
	const char *five[] = {"A", "X", "B", "C", "Y"};
	const uint8_t anchors[] = {0, 0, TP_ANCHOR_LEAD, TP_ANCHOR_OPPORTUNITY, 0};
	j = timed_abc(five, anchors, 5);
	tp_attr_result r = run(j, (tp_attr_opts){.model = TP_ATTR_W_SHAPED});
	assert_true(fabs(credit_of(j, &r, "A") - 0.3) < EPS);
	assert_true(fabs(credit_of(j, &r, "X") - 0.05) < EPS);
	assert_true(fabs(credit_of(j, &r, "B") - 0.3) < EPS);
	assert_true(fabs(credit_of(j, &r, "C") - 0.3) < EPS);
	assert_true(fabs(credit_of(j, &r, "Y") - 0.05) < EPS);
	tp_attr_result_free(&r);
	tp_journeys_free(j);

	/* Lead created on the first touch, no opportunity yet: the two roles
	 * share 90% on one touch, the other 10%. */
	const char *two[] = {"A", "B"};
	const uint8_t lead_first[] = {TP_ANCHOR_LEAD, 0};
	j = timed_abc(two, lead_first, 2);
	r = run(j, (tp_attr_opts){.model = TP_ATTR_W_SHAPED});
	assert_true(fabs(credit_of(j, &r, "A") - 0.9) < EPS);
	assert_true(fabs(credit_of(j, &r, "B") - 0.1) < EPS);
	tp_attr_result_free(&r);
	tp_journeys_free(j);

	/* Last non-direct passes over Direct, unless there is nothing else. */
	j = paths_of("path;total_conversions;total_conversion_value;total_null\n"
	             "Email > Direct > Direct;2;0;0\n"
	             "Direct;1;0;0\n");
	r = run(j, (tp_attr_opts){.model = TP_ATTR_LAST_NON_DIRECT});
	assert_true(fabs(credit_of(j, &r, "Email") - 2) < EPS);
	assert_true(fabs(credit_of(j, &r, "Direct") - 1) < EPS);
	tp_attr_result_free(&r);
	tp_journeys_free(j);
}

/* Random journeys over 5 channels (a sixth never touched). */
static tp_journeys *random_journeys(unsigned seed)
{
	tp_ctx *ctx = tp_ctx_create();
	tp_journeys *j = tp_journeys_create();
	const char *names[] = {"a", "b", "c", "d", "e", "never"};
	for (int i = 0; i < 6; i++)
		tp_journeys_channel(j, names[i]);
	srand(seed);
	for (int k = 0; k < 300; k++) {
		tp_journey_step steps[6];
		uint32_t n = (uint32_t)(rand() % 6);
		for (uint32_t i = 0; i < n; i++)
			steps[i] = (tp_journey_step){(uint32_t)(rand() % 5),
			                             (uint8_t)(i == 1 ? TP_ANCHOR_LEAD : 0),
			                             (int64_t)(k * 100 + i) * DAY / 10};
		int conv = rand() % 3 == 0;
		assert_int_equal(tp_journeys_add(ctx, j, steps, n, conv, conv ? rand() % 1000 : 0, !conv,
		                                 n ? steps[n - 1].ts + DAY : -1),
		                 TP_OK);
	}
	tp_ctx_destroy(ctx);
	return j;
}

static void credits_add_up_for_every_model(void **state)
{
	(void)state;
	for (unsigned seed = 1; seed <= 5; seed++) {
		tp_journeys *j = random_journeys(seed);
		for (int m = 0; m < TP_ATTR__COUNT; m++)
			for (int order = 1; order <= (m == TP_ATTR_MARKOV ? 4 : 1); order++) {
				tp_attr_result r = run(j, (tp_attr_opts){.model = (tp_attr_model)m,
				                                         .markov_order = order});
				double conv = r.unattributed_conversions, value = r.unattributed_value;
				for (size_t c = 0; c < r.n_channels; c++) {
					conv += r.conversions[c];
					value += r.value[c];
					assert_true(r.conversions[c] >= -EPS);
				}
				assert_true(fabs(conv - r.total_conversions) < 1e-6);
				assert_true(fabs(value - r.total_value) < 1e-6);
				assert_true(fabs(credit_of(j, &r, "never")) < EPS);
				assert_true(r.unattributed_conversions > 0); /* journeys without touches */
				tp_attr_result_free(&r);
			}
		tp_journeys_free(j);
	}
}

static void markov_probability_is_the_observed_rate(void **state)
{
	(void)state;
	tp_journeys *j = random_journeys(7);
	double conv = 0, all = 0;
	for (size_t k = 0; k < tp_journeys_count(j); k++) {
		tp_journey jr = tp_journeys_get(j, k);
		if (jr.n_steps) {
			conv += jr.conversions;
			all += jr.conversions + jr.nulls;
		}
	}
	for (int order = 1; order <= 4; order++) {
		tp_attr_result r = run(j, (tp_attr_opts){.model = TP_ATTR_MARKOV, .markov_order = order});
		assert_true(fabs(r.conversion_probability - conv / all) < 1e-9);
		tp_attr_result_free(&r);
	}
	tp_journeys_free(j);
}

/* The Shapley value by definition: the average over all orderings of each
 * channel's marginal contribution, with v(S) the conversions of journeys
 * whose channels all lie in S. */
static void shapley_equals_the_definition(void **state)
{
	(void)state;
	tp_journeys *j = random_journeys(11);
	enum { N = 5 };
	double v[1 << N] = {0};
	for (size_t k = 0; k < tp_journeys_count(j); k++) {
		tp_journey jr = tp_journeys_get(j, k);
		if (!jr.n_steps)
			continue;
		unsigned set = 0;
		for (uint32_t i = 0; i < jr.n_steps; i++)
			set |= 1u << jr.steps[i].channel;
		for (unsigned s = 0; s < (1u << N); s++)
			if ((s & set) == set)
				v[s] += jr.conversions;
	}
	double phi[N] = {0};
	int perm[N] = {0, 1, 2, 3, 4}, count = 0;
	/* Heap's algorithm over the 120 orderings. */
	int c[N] = {0};
	for (int i = 0;;) {
		unsigned s = 0;
		for (int k = 0; k < N; k++) {
			phi[perm[k]] += v[s | 1u << perm[k]] - v[s];
			s |= 1u << perm[k];
		}
		count++;
		while (i < N && c[i] >= i) {
			c[i] = 0;
			i++;
		}
		if (i >= N)
			break;
		int t = perm[i % 2 ? c[i] : 0];
		perm[i % 2 ? c[i] : 0] = perm[i];
		perm[i] = t;
		c[i]++;
		i = 0;
	}
	assert_int_equal(count, 120);
	tp_attr_result r = run(j, (tp_attr_opts){.model = TP_ATTR_SHAPLEY});
	for (int k = 0; k < N; k++)
		assert_true(fabs(r.conversions[k] - phi[k] / count) < 1e-9);
	tp_attr_result_free(&r);
	tp_journeys_free(j);
}

static void path_files_are_checked(void **state)
{
	(void)state;
	static const struct {
		const char *text, *field, *message;
	} bad[] = {
		{"a > b;1;2;3\n", "header", "header"},
		{"path;c;v;n\na > b;x;2;3\n", "total_conversions", "line 2"},
		{"path;c;v;n\na > b;1;2\n", "line", "fewer than 4"},
		{"path;c;v;n\na > b;1;2;3;4\n", "line", "more than 4"},
		{"path;c;v;n\na >  > b;1;2;3\n", "path", "empty channel"},
		{"path;c;v;n\na;1;2;-3\n", "total_null", "line 2"},
		{"path;c;v;n\na;1;nan;3\n", "total_conversion_value", "line 2"},
		{"", "header", "empty"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		tp_ctx *ctx = tp_ctx_create();
		tp_journeys *j = tp_journeys_create();
		FILE *in = tmpfile();
		fputs(bad[i].text, in);
		rewind(in);
		assert_int_not_equal(tp_journeys_read_paths(ctx, in, j), TP_OK);
		assert_string_equal(tp_ctx_field(ctx), bad[i].field);
		if (!strstr(tp_ctx_message(ctx), bad[i].message))
			fail_msg("case %zu: \"%s\" lacks \"%s\"", i, tp_ctx_message(ctx), bad[i].message);
		fclose(in);
		tp_journeys_free(j);
		tp_ctx_destroy(ctx);
	}
	/* CRLF, spaces and a negative value (a refund) are fine. */
	tp_journeys *j = paths_of("path;c;v;n\r\n a > b ;1;-2.5;3\r\n");
	tp_journey jr = tp_journeys_get(j, 0);
	assert_int_equal(jr.n_steps, 2);
	assert_string_equal(tp_journeys_channel_name(j, jr.steps[1].channel), "b");
	assert_true(jr.value == -2.5 && jr.nulls == 3);
	tp_journeys_free(j);
}

static void timed_models_refuse_path_files(void **state)
{
	(void)state;
	tp_journeys *j = paths_of(paper_paths);
	tp_ctx *ctx = tp_ctx_create();
	tp_attr_result r;
	tp_attr_opts o = {.model = TP_ATTR_TIME_DECAY};
	assert_int_equal(tp_attribute(ctx, j, &o, &r), TP_ERR_UNSUPPORTED);
	o = (tp_attr_opts){.model = TP_ATTR_MARKOV, .markov_order = 5};
	assert_int_equal(tp_attribute(ctx, j, &o, &r), TP_ERR_INVALID);
	assert_string_equal(tp_ctx_field(ctx), "order");
	tp_ctx_destroy(ctx);
	tp_journeys_free(j);
}

static void paths_report_counts(void **state)
{
	(void)state;
	tp_journeys *j = paths_of(shapley_paths);
	tp_ctx *ctx = tp_ctx_create();
	tp_paths_report pr;
	assert_int_equal(tp_paths_report_build(ctx, j, 0, &pr), TP_OK);
	assert_int_equal(pr.n_converting, 3);
	assert_string_equal(pr.converting[0].path, "A");
	assert_true(pr.converting[0].conversions == 10);
	assert_int_equal(pr.n_non_converting, 1);
	assert_string_equal(pr.non_converting[0].path, "B");
	/* Sets: {A} 10/10, {A,B} 6/6, {B} 0/5, {A,B,C} 3/3. */
	assert_int_equal(pr.n_sets, 4);
	assert_string_equal(pr.sets[0].path, "A");
	assert_string_equal(pr.sets[1].path, "A + B");
	assert_true(pr.sets[2].conversion_rate == 0 && pr.sets[2].nulls == 5);
	assert_string_equal(pr.sets[3].path, "A + B + C");
	assert_int_equal(pr.n_lengths, 3);
	assert_true(pr.lengths[0].length == 1 && pr.lengths[0].conversions == 10 && pr.lengths[0].nulls == 5);
	tp_paths_report_free(&pr);
	tp_ctx_destroy(ctx);
	tp_journeys_free(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(markov_order_1_matches_the_paper),
		cmocka_unit_test(markov_order_2_matches_the_paper),
		cmocka_unit_test(shapley_matches_known_values),
		cmocka_unit_test(rule_based_weights),
		cmocka_unit_test(credits_add_up_for_every_model),
		cmocka_unit_test(markov_probability_is_the_observed_rate),
		cmocka_unit_test(shapley_equals_the_definition),
		cmocka_unit_test(path_files_are_checked),
		cmocka_unit_test(timed_models_refuse_path_files),
		cmocka_unit_test(paths_report_counts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
