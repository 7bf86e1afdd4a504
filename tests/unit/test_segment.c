/* The Segment-spec parser: every call type, batches, derived fields, and
 * one failure per rule with the field it names. */
#include "helpers.h"

static tp_segment_parser *p;
static tp_ctx *ctx;

static int setup(void **state)
{
	(void)state;
	p = tp_segment_parser_create();
	ctx = tp_ctx_create();
	return p && ctx ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	tp_segment_parser_destroy(p);
	tp_ctx_destroy(ctx);
	return 0;
}

static const tp_parse_item *one(const char *json)
{
	const tp_parse_item *items;
	size_t n;
	tp_status rc = tp_segment_parse(p, ctx, json, strlen(json), 1000, &items, &n);
	if (rc != TP_OK)
		fail_msg("record failed: %s", tp_ctx_message(ctx));
	assert_int_equal(n, 1);
	return &items[0];
}

static void bad(const char *json, const char *field, const char *needle)
{
	const tp_parse_item *it = one(json);
	if (it->status == TP_OK)
		fail_msg("accepted: %s", json);
	assert_string_equal(it->field, field);
	if (!strstr(it->message, needle))
		fail_msg("message \"%s\" lacks \"%s\"", it->message, needle);
}

/* A text is trimmed, lower-cased where the field wants it and held to its
 * limit alike whether it has escapes (read through a copy) or not (read
 * from the input directly). */
static void test_texts_with_and_without_escapes(void **state)
{
	(void)state;
	static const char *const spellings[2][3] = {
		{"  Google Ads ", "CPC", "  u1  "},
		{"\\u0020 Google\\u0020Ads\\t", "\\u0043PC", " \\u0020u1\\n"},
	};
	for (int e = 0; e < 2; e++) {
		char json[512];
		snprintf(json, sizeof json,
		         "{\"type\":\"track\",\"event\":\"   \",\"userId\":\"%s\",\"messageId\":\"m\","
		         "\"context\":{\"campaign\":{\"source\":\"%s\",\"medium\":\"%s\"}}}",
		         spellings[e][2], spellings[e][0], spellings[e][1]);
		bad(json, "event", "is required");
		snprintf(json, sizeof json,
		         "{\"type\":\"track\",\"event\":\" Demo Requested \",\"userId\":\"%s\","
		         "\"messageId\":\"m\",\"context\":{\"campaign\":{\"source\":\"%s\",\"medium\":\"%s\"}}}",
		         spellings[e][2], spellings[e][0], spellings[e][1]);
		const tp_parse_item *it = one(json);
		assert_int_equal(it->status, TP_OK);
		assert_string_equal(it->ev.user_id, "u1");
		assert_string_equal(it->ev.name, "Demo Requested");
		assert_string_equal(it->ev.utm[TP_UTM_SOURCE], "google ads");
		assert_string_equal(it->ev.utm[TP_UTM_MEDIUM], "cpc");
	}
	/* The limit counts the trimmed text. */
	char id[TP_MAX_ID_BYTES + 8], json[TP_MAX_ID_BYTES + 128];
	memset(id, 'x', TP_MAX_ID_BYTES);
	memcpy(id + TP_MAX_ID_BYTES, "  ", 3);
	snprintf(json, sizeof json, "{\"type\":\"page\",\"anonymousId\":\"%s\"}", id);
	assert_int_equal(one(json)->status, TP_OK);
	memcpy(id + TP_MAX_ID_BYTES, "y ", 3);
	snprintf(json, sizeof json, "{\"type\":\"page\",\"anonymousId\":\"%s\"}", id);
	bad(json, "anonymousId", "the limit is");
}

static void test_page_with_campaign_and_click_ids(void **state)
{
	(void)state;
	const tp_parse_item *it = one(
		"{\"type\":\"page\",\"anonymousId\":\"a1\",\"messageId\":\"m1\","
		"\"timestamp\":\"2026-03-01T10:00:00.250+07:00\",\"name\":\"Pricing\","
		"\"context\":{\"page\":{\"url\":\"https://WWW.Acme.com/Pricing/enterprise?utm_source=Google"
		"&utm_medium=CPC&utm_campaign=Brand%20Q1&gclid=Cj0K&li_fat_id=LI9\","
		"\"referrer\":\"https://www.google.com/\"}}}");
	assert_int_equal(it->status, TP_OK);
	const tp_event *ev = &it->ev;
	assert_int_equal(ev->call, TP_CALL_PAGE);
	assert_int_equal(ev->touch, TP_TOUCH_PAGE_VIEW);
	assert_string_equal(ev->page_category, "pricing");
	assert_int_equal(ev->ts, 1772334000250LL); /* 03:00:00.250Z */
	assert_string_equal(ev->utm[TP_UTM_SOURCE], "google");
	assert_string_equal(ev->utm[TP_UTM_MEDIUM], "cpc");
	assert_string_equal(ev->utm[TP_UTM_CAMPAIGN], "brand q1");
	assert_string_equal(ev->click_id[TP_CLICK_GCLID], "Cj0K");
	assert_string_equal(ev->click_id[TP_CLICK_LI_FAT_ID], "LI9");
	assert_string_equal(ev->host, "www.acme.com");
	assert_string_equal(ev->path, "/Pricing/enterprise");
	assert_string_equal(ev->message_id, "m1");
}

/* The browser sends a download as a beacon that may arrive before the page
 * view: its properties.url is the file, its page (and the page's UTM) is in
 * context.page, which alone gives its channel. */
static void test_track_page_is_its_context_page(void **state)
{
	(void)state;
	const tp_parse_item *it = one(
		"{\"type\":\"track\",\"event\":\"File Downloaded\",\"anonymousId\":\"a\","
		"\"timestamp\":\"2026-01-01T00:00:00Z\","
		"\"properties\":{\"url\":\"https://a.com/files/w.pdf\",\"title\":\"Whitepaper\"},"
		"\"context\":{\"page\":{\"url\":\"https://a.com/pricing?utm_source=LinkedIn&utm_medium=paid_social\","
		"\"title\":\"Pricing\"}}}");
	assert_int_equal(it->status, TP_OK);
	assert_string_equal(it->ev.url, "https://a.com/pricing?utm_source=LinkedIn&utm_medium=paid_social");
	assert_string_equal(it->ev.path, "/pricing");
	assert_string_equal(it->ev.title, "Pricing");
	assert_string_equal(it->ev.utm[TP_UTM_SOURCE], "linkedin");
	assert_string_equal(it->ev.utm[TP_UTM_MEDIUM], "paid_social");
	/* A page call's properties name its page, before context.page. */
	it = one("{\"type\":\"page\",\"anonymousId\":\"a\",\"timestamp\":\"2026-01-01T00:00:00Z\","
	         "\"properties\":{\"url\":\"https://a.com/blog/x\"},"
	         "\"context\":{\"page\":{\"url\":\"https://a.com/pricing\"}}}");
	assert_string_equal(it->ev.path, "/blog/x");
}

static void test_context_campaign_wins_over_query(void **state)
{
	(void)state;
	const tp_parse_item *it = one(
		"{\"type\":\"page\",\"anonymousId\":\"a\",\"timestamp\":\"2026-01-01T00:00:00Z\","
		"\"context\":{\"campaign\":{\"source\":\"LinkedIn\",\"medium\":\"paid_social\",\"name\":\"ABM\"},"
		"\"page\":{\"url\":\"https://a.com/?utm_source=other\"}}}");
	assert_string_equal(it->ev.utm[TP_UTM_SOURCE], "linkedin");
	assert_string_equal(it->ev.utm[TP_UTM_CAMPAIGN], "abm");
}

static void test_track_types(void **state)
{
	(void)state;
	static const struct {
		const char *event, *props, *type;
	} cases[] = {
		{"Products Searched", "{\"query\":\"crm\"}", "site_search"},
		{"Whitepaper Downloaded", "{\"asset\":\"guide.pdf\"}", "download"},
		{"file_downloaded", "{}", "download"},
		{"Video Playback Progress", "{\"position\":30,\"total_length\":60}", "video_progress"},
		{"Form Submitted", "{\"form_id\":\"contact\"}", "form_submit"},
		{"Demo Requested", "{}", "demo_request"},
		{"Trial Started", "{}", "trial_signup"},
		{"Webinar Attended", "{}", "webinar_attended"},
		{"Email Link Clicked", "{}", "email_click"},
		{"Unsubscribed", "{}", "unsubscribe"},
		{"Post Liked", "{}", "social_like"},
		{"Lead Ad Submitted", "{}", "lead_ad_submit"},
		{"Order Completed", "{}", "payment"},
		{"Something Else", "{}", "custom"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char json[512];
		snprintf(json, sizeof json,
		         "{\"type\":\"track\",\"userId\":\"u\",\"event\":\"%s\",\"properties\":%s,"
		         "\"timestamp\":\"2026-01-01T00:00:00Z\"}", cases[i].event, cases[i].props);
		const tp_parse_item *it = one(json);
		assert_int_equal(it->status, TP_OK);
		if (strcmp(tp_touch_name(it->ev.touch), cases[i].type) != 0)
			fail_msg("%s: expected %s, got %s", cases[i].event, cases[i].type,
			         tp_touch_name(it->ev.touch));
		if (i == 0)
			assert_string_equal(it->ev.search_term, "crm");
		if (i == 1)
			assert_string_equal(it->ev.asset, "guide.pdf");
		if (i == 3)
			assert_int_equal(it->ev.video_percent, 50);
	}
	/* Our own touch names, as the store writes them, name their touch too. */
	for (int t = 0; t < TP_TOUCH__COUNT; t++) {
		char json[512];
		snprintf(json, sizeof json,
		         "{\"type\":\"track\",\"userId\":\"u\",\"event\":\"%s\","
		         "\"timestamp\":\"2026-01-01T00:00:00Z\"}", tp_touch_name((tp_touch)t));
		const tp_parse_item *it = one(json);
		assert_int_equal(it->status, TP_OK);
		if ((int)it->ev.touch != t)
			fail_msg("%s: got %s", tp_touch_name((tp_touch)t), tp_touch_name(it->ev.touch));
	}
}

static void test_page_categories(void **state)
{
	(void)state;
	static const struct {
		const char *path, *category;
	} cases[] = {{"/", "home"}, {"/pricing", "pricing"}, {"/vi/pricing", "pricing"},
	             {"/blog/x", "blog"}, {"/careers/dev", "careers"}, {"/product/a", "product"},
	             {"/demo", "demo"}, {"/pricingx", "other"}, {"/zh-cn/docs/a", "docs"}};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char json[256];
		snprintf(json, sizeof json,
		         "{\"type\":\"page\",\"anonymousId\":\"a\",\"properties\":{\"url\":\"https://x.io%s\"},"
		         "\"timestamp\":\"2026-01-01T00:00:00Z\"}", cases[i].path);
		const tp_parse_item *it = one(json);
		assert_int_equal(it->status, TP_OK);
		if (strcmp(it->ev.page_category, cases[i].category) != 0)
			fail_msg("%s: expected %s, got %s", cases[i].path, cases[i].category,
			         it->ev.page_category);
	}
	/* A declared category we know wins over the path, spelt as people spell it. */
	static const struct {
		const char *declared, *category;
	} declared[] = {{"Case Study", "case_study"}, {"case_study", "case_study"},
	                {"PRICING", "pricing"},       {"webinar", "blog"},
	                {"case study", "case_study"}, {"demo", "demo"},
	                {"p\\u0072icing", "pricing"}, {"demos", "blog"}};
	for (size_t i = 0; i < sizeof declared / sizeof declared[0]; i++) {
		char json[256];
		snprintf(json, sizeof json,
		         "{\"type\":\"page\",\"anonymousId\":\"a\",\"properties\":{\"url\":"
		         "\"https://x.io/blog/x\",\"category\":\"%s\"},\"timestamp\":\"2026-01-01T00:00:00Z\"}",
		         declared[i].declared);
		const tp_parse_item *it = one(json);
		assert_int_equal(it->status, TP_OK);
		if (strcmp(it->ev.page_category, declared[i].category) != 0)
			fail_msg("%s: expected %s, got %s", declared[i].declared, declared[i].category,
			         it->ev.page_category);
	}
	/* A page with a search parameter is a site search (GA4 enhanced measurement). */
	const tp_parse_item *it = one("{\"type\":\"page\",\"anonymousId\":\"a\",\"timestamp\":"
	                              "\"2026-01-01T00:00:00Z\",\"properties\":{\"url\":\"https://x.io/search?q=lead+scoring\"}}");
	assert_int_equal(it->ev.touch, TP_TOUCH_SITE_SEARCH);
	assert_string_equal(it->ev.search_term, "lead scoring");
}

static void test_identify_traits(void **state)
{
	(void)state;
	const tp_parse_item *it = one(
		"{\"type\":\"identify\",\"userId\":42,\"anonymousId\":\"a\",\"timestamp\":\"2026-01-01T00:00:00Z\","
		"\"traits\":{\"email\":\"  Ana.Nguyen+Events@Acme.COM \",\"name\":\"Ana Maria Nguyen\","
		"\"title\":\"CMO\",\"company\":{\"name\":\"Acme\",\"employee_count\":\"250\"},"
		"\"address\":{\"country\":\"VN\"}}}");
	assert_int_equal(it->status, TP_OK);
	assert_string_equal(it->ev.user_id, "42");
	assert_string_equal(it->ev.traits.email, "ana.nguyen+events@acme.com");
	assert_string_equal(it->ev.traits.first_name, "Ana Maria");
	assert_string_equal(it->ev.traits.last_name, "Nguyen");
	assert_string_equal(it->ev.traits.company, "Acme");
	assert_int_equal(it->ev.traits.employees, 250);
	assert_string_equal(it->ev.traits.country, "VN");
	assert_non_null(strstr(it->ev.properties, "\"title\":\"CMO\""));
}

/* Keys are read as JSON text: an escaped spelling is the same key. */
static void test_escaped_keys(void **state)
{
	(void)state;
	const tp_parse_item *it = one(
		"{\"\\u0074ype\":\"track\",\"\\u0075serId\":\"u1\",\"even\\u0074\":\"Signed Up\","
		"\"messageId\":\"m1\"}");
	assert_int_equal(it->status, TP_OK);
	assert_int_equal(it->ev.call, TP_CALL_TRACK);
	assert_string_equal(it->ev.user_id, "u1");
	assert_string_equal(it->ev.name, "Signed Up");
}

static void test_form_email_identifies(void **state)
{
	(void)state;
	const tp_parse_item *it = one(
		"{\"type\":\"track\",\"anonymousId\":\"a\",\"event\":\"Form Submitted\","
		"\"timestamp\":\"2026-01-01T00:00:00Z\",\"properties\":{\"email\":\"x@y.com\",\"firstName\":\"X\"}}");
	assert_string_equal(it->ev.traits.email, "x@y.com");
	assert_string_equal(it->ev.traits.first_name, "X");
}

static void test_group_name_is_company(void **state)
{
	(void)state;
	const tp_parse_item *it = one("{\"type\":\"group\",\"userId\":\"u\",\"groupId\":\"g1\","
	                              "\"timestamp\":\"2026-01-01T00:00:00Z\",\"traits\":{\"name\":\"Acme Inc\","
	                              "\"employees\":90}}");
	assert_string_equal(it->ev.traits.company, "Acme Inc");
	assert_null(it->ev.traits.first_name);
	assert_int_equal(it->ev.traits.employees, 90);
}

static void test_errors_name_the_field(void **state)
{
	(void)state;
	bad("{\"anonymousId\":\"a\"}", "type", "required");
	bad("{\"type\":\"click\",\"anonymousId\":\"a\"}", "type", "\"click\" is not one of");
	bad("{\"type\":\"track\",\"anonymousId\":\"a\"}", "event", "required");
	bad("{\"type\":\"page\"}", "userId", "userId or an anonymousId");
	bad("{\"type\":\"alias\",\"userId\":\"u\"}", "previousId", "required");
	bad("{\"type\":\"group\",\"userId\":\"u\"}", "groupId", "required");
	bad("{\"type\":\"page\",\"anonymousId\":\"a\",\"timestamp\":\"yesterday\"}", "timestamp",
	    "not an ISO 8601");
	bad("{\"type\":\"page\",\"anonymousId\":\"a\",\"timestamp\":\"2026-02-30T00:00:00Z\"}",
	    "timestamp", "not an ISO 8601");
	bad("{\"type\":\"page\",\"anonymousId\":\"a\",\"timestamp\":7}", "timestamp", "string");
	bad("{\"type\":\"identify\",\"userId\":\"u\",\"traits\":{\"email\":\"not-an-email\"}}",
	    "traits.email", "'@'");
	bad("{\"type\":\"identify\",\"userId\":\"u\",\"traits\":{\"email\":\"a@b\"}}", "traits.email",
	    "domain");
	bad("{\"type\":\"page\",\"anonymousId\":[1]}", "anonymousId", "string");
	bad("{\"type\":\"page\",\"anonymousId\":\"a\",\"properties\":[]}", "properties", "object");
	char big[600];
	memset(big, 'x', sizeof big);
	big[sizeof big - 1] = '\0';
	char json[800];
	snprintf(json, sizeof json, "{\"type\":\"page\",\"anonymousId\":\"%s\"}", big);
	bad(json, "anonymousId", "limit");
}

/* A call's type is read in any case, with or without escapes; a type
 * that only starts or ends like one is refused, and so is one that is
 * not a string. */
static void test_type_spellings(void **state)
{
	(void)state;
	static const struct {
		const char *type;
		tp_call call;
	} ok[] = {{"page", TP_CALL_PAGE}, {"PAGE", TP_CALL_PAGE}, {"Identify", TP_CALL_IDENTIFY},
	          {"p\\u0061ge", TP_CALL_PAGE}, {"SCREEN", TP_CALL_SCREEN}};
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		char json[160];
		snprintf(json, sizeof json, "{\"type\":\"%s\",\"anonymousId\":\"a\",\"userId\":\"u\"}",
		         ok[i].type);
		const tp_parse_item *it = one(json);
		if (it->status != TP_OK)
			fail_msg("refused %s: %s", ok[i].type, it->message);
		assert_int_equal(it->ev.call, ok[i].call);
	}
	bad("{\"type\":\"pag\",\"anonymousId\":\"a\"}", "type", "\"pag\" is not one of");
	bad("{\"type\":\"pages\",\"anonymousId\":\"a\"}", "type", "\"pages\" is not one of");
	bad("{\"type\":\"\",\"anonymousId\":\"a\"}", "type", "\"\" is not one of");
	bad("{\"type\":\"p\\u0061gex\",\"anonymousId\":\"a\"}", "type", "\"pagex\" is not one of");
	bad("{\"type\":3,\"anonymousId\":\"a\"}", "type", "required");
}

static void test_record_level_errors(void **state)
{
	(void)state;
	const tp_parse_item *items;
	size_t n;
	const char *cases[] = {"{\"type\":", "[1,2]", "{\"type\":\"page\"} trailing", "\"x\"",
	                       "{\"batch\":{}}", "{\"batch\":[]}"};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		assert_int_not_equal(tp_segment_parse(p, ctx, cases[i], strlen(cases[i]), 0, &items, &n),
		                     TP_OK);
	assert_int_equal(tp_segment_parse(p, ctx, "{\"type\":", 8, 0, &items, &n), TP_ERR_PARSE);
	assert_non_null(strstr(tp_ctx_message(ctx), "not valid JSON"));
}

static void test_batch(void **state)
{
	(void)state;
	const char *json =
		"{\"context\":{\"page\":{\"url\":\"https://a.com/blog/x\"}},\"batch\":["
		"{\"type\":\"page\",\"anonymousId\":\"a\",\"timestamp\":\"2026-01-01T00:00:00Z\"},"
		"{\"type\":\"track\",\"anonymousId\":\"a\"},"
		"{\"type\":\"identify\",\"userId\":\"u\",\"timestamp\":\"2026-01-01T00:00:01Z\"}]}";
	const tp_parse_item *items;
	size_t n;
	assert_int_equal(tp_segment_parse(p, ctx, json, strlen(json), 0, &items, &n), TP_OK);
	assert_int_equal(n, 3);
	assert_int_equal(items[0].status, TP_OK);
	assert_string_equal(items[0].ev.page_category, "blog"); /* batch context applies */
	assert_int_equal(items[1].status, TP_ERR_INVALID);
	assert_string_equal(items[1].field, "batch[1].event");
	assert_int_equal(items[2].status, TP_OK);
}

static void test_derived_message_id_is_stable(void **state)
{
	(void)state;
	const char *a = "{\"type\":\"page\",\"anonymousId\":\"a\",\"timestamp\":\"2026-01-01T00:00:00Z\"}";
	const char *b = "{\"type\":\"page\",\"anonymousId\":\"b\",\"timestamp\":\"2026-01-01T00:00:00Z\"}";
	char first[64];
	snprintf(first, sizeof first, "%s", one(a)->ev.message_id);
	assert_true(strncmp(first, "h:", 2) == 0);
	assert_string_equal(one(a)->ev.message_id, first);
	assert_string_not_equal(one(b)->ev.message_id, first);
}

static void test_missing_timestamp_uses_now(void **state)
{
	(void)state;
	assert_int_equal(one("{\"type\":\"page\",\"anonymousId\":\"a\"}")->ev.ts, 1000);
	assert_int_equal(one("{\"type\":\"page\",\"anonymousId\":\"a\",\"sentAt\":\"1970-01-01T00:00:02Z\"}")->ev.ts,
	                 2000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_page_with_campaign_and_click_ids),
		cmocka_unit_test(test_texts_with_and_without_escapes),
		cmocka_unit_test(test_track_page_is_its_context_page),
	    cmocka_unit_test(test_context_campaign_wins_over_query),
		cmocka_unit_test(test_track_types),
		cmocka_unit_test(test_page_categories),
		cmocka_unit_test(test_identify_traits),
		cmocka_unit_test(test_escaped_keys),
		cmocka_unit_test(test_form_email_identifies),
		cmocka_unit_test(test_group_name_is_company),
		cmocka_unit_test(test_errors_name_the_field),
		cmocka_unit_test(test_type_spellings),
		cmocka_unit_test(test_record_level_errors),
		cmocka_unit_test(test_batch),
		cmocka_unit_test(test_derived_message_id_is_stable),
		cmocka_unit_test(test_missing_timestamp_uses_now),
	};
	return cmocka_run_group_tests_name("segment", tests, setup, teardown);
}
