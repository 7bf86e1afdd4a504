/* The SQLite store: migrations, opening rules, and workspace isolation
 * (every row carries workspace_id; a store sees only its own). */
#include <sqlite3.h>

#include "helpers.h"
#include "store/sqlite/schema.h"

static void test_open_rules(void **state)
{
	fixture *f = *state;
	tp_store *s = NULL;
	/* A missing file is not created unless asked, and the message says how. */
	assert_int_equal(tp_store_open_sqlite(f->ctx, "/tmp/tp-no-such-dir/x.db", NULL,
	                                      TP_OPEN_EXISTING, &s), TP_ERR_NOT_FOUND);
	assert_non_null(strstr(tp_ctx_message(f->ctx), "touchpoint init"));
	/* An unknown workspace in an existing file is named. */
	assert_int_equal(tp_store_open_sqlite(f->ctx, f->path, "acme", TP_OPEN_EXISTING, &s),
	                 TP_ERR_NOT_FOUND);
	assert_non_null(strstr(tp_ctx_message(f->ctx), "\"acme\""));
	/* Reopening applies nothing twice. */
	assert_int_equal(tp_store_open_sqlite(f->ctx, f->path, NULL, TP_OPEN_EXISTING, &s), TP_OK);
	tp_store_close(s);
}

static void test_newer_schema_is_refused(void **state)
{
	fixture *f = *state;
	sqlite3 *db;
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	char sql[64];
	snprintf(sql, sizeof sql, "PRAGMA user_version = %d", tp_store_schema_version() + 1);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	tp_store *s = NULL;
	assert_int_equal(tp_store_open_sqlite(f->ctx, f->path, NULL, TP_OPEN_EXISTING, &s),
	                 TP_ERR_SCHEMA);
	assert_non_null(strstr(tp_ctx_message(f->ctx), "upgrade touchpoint"));
}

/* A database file and its WAL sides. */
static void remove_db(const char *path)
{
	char side[128];
	snprintf(side, sizeof side, "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof side, "%s-shm", path);
	unlink(side);
	unlink(path);
}

static int64_t page_size_of(const char *path)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA page_size", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	int64_t size = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return size;
}

/* A new database gets 16 KB pages (docs/PERFORMANCE.md); one made before
 * keeps its own, since changing it would rewrite the file. */
static void test_page_size(void **state)
{
	fixture *f = *state;
	assert_int_equal(page_size_of(f->path), 16384);
	char older[sizeof f->path + 8];
	snprintf(older, sizeof older, "%s.old", f->path);
	sqlite3 *db;
	assert_int_equal(sqlite3_open(older, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA page_size = 4096; CREATE TABLE t (x);", NULL,
	                              NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	tp_store *s = NULL;
	assert_int_equal(tp_store_open_sqlite(f->ctx, older, NULL, TP_OPEN_CREATE, &s), TP_OK);
	tp_store_close(s);
	assert_int_equal(page_size_of(older), 4096);
	remove_db(older);
}

/* A database made before migration 10, with an event, takes it on open:
 * the event's message id is still found, and the event indexes lead with
 * their key. */
static void test_migration_10_keeps_events(void **state)
{
	fixture *f = *state;
	char older[sizeof f->path + 8];
	snprintf(older, sizeof older, "%s.v9", f->path);
	sqlite3 *db;
	assert_int_equal(sqlite3_open(older, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE schema_migration (version INTEGER PRIMARY KEY,"
	                              " description TEXT NOT NULL, applied_at INTEGER NOT NULL)",
	                              NULL, NULL, NULL), SQLITE_OK);
	for (int i = 0; i < tp__sqlite_migration_count && tp__sqlite_migrations[i].version <= 9; i++)
		assert_int_equal(sqlite3_exec(db, tp__sqlite_migrations[i].sql, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 9;"
	                              " INSERT INTO workspace VALUES (1, 'default', 'USD', 0);"
	                              " INSERT INTO event (workspace_id, message_id, ts, received_at, call,"
	                              " type, channel) VALUES (1, 'm-1', 0, 0, 'track', 'other', 'Direct')",
	                              NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	tp_store *s = NULL;
	assert_int_equal(tp_store_open_sqlite(f->ctx, older, NULL, TP_OPEN_EXISTING, &s), TP_OK);
	int exists = 0;
	assert_int_equal(s->ops->event_exists(s, f->ctx, "m-1", &exists), TP_OK);
	assert_true(exists);
	assert_int_equal(s->ops->event_exists(s, f->ctx, "m-2", &exists), TP_OK);
	assert_false(exists);
	tp_store_close(s);
	assert_int_equal(sqlite3_open(older, &db), SQLITE_OK);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT group_concat(sql, ';') FROM (SELECT sql FROM"
	                                    " sqlite_master WHERE name LIKE 'event\\_%' ESCAPE '\\'"
	                                    " ORDER BY name)", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0),
	                    "CREATE INDEX event_anonymous ON event(anonymous_id, workspace_id)"
	                    " WHERE contact_id IS NULL;"
	                    "CREATE INDEX event_contact ON event(contact_id, workspace_id, ts)"
	                    " WHERE contact_id IS NOT NULL;"
	                    "CREATE UNIQUE INDEX event_message ON event(message_id, workspace_id)");
	sqlite3_finalize(st);
	/* The message id is still unique in its workspace. */
	assert_int_not_equal(sqlite3_exec(db, "INSERT INTO event (workspace_id, message_id, ts,"
	                                  " received_at, call, type, channel) VALUES"
	                                  " (1, 'm-1', 0, 0, 'track', 'other', 'Direct')",
	                                  NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	remove_db(older);
}

/* The event insert keeps its call, type and channel bound from row to row
 * (store_sqlite.c, bind_event_name). A schema change (the bulk load's index
 * rebuild, another connection's index) makes SQLite prepare the statement
 * again, carrying the bindings over: later rows still get their own names. */
static void test_event_names_survive_a_schema_change(void **state)
{
	fixture *f = *state;
	tp_import_stats st;
	rejects r = {0};
	const char *first =
		"{\"type\":\"track\",\"event\":\"Demo Requested\",\"anonymousId\":\"a\","
		"\"messageId\":\"n-1\",\"timestamp\":\"2026-01-01T00:00:00Z\"}\n";
	const char *later =
		"{\"type\":\"track\",\"event\":\"Demo Requested\",\"anonymousId\":\"a\","
		"\"messageId\":\"n-2\",\"timestamp\":\"2026-01-01T00:01:00Z\"}\n"
		"{\"type\":\"page\",\"anonymousId\":\"b\",\"messageId\":\"n-3\","
		"\"timestamp\":\"2026-01-01T00:02:00Z\",\"properties\":{\"path\":\"/pricing\"},"
		"\"context\":{\"campaign\":{\"source\":\"google\",\"medium\":\"cpc\"}}}\n";
	assert_int_equal(import_text(f, NULL, first, 1, &st, &r), TP_OK);
	sqlite3 *db;
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE INDEX event_by_ts ON event(ts)", NULL, NULL, NULL),
	                 SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(import_text(f, NULL, later, 1, &st, &r), TP_OK);
	assert_int_equal(st.accepted, 2);
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	sqlite3_stmt *q;
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT group_concat(message_id || ' ' || call || ' '"
	                                    " || type || ' ' || channel, '; ') FROM"
	                                    " (SELECT * FROM event ORDER BY id)", -1, &q, NULL),
	                 SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(q, 0),
	                    "n-1 track demo_request Unassigned; n-2 track demo_request Unassigned;"
	                    " n-3 page page_view Paid Search");
	sqlite3_finalize(q);
	sqlite3_close(db);
}

static tp_contact contact_now(fixture *f, int64_t id)
{
	tp_contact c;
	int found = 0;
	assert_int_equal(f->store->ops->contact_get(f->store, f->ctx, id, &c, &found), TP_OK);
	assert_true(found);
	return c;
}

/* Contacts read or written inside a transaction are answered from memory
 * the next time (contact_cache.c): each read must still give what the table
 * holds, through writes, a key's change, an erase, a rollback, and another
 * connection's write between transactions. */
static void test_contact_reads_in_a_transaction(void **state)
{
	fixture *f = *state;
	tp_store *s = f->store;
	assert_int_equal(s->ops->begin(s, f->ctx), TP_OK);
	tp_contact c = {.email = "ana@acme.com", .first_name = "Ana", .title = "CFO",
	                .stage = TP_STAGE_LEAD, .consent = -1, .created_at = 1, .updated_at = 1};
	assert_int_equal(s->ops->contact_put(s, f->ctx, &c), TP_OK);
	int64_t id = c.id;
	tp_contact r = contact_now(f, id);
	assert_string_equal(r.title, "CFO");
	assert_int_equal(r.consent, -1);
	assert_int_equal(r.erased_at, 0);
	r.title = "CEO";                          /* keys kept: the narrow update */
	r.stage = TP_STAGE_MQL;
	assert_int_equal(s->ops->contact_put(s, f->ctx, &r), TP_OK);
	r = contact_now(f, id);
	assert_string_equal(r.title, "CEO");
	assert_int_equal(r.stage, TP_STAGE_MQL);
	r.email = "ana@novalogix.com";            /* a key changes: the full update */
	assert_int_equal(s->ops->contact_put(s, f->ctx, &r), TP_OK);
	r = contact_now(f, id);
	assert_string_equal(r.email, "ana@novalogix.com");
	assert_string_equal(r.first_name, "Ana");
	assert_int_equal(s->ops->contact_erase(s, f->ctx, id, 77), TP_OK);
	r = contact_now(f, id);
	assert_null(r.email);
	assert_null(r.first_name);
	assert_int_equal(r.erased_at, 77);
	r.title = "gone";                         /* a write after the erase keeps its time */
	assert_int_equal(s->ops->contact_put(s, f->ctx, &r), TP_OK);
	r = contact_now(f, id);
	assert_int_equal(r.erased_at, 77);
	assert_int_equal(s->ops->commit(s, f->ctx), TP_OK);

	/* A rolled-back write is not read back. */
	assert_int_equal(s->ops->begin(s, f->ctx), TP_OK);
	r = contact_now(f, id);
	r.title = "rolled back";
	assert_int_equal(s->ops->contact_put(s, f->ctx, &r), TP_OK);
	assert_string_equal(contact_now(f, id).title, "rolled back");
	assert_int_equal(s->ops->rollback(s, f->ctx), TP_OK);
	assert_int_equal(s->ops->begin(s, f->ctx), TP_OK);
	assert_string_equal(contact_now(f, id).title, "gone");
	assert_int_equal(s->ops->commit(s, f->ctx), TP_OK);

	/* Another connection writes between two transactions of ours. */
	assert_int_equal(s->ops->begin(s, f->ctx), TP_OK);
	assert_string_equal(contact_now(f, id).title, "gone");
	assert_int_equal(s->ops->commit(s, f->ctx), TP_OK);
	sqlite3 *other;
	assert_int_equal(sqlite3_open(f->path, &other), SQLITE_OK);
	sqlite3_busy_timeout(other, 5000);
	assert_int_equal(sqlite3_exec(other, "UPDATE contact SET title = 'elsewhere'", NULL, NULL, NULL),
	                 SQLITE_OK);
	sqlite3_close(other);
	assert_int_equal(s->ops->begin(s, f->ctx), TP_OK);
	assert_string_equal(contact_now(f, id).title, "elsewhere");
	assert_int_equal(s->ops->commit(s, f->ctx), TP_OK);
}

static void test_workspaces_are_isolated(void **state)
{
	fixture *f = *state;
	tp_store *b = NULL;
	assert_int_equal(tp_store_open_sqlite(f->ctx, f->path, "other", TP_OPEN_CREATE, &b), TP_OK);
	assert_int_not_equal(b->workspace_id, f->store->workspace_id);
	const char *text = "{\"type\":\"identify\",\"messageId\":\"same\",\"anonymousId\":\"a\","
	                   "\"timestamp\":\"2026-01-01T00:00:00Z\",\"traits\":{\"email\":\"ana@acme.com\"}}\n";
	tp_import_stats st;
	assert_int_equal(import_text(f, NULL, text, 0, &st, NULL), TP_OK);
	assert_int_equal(st.accepted, 1);
	/* The same messageId in another workspace is a different call. */
	assert_int_equal(import_text(f, b, text, 0, &st, NULL), TP_OK);
	assert_int_equal(st.accepted, 1);
	assert_int_equal(counts(f).events, 1);
	tp_store_counts cb;
	assert_int_equal(b->ops->counts(b, f->ctx, &cb), TP_OK);
	assert_int_equal(cb.events, 1);
	assert_int_equal(cb.contacts, 1);
	/* Each sees its own contact, by its own id. */
	int64_t ia, ib;
	assert_int_equal(f->store->ops->contact_find(f->store, f->ctx, TP_KEY_EMAIL, "ana@acme.com", &ia), TP_OK);
	assert_int_equal(b->ops->contact_find(b, f->ctx, TP_KEY_EMAIL, "ana@acme.com", &ib), TP_OK);
	assert_true(ia > 0 && ib > 0 && ia != ib);
	tp_contact c;
	int found;
	assert_int_equal(b->ops->contact_get(b, f->ctx, ia, &c, &found), TP_OK);
	assert_false(found);
	tp_store_close(b);
}

static void test_channel_sites_roundtrip(void **state)
{
	fixture *f = *state;
	tp_channel_rules *r;
	assert_int_equal(tp_channel_rules_load(f->ctx, f->store, &r), TP_OK);
	assert_int_equal(tp_channel_rules_add(r, TP_SITES_SOCIAL, "community.acme.io"), TP_OK);
	assert_int_equal(tp_channel_rules_save(f->ctx, f->store, r, TP_SITES_SOCIAL), TP_OK);
	tp_channel_rules_destroy(r);
	assert_int_equal(tp_channel_rules_load(f->ctx, f->store, &r), TP_OK);
	assert_true(tp_channel_site_in(r, TP_SITES_SOCIAL, "community.acme.io"));
	assert_true(tp_channel_site_in(r, TP_SITES_SOCIAL, "linkedin.com")); /* built-ins kept */
	tp_channel_rules_destroy(r);
}

/* The in-memory store (the import benchmark's) must take a whole import,
 * including contacts the MQL rule moves and assigns round robin. */
static void test_memory_store_takes_a_demo_import(void **state)
{
	(void)state;
	tp_ctx *ctx = tp_ctx_create();
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	tp_demo_opts d = {.contacts = 300, .seed = 1, .days = 365};
	tp_demo_stats ds;
	assert_int_equal(tp_demo_write_events(ctx, &d, out, &ds), TP_OK);
	fclose(out);
	FILE *in = fmemopen(buf, len, "r");
	tp_store *s = tp_store_open_memory();
	tp_import_stats st;
	tp_import_opts o = {.commit_every = 1000};
	assert_int_equal(tp_import_events(ctx, s, in, &o, &st), TP_OK);
	assert_true(st.mqls > 0);
	assert_int_equal(st.accepted, ds.events);
	tp_store_close(s);
	fclose(in);
	free(buf);
	tp_ctx_destroy(ctx);
}

/* The memory store keeps its own copy of a visitor's texts: the caller's
 * point into identity's memory, which an unmerge resets. */
static void test_memory_store_copies_visitor_texts(void **state)
{
	(void)state;
	tp_ctx *ctx = tp_ctx_create();
	tp_store *s = tp_store_open_memory();
	char anon[] = "a-1", url[] = "https://example.com/landing", gclid[] = "g-1",
	     source[] = "google", medium[] = "cpc", campaign[] = "spring";
	tp_visitor v = {.anonymous_id = anon, .landing_url = url, .visit_source = source,
	                .visit_medium = medium, .visit_campaign = campaign};
	v.click_id[TP_CLICK_GCLID] = gclid;
	assert_int_equal(s->ops->visitor_put(s, ctx, &v), TP_OK);
	/* Written again with one text changed: the rest are still kept. */
	char medium2[] = "paid";
	v.visit_medium = medium2;
	assert_int_equal(s->ops->visitor_put(s, ctx, &v), TP_OK);
	char *texts[] = {anon, url, gclid, source, medium, campaign, medium2};
	for (size_t i = 0; i < sizeof texts / sizeof *texts; i++)
		memset(texts[i], 'x', strlen(texts[i]));
	tp_visitor got;
	int found;
	assert_int_equal(s->ops->visitor_get(s, ctx, "a-1", &got, &found), TP_OK);
	assert_true(found);
	assert_string_equal(got.anonymous_id, "a-1");
	assert_string_equal(got.landing_url, "https://example.com/landing");
	assert_string_equal(got.click_id[TP_CLICK_GCLID], "g-1");
	assert_null(got.click_id[TP_CLICK_FBCLID]);
	assert_string_equal(got.visit_source, "google");
	assert_string_equal(got.visit_medium, "paid");
	assert_string_equal(got.visit_campaign, "spring");
	tp_store_close(s);
	tp_ctx_destroy(ctx);
}

typedef struct inbox_seen {
	int64_t ids[8];
	char bodies[8][64];
	size_t n;
} inbox_seen;

static int see_inbox(void *user, const tp_inbox_row *r)
{
	inbox_seen *seen = user;
	seen->ids[seen->n] = r->id;
	snprintf(seen->bodies[seen->n++], sizeof seen->bodies[0], "%d %lld %lld %.*s", r->call,
	         (long long)r->events, (long long)r->received_at, (int)r->len, r->body);
	return 0;
}

static int see_workspace(void *user, int64_t id, const char *name)
{
	(void)id;
	char *names = user;
	size_t used = strlen(names);
	snprintf(names + used, 64 - used, "%s", name);
	return 0;
}

/* The collector's inbox: bodies come back in order with what they were
 * written with; removal, setting aside and counts are per workspace. */
static void test_inbox(void **state)
{
	fixture *f = *state;
	tp_store *s = f->store, *b = NULL;
	assert_int_equal(tp_store_open_sqlite(f->ctx, f->path, "other", TP_OPEN_CREATE, &b), TP_OK);
	const char *bodies[] = {"{\"a\":1}", "{\"b\":2}", "{\"c\":3}"};
	for (int i = 0; i < 3; i++) {
		tp_inbox_row r = {.call = i - 1, .events = i + 1, .received_at = 1000 + i,
		                  .body = bodies[i], .len = strlen(bodies[i])};
		assert_int_equal(s->ops->inbox_add(s, f->ctx, &r), TP_OK);
		assert_true(r.id > 0);
	}
	tp_inbox_row other = {.call = 1, .events = 5, .received_at = 7, .body = "{}", .len = 2};
	assert_int_equal(b->ops->inbox_add(b, f->ctx, &other), TP_OK);
	inbox_seen seen = {.n = 0};
	assert_int_equal(s->ops->inbox_take(s, f->ctx, 0, 2, see_inbox, &seen), TP_OK);
	assert_int_equal(seen.n, 2);
	assert_string_equal(seen.bodies[0], "-1 1 1000 {\"a\":1}");
	assert_string_equal(seen.bodies[1], "0 2 1001 {\"b\":2}");
	/* The second body is set aside: neither taken nor removed any more. */
	assert_int_equal(s->ops->inbox_fail(s, f->ctx, seen.ids[1], "bad"), TP_OK);
	int64_t n, events, failed;
	assert_int_equal(s->ops->inbox_count(s, f->ctx, &n, &events, &failed), TP_OK);
	assert_true(n == 2 && events == 4 && failed == 1);
	char names[64] = "";
	assert_int_equal(s->ops->inbox_workspaces(s, f->ctx, see_workspace, names), TP_OK);
	assert_string_equal(names, "defaultother");
	assert_int_equal(s->ops->inbox_remove(s, f->ctx, seen.ids[1] + 1), TP_OK);
	assert_int_equal(s->ops->inbox_count(s, f->ctx, &n, &events, &failed), TP_OK);
	assert_true(n == 0 && events == 0 && failed == 1);
	seen.n = 0;
	assert_int_equal(s->ops->inbox_take(s, f->ctx, 0, 10, see_inbox, &seen), TP_OK);
	assert_int_equal(seen.n, 0);
	/* The other workspace's body is still there, and only it lists now. */
	assert_int_equal(b->ops->inbox_count(b, f->ctx, &n, &events, &failed), TP_OK);
	assert_true(n == 1 && events == 5 && failed == 0);
	names[0] = '\0';
	assert_int_equal(s->ops->inbox_workspaces(s, f->ctx, see_workspace, names), TP_OK);
	assert_string_equal(names, "other");
	tp_store_close(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST_WITH_DB(test_open_rules),
		TEST_WITH_DB(test_newer_schema_is_refused),
		TEST_WITH_DB(test_page_size),
		TEST_WITH_DB(test_migration_10_keeps_events),
		TEST_WITH_DB(test_event_names_survive_a_schema_change),
		TEST_WITH_DB(test_contact_reads_in_a_transaction),
		TEST_WITH_DB(test_workspaces_are_isolated),
		TEST_WITH_DB(test_channel_sites_roundtrip),
		TEST_WITH_DB(test_inbox),
		cmocka_unit_test(test_memory_store_takes_a_demo_import),
		cmocka_unit_test(test_memory_store_copies_visitor_texts),
	};
	return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
