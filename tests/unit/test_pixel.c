/* The pixel's query → Segment call, and that call through the parser. */
#include "helpers.h"

static const tp_parse_item *parse(tp_segment_parser *p, tp_ctx *ctx, const char *json,
                                  tp_call call)
{
	const tp_parse_item *items;
	size_t n;
	assert_int_equal(tp_segment_parse_live(p, ctx, json, strlen(json), 1000, (int)call, &items, &n),
	                 TP_OK);
	assert_int_equal(n, 1);
	if (items[0].status != TP_OK)
		fail_msg("%s: %s", items[0].field, items[0].message);
	return &items[0];
}

static void test_email_open_pixel(void **state)
{
	fixture *f = *state;
	tp_query_param q[] = {{"writeKey", "tp_write_x"}, {"t", "track"}, {"e", "Email Opened"},
	                      {"email", "Ana@Acme.com"}, {"u", "u-7"}, {"m", "open-1"}, {"utm_source", "newsletter"},
	                      {"utm_medium", "email"}, {"utm_campaign", "nov"}, {"p.subject", "Hi"},
	                      {"ignored", "x"}};
	char *json;
	tp_call call;
	assert_int_equal(tp_pixel_call(f->ctx, q, sizeof q / sizeof q[0], &json, &call), TP_OK);
	assert_int_equal(call, TP_CALL_TRACK);
	assert_string_equal(json, "{\"type\":\"track\",\"event\":\"Email Opened\",\"context\":{\"traits\":"
	                          "{\"email\":\"Ana@Acme.com\"},\"campaign\":{\"source\":\"newsletter\","
	                          "\"medium\":\"email\",\"name\":\"nov\"}},\"userId\":\"u-7\","
	                          "\"messageId\":\"open-1\","
	                          "\"properties\":{\"subject\":\"Hi\"}}");
	tp_segment_parser *p = tp_segment_parser_create();
	const tp_parse_item *it = parse(p, f->ctx, json, call);
	assert_string_equal(it->ev.name, "Email Opened");
	assert_string_equal(it->ev.traits.email, "ana@acme.com");
	assert_string_equal(it->ev.message_id, "open-1");
	assert_int_equal(it->ev.touch, TP_TOUCH_EMAIL_OPEN);
	tp_segment_parser_destroy(p);
	free(json);
}

static void test_page_pixel_defaults_and_repeats(void **state)
{
	fixture *f = *state;
	/* No type: a page view; a repeated parameter keeps its last value. */
	tp_query_param q[] = {{"a", "anon-1"}, {"url", "https://acme.example/?utm_source=li"},
	                      {"a", "anon-2"}, {"title", "Pricing"}};
	char *json;
	tp_call call;
	assert_int_equal(tp_pixel_call(f->ctx, q, 4, &json, &call), TP_OK);
	assert_int_equal(call, TP_CALL_PAGE);
	tp_segment_parser *p = tp_segment_parser_create();
	const tp_parse_item *it = parse(p, f->ctx, json, call);
	assert_string_equal(it->ev.anonymous_id, "anon-2");
	assert_string_equal(it->ev.url, "https://acme.example/?utm_source=li");
	assert_string_equal(it->ev.utm[TP_UTM_SOURCE], "li");
	assert_int_equal(it->ev.ts, 1000);   /* no time sent: the time it arrived */
	tp_segment_parser_destroy(p);
	free(json);
}

static void test_pixel_refusals(void **state)
{
	fixture *f = *state;
	char *json;
	tp_call call;
	tp_query_param bad[] = {{"t", "alias"}};
	assert_int_equal(tp_pixel_call(f->ctx, bad, 1, &json, &call), TP_ERR_INVALID);
	assert_string_equal(tp_ctx_field(f->ctx), "t");
	tp_query_param many[70];
	char names[70][16];
	for (int i = 0; i < 70; i++) {
		snprintf(names[i], sizeof names[i], "p.k%u", (unsigned)i);
		many[i] = (tp_query_param){names[i], "v"};
	}
	assert_int_equal(tp_pixel_call(f->ctx, many, 70, &json, &call), TP_ERR_INVALID);
	assert_string_equal(tp_ctx_field(f->ctx), "p.k64");
	/* A track pixel without its event name passes here and is refused by
	 * the parser, naming the field, like any other call. */
	tp_query_param no_event[] = {{"t", "track"}, {"u", "u1"}};
	assert_int_equal(tp_pixel_call(f->ctx, no_event, 2, &json, &call), TP_OK);
	tp_segment_parser *p = tp_segment_parser_create();
	const tp_parse_item *items;
	size_t n;
	assert_int_equal(tp_segment_parse_live(p, f->ctx, json, strlen(json), 0, (int)call, &items, &n),
	                 TP_OK);
	assert_int_equal(items[0].status, TP_ERR_INVALID);
	assert_string_equal(items[0].field, "event");
	tp_segment_parser_destroy(p);
	free(json);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST_WITH_DB(test_email_open_pixel),
		TEST_WITH_DB(test_page_pixel_defaults_and_repeats),
		TEST_WITH_DB(test_pixel_refusals),
	};
	return cmocka_run_group_tests_name("pixel", tests, NULL, NULL);
}
