/* The KPIs of March 2026 on a hand-made workspace: the worked example of
 * docs/METRICS.md ("KPIs"). Every number below is computed there by hand.
 *
 *   a: lands from Google Ads (campaign "Spring") 2 Mar 10:00, a second page
 *      10:05, identifies 10:06 (lead); MQL 10 Mar; opportunity of 12,000.00
 *      opened 15 Mar, won 20 Mar (customer).
 *   b: one page, direct, 3 Mar 09:00; identifies (lead).
 *   c: Google Ads "Spring" 4 Mar 09:00, one page; back 11:00 (a new
 *      session, direct), one page; identifies; MQL 25 Mar.
 *   e: a lead of February (10 Feb), MQL 20 Feb.
 *   Spend: "Spring" 1 and 2 Mar (20,000 impressions, 300 clicks, 900.00)
 *   and 28 Feb (not March). */
#include <math.h>

#include "helpers.h"

#define EV(json) json "\n"
static const char events[] =
	EV("{\"type\":\"identify\",\"userId\":\"e\",\"messageId\":\"e1\",\"timestamp\":\"2026-02-10T12:00:00Z\",\"traits\":{\"email\":\"e@kpi-corp.com\"}}")
	EV("{\"type\":\"page\",\"anonymousId\":\"va\",\"messageId\":\"a1\",\"timestamp\":\"2026-03-02T10:00:00Z\",\"context\":{\"page\":{\"url\":\"https://ex.com/?utm_source=google&utm_medium=cpc&utm_campaign=Spring\"}}}")
	EV("{\"type\":\"page\",\"anonymousId\":\"va\",\"messageId\":\"a2\",\"timestamp\":\"2026-03-02T10:05:00Z\",\"context\":{\"page\":{\"url\":\"https://ex.com/pricing\"}}}")
	EV("{\"type\":\"identify\",\"anonymousId\":\"va\",\"userId\":\"a\",\"messageId\":\"a3\",\"timestamp\":\"2026-03-02T10:06:00Z\",\"traits\":{\"email\":\"a@kpi-corp.com\"}}")
	EV("{\"type\":\"page\",\"anonymousId\":\"vb\",\"messageId\":\"b1\",\"timestamp\":\"2026-03-03T09:00:00Z\",\"context\":{\"page\":{\"url\":\"https://ex.com/\"}}}")
	EV("{\"type\":\"identify\",\"anonymousId\":\"vb\",\"userId\":\"b\",\"messageId\":\"b2\",\"timestamp\":\"2026-03-03T09:01:00Z\",\"traits\":{\"email\":\"b@kpi-corp.com\"}}")
	EV("{\"type\":\"page\",\"anonymousId\":\"vc\",\"messageId\":\"c1\",\"timestamp\":\"2026-03-04T09:00:00Z\",\"context\":{\"page\":{\"url\":\"https://ex.com/?utm_source=google&utm_medium=cpc&utm_campaign=Spring\"}}}")
	EV("{\"type\":\"page\",\"anonymousId\":\"vc\",\"messageId\":\"c2\",\"timestamp\":\"2026-03-04T11:00:00Z\",\"context\":{\"page\":{\"url\":\"https://ex.com/blog\"}}}")
	EV("{\"type\":\"identify\",\"anonymousId\":\"vc\",\"userId\":\"c\",\"messageId\":\"c3\",\"timestamp\":\"2026-03-04T11:01:00Z\",\"traits\":{\"email\":\"c@kpi-corp.com\"}}");

static const char google_ads[] =
	"Campaign report\n"
	"\"February 28, 2026 - March 2, 2026\"\n"
	"Day,Campaign,Currency code,Impr.,Clicks,Cost\n"
	"2026-02-28,Spring,USD,5000,50,100.00\n"
	"2026-03-01,Spring,USD,10000,200,600.00\n"
	"2026-03-02,Spring,USD,\"10,000\",100,300.00\n"
	"Total: Account,,USD,\"25,000\",350,\"1,000.00\"\n";

#define MAR 1772323200000LL   /* 2026-03-01T00:00:00Z */
#define DAY 86400000LL

static void move(fixture *f, const char *email, tp_stage to, int64_t at)
{
	assert_int_equal(tp_lifecycle_move(f->ctx, f->store, NULL, contact_by_email(f, email), to, at,
	                                   "test", NULL),
	                 TP_OK);
}

static void build(fixture *f)
{
	tp_import_stats st;
	assert_int_equal(import_text(f, NULL, events, 1, &st, NULL), TP_OK);
	FILE *in = fmemopen((void *)google_ads, strlen(google_ads), "r");
	tp_spend_import_stats ss;
	assert_int_equal(tp_import_spend(f->ctx, f->store, in, NULL, &ss), TP_OK);
	fclose(in);
	assert_int_equal(ss.format, TP_SPEND_GOOGLE);
	assert_int_equal(ss.stored, 3);
	assert_int_equal(ss.totals, 1);
	tp_store *s = f->store;
	assert_int_equal(s->ops->begin(s, f->ctx), TP_OK);
	move(f, "e@kpi-corp.com", TP_STAGE_MQL, MAR - 9 * DAY);           /* 20 Feb */
	move(f, "a@kpi-corp.com", TP_STAGE_MQL, MAR + 9 * DAY);
	move(f, "c@kpi-corp.com", TP_STAGE_MQL, MAR + 24 * DAY);
	move(f, "a@kpi-corp.com", TP_STAGE_CUSTOMER, MAR + 19 * DAY);
	tp_opportunity_row opp = {.contact_id = contact_by_email(f, "a@kpi-corp.com"),
	                          .amount = 1200000, .created_at = MAR + 14 * DAY,
	                          .closed_at = MAR + 19 * DAY, .name = "A", .stage = "won",
	                          .currency = "USD", .probability = 100};
	assert_int_equal(s->ops->opportunity_insert(s, f->ctx, &opp, NULL), TP_OK);
	assert_int_equal(s->ops->commit(s, f->ctx), TP_OK);
}

static void close_to(double got, double want)
{
	if (!(fabs(got - want) < 1e-9))
		fail_msg("got %.12g, want %.12g", got, want);
}

/* Counts the scans of every contact's events, the report's largest read. */
static const tp_store_ops *real_ops;
static int scans;

static tp_status counting_scan(tp_store *s, tp_ctx *ctx, tp_touch_fn fn, void *user)
{
	scans++;
	return real_ops->events_scan(s, ctx, fn, user);
}

static void kpis_of_the_worked_example(void **state)
{
	fixture *f = *state;
	build(f);
	tp_kpi_opts o = {.month = 2026 * 12 + 2, .as_of = MAR + 40 * DAY,
	                 .model = TP_ATTR_LAST_NON_DIRECT};
	tp_kpi_row *rows;
	size_t n;
	char month[8], cur[4];
	/* The people and the journeys for the revenue credit come from one scan. */
	tp_store_ops counting = *f->store->ops;
	counting.events_scan = counting_scan;
	real_ops = f->store->ops;
	f->store->ops = &counting;
	scans = 0;
	tp_status rc = tp_kpi_report(f->ctx, f->store, &o, &rows, &n, month, cur);
	f->store->ops = real_ops;   /* before a failed assertion leaves for the teardown */
	assert_int_equal(rc, TP_OK);
	assert_int_equal(scans, 1);
	assert_string_equal(month, "2026-03");
	assert_string_equal(cur, "USD");
	assert_int_equal(n, 1);
	const tp_kpi_row *r = &rows[0];
	assert_int_equal(r->leads, 3);
	assert_int_equal(r->mqls, 2);
	assert_int_equal(r->mqls_before, 1);
	close_to(r->lead_velocity, 100);                  /* (2 - 1) / 1 */
	assert_int_equal(r->leads_30d, 3);
	assert_int_equal(r->customers_30d, 1);
	close_to(r->lead_conversion_30d, 100.0 / 3);      /* 1 / 3 */
	assert_int_equal(r->opportunities, 1);
	assert_int_equal(r->opportunity_amount, 1200000);
	assert_int_equal(r->customers, 1);
	assert_int_equal(r->impressions, 20000);
	assert_int_equal(r->clicks, 300);
	assert_int_equal(r->cost, 90000);
	close_to(r->ctr, 1.5);                            /* 300 / 20,000 */
	close_to(r->cpc, 300);                            /* 900.00 / 300, in cents */
	close_to(r->cpm, 4500);                           /* 900.00 / 20,000 x 1000 */
	close_to(r->cpl, 30000);                          /* 900.00 / 3 */
	close_to(r->cac, 90000);                          /* 900.00 / 1 */
	close_to(r->revenue, 12000);
	close_to(r->roas, 12000.0 / 900);                 /* 13.33 */
	close_to(r->roi, (12000.0 - 900) / 900 * 100);    /* 1233.33 % */
	assert_int_equal(r->sessions, 4);
	assert_int_equal(r->bounces, 3);
	close_to(r->bounce_rate, 75);
	close_to(r->avg_time_on_site, 75);                /* 300 s / 4 */
	free(rows);

	/* By channel: a and c came from Paid Search, b direct; spend is Paid Search's. */
	o.by = TP_KPI_CHANNEL;
	assert_int_equal(tp_kpi_report(f->ctx, f->store, &o, &rows, &n, month, cur), TP_OK);
	assert_int_equal(n, 4);
	assert_string_equal(rows[0].key, "all");
	assert_string_equal(rows[1].key, "Direct");
	assert_string_equal(rows[2].key, "Paid Search");
	assert_string_equal(rows[3].key, "Unassigned");   /* e: an identify without a page */
	assert_int_equal(rows[1].leads, 1);
	assert_true(isnan(rows[1].cpl) && isnan(rows[1].ctr) && isnan(rows[1].roas));
	/* b's visit, and c's return at 11:00 (a new session, with no campaign). */
	assert_int_equal(rows[1].sessions, 2);
	assert_int_equal(rows[1].bounces, 2);
	assert_int_equal(rows[2].sessions, 2);
	assert_int_equal(rows[2].bounces, 1);
	assert_int_equal(rows[2].leads, 2);
	close_to(rows[2].cpl, 45000);                     /* 900.00 / 2 */
	close_to(rows[2].revenue, 12000);
	assert_true(isnan(rows[2].lead_velocity));        /* no Paid Search MQL in February */
	assert_int_equal(rows[3].mqls_before, 1);         /* February's MQL */
	close_to(rows[3].lead_velocity, -100);
	free(rows);

	/* By campaign: spend "Spring" meets the touches' "spring". */
	o.by = TP_KPI_CAMPAIGN;
	assert_int_equal(tp_kpi_report(f->ctx, f->store, &o, &rows, &n, month, cur), TP_OK);
	const tp_kpi_row *spring = NULL;
	for (size_t i = 0; i < n; i++)
		if (strcmp(rows[i].key, "spring") == 0)
			spring = &rows[i];
	assert_non_null(spring);
	assert_int_equal(spring->leads, 2);
	assert_int_equal(spring->cost, 90000);
	assert_int_equal(spring->sessions, 2);
	free(rows);
}

/* Undefined, not zero: a month with nothing in it; and as of 12 March the
 * customer and the MQL of 25 March are not known yet. */
static void kpis_undefined_and_as_of(void **state)
{
	fixture *f = *state;
	build(f);
	tp_kpi_opts o = {.month = 2026 * 12 + 6, .as_of = MAR + 200 * DAY};
	tp_kpi_row *rows;
	size_t n;
	char month[8], cur[4];
	assert_int_equal(tp_kpi_report(f->ctx, f->store, &o, &rows, &n, month, cur), TP_OK);
	assert_int_equal(rows[0].leads, 0);
	assert_true(isnan(rows[0].lead_velocity) && isnan(rows[0].lead_conversion_30d));
	assert_true(isnan(rows[0].ctr) && isnan(rows[0].cpl) && isnan(rows[0].bounce_rate));
	assert_true(isnan(rows[0].roas) && isnan(rows[0].avg_time_on_site));
	free(rows);

	o = (tp_kpi_opts){.month = 2026 * 12 + 2, .as_of = MAR + 11 * DAY + DAY - 1};
	assert_int_equal(tp_kpi_report(f->ctx, f->store, &o, &rows, &n, month, cur), TP_OK);
	assert_int_equal(rows[0].mqls, 1);
	assert_int_equal(rows[0].customers, 0);
	assert_int_equal(rows[0].opportunities, 0);
	close_to(rows[0].revenue, 0);
	free(rows);

	/* A month that has not begun is refused. */
	o = (tp_kpi_opts){.month = 2027 * 12, .as_of = MAR};
	assert_int_equal(tp_kpi_report(f->ctx, f->store, &o, &rows, &n, month, cur), TP_ERR_USAGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST_WITH_DB(kpis_of_the_worked_example),
		TEST_WITH_DB(kpis_undefined_and_as_of),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
