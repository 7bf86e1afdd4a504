/* GA4 default channel group rules, each with a case that only it matches,
 * plus the order between overlapping rules. */
#include "helpers.h"

static tp_channel_rules *rules;

static int setup(void **state)
{
	(void)state;
	rules = tp_channel_rules_create();
	return rules ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	tp_channel_rules_destroy(rules);
	return 0;
}

static void expect(const char *s, const char *m, const char *c, const char *channel)
{
	const char *got = tp_channel_name(tp_channel_classify(rules, s, m, c));
	if (strcmp(got, channel) != 0)
		fail_msg("%s / %s / %s: expected %s, got %s", s, m, c, channel, got);
}

static void test_ga4_rules(void **state)
{
	(void)state;
	expect("(direct)", "(none)", "(not set)", "Direct");
	expect("google", "cpc", "brand-cross-network", "Cross-network");
	expect("amazon", "cpc", "spring", "Paid Shopping");
	expect("google", "cpc", "shopping-q1", "Paid Shopping");   /* campaign regex */
	expect("google", "cpc", "generic", "Paid Search");
	expect("bing", "ppc", "", "Paid Search");
	expect("www.google.co.uk", "paid-search", "", "Paid Search");
	expect("linkedin", "paid_social", "abm", "Paid Social");
	expect("facebook", "retargeting", "", "Paid Social");
	expect("youtube", "cpv", "", "Paid Video");
	expect("dv360", "display", "", "Display");
	expect("adnetwork", "banner", "", "Display");
	expect("newsletter-partner", "cpa", "", "Paid Other");       /* contains "cp" */
	expect("ebay", "referral", "", "Organic Shopping");
	expect("t.co", "referral", "", "Organic Social");
	expect("forum", "social", "", "Organic Social");
	expect("vimeo", "referral", "", "Organic Video");
	expect("podcast", "video-embed", "", "Organic Video");
	expect("duckduckgo", "organic", "", "Organic Search");
	expect("whatever", "organic", "", "Organic Search");
	expect("g2.com", "referral", "", "Referral");
	expect("newsletter", "email", "", "Email");
	expect("e-mail", "blast", "", "Email");
	expect("partnerstack", "affiliate", "", "Affiliates");
	expect("spotify-ads", "audio", "", "Audio");
	expect("twilio", "sms", "", "SMS");
	expect("firebase", "(not set)", "", "Mobile Push Notifications");
	expect("app", "web-push", "", "Mobile Push Notifications");
	expect("mystery", "(not set)", "", "Unassigned");
}

static void test_b2b_channels_and_case(void **state)
{
	(void)state;
	expect("saastr", "event", "booth", "Events");
	expect("linkedin", "webinar", "abm-101", "Webinar");   /* not Organic Social */
	expect("apollo", "outbound", "", "Outbound");
	expect("partnerhub", "partner", "", "Partner");
	expect("GOOGLE", "CPC", "X", "Paid Search");            /* case-insensitive */
}

/* Names back to channels, as stored rows are read: any case, nothing else. */
static void test_channel_from_name(void **state)
{
	(void)state;
	for (int i = 0; i < TP_CH__COUNT; i++) {
		char shout[64];
		const char *name = tp_channel_name((tp_channel)i);
		size_t n = strlen(name);
		assert_true(n < sizeof shout);
		for (size_t k = 0; k <= n; k++)
			shout[k] = (char)(name[k] >= 'a' && name[k] <= 'z' ? name[k] - 32 : name[k]);
		tp_channel ch = TP_CH__COUNT;
		assert_int_equal(tp_channel_from_name(name, &ch), 0);
		assert_int_equal(ch, i);
		ch = TP_CH__COUNT;
		assert_int_equal(tp_channel_from_name(shout, &ch), 0);
		assert_int_equal(ch, i);
	}
	tp_channel ch;
	assert_int_equal(tp_channel_from_name("paid search", &ch), 0);
	assert_int_equal(ch, TP_CH_PAID_SEARCH);
	assert_int_equal(tp_channel_from_name("", &ch), -1);
	assert_int_equal(tp_channel_from_name("Paid Searches", &ch), -1);
	assert_int_equal(tp_channel_from_name("aid Search", &ch), -1);
}

static void test_site_matching(void **state)
{
	(void)state;
	assert_true(tp_channel_site_in(rules, TP_SITES_SEARCH, "www.google.de"));
	assert_true(tp_channel_site_in(rules, TP_SITES_SEARCH, "google"));
	assert_false(tp_channel_site_in(rules, TP_SITES_SEARCH, "googlefans.net"));
	assert_false(tp_channel_site_in(rules, TP_SITES_SOCIAL, "notfacebook.com"));
	assert_true(tp_channel_site_in(rules, TP_SITES_SOCIAL, "m.facebook.com"));
	/* Edited lists take effect */
	assert_false(tp_channel_site_in(rules, TP_SITES_SEARCH, "kagi.com"));
	assert_int_equal(tp_channel_rules_add(rules, TP_SITES_SEARCH, "kagi.com"), TP_OK);
	expect("kagi.com", "referral", "", "Organic Search");
	assert_int_equal(tp_channel_rules_remove(rules, TP_SITES_SEARCH, "kagi.com"), TP_OK);
	assert_int_equal(tp_channel_rules_remove(rules, TP_SITES_SEARCH, "kagi.com"), TP_ERR_NOT_FOUND);
	expect("kagi.com", "referral", "", "Referral");
}

static tp_traffic traffic_of(const char *ref, const char *url, tp_click click, const char *id,
                             const char *utm_source, const char *utm_medium)
{
	tp_event ev;
	memset(&ev, 0, sizeof ev);
	ev.referrer = ref;
	ev.url = url;
	if (id)
		ev.click_id[click] = id;
	ev.utm[TP_UTM_SOURCE] = utm_source;
	ev.utm[TP_UTM_MEDIUM] = utm_medium;
	tp_traffic t;
	tp_channel_traffic(rules, &ev, &t);
	return t;
}

static void test_traffic_sources(void **state)
{
	(void)state;
	tp_traffic t = traffic_of(NULL, "https://a.com/", TP_CLICK_GCLID, "abc", NULL, NULL);
	assert_string_equal(t.source, "google");
	assert_string_equal(t.medium, "cpc");
	assert_string_equal(tp_channel_name(tp_channel_classify(rules, t.source, t.medium, t.campaign)),
	                    "Paid Search");
	/* UTM wins over a click id */
	t = traffic_of(NULL, "https://a.com/", TP_CLICK_GCLID, "abc", "newsletter", "email");
	assert_string_equal(t.source, "newsletter");
	t = traffic_of(NULL, "https://a.com/", TP_CLICK_FBCLID, "x", NULL, NULL);
	assert_string_equal(tp_channel_name(tp_channel_classify(rules, t.source, t.medium, t.campaign)),
	                    "Organic Social");
	t = traffic_of(NULL, "https://a.com/", TP_CLICK_MSCLKID, "x", NULL, NULL);
	assert_string_equal(t.source, "bing");
	t = traffic_of("https://www.google.com/search?q=x", "https://a.com/", 0, NULL, NULL, NULL);
	assert_string_equal(t.source, "google");
	assert_string_equal(t.medium, "organic");
	t = traffic_of("https://news.ycombinator.com/item", "https://a.com/", 0, NULL, NULL, NULL);
	assert_string_equal(t.source, "news.ycombinator.com");
	assert_string_equal(t.medium, "referral");
	t = traffic_of("https://www.a.com/pricing", "https://a.com/demo", 0, NULL, NULL, NULL);
	assert_true(t.internal);
	assert_string_equal(t.source, "(direct)");
	t = traffic_of(NULL, NULL, 0, NULL, NULL, NULL);
	assert_string_equal(t.source, "(direct)");
	assert_string_equal(t.medium, "(none)");
	t = traffic_of(NULL, NULL, 0, NULL, "google", NULL);
	assert_string_equal(t.medium, "(not set)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ga4_rules),
		cmocka_unit_test(test_b2b_channels_and_case),
		cmocka_unit_test(test_channel_from_name),
		cmocka_unit_test(test_site_matching),
		cmocka_unit_test(test_traffic_sources),
	};
	return cmocka_run_group_tests_name("channel", tests, setup, teardown);
}
