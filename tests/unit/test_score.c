/* Lifecycle moves, decay, caps, the MQL threshold, explanations that add up,
 * incremental scores equal to a rebuild, opportunities, and AUC. */
#include <math.h>

#include "helpers.h"

#define DAY (86400000LL)
#define T0 1772323200000LL /* 2026-03-01T00:00:00Z */

/* ---- the stage machine: every pair, against the table in docs/STAGES.md -- */

static void stage_moves_follow_the_table(void **state)
{
	(void)state;
	/* F forward, S side (reason), . illegal; rows from, columns to, in
	 * visitor lead mql sal sql opportunity customer disqualified recycled churned */
	static const char *const table[TP_STAGE__COUNT] = {
		/* visitor      */ ".FFFFFFS..",
		/* lead         */ "..FFFFFS..",
		/* mql          */ "...FFFFSS.",
		/* sal          */ "....FFFSS.",
		/* sql          */ ".....FFSS.",
		/* opportunity  */ "......FSS.",
		/* customer     */ ".........S",
		/* disqualified */ "........S.",
		/* recycled     */ "..FFFFFS..",
		/* churned      */ ".....FF.S.",
	};
	for (int f = 0; f < TP_STAGE__COUNT; f++)
		for (int t = 0; t < TP_STAGE__COUNT; t++) {
			tp_move_kind k = tp_stage_move_kind((tp_stage)f, (tp_stage)t);
			char got = k == TP_MOVE_FORWARD ? 'F' : k == TP_MOVE_SIDE ? 'S' : '.';
			if (got != table[f][t])
				fail_msg("%s -> %s: got %c, want %c", tp_stage_name((tp_stage)f),
				         tp_stage_name((tp_stage)t), got, table[f][t]);
		}
	char buf[256];
	assert_string_equal(tp_stage_legal_moves(TP_STAGE_SAL, buf, sizeof buf),
	                    "sql, opportunity, customer; with a reason: disqualified, recycled");
	assert_string_equal(tp_stage_legal_moves(TP_STAGE_DISQUALIFIED, buf, sizeof buf),
	                    "with a reason: recycled");
}

static const char one_lead[] =
	"{\"type\":\"identify\",\"userId\":\"u1\",\"messageId\":\"m1\",\"timestamp\":\"2026-03-01T00:00:00Z\","
	"\"traits\":{\"email\":\"ana@novalogix.com\",\"title\":\"VP Marketing\"}}\n";

static void illegal_moves_are_refused_and_side_moves_need_a_reason(void **state)
{
	fixture *f = *state;
	tp_import_stats st;
	assert_int_equal(import_text(f, NULL, one_lead, 1, &st, NULL), TP_OK);
	int64_t c = contact_by_email(f, "ana@novalogix.com");
	tp_store *s = f->store;
	assert_int_equal(s->ops->begin(s, f->ctx), TP_OK);
	assert_int_equal(tp_lifecycle_move(f->ctx, s, NULL, c, TP_STAGE_SAL, T0, "user", NULL), TP_OK);
	assert_int_equal(tp_lifecycle_move(f->ctx, s, NULL, c, TP_STAGE_MQL, T0, "user", NULL),
	                 TP_ERR_CONFLICT);
	assert_non_null(strstr(tp_ctx_message(f->ctx), "Legal from sal: sql, opportunity"));
	assert_int_equal(tp_lifecycle_move(f->ctx, s, NULL, c, TP_STAGE_RECYCLED, T0, "user", NULL),
	                 TP_ERR_INVALID);
	assert_string_equal(tp_ctx_field(f->ctx), "reason");
	assert_int_equal(tp_lifecycle_move(f->ctx, s, NULL, c, TP_STAGE_RECYCLED, T0 + 1, "user: bo",
	                                   "no budget this year"), TP_OK);
	assert_int_equal(s->ops->commit(s, f->ctx), TP_OK);
	tp_contact ct;
	int found;
	assert_int_equal(s->ops->contact_get(s, f->ctx, c, &ct, &found), TP_OK);
	assert_int_equal(ct.stage, TP_STAGE_RECYCLED);
}

/* ---- the engine ---------------------------------------------------------- */

static tp_score_config *config(const char *json)
{
	tp_ctx *ctx = tp_ctx_create();
	tp_score_config *c = NULL;
	tp_status rc = tp_score_config_parse(ctx, json, &c);
	if (rc != TP_OK)
		fail_msg("config: %s: %s", tp_ctx_field(ctx), tp_ctx_message(ctx));
	tp_ctx_destroy(ctx);
	return c;
}

static const char page_rules[] =
	"{\"half_life_days\": 10, \"fit_weight\": 0, \"engagement_weight\": 1,"
	" \"mql\": {\"threshold\": 50, \"min_fit\": 0},"
	" \"engagement\": ["
	"  {\"name\": \"pricing\", \"type\": \"page_view\", \"page_category\": \"pricing\", \"points\": 10, \"cap_per_day\": 3},"
	"  {\"name\": \"demo\", \"type\": \"demo_request\", \"points\": 50}]}";

static tp_score_event page(int64_t ts)
{
	return (tp_score_event){ts, TP_TOUCH_PAGE_VIEW, TP_CH_DIRECT, tp_page_category_index("pricing"),
	                        NULL, -1};
}

static void decay_halves_every_half_life(void **state)
{
	(void)state;
	tp_score_config *c = config(page_rules);
	tp_score_cap caps[4] = {{0, 0}};
	tp_score_state s = {0, 0, caps};
	tp_score_event e = page(T0);
	assert_true(tp_score_apply(c, &s, &e, NULL, NULL) == 10);
	assert_true(fabs(tp_score_engagement_at(c, &s, T0 + 10 * DAY) - 5.0) < 1e-12);
	assert_true(fabs(tp_score_engagement_at(c, &s, T0 + 30 * DAY) - 1.25) < 1e-12);
	/* A second event ten days later: 5 + 10. */
	e = page(T0 + 10 * DAY);
	tp_score_apply(c, &s, &e, NULL, NULL);
	assert_true(fabs(s.engagement - 15.0) < 1e-12);
	/* One arriving late (day 5) is decayed to the state's time: 10 * 2^-0.5. */
	e = page(T0 + 5 * DAY);
	tp_score_apply(c, &s, &e, NULL, NULL);
	assert_true(fabs(s.engagement - (15.0 + 10 * pow(2, -0.5))) < 1e-12);
	tp_score_config_free(c);
}

static void caps_count_hits_per_rule_per_day(void **state)
{
	(void)state;
	tp_score_config *c = config(page_rules);
	assert_int_equal(c->n_capped, 1);
	tp_score_cap caps[2] = {{0, 0}};
	tp_score_state s = {0, 0, caps};
	double added = 0;
	for (int i = 0; i < 5; i++) {
		tp_score_event e = page(T0 + i * 60000);
		added += tp_score_apply(c, &s, &e, NULL, NULL);
	}
	assert_true(added == 30);   /* 3 of 5 on the first day */
	tp_score_event e = page(T0 + DAY);
	assert_true(tp_score_apply(c, &s, &e, NULL, NULL) == 10);   /* a new day */
	tp_score_config_free(c);
}

/* Fit remembers the class of titles it read lately: with more titles than
 * its memo holds, read twice, each still scores as its own words say. */
static void fit_of_a_title_is_its_own(void **state)
{
	(void)state;
	tp_score_config *c = config(
		"{\"fit\": [{\"name\": \"vp\", \"attribute\": \"seniority\", \"in\": [\"vp\"], \"points\": 10},"
		"         {\"name\": \"mkt\", \"attribute\": \"role\", \"in\": [\"marketing\"], \"points\": 5},"
		"         {\"name\": \"eng\", \"attribute\": \"role\", \"in\": [\"engineering\"], \"points\": 3}]}");
	static const char *const words[] = {"VP Marketing", "Software Engineer", "Director of Sales",
	                                    "Marketing Manager", "VP Engineering", "Data Analyst"};
	int wrong = 0, scored = 0;
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < 600; i++) {
			char title[64];
			snprintf(title, sizeof title, "%s %d", words[i % 6], i);
			tp_fit_input in = {.title = title, .employees = -1};
			const char *seniority = tp_title_seniority(title), *role = tp_title_role(title);
			double want = (strcmp(seniority, "vp") == 0 ? 10 : 0) +
			              (strcmp(role, "marketing") == 0 ? 5 : 0) +
			              (strcmp(role, "engineering") == 0 ? 3 : 0);
			wrong += tp_score_fit(c, &in, 0, NULL, NULL) != want;
			scored += want > 0;
		}
	assert_int_equal(wrong, 0);
	assert_true(scored > 600);  /* the rules do match: the check has teeth */
	tp_score_config_free(c);
}

static void configuration_errors_name_the_field(void **state)
{
	(void)state;
	tp_ctx *ctx = tp_ctx_create();
	tp_score_config *c = NULL;
	assert_int_equal(tp_score_config_parse(ctx, "{\"engagement\": [{\"name\": \"x\", \"type\":"
	                                            " \"page_veiw\", \"points\": 1}]}", &c),
	                 TP_ERR_INVALID);
	assert_string_equal(tp_ctx_field(ctx), "engagement[0].type");
	assert_int_equal(tp_score_config_parse(ctx, "{\"engagement\": [{\"name\": \"x\", \"type\":"
	                                            " \"download\", \"points\": 1, \"cap_per_dya\": 2}]}",
	                                       &c), TP_ERR_INVALID);
	assert_string_equal(tp_ctx_field(ctx), "engagement[0].cap_per_dya");
	assert_int_equal(tp_score_config_parse(ctx, "{\"mql\": {\"threshold\": 150}}", &c), TP_ERR_INVALID);
	assert_string_equal(tp_ctx_field(ctx), "mql.threshold");
	assert_int_equal(tp_score_config_parse(ctx, tp_score_default_json(), &c), TP_OK);
	assert_int_equal((int)c->n_engage, 20);
	tp_score_config_free(c);
	tp_ctx_destroy(ctx);
}

static void explanation_parts_add_up_to_the_total(void **state)
{
	(void)state;
	tp_score_config *c = config(tp_score_default_json());
	tp_fit_input in = {.title = "VP Marketing", .industry = "Software", .country = "US",
	                   .email = "ana@novalogix.com", .employees = 5000};
	tp_explainer *x = tp_explainer_create(c, &in);
	static const tp_touch kinds[] = {TP_TOUCH_PAGE_VIEW, TP_TOUCH_DOWNLOAD, TP_TOUCH_EMAIL_CLICK,
		TP_TOUCH_WEBINAR_ATTENDED, TP_TOUCH_UNSUBSCRIBE, TP_TOUCH_SITE_SEARCH};
	for (int i = 0; i < 40; i++) {
		tp_score_event e = {T0 + i * 7 * 3600000LL, kinds[i % 6], TP_CH_EMAIL,
		                    tp_page_category_index(i % 2 ? "pricing" : "blog"), NULL, -1};
		tp_explainer_event(x, &e);
	}
	/* At several moments, and so with several roundings. */
	for (int k = 0; k < 50; k++) {
		const tp_score_explanation *ex = tp_explainer_finish(x, T0 + 12 * DAY + k * 7777777LL);
		int64_t cents = 0;
		double points = 0;
		for (size_t i = 0; i < ex->n_parts; i++) {
			cents += ex->parts[i].cents;
			points += ex->parts[i].points;
		}
		assert_true(cents == ex->total_cents);
		assert_true(fabs(points - ex->total) < 1e-9);
		assert_true(ex->total_cents == llround(ex->total * 100));
	}
	/* Clamped at 100: an adjustment part keeps the sum exact. */
	tp_explainer_free(x);
	x = tp_explainer_create(c, &in);
	for (int i = 0; i < 6; i++) {
		tp_score_event e = {T0 + i * DAY, TP_TOUCH_DEMO_REQUEST, TP_CH_DIRECT, -1, NULL, -1};
		tp_explainer_event(x, &e);
	}
	const tp_score_explanation *ex = tp_explainer_finish(x, T0 + 6 * DAY);
	assert_true(ex->total == 100);
	int64_t cents = 0;
	int adjusted = 0;
	for (size_t i = 0; i < ex->n_parts; i++) {
		cents += ex->parts[i].cents;
		adjusted |= strcmp(ex->parts[i].kind, "adjustment") == 0;
	}
	assert_true(adjusted);
	assert_true(cents == 10000);
	tp_explainer_free(x);
	tp_score_config_free(c);
}

/* ---- over the store ------------------------------------------------------ */

static tp_status set_rules(fixture *f, const char *json)
{
	tp_store *s = f->store;
	tp_status rc = s->ops->begin(s, f->ctx);
	if (rc == TP_OK && (rc = tp_score_config_save(f->ctx, s, json)) == TP_OK)
		rc = s->ops->commit(s, f->ctx);
	return rc;
}

static void crossing_exactly_the_threshold_makes_an_mql(void **state)
{
	fixture *f = *state;
	assert_int_equal(set_rules(f, page_rules), TP_OK);
	/* Ana: two pricing pages, 20: not enough. Bo: a demo request, exactly 50. */
	char text[4096];
	snprintf(text, sizeof text, "%s"
	         "{\"type\":\"page\",\"userId\":\"u1\",\"messageId\":\"p1\",\"timestamp\":\"2026-03-01T00:00:00Z\",\"properties\":{\"url\":\"https://x.com/pricing\"}}\n"
	         "{\"type\":\"page\",\"userId\":\"u1\",\"messageId\":\"p2\",\"timestamp\":\"2026-03-01T00:00:00Z\",\"properties\":{\"url\":\"https://x.com/pricing\"}}\n"
	         "{\"type\":\"identify\",\"userId\":\"u2\",\"messageId\":\"m2\",\"timestamp\":\"2026-03-01T00:00:00Z\",\"traits\":{\"email\":\"bo@x.com\"}}\n"
	         "{\"type\":\"track\",\"userId\":\"u2\",\"event\":\"Demo Requested\",\"messageId\":\"d2\",\"timestamp\":\"2026-03-02T00:00:00Z\"}\n",
	         one_lead);
	tp_import_stats st;
	assert_int_equal(import_text(f, NULL, text, 1, &st, NULL), TP_OK);
	assert_int_equal(st.mqls, 1);
	tp_contact c;
	int found;
	assert_int_equal(f->store->ops->contact_get(f->store, f->ctx, contact_by_email(f, "bo@x.com"),
	                                            &c, &found), TP_OK);
	assert_int_equal(c.stage, TP_STAGE_MQL);   /* exactly 50 >= 50 */
	assert_int_equal(f->store->ops->contact_get(f->store, f->ctx,
	                                            contact_by_email(f, "ana@novalogix.com"), &c,
	                                            &found), TP_OK);
	assert_int_equal(c.stage, TP_STAGE_LEAD);  /* 20 */
}

/* A lead who crosses the MQL threshold and is merged into another contact
 * in the same transaction: the winner takes the touches, the score and the
 * move; the merged-away contact keeps no score of its own (as after a merge
 * by hand) and is not moved, which failed the whole import. */
static void a_lead_merged_away_leaves_its_score_to_the_winner(void **state)
{
	fixture *f = *state;
	assert_int_equal(set_rules(f, page_rules), TP_OK);
	static const char first[] =
		"{\"type\":\"identify\",\"anonymousId\":\"va\",\"messageId\":\"m1\",\"timestamp\":\"2026-03-01T00:00:00Z\",\"traits\":{\"email\":\"bo@x.com\"}}\n";
	/* One transaction (the helper commits every 3 calls). */
	static const char second[] =
		"{\"type\":\"track\",\"anonymousId\":\"va\",\"event\":\"Demo Requested\",\"messageId\":\"d1\",\"timestamp\":\"2026-03-02T00:00:00Z\"}\n"
		"{\"type\":\"identify\",\"userId\":\"u9\",\"messageId\":\"m2\",\"timestamp\":\"2026-03-02T01:00:00Z\"}\n"
		"{\"type\":\"identify\",\"userId\":\"u9\",\"messageId\":\"m3\",\"timestamp\":\"2026-03-02T02:00:00Z\",\"traits\":{\"email\":\"bo@x.com\"}}\n";
	tp_import_stats st;
	assert_int_equal(import_text(f, NULL, first, 1, &st, NULL), TP_OK);
	int64_t loser = contact_by_email(f, "bo@x.com");
	if (import_text(f, NULL, second, 1, &st, NULL) != TP_OK)
		fail_msg("import: %s", tp_ctx_message(f->ctx));
	assert_int_equal(st.merges, 1);
	assert_int_equal(st.mqls, 1);
	tp_store *s = f->store;
	tp_contact c;
	int found;
	assert_int_equal(s->ops->contact_get(s, f->ctx, loser, &c, &found), TP_OK);
	int64_t winner = c.merged_into;
	assert_true(winner > 0 && winner != loser);
	assert_int_equal(c.stage, TP_STAGE_LEAD);
	tp_score_row row;
	assert_int_equal(s->ops->score_get(s, f->ctx, loser, &row, &found), TP_OK);
	assert_false(found);
	assert_int_equal(s->ops->score_get(s, f->ctx, winner, &row, &found), TP_OK);
	assert_true(found && row.total >= 50);
	assert_int_equal(s->ops->contact_get(s, f->ctx, winner, &c, &found), TP_OK);
	assert_int_equal(c.stage, TP_STAGE_MQL);
}

/* Ana's stored score after importing `lines` (one or two imports) into
 * a fresh workspace with page_rules. */
static tp_score_row score_after(const char *const *lines, int imports)
{
	void *state = NULL;
	assert_int_equal(fixture_setup(&state), 0);
	fixture *f = state;
	assert_int_equal(set_rules(f, page_rules), TP_OK);
	tp_import_stats st;
	for (int i = 0; i < imports; i++)
		assert_int_equal(import_text(f, NULL, lines[i], 1, &st, NULL), TP_OK);
	tp_score_row row;
	int found;
	assert_int_equal(f->store->ops->score_get(f->store, f->ctx, contact_by_email(f, "ana@novalogix.com"),
	                                          &row, &found), TP_OK);
	assert_true(found);
	tp_score_row out = {.engagement = row.engagement, .engagement_at = row.engagement_at};
	fixture_teardown(&state);
	return out;
}

/* A contact's daily caps are stored with its score: a scorer that loads it
 * (a later import, or one whose cache was emptied) goes on counting the
 * day's hits where the last stopped. The fourth pricing page of the day is
 * over the cap of 3 however the four arrive. */
static void daily_caps_survive_a_reload(void **state)
{
	(void)state;
	char three[2048], fourth[512];
	int n = snprintf(three, sizeof three, "%s", one_lead);
	static const char page_line[] =
		"{\"type\":\"page\",\"userId\":\"u1\",\"messageId\":\"p%d\","
		"\"timestamp\":\"2026-03-01T0%d:00:00Z\",\"properties\":{\"url\":\"https://x.com/pricing\"}}\n";
	for (int i = 1; i <= 3; i++)
		n += snprintf(three + n, sizeof three - (size_t)n, page_line, i, i);
	snprintf(fourth, sizeof fourth, page_line, 4, 4);
	char all[2560];
	snprintf(all, sizeof all, "%s%s", three, fourth);
	const char *const at_once[] = {all}, *const in_two[] = {three, fourth};
	tp_score_row one = score_after(at_once, 1), two = score_after(in_two, 2);
	assert_true(one.engagement > 29 && one.engagement < 30);   /* three hits, a few hours' decay */
	assert_true(two.engagement == one.engagement);
	assert_true(two.engagement_at == one.engagement_at);
}

typedef struct snapshot {
	int n;
	int64_t id[4096];
	double engagement[4096], fit[4096];
	int64_t at[4096];
} snapshot;

static int take_score(void *user, const tp_score_row *r)
{
	snapshot *s = user;
	if (s->n < 4096) {
		s->id[s->n] = r->contact_id;
		s->engagement[s->n] = r->engagement;
		s->fit[s->n] = r->fit;
		s->at[s->n] = r->engagement_at;
		s->n++;
	}
	return 0;
}

/* The lines of text in reverse order, in place. */
static void reverse_lines(char *text)
{
	size_t len = strlen(text);
	char *copy = malloc(len + 1), *at = text;
	assert_non_null(copy);
	memcpy(copy, text, len + 1);
	for (char *end = copy + len; end > copy;) {
		char *start = end - 1;   /* end is past a line's '\n' */
		while (start > copy && start[-1] != '\n')
			start--;
		memcpy(at, start, (size_t)(end - start));
		at += end - start;
		end = start;
	}
	free(copy);
}

/* Imports a demo world, then rescores it all with tp_score_recompute: every
 * score must come out the same. bulk 0: chunks of 3 calls, states reloaded
 * from the store between commits; bulk 1: one transaction, after which every
 * contact replays in the scorer's one ordered pass; reversed, the lines come
 * last first, so each contact's events reach that pass in reverse time. */
static void import_scores_equal_a_rebuild(fixture *f, int bulk, int reversed)
{
	char *text = demo_text(f, 300, 7, 120);
	if (reversed)
		reverse_lines(text);
	tp_import_stats st;
	assert_int_equal(import_mode(f, NULL, text, 0, bulk, &st, NULL), TP_OK);
	free(text);
	static snapshot before, after;
	memset(&before, 0, sizeof before);
	memset(&after, 0, sizeof after);
	assert_int_equal(f->store->ops->scores_list(f->store, f->ctx, take_score, &before), TP_OK);
	assert_true(before.n > 200);
	tp_score_config *cfg;
	assert_int_equal(tp_score_config_load(f->ctx, f->store, &cfg), TP_OK);
	tp_recompute_stats rs;
	assert_int_equal(f->store->ops->begin(f->store, f->ctx), TP_OK);
	assert_int_equal(tp_score_recompute(f->ctx, f->store, cfg, 1, &rs), TP_OK);
	assert_int_equal(f->store->ops->commit(f->store, f->ctx), TP_OK);
	assert_int_equal(f->store->ops->scores_list(f->store, f->ctx, take_score, &after), TP_OK);
	assert_int_equal(before.n, after.n);
	int engaged = 0;
	for (int i = 0; i < before.n; i++) {
		assert_true(before.id[i] == after.id[i]);
		double a = tp_score_decay(cfg, before.engagement[i], before.at[i], T0 + 400 * DAY);
		double b = tp_score_decay(cfg, after.engagement[i], after.at[i], T0 + 400 * DAY);
		if (fabs(a - b) > 1e-9 * (1 + fabs(b)))
			fail_msg("contact %lld: incremental %.17g, rebuilt %.17g", (long long)before.id[i], a, b);
		assert_true(fabs(before.fit[i] - after.fit[i]) < 1e-9);
		engaged += b != 0;
	}
	assert_true(engaged > 100);
	assert_int_equal(rs.mql_moves, 0);   /* the import already moved them */
	tp_score_config_free(cfg);
}

static void incremental_scores_equal_a_rebuild(void **state)
{
	import_scores_equal_a_rebuild(*state, 0, 0);
}

static void bulk_load_scores_equal_a_rebuild(void **state)
{
	import_scores_equal_a_rebuild(*state, 1, 0);
}

static void bulk_load_in_reverse_scores_equal_a_rebuild(void **state)
{
	import_scores_equal_a_rebuild(*state, 1, 1);
}

/* A contact's stored fit is its fit when the import commits: here its
 * account learns its size from a colleague's group call after the
 * contact's own identify. Both ways of loading (the chunk of 3 holds the
 * three calls). */
static void the_stored_fit_is_the_fit_at_the_commit(void **state)
{
	(void)state;
	static const char *text =
		"{\"type\":\"identify\",\"userId\":\"u1\",\"messageId\":\"i1\",\"timestamp\":\"2026-03-01T00:00:00Z\","
		"\"traits\":{\"email\":\"ana@acme.com\",\"title\":\"VP Marketing\"}}\n"
		"{\"type\":\"identify\",\"userId\":\"u2\",\"messageId\":\"i2\",\"timestamp\":\"2026-03-01T00:01:00Z\","
		"\"traits\":{\"email\":\"bo@acme.com\"}}\n"
		"{\"type\":\"group\",\"userId\":\"u2\",\"groupId\":\"g1\",\"messageId\":\"g1\",\"timestamp\":\"2026-03-01T00:02:00Z\","
		"\"traits\":{\"website\":\"acme.com\",\"employees\":5000}}\n";
	for (int bulk = 0; bulk < 2; bulk++) {
		void *gs = NULL;
		assert_int_equal(fixture_setup(&gs), 0);
		fixture *g = gs;
		tp_import_stats st;
		assert_int_equal(import_mode(g, NULL, text, 1, bulk, &st, NULL), TP_OK);
		int64_t ana = contact_by_email(g, "ana@acme.com");
		tp_score_config *cfg;
		assert_int_equal(tp_score_config_load(g->ctx, g->store, &cfg), TP_OK);
		tp_fit_input in;
		char buf[1024];
		assert_int_equal(tp_fit_input_of_contact(g->ctx, g->store, ana, &in, buf, sizeof buf, NULL),
		                 TP_OK);
		assert_int_equal(in.employees, 5000);
		double want = tp_score_fit(cfg, &in, 0, NULL, NULL);
		tp_score_row row;
		int found;
		assert_int_equal(g->store->ops->score_get(g->store, g->ctx, ana, &row, &found), TP_OK);
		assert_true(found);
		if (fabs(row.fit - want) > 1e-9)
			fail_msg("bulk %d: stored fit %.2f, fit now %.2f", bulk, row.fit, want);
		tp_score_config_free(cfg);
		fixture_teardown(&gs);
	}
}

static void winning_an_opportunity_makes_customers(void **state)
{
	fixture *f = *state;
	tp_import_stats st;
	assert_int_equal(import_text(f, NULL, one_lead, 1, &st, NULL), TP_OK);
	int64_t c = contact_by_email(f, "ana@novalogix.com");
	tp_store *s = f->store;
	tp_opportunity_row r = {.contact_id = c, .amount = 1200000, .currency = "USD",
	                        .probability = -1};
	assert_int_equal(s->ops->begin(s, f->ctx), TP_OK);
	assert_int_equal(tp_opportunity_open(f->ctx, s, &r), TP_OK);
	assert_int_equal(r.probability, 10);
	tp_contact ct;
	int found;
	assert_int_equal(s->ops->contact_get(s, f->ctx, c, &ct, &found), TP_OK);
	assert_int_equal(ct.stage, TP_STAGE_OPPORTUNITY);
	tp_opportunity_row lost = {.stage = "lost", .amount = -1, .probability = -1};
	assert_int_equal(tp_opportunity_update(f->ctx, s, r.id, &lost), TP_ERR_INVALID);
	assert_string_equal(tp_ctx_field(f->ctx), "lost_reason");
	tp_opportunity_row won = {.stage = "won", .amount = -1, .probability = -1};
	assert_int_equal(tp_opportunity_update(f->ctx, s, r.id, &won), TP_OK);
	assert_int_equal(tp_opportunity_update(f->ctx, s, r.id, &won), TP_ERR_CONFLICT);
	assert_int_equal(s->ops->commit(s, f->ctx), TP_OK);
	assert_int_equal(s->ops->contact_get(s, f->ctx, c, &ct, &found), TP_OK);
	assert_int_equal(ct.stage, TP_STAGE_CUSTOMER);
	tp_account a;
	assert_int_equal(s->ops->account_get(s, f->ctx, ct.account_id, &a, &found), TP_OK);
	assert_true(a.customer_since == fixed_clock(NULL));
	tp_pipeline_row *rows;
	size_t n;
	assert_int_equal(tp_pipeline_report(f->ctx, s, TP_PIPELINE_TOTAL, &rows, &n), TP_OK);
	assert_int_equal((int)n, 1);
	assert_true(rows[0].won == 1 && rows[0].won_amount == 1200000 && rows[0].win_rate == 1.0);
	free(rows);
}

static void auc_counts_ties_as_half(void **state)
{
	(void)state;
	double s1[] = {0.1, 0.4, 0.35, 0.8};
	int y1[] = {0, 0, 1, 1};
	assert_true(fabs(tp_auc(s1, y1, 4) - 0.75) < 1e-12);
	double s2[] = {0.5, 0.5, 0.5, 0.5};
	assert_true(fabs(tp_auc(s2, y1, 4) - 0.5) < 1e-12);
	int none[] = {0, 0, 0, 0};
	assert_true(tp_auc(s1, none, 4) == -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(stage_moves_follow_the_table),
		TEST_WITH_DB(illegal_moves_are_refused_and_side_moves_need_a_reason),
		cmocka_unit_test(decay_halves_every_half_life),
		cmocka_unit_test(caps_count_hits_per_rule_per_day),
		cmocka_unit_test(fit_of_a_title_is_its_own),
		cmocka_unit_test(configuration_errors_name_the_field),
		cmocka_unit_test(explanation_parts_add_up_to_the_total),
		TEST_WITH_DB(crossing_exactly_the_threshold_makes_an_mql),
		TEST_WITH_DB(a_lead_merged_away_leaves_its_score_to_the_winner),
		cmocka_unit_test(daily_caps_survive_a_reload),
		TEST_WITH_DB(incremental_scores_equal_a_rebuild),
		TEST_WITH_DB(bulk_load_scores_equal_a_rebuild),
		TEST_WITH_DB(bulk_load_in_reverse_scores_equal_a_rebuild),
		cmocka_unit_test(the_stored_fit_is_the_fit_at_the_commit),
		TEST_WITH_DB(winning_an_opportunity_makes_customers),
		cmocka_unit_test(auc_counts_ties_as_half),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
