/* The import pipeline: dedup, rejects with line numbers, strict mode,
 * durability under injected store failures, visits and channels, and the
 * contacts CSV import. */
#include "helpers.h"

#include <sqlite3.h>

#include "store/sqlite/sqlite_int.h"

static const char *journey =
	"{\"type\":\"page\",\"messageId\":\"m1\",\"anonymousId\":\"a\",\"timestamp\":\"2026-01-01T10:00:00Z\","
	"\"context\":{\"page\":{\"url\":\"https://x.com/?utm_source=google&utm_medium=cpc&utm_campaign=brand&gclid=G1\"}}}\n"
	"{\"type\":\"page\",\"messageId\":\"m2\",\"anonymousId\":\"a\",\"timestamp\":\"2026-01-01T10:05:00Z\","
	"\"context\":{\"page\":{\"url\":\"https://x.com/pricing\",\"referrer\":\"https://x.com/\"}}}\n"
	"\n"
	"{\"type\":\"page\",\"messageId\":\"m1\",\"anonymousId\":\"a\",\"timestamp\":\"2026-01-01T10:00:00Z\"}\n"
	"{\"type\":\"track\",\"messageId\":\"m3\",\"anonymousId\":\"a\",\"timestamp\":\"2026-01-01T10:06:00Z\"}\n"
	"not json\n"
	"{\"type\":\"track\",\"messageId\":\"m4\",\"anonymousId\":\"a\",\"event\":\"Form Submitted\","
	"\"timestamp\":\"2026-01-01T10:07:00Z\",\"properties\":{\"email\":\"ana@acme.com\"}}\n"
	"{\"type\":\"page\",\"messageId\":\"m5\",\"anonymousId\":\"a\",\"timestamp\":\"2026-01-01T12:00:00Z\","
	"\"context\":{\"page\":{\"url\":\"https://x.com/blog\"}}}\n"
	"{\"type\":\"page\",\"messageId\":\"m6\",\"anonymousId\":\"a\",\"timestamp\":\"2026-01-01T12:01:00Z\","
	"\"context\":{\"page\":{\"url\":\"https://x.com/blog/2\",\"referrer\":\"https://www.linkedin.com/feed\"}}}\n";

static void test_counts_rejects_and_duplicates(void **state)
{
	fixture *f = *state;
	tp_import_stats st;
	rejects r = {0};
	assert_int_equal(import_text(f, NULL, journey, 0, &st, &r), TP_OK);
	assert_int_equal(st.records, 8);
	assert_int_equal(st.accepted, 5);
	assert_int_equal(st.duplicates, 1);
	assert_int_equal(st.rejected, 2);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.line[0], 5);
	assert_string_equal(r.field[0], "event");
	assert_int_equal(r.line[1], 6);
	assert_non_null(strstr(r.message[1], "not valid JSON"));
	assert_int_equal(counts(f).events, 5);
	/* The same file again stores nothing new. */
	assert_int_equal(import_text(f, NULL, journey, 0, &st, NULL), TP_OK);
	assert_int_equal(st.accepted, 0);
	assert_int_equal(st.duplicates, 6); /* m1 twice in the file */
	assert_int_equal(counts(f).events, 5);
}

static void test_visits_and_channels(void **state)
{
	fixture *f = *state;
	tp_import_stats st;
	assert_int_equal(import_text(f, NULL, journey, 0, &st, NULL), TP_OK);
	touch_list l = touches_of(f, contact_by_email(f, "ana@acme.com"));
	assert_int_equal(l.n, 5);
	assert_string_equal(l.channel[0], "Paid Search");   /* utm */
	assert_string_equal(l.channel[1], "Paid Search");   /* internal page, same visit */
	assert_string_equal(l.channel[2], "Paid Search");   /* form inside the visit */
	assert_string_equal(l.channel[3], "Direct");        /* 2 hours later, no source */
	assert_string_equal(l.channel[4], "Organic Social"); /* new external referrer */
}

static void test_strict_is_all_or_nothing(void **state)
{
	fixture *f = *state;
	tp_import_stats st;
	rejects r = {0};
	assert_int_equal(import_text(f, NULL, journey, 1, &st, &r), TP_ERR_INVALID);
	assert_non_null(strstr(tp_ctx_message(f->ctx), "line 5"));
	assert_int_equal(r.n, 1);
	assert_int_equal(st.accepted, 0);
	assert_int_equal(counts(f).events, 0);
	assert_int_equal(counts(f).contacts, 0);
}

/* An import interrupted at any write: what it reported as accepted is
 * stored, nothing is stored twice, and a second run completes the set.
 * Both ways of loading: chunked commits, and one bulk transaction. */
static void nothing_lost_under_faults(void **state, int bulk)
{
	fixture *f = *state;
	char *text = demo_text(f, 12, 7, 60);
	/* The reference: the whole file into a clean store. */
	tp_import_stats ref;
	assert_int_equal(import_text(f, NULL, text, 0, &ref, NULL), TP_OK);
	int64_t want_events = counts(f).events, want_contacts = counts(f).contacts;
	assert_int_equal(want_events, ref.accepted);
	int tried = 0;
	for (int64_t fail_at = 1; fail_at < 4000; fail_at += 1 + fail_at / 8) {
		fixture *g;
		void *gs = NULL;
		assert_int_equal(fixture_setup(&gs), 0);
		g = gs;
		tp_store *faulty = tp_store_fault_wrap(g->store, fail_at);
		tp_import_stats st;
		tp_status rc = import_mode(g, faulty, text, 0, bulk, &st, NULL);
		tp_store_close(faulty);
		tried += rc != TP_OK;
		/* Exactly what was reported is there. */
		assert_int_equal(counts(g).events, st.accepted);
		tp_import_stats again;
		assert_int_equal(import_mode(g, NULL, text, 0, bulk, &again, NULL), TP_OK);
		assert_int_equal(st.accepted + again.accepted, want_events);
		assert_int_equal(counts(g).events, want_events);
		assert_int_equal(counts(g).contacts, want_contacts);
		fixture_teardown(&gs);
	}
	assert_true(tried > 10); /* the faults really hit */
	free(text);
}

static void test_nothing_lost_under_faults(void **state)
{
	nothing_lost_under_faults(state, 0);
}

static void test_nothing_lost_under_faults_bulk(void **state)
{
	nothing_lost_under_faults(state, 1);
}

/* A table's rows as one text, in the order the query gives. */
static char *table_text(const char *db, const char *sql)
{
	sqlite3 *c;
	sqlite3_stmt *st;
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	assert_int_equal(sqlite3_open(db, &c), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(c, sql, -1, &st, NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		for (int i = 0; i < sqlite3_column_count(st); i++)
			fprintf(out, "%s|", sqlite3_column_type(st, i) == SQLITE_NULL
			                        ? "NULL"
			                        : (const char *)sqlite3_column_text(st, i));
		fputc('\n', out);
	}
	sqlite3_finalize(st);
	sqlite3_close(c);
	fclose(out);
	return text;
}

/* Every event with its owner and origin (by message id: a bulk load writes
 * an anonymous row when its visitor is identified, so row ids differ),
 * every visitor and every score. */
static const char *const workspace_queries[] = {
	"SELECT message_id, contact_id, origin_contact_id, anonymous_id, ts, type, channel, source,"
	" campaign, url, properties FROM event ORDER BY message_id",
	"SELECT anonymous_id, contact_id, first_seen, last_seen, first_channel FROM visitor"
	" ORDER BY anonymous_id",
	"SELECT contact_id, fit, engagement, total FROM score ORDER BY contact_id",
};

/* Each query gives the same rows in both databases, at least min_len bytes
 * of them (a query that finds nothing proves nothing). */
static void assert_same_rows(const char *want_db, const char *got_db, const char *const *queries,
                             size_t n, size_t min_len)
{
	for (size_t q = 0; q < n; q++) {
		char *want = table_text(want_db, queries[q]);
		char *got = table_text(got_db, queries[q]);
		assert_true(strlen(want) >= min_len);
		assert_string_equal(want, got);
		free(want);
		free(got);
	}
}

/* A bulk load ends in the same workspace as a chunked one: same events,
 * owners, origins, visitors and scores; also when it may hold back only
 * some anonymous rows, and writes the others before their visitor is known. */
static void test_bulk_equals_chunked(void **state)
{
	fixture *f = *state;
	char *text = demo_text(f, 80, 11, 90);
	tp_import_stats a, b;
	assert_int_equal(import_mode(f, NULL, text, 0, 0, &a, NULL), TP_OK);
	/* The default budget holds every row; 4 KB spills nearly all, 64 KB some.
	 * A capture of 100 rows is dropped: the scores read the table. */
	static const struct {
		size_t budget, capture;
	} runs[] = {{0, 0}, {4096, 0}, {65536, 0}, {0, 100}};
	for (size_t i = 0; i < sizeof runs / sizeof *runs; i++) {
		void *gs = NULL;
		assert_int_equal(fixture_setup(&gs), 0);
		fixture *g = gs;
		((sqlite_store *)g->store)->defer_budget = runs[i].budget;
		((sqlite_store *)g->store)->capture_max_rows = runs[i].capture;
		assert_int_equal(import_mode(g, NULL, text, 0, 1, &b, NULL), TP_OK);
		assert_int_equal(a.accepted, b.accepted);
		assert_int_equal(a.duplicates, b.duplicates);
		tp_store_counts ca = counts(f), cb = counts(g);
		assert_memory_equal(&ca, &cb, sizeof ca);
		assert_same_rows(f->path, g->path, workspace_queries,
		                 sizeof workspace_queries / sizeof *workspace_queries, 1000);
		fixture_teardown(&gs);
	}
	free(text);
}

/* A long-lived importer bounds its caches: over cache_limit when a
 * transaction begins, they are emptied and refill from the store. It ends
 * in the same workspace as one that keeps them: events, owners, visitors,
 * contacts (fields, accounts, stages), scores and stage history. */
static void test_cache_limit_empties_caches_and_changes_nothing(void **state)
{
	fixture *f = *state;
	char *text = demo_text(f, 80, 11, 90);
	static const char *const more_queries[] = {
		"SELECT id, email, user_id, first_name, company, account_id, stage, source_channel,"
		" merged_into FROM contact ORDER BY id",
		/* One flush's MQL moves follow the scorer's order of entries, which
		 * an emptied cache changes: compared by contact and time. */
		"SELECT contact_id, from_stage, to_stage, at, actor FROM stage_change"
		" ORDER BY contact_id, at, id",
	};
	void *gs = NULL;
	assert_int_equal(fixture_setup(&gs), 0);
	fixture *g = gs;
	tp_import_stats kept, emptied;
	for (int bounded = 0; bounded < 2; bounded++) {
		fixture *to = bounded ? g : f;
		FILE *in = fmemopen(text, strlen(text), "r");
		/* One byte: every transaction but the first begins over it. */
		tp_import_opts o = {.commit_every = 25, .no_bulk = 1, .cache_limit = bounded};
		assert_int_equal(tp_import_events(to->ctx, to->store, in, &o, bounded ? &emptied : &kept),
		                 TP_OK);
		fclose(in);
	}
	assert_int_equal(kept.cache_resets, 0);
	/* Each transaction of 25 calls but the first, give or take a record's batch. */
	assert_true(emptied.cache_resets > emptied.accepted / 25 / 2);
	assert_int_equal(kept.accepted, emptied.accepted);
	assert_true(kept.adopted > 0 && kept.mqls > 0);
	assert_same_rows(f->path, g->path, workspace_queries,
	                 sizeof workspace_queries / sizeof *workspace_queries, 1000);
	assert_same_rows(f->path, g->path, more_queries, sizeof more_queries / sizeof *more_queries, 1000);
	fixture_teardown(&gs);
	free(text);
}

/* What the file system shows of the journal while a load is under way:
 * taken when the load refuses its bad line. */
typedef struct journal_seen {
	const char *db;
	int rollback, wal;
} journal_seen;

static void look_at_journal(void *user, int64_t line, const char *field, const char *message)
{
	(void)line, (void)field, (void)message;
	journal_seen *j = user;
	char side[96];
	snprintf(side, sizeof side, "%s-journal", j->db);
	j->rollback = access(side, F_OK) == 0;
	snprintf(side, sizeof side, "%s-wal", j->db);
	j->wal = access(side, F_OK) == 0;
}

static char *journal_mode_of(const char *db, char out[16])
{
	sqlite3 *c;
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_open(db, &c), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(c, "PRAGMA journal_mode", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	snprintf(out, 16, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(c);
	return out;
}

/* A load into an empty workspace goes through a rollback journal, which
 * writes its new pages once instead of twice, and leaves the database in
 * WAL; with another connection open it stays in WAL throughout. Both end
 * with the same events. */
static void test_first_load_journal(void **state)
{
	fixture *f = *state;
	char *text = demo_text(f, 40, 5, 60);
	size_t len = strlen(text);
	char *with_bad = malloc(len + 16);
	memcpy(with_bad, text, len);
	memcpy(with_bad + len, "not json\n", 10);
	with_bad[len + 10] = '\0';
	char mode[16];
	for (int other_open = 0; other_open < 2; other_open++) {
		void *gs = NULL;
		assert_int_equal(fixture_setup(&gs), 0);
		fixture *g = gs;
		sqlite3 *other = NULL;
		if (other_open) {
			assert_int_equal(sqlite3_open(g->path, &other), SQLITE_OK);
			assert_int_equal(sqlite3_exec(other, "SELECT count(*) FROM event", NULL, NULL, NULL),
			                 SQLITE_OK);
		}
		journal_seen seen = {g->path, -1, -1};
		FILE *in = fmemopen(with_bad, strlen(with_bad), "r");
		tp_import_opts o = {.on_reject = look_at_journal, .user = &seen};
		tp_import_stats st;
		assert_int_equal(tp_import_events(g->ctx, g->store, in, &o, &st), TP_OK);
		fclose(in);
		assert_int_equal(st.rejected, 1);
		assert_int_equal(seen.rollback, !other_open);
		assert_int_equal(seen.wal, other_open);
		assert_string_equal(journal_mode_of(g->path, mode), "wal");
		assert_int_equal(counts(g).events, st.accepted);
		if (other)
			sqlite3_close(other);
		fixture_teardown(&gs);
	}
	free(with_bad);
	free(text);
}

static void test_contacts_csv(void **state)
{
	fixture *f = *state;
	const char *hubspot =
		"First Name,Last Name,Email,Company Name,Job Title,Phone Number,Lifecycle Stage,Country/Region\n"
		"Ana,Nguyen,ANA@acme.com,Acme,CMO,+84 1,marketingqualifiedlead,VN\n"
		"Wei,Zhang,wei@acme.com,Acme,VP Sales,,customer,CN\n"
		"No,Email,,Acme,,,lead,\n"
		"Bad,Stage,bad@acme.com,Acme,,,prospect-ish,\n";
	FILE *in = fmemopen((void *)hubspot, strlen(hubspot), "r");
	rejects r = {0};
	tp_contacts_import_opts o = {.on_reject = collect_reject, .user = &r};
	tp_contacts_import_stats st;
	assert_int_equal(tp_import_contacts(f->ctx, f->store, in, &o, &st), TP_OK);
	fclose(in);
	assert_int_equal(st.rows, 4);
	assert_int_equal(st.created, 2);
	assert_int_equal(st.rejected, 2);
	assert_int_equal(r.line[0], 4);
	assert_string_equal(r.field[0], "Email");
	assert_string_equal(r.field[1], "Lifecycle Stage");
	assert_int_equal(counts(f).by_stage[TP_STAGE_MQL], 1);
	assert_int_equal(counts(f).by_stage[TP_STAGE_CUSTOMER], 1);
	assert_int_equal(counts(f).accounts, 1);

	/* Salesforce names, a --map override, dedup by email, blanks filled only. */
	const char *sf = "Lead Status,Work Mail,FirstName,Title\n"
	                 "Working - Contacted,ana@acme.com,Anna,Chief Marketing Officer\n"
	                 "Open - Not Contacted,new@beta.io,Bo,\n";
	in = fmemopen((void *)sf, strlen(sf), "r");
	tp_contacts_import_opts o2 = {.map = "email=Work Mail"};
	assert_int_equal(tp_import_contacts(f->ctx, f->store, in, &o2, &st), TP_OK);
	fclose(in);
	assert_int_equal(st.created, 1);
	assert_int_equal(st.updated, 1);
	tp_contact c;
	int found;
	assert_int_equal(f->store->ops->contact_get(f->store, f->ctx, contact_by_email(f, "ana@acme.com"),
	                                            &c, &found), TP_OK);
	assert_string_equal(c.first_name, "Ana");     /* not overwritten */
	assert_string_equal(c.title, "CMO");
	assert_int_equal(c.stage, TP_STAGE_SAL);      /* moved forward */

	/* A map naming a missing column is a usage error. */
	in = fmemopen((void *)sf, strlen(sf), "r");
	tp_contacts_import_opts o3 = {.map = "email=Nope"};
	assert_int_equal(tp_import_contacts(f->ctx, f->store, in, &o3, &st), TP_ERR_USAGE);
	fclose(in);
}

static void test_demo_is_deterministic(void **state)
{
	fixture *f = *state;
	tp_demo_opts d = {.contacts = 50, .seed = 3, .days = 90};
	char *a = NULL, *b = NULL, *c = NULL;
	size_t la = 0, lb = 0, lc = 0;
	FILE *o = open_memstream(&a, &la);
	assert_int_equal(tp_demo_write_events(f->ctx, &d, o, NULL), TP_OK);
	fclose(o);
	o = open_memstream(&b, &lb);
	assert_int_equal(tp_demo_write_events(f->ctx, &d, o, NULL), TP_OK);
	fclose(o);
	d.seed = 4;
	o = open_memstream(&c, &lc);
	assert_int_equal(tp_demo_write_events(f->ctx, &d, o, NULL), TP_OK);
	fclose(o);
	assert_int_equal(la, lb);
	assert_memory_equal(a, b, la);
	assert_true(la != lc || memcmp(a, c, la) != 0);
	/* Every demo line goes through the parser without a reject. */
	tp_import_stats st;
	rejects r = {0};
	assert_int_equal(import_text(f, NULL, a, 0, &st, &r), TP_OK);
	assert_int_equal(st.rejected, 0);
	assert_true(st.duplicates > 0);
	assert_int_equal(counts(f).contacts, 50);
	free(a);
	free(b);
	free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST_WITH_DB(test_counts_rejects_and_duplicates),
		TEST_WITH_DB(test_visits_and_channels),
		TEST_WITH_DB(test_strict_is_all_or_nothing),
		TEST_WITH_DB(test_nothing_lost_under_faults),
		TEST_WITH_DB(test_nothing_lost_under_faults_bulk),
		TEST_WITH_DB(test_bulk_equals_chunked),
		TEST_WITH_DB(test_cache_limit_empties_caches_and_changes_nothing),
		TEST_WITH_DB(test_first_load_journal),
		TEST_WITH_DB(test_contacts_csv),
		TEST_WITH_DB(test_demo_is_deterministic),
	};
	return cmocka_run_group_tests_name("import", tests, NULL, NULL);
}
