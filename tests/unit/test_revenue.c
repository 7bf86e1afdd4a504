/* MRR movements on a hand-made billing export: the worked example of
 * docs/METRICS.md ("Revenue from existing customers"), its retention
 * figures, the import's refusals, and a later import superseding an
 * earlier one while --as-of still reads the earlier. */
#include <math.h>

#include "helpers.h"

/* a: 100, 150, 150, 120 → new, expansion, -, contraction
 * b: 200, 200, (none), 80 → new, -, churn, reactivation
 * c: -, 50 + 25 (two subscriptions), 75, 75 → new in February
 * d: -, -, 40, 40 → new in March, referral-sourced (its opportunity came from Referral) */
static const char billing[] =
	"Customer,Domain,Month,MRR,Currency\n"
	"A,https://www.a-corp.com,2026-01,100.00,USD\n"
	"A,a-corp.com,2026-02,150,USD\n"
	"A,a-corp.com,2026-03,150,USD\n"
	"A,a-corp.com,2026-04,120,USD\n"
	"B,b-corp.com,2026-01,200,USD\n"
	"B,b-corp.com,2026-02,200,USD\n"
	"B,b-corp.com,2026-04,80,USD\n"
	"C,c-corp.com,2026-02,50,USD\n"
	"C,c-corp.com,2026-02-01,25,USD\n"
	"C,c-corp.com,2026-03,75,USD\n"
	"C,c-corp.com,2026-04,75,USD\n"
	"D,d-corp.com,2026-03,40,USD\n"
	"D,d-corp.com,2026-04,40,USD\n";

static int64_t clock_ms = 1767225600000LL;   /* 2026-01-01 */
static int64_t moving_clock(void *user)
{
	(void)user;
	return clock_ms;
}

static tp_status import_billing(fixture *f, const char *text, tp_revenue_import_stats *st,
                                int strict)
{
	FILE *in = fmemopen((void *)text, strlen(text), "r");
	assert_non_null(in);
	tp_revenue_import_opts o = {.strict = strict};
	tp_status rc = tp_import_revenue(f->ctx, f->store, in, &o, st);
	fclose(in);
	return rc;
}

#define M(x) ((int64_t)(x) * 100)   /* major → minor units */

static void check_month(const tp_revenue_month *r, const char *month, int64_t start,
                        int64_t new_mrr, int64_t referral, int64_t expansion, int64_t react,
                        int64_t contraction, int64_t churn, int64_t end)
{
	assert_string_equal(r->month, month);
	assert_int_equal(r->start_mrr, M(start));
	assert_int_equal(r->new_mrr, M(new_mrr));
	assert_int_equal(r->referral_new_mrr, M(referral));
	assert_int_equal(r->expansion, M(expansion));
	assert_int_equal(r->reactivation, M(react));
	assert_int_equal(r->contraction, M(contraction));
	assert_int_equal(r->churn, M(churn));
	assert_int_equal(r->end_mrr, M(end));
	/* The movements explain the whole change. */
	assert_int_equal(r->start_mrr + r->net_new, r->end_mrr);
}

static void revenue_movements_of_the_worked_example(void **state)
{
	fixture *f = *state;
	tp_ctx_set_clock(f->ctx, moving_clock, NULL);
	clock_ms = 1777593600000LL;   /* 2026-05-01: the export of April */
	tp_revenue_import_stats st;
	assert_int_equal(import_billing(f, billing, &st, 1), TP_OK);
	assert_int_equal(st.rows, 13);
	assert_int_equal(st.stored, 13);
	assert_int_equal(st.accounts_created, 4);
	assert_string_equal(st.first_month, "2026-01");
	assert_string_equal(st.last_month, "2026-04");

	/* d-corp's first opportunity came from Referral. */
	int64_t d;
	assert_int_equal(f->store->ops->account_find(f->store, f->ctx, "d-corp.com", NULL, &d), TP_OK);
	tp_opportunity_row opp = {.account_id = d, .amount = M(480), .created_at = 1771000000000LL,
	                          .name = "D", .stage = "won", .currency = "USD",
	                          .source_channel = "Referral", .probability = 100};
	assert_int_equal(f->store->ops->opportunity_insert(f->store, f->ctx, &opp, NULL), TP_OK);

	tp_revenue_opts o = {0};
	tp_revenue_month *rows;
	size_t n;
	char cur[4];
	assert_int_equal(tp_revenue_report(f->ctx, f->store, &o, &rows, &n, cur), TP_OK);
	assert_string_equal(cur, "USD");
	assert_int_equal(n, 4);
	/*          month      start new ref exp react contr churn end */
	check_month(&rows[0], "2026-01", 0, 300, 0, 0, 0, 0, 0, 300);
	check_month(&rows[1], "2026-02", 300, 75, 0, 50, 0, 0, 0, 425);
	check_month(&rows[2], "2026-03", 425, 40, 40, 0, 0, 0, -200, 265);
	check_month(&rows[3], "2026-04", 265, 0, 0, 0, 80, -30, 0, 315);
	assert_true(rows[0].nrr == -1 && rows[0].grr == -1 && rows[0].logo_churn == -1);
	assert_true(fabs(rows[1].nrr - 350.0 / 300 * 100) < 1e-9);   /* 116.67 % */
	assert_true(fabs(rows[1].grr - 100) < 1e-9);
	assert_true(fabs(rows[2].nrr - 225.0 / 425 * 100) < 1e-9);   /* 52.94 % */
	assert_true(fabs(rows[2].grr - 225.0 / 425 * 100) < 1e-9);
	assert_true(fabs(rows[2].logo_churn - 100.0 / 3) < 1e-9);     /* 1 of 3 */
	assert_true(fabs(rows[3].nrr - 235.0 / 265 * 100) < 1e-9);   /* 88.68 % */
	assert_int_equal(rows[2].churned_logos, 1);
	assert_int_equal(rows[3].reactivated_logos, 1);
	assert_int_equal(rows[1].new_logos, 1);
	assert_int_equal(rows[2].accounts_start, 3);
	free(rows);

	/* A corrected export of April (a-corp at 200) supersedes the first... */
	clock_ms += 86400000LL;
	assert_int_equal(import_billing(f, "domain,month,mrr\na-corp.com,2026-04,200\n", &st, 1),
	                 TP_OK);
	o.from = 2026 * 12 + 3;   /* April only */
	assert_int_equal(tp_revenue_report(f->ctx, f->store, &o, &rows, &n, cur), TP_OK);
	assert_int_equal(n, 1);
	check_month(&rows[0], "2026-04", 265, 0, 0, 50, 80, 0, 0, 395);
	free(rows);
	/* ...and the report as of the day before reads the first. */
	o.as_of = clock_ms - 1;
	assert_int_equal(tp_revenue_report(f->ctx, f->store, &o, &rows, &n, cur), TP_OK);
	check_month(&rows[0], "2026-04", 265, 0, 0, 0, 80, -30, 0, 315);
	free(rows);
}

static void revenue_import_refuses_bad_rows_and_mixed_currencies(void **state)
{
	fixture *f = *state;
	tp_revenue_import_stats st;
	static const char bad[] = "domain,month,mrr,currency\n"
	                          "x.com,2026-13,10,USD\n"      /* no month 13 */
	                          "x.com,2026-01,-5,USD\n"      /* negative */
	                          "x.com,2026-01,1.234,USD\n"   /* three decimals */
	                          "localhost,2026-01,5,USD\n"   /* not a domain */
	                          "x.com,2026-01,5,DOLLARS\n"
	                          "x.com,2026-01,5,USD\n"
	                          "y.com,2026-01,7,EUR\n";
	assert_int_equal(import_billing(f, bad, &st, 0), TP_OK);
	assert_int_equal(st.rejected, 5);
	assert_int_equal(st.stored, 2);
	/* Strict: the first bad row stops it and nothing is stored. */
	assert_int_equal(import_billing(f, "domain,month,mrr\nz.com,2026-01,5\nz.com,bad,5\n", &st, 1),
	                 TP_ERR_INVALID);
	int64_t z;
	assert_int_equal(f->store->ops->account_find(f->store, f->ctx, "z.com", NULL, &z), TP_OK);
	assert_int_equal(z, 0);
	/* No account column at all. */
	assert_int_equal(import_billing(f, "month,mrr\n2026-01,5\n", &st, 0), TP_ERR_INVALID);
	assert_non_null(strstr(tp_ctx_message(f->ctx), "account column"));

	tp_revenue_opts o = {0};
	tp_revenue_month *rows;
	size_t n;
	char cur[4];
	assert_int_equal(tp_revenue_report(f->ctx, f->store, &o, &rows, &n, cur), TP_ERR_USAGE);
	assert_non_null(strstr(tp_ctx_message(f->ctx), "EUR"));
	o.currency = "EUR";
	assert_int_equal(tp_revenue_report(f->ctx, f->store, &o, &rows, &n, cur), TP_OK);
	assert_int_equal(n, 1);
	assert_int_equal(rows[0].new_mrr, 700);
	free(rows);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST_WITH_DB(revenue_movements_of_the_worked_example),
		TEST_WITH_DB(revenue_import_refuses_bad_rows_and_mixed_currencies),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
