/* Identity resolution against a real SQLite store: each documented rule. */
#include "helpers.h"
#include "identity/identity_int.h"

#define T(s) "\"timestamp\":\"2026-01-0" s "Z\""

static void imp(fixture *f, const char *text)
{
	tp_import_stats st;
	rejects r = {0};
	if (import_text(f, NULL, text, 0, &st, &r) != TP_OK)
		fail_msg("import: %s", tp_ctx_message(f->ctx));
	if (r.n)
		fail_msg("line %lld refused: %s %s", (long long)r.line[0], r.field[0], r.message[0]);
}

static void test_identify_adopts_anonymous_touches(void **state)
{
	fixture *f = *state;
	imp(f, "{\"type\":\"page\",\"anonymousId\":\"a1\"," T("1T10:00:00") ",\"properties\":{\"url\":\"https://x.com/blog/a\"}}\n"
	       "{\"type\":\"page\",\"anonymousId\":\"a1\"," T("1T10:01:00") ",\"properties\":{\"url\":\"https://x.com/pricing\",\"referrer\":\"https://x.com/blog/a\"}}\n"
	       "{\"type\":\"page\",\"anonymousId\":\"other\"," T("1T10:02:00") "}\n");
	assert_int_equal(counts(f).contacts, 0);
	assert_int_equal(counts(f).anonymous_visitors, 2);
	imp(f, "{\"type\":\"identify\",\"anonymousId\":\"a1\"," T("2T09:00:00") ",\"traits\":{\"email\":\"Ana@Acme.com\"}}\n");
	int64_t ana = contact_by_email(f, "ana@acme.com");
	assert_true(ana > 0);
	touch_list l = touches_of(f, ana);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.type[0], "page_view");
	assert_string_equal(l.type[2], "identify");
	assert_int_equal(counts(f).anonymous_visitors, 1);
	assert_int_equal(counts(f).by_stage[TP_STAGE_LEAD], 1);
}

static void test_email_dedup_across_browsers(void **state)
{
	fixture *f = *state;
	imp(f, "{\"type\":\"identify\",\"anonymousId\":\"a1\"," T("1T10:00:00") ",\"traits\":{\"email\":\"ana@acme.com\"}}\n"
	       "{\"type\":\"page\",\"anonymousId\":\"phone\"," T("2T10:00:00") "}\n"
	       "{\"type\":\"track\",\"anonymousId\":\"phone\",\"event\":\"Form Submitted\"," T("2T10:01:00")
	       ",\"properties\":{\"email\":\" ANA@acme.com \",\"phone\":\"+84 90 000\"}}\n");
	assert_int_equal(counts(f).contacts, 1);
	int64_t ana = contact_by_email(f, "ana@acme.com");
	assert_int_equal(touches_of(f, ana).n, 3);
	tp_contact c;
	int found;
	assert_int_equal(f->store->ops->contact_get(f->store, f->ctx, ana, &c, &found), TP_OK);
	assert_string_equal(c.phone, "+84 90 000");
	/* +tags are kept: a plus-address is its own contact */
	imp(f, "{\"type\":\"identify\",\"anonymousId\":\"a7\"," T("3T10:00:00") ",\"traits\":{\"email\":\"ana+events@acme.com\"}}\n");
	assert_int_equal(counts(f).contacts, 2);
}

static void test_shared_browser_does_not_fuse(void **state)
{
	fixture *f = *state;
	imp(f, "{\"type\":\"identify\",\"anonymousId\":\"kiosk\"," T("1T10:00:00") ",\"traits\":{\"email\":\"a@acme.com\"}}\n"
	       "{\"type\":\"page\",\"anonymousId\":\"kiosk\"," T("1T10:05:00") "}\n"
	       "{\"type\":\"identify\",\"anonymousId\":\"kiosk\"," T("1T11:00:00") ",\"traits\":{\"email\":\"b@acme.com\"}}\n"
	       "{\"type\":\"page\",\"anonymousId\":\"kiosk\"," T("1T11:05:00") "}\n");
	int64_t a = contact_by_email(f, "a@acme.com"), b = contact_by_email(f, "b@acme.com");
	assert_true(a > 0 && b > 0 && a != b);
	assert_int_equal(counts(f).merges, 0);
	assert_int_equal(touches_of(f, a).n, 2);
	assert_int_equal(touches_of(f, b).n, 2);
}

typedef struct note_count {
	int n;
	char kind[64];
} note_count;

static int count_note(void *user, const tp_identity_note *n)
{
	note_count *c = user;
	c->n++;
	snprintf(c->kind, sizeof c->kind, "%s", n->kind);
	return 0;
}

static void test_shared_browser_is_logged(void **state)
{
	fixture *f = *state;
	imp(f, "{\"type\":\"identify\",\"anonymousId\":\"kiosk\"," T("1T10:00:00") ",\"traits\":{\"email\":\"a@acme.com\"}}\n"
	       "{\"type\":\"identify\",\"anonymousId\":\"kiosk\"," T("1T11:00:00") ",\"traits\":{\"email\":\"b@acme.com\"}}\n");
	note_count nc = {0};
	assert_int_equal(f->store->ops->notes_of_contact(f->store, f->ctx,
	                 contact_by_email(f, "b@acme.com"), count_note, &nc), TP_OK);
	assert_int_equal(nc.n, 1);
	assert_string_equal(nc.kind, "shared_browser");
}

static void test_merge_and_unmerge_restore_everything(void **state)
{
	fixture *f = *state;
	imp(f, "{\"type\":\"identify\",\"anonymousId\":\"w1\"," T("1T10:00:00") ",\"traits\":{\"email\":\"ana@acme.com\",\"title\":\"CMO\"}}\n"
	       "{\"type\":\"page\",\"anonymousId\":\"w1\"," T("1T10:01:00") "}\n"
	       "{\"type\":\"identify\",\"anonymousId\":\"w2\"," T("2T10:00:00") ",\"traits\":{\"email\":\"ana.n@gmail.com\",\"phone\":\"123\"}}\n"
	       "{\"type\":\"page\",\"anonymousId\":\"w2\"," T("2T10:01:00") "}\n"
	       "{\"type\":\"page\",\"anonymousId\":\"w2\"," T("2T10:02:00") "}\n"
	       "{\"type\":\"identify\",\"anonymousId\":\"w3\"," T("3T10:00:00") ",\"traits\":{\"email\":\"ana@home.example\",\"country\":\"VN\"}}\n");
	int64_t a = contact_by_email(f, "ana@acme.com"), b = contact_by_email(f, "ana.n@gmail.com"),
	        c = contact_by_email(f, "ana@home.example");
	tp_identity *id = tp_identity_create(f->store);
	int64_t m1, m2, moved;
	/* c into b, then b into a: a chain */
	assert_int_equal(f->store->ops->begin(f->store, f->ctx), TP_OK);
	assert_int_equal(tp_identity_merge(id, f->ctx, b, c, "manual", "test", &m1), TP_OK);
	assert_int_equal(tp_identity_merge(id, f->ctx, a, b, "manual", "test", &m2), TP_OK);
	assert_int_equal(f->store->ops->commit(f->store, f->ctx), TP_OK);
	assert_int_equal(touches_of(f, a).n, 6);
	assert_int_equal(touches_of(f, b).n, 0);
	assert_int_equal(counts(f).contacts, 1);
	/* Merging into a merged contact is refused, with the way out in the message. */
	assert_int_equal(tp_identity_merge(id, f->ctx, b, a, "manual", "x", NULL), TP_ERR_CONFLICT);
	assert_non_null(strstr(tp_ctx_message(f->ctx), "merge that one"));
	tp_contact p;
	assert_int_equal(tp_identity_profile(id, f->ctx, a, &p), TP_OK);
	assert_string_equal(p.email, "ana@acme.com");   /* own field wins */
	assert_string_equal(p.phone, "123");            /* gap filled from b */
	assert_string_equal(p.country, "VN");           /* and from c, two levels down */
	assert_string_equal(p.title, "CMO");
	/* A new touch on b's browser goes to a while merged. */
	imp(f, "{\"type\":\"page\",\"anonymousId\":\"w2\"," T("4T10:00:00") "}\n");
	assert_int_equal(touches_of(f, a).n, 7);
	/* Unmerge b: b and c (still merged into b) get their touches back. */
	assert_int_equal(f->store->ops->begin(f->store, f->ctx), TP_OK);
	assert_int_equal(tp_identity_unmerge(id, f->ctx, b, &moved), TP_OK);
	assert_int_equal(f->store->ops->commit(f->store, f->ctx), TP_OK);
	assert_int_equal(moved, 5);
	assert_int_equal(touches_of(f, a).n, 2);
	assert_int_equal(touches_of(f, b).n, 5);
	assert_int_equal(counts(f).contacts, 2);
	assert_int_equal(tp_identity_profile(id, f->ctx, a, &p), TP_OK);
	assert_null(p.phone);
	assert_null(p.country);
	/* Undoing again fails clearly. */
	assert_int_equal(tp_identity_unmerge(id, f->ctx, b, &moved), TP_ERR_NOT_FOUND);
	tp_identity_destroy(id);
}

static void test_user_id_and_email_merge(void **state)
{
	fixture *f = *state;
	imp(f, "{\"type\":\"track\",\"userId\":\"u1\",\"event\":\"Trial Started\"," T("1T10:00:00") "}\n"
	       "{\"type\":\"identify\",\"anonymousId\":\"x\"," T("1T11:00:00") ",\"traits\":{\"email\":\"e@acme.com\"}}\n"
	       "{\"type\":\"identify\",\"userId\":\"u1\"," T("1T12:00:00") ",\"traits\":{\"email\":\"e@acme.com\"}}\n");
	assert_int_equal(counts(f).contacts, 1);
	assert_int_equal(counts(f).merges, 1);
}

static void test_user_id_attaches_to_browser_contact(void **state)
{
	fixture *f = *state;
	imp(f, "{\"type\":\"identify\",\"anonymousId\":\"b\"," T("1T10:00:00") ",\"traits\":{\"email\":\"e@acme.com\"}}\n"
	       "{\"type\":\"track\",\"anonymousId\":\"b\",\"userId\":\"u7\",\"event\":\"Trial Started\"," T("1T10:05:00") "}\n");
	assert_int_equal(counts(f).contacts, 1);
	assert_int_equal(counts(f).merges, 0);
	int64_t id;
	assert_int_equal(f->store->ops->contact_find(f->store, f->ctx, TP_KEY_USER_ID, "u7", &id), TP_OK);
	assert_int_equal(id, contact_by_email(f, "e@acme.com"));
}

static void test_alias_links_anonymous_history(void **state)
{
	fixture *f = *state;
	imp(f, "{\"type\":\"page\",\"anonymousId\":\"anon9\"," T("1T10:00:00") "}\n"
	       "{\"type\":\"alias\",\"previousId\":\"anon9\",\"userId\":\"u9\"," T("1T10:01:00") "}\n");
	int64_t id;
	assert_int_equal(f->store->ops->contact_find(f->store, f->ctx, TP_KEY_USER_ID, "u9", &id), TP_OK);
	assert_true(id > 0);
	assert_int_equal(touches_of(f, id).n, 2);
}

typedef struct acc {
	int n;
	char domain[8][64], name[8][64];
	int64_t people[8], employees[8];
} acc;

static int collect_account(void *user, const tp_account *a, int64_t n)
{
	acc *x = user;
	if (x->n < 8) {
		snprintf(x->domain[x->n], 64, "%s", a->domain ? a->domain : "");
		snprintf(x->name[x->n], 64, "%s", a->name ? a->name : "");
		x->people[x->n] = n;
		x->employees[x->n] = a->employees;
	}
	x->n++;
	return 0;
}

static void test_accounts_by_domain_and_group(void **state)
{
	fixture *f = *state;
	imp(f, "{\"type\":\"identify\",\"anonymousId\":\"1\"," T("1T10:00:00") ",\"traits\":{\"email\":\"a@acme.com\"}}\n"
	       "{\"type\":\"identify\",\"anonymousId\":\"2\"," T("1T10:00:00") ",\"traits\":{\"email\":\"b@ACME.com\"}}\n"
	       "{\"type\":\"identify\",\"anonymousId\":\"3\"," T("1T10:00:00") ",\"traits\":{\"email\":\"c@gmail.com\"}}\n"
	       "{\"type\":\"identify\",\"anonymousId\":\"4\"," T("1T10:00:00") ",\"traits\":{\"email\":\"d@qq.com\"}}\n"
	       "{\"type\":\"group\",\"anonymousId\":\"1\",\"groupId\":\"g-1\"," T("1T10:01:00")
	       ",\"traits\":{\"name\":\"Acme Corp\",\"website\":\"https://www.acme.com/about\",\"employees\":120}}\n"
	       "{\"type\":\"group\",\"anonymousId\":\"3\",\"groupId\":\"g-2\"," T("1T10:02:00")
	       ",\"traits\":{\"name\":\"Solo LLC\"}}\n");
	acc x = {0};
	assert_int_equal(f->store->ops->accounts_list(f->store, f->ctx, collect_account, &x), TP_OK);
	assert_int_equal(x.n, 2);
	assert_string_equal(x.domain[0], "acme.com");
	assert_string_equal(x.name[0], "Acme Corp");
	assert_int_equal(x.employees[0], 120);
	assert_int_equal(x.people[0], 2);
	assert_string_equal(x.name[1], "Solo LLC");   /* the gmail user, by group call */
	assert_int_equal(x.people[1], 1);
}

/* Found by fuzzing: a group call whose website is one account's domain and
 * whose groupId is another account's must not collide on either key. */
static void test_group_keys_held_by_two_accounts(void **state)
{
	fixture *f = *state;
	imp(f, "{\"type\":\"group\",\"userId\":\"u1\",\"groupId\":\"g1\"," T("1T10:00:00")
	       ",\"traits\":{\"website\":\"https://first.com\"}}\n"
	       "{\"type\":\"identify\",\"userId\":\"u2\"," T("1T10:01:00") ",\"traits\":{\"email\":\"x@second.com\"}}\n"
	       "{\"type\":\"group\",\"userId\":\"u1\",\"groupId\":\"g1\"," T("1T10:02:00")
	       ",\"traits\":{\"website\":\"second.com\",\"industry\":\"Retail\"}}\n");
	assert_int_equal(counts(f).accounts, 2);
}

/* Found by fuzzing: merge chains have no length limit. Each merge of a root
 * into a new contact lengthens the chain of every contact below it; a chain
 * longer than any fixed bound must still resolve, cold cache or warm, while
 * a genuine cycle (a corrupt database) is reported instead of followed. */
static void test_long_merge_chain_resolves(void **state)
{
	fixture *f = *state;
	enum { LEN = 1500 };
	size_t cap = LEN * 160, len = 0;
	char *text = malloc(cap), line[160];
	assert_non_null(text);
	for (int i = 0; i < LEN; i++)
		len += (size_t)snprintf(text + len, cap - len, "{\"type\":\"identify\",\"userId\":\"u%d\","
		                        T("1T10:00:00") ",\"traits\":{\"email\":\"p%d@chain.example\"}}\n",
		                        i, i);
	imp(f, text);
	free(text);
	int64_t ids[LEN];
	for (int i = 0; i < LEN; i++) {
		snprintf(line, sizeof line, "p%d@chain.example", i);
		ids[i] = contact_by_email(f, line);
	}
	tp_identity *id = tp_identity_create(f->store);
	assert_int_equal(f->store->ops->begin(f->store, f->ctx), TP_OK);
	for (int i = 0; i + 1 < LEN; i++)
		assert_int_equal(tp_identity_merge(id, f->ctx, ids[i + 1], ids[i], "manual", "chain", NULL),
		                 TP_OK);
	assert_int_equal(f->store->ops->commit(f->store, f->ctx), TP_OK);
	int64_t root;
	assert_int_equal(tp_identity_root(id, f->ctx, ids[0], &root), TP_OK);
	assert_int_equal(root, ids[LEN - 1]);
	tp_identity_destroy(id);
	id = tp_identity_create(f->store);   /* cold: every hop read from the store */
	assert_int_equal(tp_identity_root(id, f->ctx, ids[0], &root), TP_OK);
	assert_int_equal(root, ids[LEN - 1]);
	assert_int_equal(tp_identity_root(id, f->ctx, ids[LEN / 2], &root), TP_OK);
	assert_int_equal(root, ids[LEN - 1]);
	tp_identity_destroy(id);

	/* Corrupt the end of the chain into a cycle behind the engine's back. */
	tp_contact c;
	int found;
	assert_int_equal(f->store->ops->contact_get(f->store, f->ctx, ids[LEN - 1], &c, &found), TP_OK);
	c.merged_into = ids[0];
	assert_int_equal(f->store->ops->begin(f->store, f->ctx), TP_OK);
	assert_int_equal(f->store->ops->contact_put(f->store, f->ctx, &c), TP_OK);
	assert_int_equal(f->store->ops->commit(f->store, f->ctx), TP_OK);
	id = tp_identity_create(f->store);
	assert_int_equal(tp_identity_root(id, f->ctx, ids[3], &root), TP_ERR_STORE);
	assert_non_null(strstr(tp_ctx_message(f->ctx), "cycle"));
	tp_identity_destroy(id);
}

/* A contact identified again and again with the same traits (a known
 * visitor, the account's firmographics) costs the caches nothing after the
 * first calls: what a call reads to change and write is dropped at the
 * next one (it used to stay for the identity's lifetime). */
static void test_repeated_identify_keeps_memory_flat(void **state)
{
	fixture *f = *state;
	tp_identity *id = tp_identity_create(f->store);
	assert_non_null(id);
	tp_event ev = {.call = TP_CALL_IDENTIFY, .touch = TP_TOUCH_IDENTIFY, .message_id = "m-flat",
	               .anonymous_id = "a-flat", .ts = 1767261600000, .video_percent = -1};
	ev.traits = (tp_traits){.email = "flat@acme.example", .first_name = "Flo", .title = "CTO",
	                        .company = "Acme", .website = "https://www.acme.example/about",
	                        .industry = "Software", .country = "FR", .employees = 120,
	                        .annual_revenue = -1};
	assert_int_equal(f->store->ops->begin(f->store, f->ctx), TP_OK);
	size_t settled = 0;
	int64_t contact = 0;
	for (int i = 0; i < 200; i++) {
		tp_resolution r;
		assert_int_equal(tp_identity_resolve(id, f->ctx, &ev, "test", NULL, &r), TP_OK);
		assert_true(r.contact_id > 0);
		if (!contact)
			contact = r.contact_id;
		assert_int_equal(r.contact_id, contact);
		if (i == 4)
			settled = tp__identity_held_bytes(id);
	}
	assert_true(settled > 0);
	assert_int_equal(tp__identity_held_bytes(id), settled);
	assert_int_equal(f->store->ops->commit(f->store, f->ctx), TP_OK);
	tp_identity_destroy(id);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST_WITH_DB(test_identify_adopts_anonymous_touches),
		TEST_WITH_DB(test_email_dedup_across_browsers),
		TEST_WITH_DB(test_shared_browser_does_not_fuse),
		TEST_WITH_DB(test_shared_browser_is_logged),
		TEST_WITH_DB(test_merge_and_unmerge_restore_everything),
		TEST_WITH_DB(test_user_id_and_email_merge),
		TEST_WITH_DB(test_user_id_attaches_to_browser_contact),
		TEST_WITH_DB(test_alias_links_anonymous_history),
		TEST_WITH_DB(test_accounts_by_domain_and_group),
		TEST_WITH_DB(test_group_keys_held_by_two_accounts),
		TEST_WITH_DB(test_long_merge_chain_resolves),
		TEST_WITH_DB(test_repeated_identify_keeps_memory_flat),
	};
	return cmocka_run_group_tests_name("identity", tests, NULL, NULL);
}
