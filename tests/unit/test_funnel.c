/* The funnel report on hand-made stage histories: who reached what,
 * conversion, median and p90 days in stage, where people are now, and the
 * report as of an earlier day. */
#include <math.h>

#include "helpers.h"

#define DAY (86400000LL)
#define T0 1772323200000LL /* 2026-03-01T00:00:00Z: the identify below makes leads */

static const char four_leads[] =
	"{\"type\":\"identify\",\"userId\":\"a\",\"messageId\":\"m1\",\"timestamp\":\"2026-03-01T00:00:00Z\","
	"\"traits\":{\"email\":\"a@novalogix.com\"}}\n"
	"{\"type\":\"identify\",\"userId\":\"b\",\"messageId\":\"m2\",\"timestamp\":\"2026-03-01T00:00:00Z\","
	"\"traits\":{\"email\":\"b@novalogix.com\"}}\n"
	"{\"type\":\"identify\",\"userId\":\"c\",\"messageId\":\"m3\",\"timestamp\":\"2026-03-01T00:00:00Z\","
	"\"traits\":{\"email\":\"c@novalogix.com\"}}\n"
	"{\"type\":\"identify\",\"userId\":\"d\",\"messageId\":\"m4\",\"timestamp\":\"2026-03-01T00:00:00Z\","
	"\"traits\":{\"email\":\"d@novalogix.com\"}}\n";

static void move(fixture *f, const char *email, tp_stage to, int64_t at)
{
	assert_int_equal(tp_lifecycle_move(f->ctx, f->store, NULL, contact_by_email(f, email), to, at,
	                                   "test", NULL),
	                 TP_OK);
}

/* a: mql +2d, sal +5d, sql +6d; b: mql +4d, sql +10d (passing sal);
 * c: mql +6d; d stays a lead.
 * lead→mql days 2, 4, 6: median 4, p90 (nearest rank 3 of 3) 6.
 * mql→sal 3 and 6 (b reached sal with sql): median 4.5, p90 6.
 * sal→sql 1 and 0: median 0.5, p90 1. */
static void funnel_counts_conversions_and_days(void **state)
{
	fixture *f = *state;
	tp_import_stats st;
	assert_int_equal(import_text(f, NULL, four_leads, 1, &st, NULL), TP_OK);
	tp_store *s = f->store;
	assert_int_equal(s->ops->begin(s, f->ctx), TP_OK);
	move(f, "a@novalogix.com", TP_STAGE_MQL, T0 + 2 * DAY);
	move(f, "a@novalogix.com", TP_STAGE_SAL, T0 + 5 * DAY);
	move(f, "a@novalogix.com", TP_STAGE_SQL, T0 + 6 * DAY);
	move(f, "b@novalogix.com", TP_STAGE_MQL, T0 + 4 * DAY);
	move(f, "b@novalogix.com", TP_STAGE_SQL, T0 + 10 * DAY);
	move(f, "c@novalogix.com", TP_STAGE_MQL, T0 + 6 * DAY);
	assert_int_equal(s->ops->commit(s, f->ctx), TP_OK);

	tp_funnel_opts o = {.by = TP_FUNNEL_MONTH, .as_of = T0 + 30 * DAY};
	tp_funnel_row *rows;
	size_t n;
	assert_int_equal(tp_funnel_report(f->ctx, s, &o, &rows, &n), TP_OK);
	assert_int_equal(n, 1);
	assert_string_equal(rows[0].key, "2026-03");
	const tp_funnel_stage *x = rows[0].stages;
	static const int64_t reached[] = {4, 3, 2, 2, 0, 0};
	for (int k = 0; k < TP_FUNNEL_STAGES; k++)
		assert_int_equal(x[k].reached, reached[k]);
	assert_true(x[0].conversion == -1);
	assert_true(fabs(x[1].conversion - 0.75) < 1e-12);
	assert_true(fabs(x[2].conversion - 2.0 / 3) < 1e-12);
	assert_true(x[3].conversion == 1 && x[4].conversion == 0 && x[5].conversion == -1);
	assert_true(x[0].median_days == 4 && x[0].p90_days == 6 && x[0].moved_on == 3);
	assert_true(x[1].median_days == 4.5 && x[1].p90_days == 6);
	assert_true(x[2].median_days == 0.5 && x[2].p90_days == 1);
	assert_true(x[3].median_days == -1 && x[3].moved_on == 0);
	assert_int_equal(rows[0].now_top, 1);
	assert_int_equal(rows[0].now_middle, 1);
	assert_int_equal(rows[0].now_bottom, 2);
	free(rows);

	/* As of day 5 (inclusive): a reached sal, b only mql, nobody sql. */
	o.as_of = T0 + 5 * DAY;
	assert_int_equal(tp_funnel_report(f->ctx, s, &o, &rows, &n), TP_OK);
	assert_int_equal(rows[0].stages[1].reached, 2);
	assert_int_equal(rows[0].stages[2].reached, 1);
	assert_int_equal(rows[0].stages[3].reached, 0);
	free(rows);

	/* A cohort window that holds nobody gives no rows. */
	o = (tp_funnel_opts){.from = T0 + DAY, .as_of = T0 + 30 * DAY};
	assert_int_equal(tp_funnel_report(f->ctx, s, &o, &rows, &n), TP_OK);
	assert_int_equal(n, 0);
	free(rows);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST_WITH_DB(funnel_counts_conversions_and_days),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
