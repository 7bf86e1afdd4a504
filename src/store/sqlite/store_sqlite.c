/* SQLite backend of tp_store. One connection, WAL journal (a rollback
 * journal for a first load), synchronous=FULL so that a returned commit
 * survives power loss; every statement prepared once and cached; every
 * value bound, never spliced into SQL. */
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/strmap.h"
#include "store/records.h"
#include "store/sqlite/schema.h"
#include "store/sqlite/sqlite_int.h"
#include "touchpoint/store.h"

#define BUSY_TIMEOUT_MS 5000

#define CONTACT_COLS                                                                 \
	"id, account_id, merged_into, created_at, updated_at, email, user_id, first_name," \
	" last_name, title, phone, company, country, lead_source, owner, stage,"          \
	" source_channel, consent, erased_at"
#define ACCOUNT_COLS \
	"id, domain, group_id, name, industry, country, employees, annual_revenue, created_at," \
	" customer_since"
#define VISITOR_COLS                                                                  \
	"id, anonymous_id, contact_id, first_seen, last_seen, first_channel, landing_url," \
	" gclid, gbraid, wbraid, dclid, fbclid, msclkid, li_fat_id, ttclid,"              \
	" visit_channel, visit_source, visit_medium, visit_campaign"
#define MERGE_COLS "id, winner_id, loser_id, at, undone_at, rule, detail"
#define SCORE_COLS \
	"contact_id, fit, engagement, engagement_at, caps, total, grade, probability, updated_at"
#define OPP_COLS                                                                     \
	"id, account_id, contact_id, amount, created_at, closed_at, updated_at, name, stage," \
	" currency, close_date, lost_reason, source_channel, owner, probability"
#define KEY_COLS \
	"k.id, k.workspace_id, w.name, k.kind, k.prefix, k.hash, k.label, k.created_at, k.revoked_at"

enum {
	ST_BEGIN, ST_COMMIT, ST_ROLLBACK,
	ST_EVENT_EXISTS, ST_EVENT_INSERT, ST_EVENTS_ADOPT, ST_EVENTS_REASSIGN,
	ST_EVENTS_RESTORE, ST_EVENTS_OF_CONTACT, ST_EVENTS_FOR_SCORING, ST_EVENTS_FOR_SCORING_ALL,
	ST_VISITOR_GET, ST_VISITOR_INSERT, ST_VISITOR_UPDATE, ST_VISITORS_OF_CONTACT,
	ST_CONTACT_GET, ST_CONTACT_BY_EMAIL, ST_CONTACT_BY_USER, ST_CONTACT_INSERT,
	ST_CONTACT_UPDATE, ST_CONTACT_UPDATE_FIELDS, ST_CONTACTS_LIST, ST_CONTACTS_MERGED_INTO,
	ST_ERASE_CONTACT, ST_ERASE_EVENTS, ST_ERASE_VISITORS, ST_ERASE_NOTES, ST_ERASE_MERGES,
	ST_ACCOUNT_GET, ST_ACCOUNT_BY_DOMAIN, ST_ACCOUNT_BY_GROUP, ST_ACCOUNT_INSERT,
	ST_ACCOUNT_UPDATE, ST_ACCOUNTS_LIST,
	ST_MERGE_INSERT, ST_MERGE_UPDATE, ST_MERGE_ACTIVE, ST_MERGES_OF_CONTACT,
	ST_NOTE_INSERT, ST_NOTES_OF_CONTACT,
	ST_STAGE_INSERT, ST_SPEND_INSERT, ST_OPP_INSERT, ST_MRR_INSERT,
	ST_SITES_GET, ST_SETTING_GET, ST_SETTING_PUT, ST_SITES_DELETE, ST_SITE_INSERT,
	ST_COUNT_EVENTS, ST_COUNT_CONTACTS, ST_COUNT_ACCOUNTS, ST_COUNT_VISITORS,
	ST_COUNT_ANON_VISITORS, ST_COUNT_MERGES, ST_COUNT_STAGES, ST_COUNT_CHANNELS,
	ST_EVENTS_SCAN, ST_SCORE_GET, ST_SCORE_PUT, ST_SCORE_DELETE, ST_SCORES_LIST,
	ST_STAGES_OF_CONTACT, ST_STAGES_ALL, ST_OPP_GET, ST_OPP_UPDATE, ST_OPPS_LIST,
	ST_SETTING_DELETE, ST_SPEND_LIST, ST_MRR_LIST, ST_EVENTS_BETWEEN,
	ST_KEY_INSERT, ST_KEYS_LIST, ST_KEY_REVOKE, ST_KEY_LOOKUP,
	ST_LEAD_FETCH_ADD, ST_LEAD_FETCH_DUE, ST_LEAD_FETCH_NEXT, ST_LEAD_FETCH_UPDATE,
	ST_LEAD_FETCH_LIST,
	ST_INBOX_ADD, ST_INBOX_TAKE, ST_INBOX_REMOVE, ST_INBOX_FAIL, ST_INBOX_COUNT,
	ST_INBOX_WORKSPACES,
	ST__COUNT
};

#define LEAD_FETCH_COLS "f.id, f.workspace_id, w.name, f.platform, f.lead_id, f.notification," \
	" f.received_at, f.attempts, f.next_at, f.last_error, f.done_at"

static const char *const sql_text[ST__COUNT] = {
	[ST_BEGIN] = "BEGIN IMMEDIATE",
	[ST_COMMIT] = "COMMIT",
	[ST_ROLLBACK] = "ROLLBACK",
	[ST_EVENT_EXISTS] = "SELECT 1 FROM event WHERE workspace_id = ?1 AND message_id = ?2",
	[ST_EVENT_INSERT] =
		"INSERT INTO event (workspace_id, message_id, contact_id, origin_contact_id,"
		" anonymous_id, user_id, ts, received_at, call, type, name, page_category,"
		" search_term, asset, video_percent, url, path, referrer, title, channel, source,"
		" medium, campaign, utm_source, utm_medium, utm_campaign, utm_term, utm_content,"
		" gclid, gbraid, wbraid, dclid, fbclid, msclkid, li_fat_id, ttclid, properties)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,"
		" ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32,"
		" ?33, ?34, ?35, ?36, ?37)",
	[ST_EVENTS_ADOPT] =
		"UPDATE event SET contact_id = ?3, origin_contact_id = ?4"
		" WHERE workspace_id = ?1 AND anonymous_id = ?2 AND contact_id IS NULL",
	[ST_EVENTS_REASSIGN] =
		"UPDATE event SET contact_id = ?3 WHERE workspace_id = ?1 AND contact_id = ?2",
	[ST_EVENTS_RESTORE] =
		"UPDATE event SET contact_id = ?3"
		" WHERE workspace_id = ?1 AND contact_id = ?4 AND origin_contact_id = ?2",
	[ST_EVENTS_OF_CONTACT] = "SELECT " TOUCH_COLS
		" FROM event WHERE workspace_id = ?1 AND contact_id = ?2 ORDER BY ts, id",
	[ST_EVENTS_FOR_SCORING] = "SELECT id, ts, contact_id, NULL, NULL, type, NULL, channel, NULL,"
		" NULL, NULL, page_category, NULL, asset, NULL, NULL, video_percent"
		" FROM event WHERE workspace_id = ?1 AND contact_id = ?2 ORDER BY ts, id",
	/* In storage order: a sequential read (the scorer sorts what it keeps). */
	[ST_EVENTS_FOR_SCORING_ALL] = "SELECT id, ts, contact_id, NULL, NULL, type, NULL, channel,"
		" NULL, NULL, NULL, page_category, NULL, asset, NULL, NULL, video_percent"
		" FROM event NOT INDEXED WHERE workspace_id = ?1 AND contact_id IS NOT NULL",
	/* In event_contact's order, read whole: the unary + keeps SQLite from
	 * seeking the workspace (second in the index), which would cost a sort
	 * of each contact's rows; a constant, it leaves the order as it is. */
	[ST_EVENTS_SCAN] = "SELECT " TOUCH_COLS " FROM event WHERE +workspace_id = ?1"
		" AND contact_id IS NOT NULL ORDER BY contact_id, workspace_id, ts, id",
	[ST_SCORE_GET] = "SELECT " SCORE_COLS " FROM score WHERE workspace_id = ?1 AND contact_id = ?2",
	[ST_SCORE_PUT] = "INSERT INTO score (workspace_id, " SCORE_COLS ")"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
		" ON CONFLICT (workspace_id, contact_id) DO UPDATE SET fit = excluded.fit,"
		" engagement = excluded.engagement, engagement_at = excluded.engagement_at,"
		" caps = excluded.caps, total = excluded.total, grade = excluded.grade,"
		" probability = excluded.probability, updated_at = excluded.updated_at",
	[ST_SCORE_DELETE] = "DELETE FROM score WHERE workspace_id = ?1 AND contact_id = ?2",
	[ST_SCORES_LIST] = "SELECT " SCORE_COLS " FROM score WHERE workspace_id = ?1 ORDER BY contact_id",
	[ST_STAGES_OF_CONTACT] = "SELECT contact_id, at, from_stage, to_stage, actor, reason"
		" FROM stage_change WHERE workspace_id = ?1 AND contact_id = ?2 ORDER BY at, id",
	[ST_STAGES_ALL] = "SELECT contact_id, at, from_stage, to_stage, actor, reason"
		" FROM stage_change WHERE workspace_id = ?1 ORDER BY contact_id, at, id",
	[ST_OPP_GET] = "SELECT " OPP_COLS " FROM opportunity WHERE workspace_id = ?1 AND id = ?2",
	[ST_OPP_UPDATE] =
		"UPDATE opportunity SET account_id = ?3, contact_id = ?4, amount = ?5, created_at = ?6,"
		" closed_at = ?7, updated_at = ?8, name = ?9, stage = ?10, currency = ?11,"
		" close_date = ?12, lost_reason = ?13, source_channel = ?14, owner = ?15,"
		" probability = ?16 WHERE workspace_id = ?1 AND id = ?2",
	[ST_OPPS_LIST] = "SELECT " OPP_COLS " FROM opportunity WHERE workspace_id = ?1 ORDER BY id",
	[ST_SETTING_DELETE] = "DELETE FROM setting WHERE workspace_id = ?1 AND key = ?2",
	[ST_VISITOR_GET] = "SELECT " VISITOR_COLS
		" FROM visitor WHERE workspace_id = ?1 AND anonymous_id = ?2",
	[ST_VISITOR_INSERT] =
		"INSERT INTO visitor (workspace_id, anonymous_id, contact_id, first_seen, last_seen,"
		" first_channel, landing_url, gclid, gbraid, wbraid, dclid, fbclid, msclkid,"
		" li_fat_id, ttclid, visit_channel, visit_source, visit_medium, visit_campaign)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,"
		" ?17, ?18, ?19)",
	[ST_VISITOR_UPDATE] =
		"UPDATE visitor SET contact_id = ?3, first_seen = ?4, last_seen = ?5,"
		" first_channel = ?6, landing_url = ?7, gclid = ?8, gbraid = ?9, wbraid = ?10,"
		" dclid = ?11, fbclid = ?12, msclkid = ?13, li_fat_id = ?14, ttclid = ?15,"
		" visit_channel = ?16, visit_source = ?17, visit_medium = ?18, visit_campaign = ?19"
		" WHERE workspace_id = ?1 AND anonymous_id = ?2",
	[ST_VISITORS_OF_CONTACT] = "SELECT " VISITOR_COLS
		" FROM visitor WHERE workspace_id = ?1 AND contact_id = ?2 ORDER BY first_seen, id",
	[ST_CONTACT_GET] = "SELECT " CONTACT_COLS " FROM contact WHERE workspace_id = ?1 AND id = ?2",
	[ST_CONTACT_BY_EMAIL] = "SELECT id FROM contact WHERE workspace_id = ?1 AND email = ?2",
	[ST_CONTACT_BY_USER] = "SELECT id FROM contact WHERE workspace_id = ?1 AND user_id = ?2",
	[ST_CONTACT_INSERT] =
		"INSERT INTO contact (workspace_id, account_id, merged_into, created_at, updated_at,"
		" email, user_id, first_name, last_name, title, phone, company, country, lead_source,"
		" owner, stage, source_channel, consent)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
	[ST_CONTACT_UPDATE] =
		"UPDATE contact SET account_id = ?2, merged_into = ?3, created_at = ?4, updated_at = ?5,"
		" email = ?6, user_id = ?7, first_name = ?8, last_name = ?9, title = ?10, phone = ?11,"
		" company = ?12, country = ?13, lead_source = ?14, owner = ?15, stage = ?16,"
		" source_channel = ?17, consent = ?18 WHERE workspace_id = ?1 AND id = ?19",
	/* The same write when no indexed column changes: an UPDATE that names an
	 * indexed column rewrites that index's entry even when the value stays,
	 * and most writes (traits, stage, owner) keep a contact's keys. */
	[ST_CONTACT_UPDATE_FIELDS] =
		"UPDATE contact SET created_at = ?4, updated_at = ?5, first_name = ?8, last_name = ?9,"
		" title = ?10, phone = ?11, company = ?12, country = ?13, lead_source = ?14,"
		" owner = ?15, stage = ?16, source_channel = ?17, consent = ?18"
		" WHERE workspace_id = ?1 AND id = ?19 AND account_id IS ?2 AND merged_into IS ?3"
		" AND email IS ?6 AND user_id IS ?7",
	[ST_CONTACTS_LIST] = "SELECT " CONTACT_COLS " FROM contact WHERE workspace_id = ?1"
		" AND (?2 IS NULL OR stage = ?2) AND (?3 OR merged_into IS NULL)"
		" AND (?4 = 0 OR account_id = ?4) AND id > ?5 AND (?6 IS NULL OR owner = ?6)"
		" AND (?7 IS NULL OR source_channel = ?7) AND updated_at >= ?8 ORDER BY id",
	[ST_ERASE_CONTACT] = "UPDATE contact SET email = NULL, user_id = NULL, first_name = NULL,"
		" last_name = NULL, title = NULL, phone = NULL, company = NULL, country = NULL,"
		" lead_source = NULL, owner = NULL, consent = NULL, erased_at = ?3, updated_at = ?3"
		" WHERE workspace_id = ?1 AND id = ?2",
	/* Channel, campaign and UTM stay: they say how the touch came, not who. */
	[ST_ERASE_EVENTS] = "UPDATE event SET anonymous_id = NULL, user_id = NULL, url = NULL,"
		" path = NULL, referrer = NULL, title = NULL, search_term = NULL, asset = NULL,"
		" gclid = NULL, gbraid = NULL, wbraid = NULL, dclid = NULL, fbclid = NULL,"
		" msclkid = NULL, li_fat_id = NULL, ttclid = NULL, properties = NULL"
		" WHERE workspace_id = ?1 AND (contact_id = ?2 OR origin_contact_id = ?2)",
	[ST_ERASE_VISITORS] = "DELETE FROM visitor WHERE workspace_id = ?1 AND contact_id = ?2",
	[ST_ERASE_NOTES] = "DELETE FROM identity_note WHERE workspace_id = ?1"
		" AND (contact_id = ?2 OR other_contact_id = ?2)",
	[ST_ERASE_MERGES] = "UPDATE merge SET detail = NULL WHERE workspace_id = ?1"
		" AND (winner_id = ?2 OR loser_id = ?2)",
	[ST_CONTACTS_MERGED_INTO] = "SELECT " CONTACT_COLS
		" FROM contact WHERE workspace_id = ?1 AND merged_into = ?2 ORDER BY id",
	[ST_ACCOUNT_GET] = "SELECT " ACCOUNT_COLS " FROM account WHERE workspace_id = ?1 AND id = ?2",
	[ST_ACCOUNT_BY_DOMAIN] = "SELECT id FROM account WHERE workspace_id = ?1 AND domain = ?2",
	[ST_ACCOUNT_BY_GROUP] = "SELECT id FROM account WHERE workspace_id = ?1 AND group_id = ?2",
	[ST_ACCOUNT_INSERT] =
		"INSERT INTO account (workspace_id, domain, group_id, name, industry, country,"
		" employees, annual_revenue, created_at, customer_since)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?11)",
	[ST_ACCOUNT_UPDATE] =
		"UPDATE account SET domain = ?2, group_id = ?3, name = ?4, industry = ?5, country = ?6,"
		" employees = ?7, annual_revenue = ?8, created_at = ?9, customer_since = ?11"
		" WHERE workspace_id = ?1 AND id = ?10",
	[ST_ACCOUNTS_LIST] = "SELECT " ACCOUNT_COLS ", (SELECT count(*) FROM contact c"
		" WHERE c.workspace_id = account.workspace_id AND c.account_id = account.id"
		" AND c.merged_into IS NULL) FROM account WHERE workspace_id = ?1 ORDER BY id",
	[ST_MERGE_INSERT] =
		"INSERT INTO merge (workspace_id, winner_id, loser_id, at, undone_at, rule, detail)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	[ST_MERGE_UPDATE] = "UPDATE merge SET undone_at = ?3 WHERE workspace_id = ?1 AND id = ?2",
	[ST_MERGE_ACTIVE] = "SELECT " MERGE_COLS " FROM merge WHERE workspace_id = ?1"
		" AND loser_id = ?2 AND undone_at IS NULL ORDER BY id DESC LIMIT 1",
	[ST_MERGES_OF_CONTACT] = "SELECT " MERGE_COLS " FROM merge WHERE workspace_id = ?1"
		" AND (winner_id = ?2 OR loser_id = ?2) ORDER BY id",
	[ST_NOTE_INSERT] =
		"INSERT INTO identity_note (workspace_id, at, kind, anonymous_id, contact_id,"
		" other_contact_id, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	[ST_NOTES_OF_CONTACT] =
		"SELECT id, at, contact_id, other_contact_id, kind, anonymous_id, detail"
		" FROM identity_note WHERE workspace_id = ?1"
		" AND (contact_id = ?2 OR other_contact_id = ?2) ORDER BY id",
	[ST_STAGE_INSERT] =
		"INSERT INTO stage_change (workspace_id, contact_id, from_stage, to_stage, at, actor,"
		" reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	[ST_SPEND_INSERT] =
		"INSERT INTO ad_spend (workspace_id, date, channel, source, campaign, impressions,"
		" clicks, cost, currency, imported_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
	[ST_OPP_INSERT] =
		"INSERT INTO opportunity (workspace_id, account_id, contact_id, name, stage, amount,"
		" currency, probability, created_at, close_date, closed_at, lost_reason,"
		" source_channel, owner, updated_at)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
	[ST_MRR_INSERT] =
		"INSERT INTO mrr (workspace_id, account_id, month, mrr, currency, imported_at)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[ST_SITES_GET] = "SELECT site FROM channel_site WHERE workspace_id = ?1 AND list = ?2"
		" ORDER BY site",
	[ST_SETTING_GET] = "SELECT value FROM setting WHERE workspace_id = ?1 AND key = ?2",
	[ST_SETTING_PUT] = "INSERT INTO setting (workspace_id, key, value) VALUES (?1, ?2, ?3)"
		" ON CONFLICT (workspace_id, key) DO UPDATE SET value = excluded.value",
	[ST_SITES_DELETE] = "DELETE FROM channel_site WHERE workspace_id = ?1 AND list = ?2",
	[ST_SITE_INSERT] = "INSERT OR IGNORE INTO channel_site (workspace_id, list, site)"
		" VALUES (?1, ?2, ?3)",
	[ST_COUNT_EVENTS] = "SELECT count(*) FROM event WHERE workspace_id = ?1",
	[ST_COUNT_CONTACTS] = "SELECT count(*) FROM contact WHERE workspace_id = ?1"
		" AND merged_into IS NULL",
	[ST_COUNT_ACCOUNTS] = "SELECT count(*) FROM account WHERE workspace_id = ?1",
	[ST_COUNT_VISITORS] = "SELECT count(*) FROM visitor WHERE workspace_id = ?1",
	[ST_COUNT_ANON_VISITORS] = "SELECT count(*) FROM visitor WHERE workspace_id = ?1"
		" AND contact_id IS NULL",
	[ST_COUNT_MERGES] = "SELECT count(*) FROM merge WHERE workspace_id = ?1"
		" AND undone_at IS NULL",
	[ST_COUNT_STAGES] = "SELECT stage, count(*) FROM contact WHERE workspace_id = ?1"
		" AND merged_into IS NULL GROUP BY stage",
	[ST_COUNT_CHANNELS] = "SELECT source_channel, count(*) FROM contact WHERE workspace_id = ?1"
		" AND merged_into IS NULL AND source_channel IS NOT NULL GROUP BY source_channel",
	/* The rows of the latest import (at or before ?4) of each key. */
	[ST_SPEND_LIST] = "SELECT date, channel, source, campaign, currency, impressions, clicks,"
		" cost, imported_at FROM ad_spend a WHERE workspace_id = ?1 AND date BETWEEN ?2 AND ?3"
		" AND imported_at <= ?4 AND NOT EXISTS (SELECT 1 FROM ad_spend b"
		" WHERE b.workspace_id = a.workspace_id AND b.date = a.date AND b.channel = a.channel"
		" AND b.source IS a.source AND b.campaign IS a.campaign"
		" AND b.imported_at > a.imported_at AND b.imported_at <= ?4) ORDER BY date, id",
	[ST_KEY_INSERT] = "INSERT INTO api_key (workspace_id, kind, prefix, hash, label, created_at)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[ST_KEYS_LIST] = "SELECT " KEY_COLS " FROM api_key k JOIN workspace w ON w.id = k.workspace_id"
		" WHERE k.workspace_id = ?1 ORDER BY k.id",
	[ST_KEY_REVOKE] = "UPDATE api_key SET revoked_at = ?3"
		" WHERE workspace_id = ?1 AND id = ?2 AND revoked_at IS NULL",
	/* ?1 (the open workspace) is bound but unused: a key names its own. */
	[ST_KEY_LOOKUP] = "SELECT " KEY_COLS " FROM api_key k JOIN workspace w ON w.id = k.workspace_id"
		" WHERE k.hash = ?2 AND ?1 IS NOT NULL",
	[ST_LEAD_FETCH_ADD] = "INSERT OR IGNORE INTO lead_fetch (workspace_id, platform, lead_id,"
		" notification, received_at, next_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	/* ?1 is bound but unused: the fetcher serves every workspace. */
	[ST_LEAD_FETCH_DUE] = "SELECT " LEAD_FETCH_COLS " FROM lead_fetch f"
		" JOIN workspace w ON w.id = f.workspace_id"
		" WHERE f.done_at IS NULL AND f.next_at <= ?2 AND ?1 IS NOT NULL"
		" ORDER BY f.next_at LIMIT ?3",
	[ST_LEAD_FETCH_NEXT] = "SELECT min(next_at) FROM lead_fetch WHERE done_at IS NULL"
		" AND ?1 IS NOT NULL",
	[ST_LEAD_FETCH_UPDATE] = "UPDATE lead_fetch SET attempts = ?3, next_at = ?4, last_error = ?5,"
		" done_at = nullif(?6, 0) WHERE workspace_id = ?1 AND id = ?2",
	[ST_LEAD_FETCH_LIST] = "SELECT " LEAD_FETCH_COLS " FROM lead_fetch f"
		" JOIN workspace w ON w.id = f.workspace_id"
		" WHERE f.workspace_id = ?1 AND (?2 OR f.done_at IS NULL) ORDER BY f.id",
	[ST_MRR_LIST] = "SELECT account_id, month, mrr, currency, imported_at FROM mrr a"
		" WHERE workspace_id = ?1 AND imported_at <= ?2 AND NOT EXISTS (SELECT 1 FROM mrr b"
		" WHERE b.workspace_id = a.workspace_id AND b.account_id = a.account_id"
		" AND b.month = a.month AND b.imported_at > a.imported_at AND b.imported_at <= ?2)"
		" ORDER BY account_id, month, id",
	[ST_EVENTS_BETWEEN] = "SELECT " TOUCH_COLS " FROM event WHERE +workspace_id = ?1"
		" AND ts BETWEEN ?2 AND ?3 ORDER BY ts, id",
	[ST_INBOX_ADD] = "INSERT INTO inbox (workspace_id, call, events, received_at, body)"
		" VALUES (?1, ?2, ?3, ?4, ?5)",
	[ST_INBOX_TAKE] = "SELECT id, call, events, received_at, body FROM inbox"
		" WHERE workspace_id = ?1 AND id > ?2 AND error IS NULL ORDER BY id LIMIT ?3",
	[ST_INBOX_REMOVE] = "DELETE FROM inbox WHERE workspace_id = ?1 AND id <= ?2"
		" AND error IS NULL",
	[ST_INBOX_FAIL] = "UPDATE inbox SET error = ?3 WHERE workspace_id = ?1 AND id = ?2",
	[ST_INBOX_COUNT] = "SELECT count(*) FILTER (WHERE error IS NULL),"
		" coalesce(sum(events) FILTER (WHERE error IS NULL), 0),"
		" count(*) FILTER (WHERE error IS NOT NULL) FROM inbox WHERE workspace_id = ?1",
	/* ?1 is bound but unused: every workspace's. */
	[ST_INBOX_WORKSPACES] = "SELECT w.id, w.name FROM workspace w WHERE ?1 IS NOT NULL"
		" AND EXISTS (SELECT 1 FROM inbox i WHERE i.workspace_id = w.id AND i.error IS NULL)"
		" ORDER BY w.id",
};

_Static_assert((int)ST__COUNT <= (int)TP__SQ_CORE_SLOTS, "sqlite_int.h: raise TP__SQ_CORE_SLOTS");

static const tp_store_ops sqlite_ops;

tp_status tp__sq_fail(sqlite_store *s, tp_ctx *ctx, const char *what)
{
	int code = sqlite3_extended_errcode(s->db);
	tp_status st = (code & 0xff) == SQLITE_CONSTRAINT ? TP_ERR_CONFLICT : TP_ERR_STORE;
	return tp_ctx_fail(ctx, st, NULL, "sqlite: %s: %s", what, sqlite3_errmsg(s->db));
}

static tp_status exec_sql(sqlite_store *s, tp_ctx *ctx, const char *sql, const char *what);
static tp_status query_int(sqlite_store *s, tp_ctx *ctx, const char *sql, const char *text,
                           int64_t *out);

/* `clear`: the previous call's values are cleared; a caller that binds every
 * parameter itself spares that (37 of them an event row). */
static sqlite3_stmt *prepare(sqlite_store *s, tp_ctx *ctx, sqlite3_stmt **slot, const char *sql,
                             int clear, tp_status *rc)
{
	sqlite3_stmt *st = *slot;
	if (!st) {
		if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) !=
		    SQLITE_OK) {
			*rc = tp__sq_fail(s, ctx, "prepare");
			return NULL;
		}
		*slot = st;
	} else {
		sqlite3_reset(st);
		if (clear)
			sqlite3_clear_bindings(st);
	}
	if (sqlite3_bind_parameter_count(st) >= 1)
		sqlite3_bind_int64(st, 1, s->base.workspace_id);
	*rc = TP_OK;
	return st;
}

sqlite3_stmt *tp__sq_prepare(sqlite_store *s, tp_ctx *ctx, sqlite3_stmt **slot, const char *sql,
                             tp_status *rc)
{
	return prepare(s, ctx, slot, sql, 1, rc);
}

/* The cached statement `which`, reset and with the workspace bound to ?1. */
static sqlite3_stmt *stmt(sqlite_store *s, tp_ctx *ctx, int which, tp_status *rc)
{
	return tp__sq_prepare(s, ctx, &s->st[which], sql_text[which], rc);
}

void tp__sq_bind_text(sqlite3_stmt *st, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

/* 0 is "none" for ids and is stored as NULL. */
void tp__sq_bind_id(sqlite3_stmt *st, int i, int64_t v)
{
	if (v)
		sqlite3_bind_int64(st, i, v);
	else
		sqlite3_bind_null(st, i);
}

/* -1 is "unknown" for counts and is stored as NULL. */
static void bind_opt(sqlite3_stmt *st, int i, int64_t v)
{
	if (v >= 0)
		sqlite3_bind_int64(st, i, v);
	else
		sqlite3_bind_null(st, i);
}

const char *tp__sq_col_text(sqlite_store *s, sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	if (!t)
		return NULL;
	return tp__arena_strndup(&s->scratch, (const char *)t, (size_t)sqlite3_column_bytes(st, i));
}

static int64_t col_opt(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, i);
}

/* Runs a statement that returns no rows. */
tp_status tp__sq_exec(sqlite_store *s, tp_ctx *ctx, sqlite3_stmt *st, const char *what)
{
	int r = sqlite3_step(st);
	tp_status rc = (r == SQLITE_DONE || r == SQLITE_ROW) ? TP_OK : tp__sq_fail(s, ctx, what);
	sqlite3_reset(st);
	return rc;
}

static tp_status exec_simple(tp_store *base, tp_ctx *ctx, int which, const char *what)
{
	sqlite_store *s = (sqlite_store *)base;
	tp_status rc;
	sqlite3_stmt *st = stmt(s, ctx, which, &rc);
	return st ? tp__sq_exec(s, ctx, st, what) : rc;
}

static tp_status s_begin(tp_store *b, tp_ctx *c)
{
	tp__sq_contact_cache_drop(&((sqlite_store *)b)->contacts);
	return exec_simple(b, c, ST_BEGIN, "begin");
}

static tp_status s_changed_elsewhere(tp_store *b, tp_ctx *ctx, int *changed)
{
	sqlite_store *s = (sqlite_store *)b;
	int64_t v;
	/* data_version moves when another connection commits, never for our own. */
	tp_status rc = query_int(s, ctx, "PRAGMA data_version", NULL, &v);
	*changed = rc == TP_OK && v != s->data_version;
	if (rc == TP_OK)
		s->data_version = v;
	return rc;
}
static void back_to_wal(sqlite_store *s);

static tp_status s_commit(tp_store *b, tp_ctx *c)
{
	tp__sq_capture_drop(&((sqlite_store *)b)->capture);
	tp__sq_contact_cache_drop(&((sqlite_store *)b)->contacts);
	tp_status rc = exec_simple(b, c, ST_COMMIT, "commit");
	if (rc == TP_OK)
		back_to_wal((sqlite_store *)b);
	return rc;
}

static void bulk_clear(bulk_state *bk);

static tp_status s_rollback(tp_store *b, tp_ctx *c)
{
	sqlite_store *s = (sqlite_store *)b;
	tp_status rc = TP_OK;
	/* The dropped indexes come back with the rollback: DDL is transactional. */
	bulk_clear(&s->bulk);
	tp__sq_capture_drop(&s->capture);
	tp__sq_contact_cache_drop(&s->contacts);
	/* Unless SQLite already rolled back (e.g. after SQLITE_FULL). */
	if (!sqlite3_get_autocommit(s->db))
		rc = exec_simple(b, c, ST_ROLLBACK, "rollback");
	back_to_wal(s);
	return rc;
}

static tp_status s_event_exists(tp_store *b, tp_ctx *ctx, const char *message_id, int *exists)
{
	sqlite_store *s = (sqlite_store *)b;
	tp_status rc;
	if (s->bulk.active) {
		/* The table was empty when the load began: only the load's own ids exist. */
		*exists = tp__strset_has(&s->bulk.seen, message_id);
		return TP_OK;
	}
	sqlite3_stmt *st = stmt(s, ctx, ST_EVENT_EXISTS, &rc);
	if (!st)
		return rc;
	tp__sq_bind_text(st, 2, message_id);
	int r = sqlite3_step(st);
	if (r != SQLITE_ROW && r != SQLITE_DONE)
		rc = tp__sq_fail(s, ctx, "event lookup");
	*exists = r == SQLITE_ROW;
	sqlite3_reset(st);
	return rc;
}

static void s_event_prefetch(tp_store *b, const char *message_id)
{
	sqlite_store *s = (sqlite_store *)b;
	if (s->bulk.active)
		tp__strset_prefetch(&s->bulk.seen, message_id);
}

/* ST_EVENT_INSERT's parameters, texts in the order of event_cols. */
static const unsigned char text_param[EC__TEXTS] = {
	2, 5, 6, 11, 12, 13, 14, 16, 17, 18, 19, 21, 22, 23,   /* message id .. campaign */
	24, 25, 26, 27, 28,                                     /* utm_* */
	29, 30, 31, 32, 33, 34, 35, 36,                         /* click ids */
	37,                                                     /* properties */
};

/* The event insert's bindings are kept from row to row (every parameter is
 * bound again), so one that is NULL already needs no call: most of a row's
 * 37 are, and sqlite3_bind_null was 2% of a 1M-event import. Whether
 * parameter i must be bound, given whether its value is non-NULL. */
static int event_param_to_bind(sqlite_store *s, int i, int has_value)
{
	uint64_t bit = (uint64_t)1 << i;
	int held_value = (s->event_params_set & bit) != 0;
	if (has_value)
		s->event_params_set |= bit;
	else
		s->event_params_set &= ~bit;
	return has_value || held_value;
}

/* The same for the call, type and channel: names from static tables, so
 * one pointer is one name, and a row mostly repeats the last one's (three
 * binds were 0.7% of a load's instructions). */
static void bind_event_name(sqlite_store *s, sqlite3_stmt *st, int which, int param,
                            const char *name)
{
	if (s->event_names_bound[which] != name) {
		tp__sq_bind_text(st, param, name);
		s->event_names_bound[which] = name;
	}
}

tp_status tp__sq_event_write(sqlite_store *s, tp_ctx *ctx, const event_cols *c)
{
	tp_status rc;
	/* A statement prepared now has every parameter NULL. */
	if (!s->st[ST_EVENT_INSERT]) {
		s->event_params_set = 0;
		memset(s->event_names_bound, 0, sizeof s->event_names_bound);
	}
	sqlite3_stmt *st = prepare(s, ctx, &s->st[ST_EVENT_INSERT], sql_text[ST_EVENT_INSERT], 0, &rc);
	if (!st)
		return rc;
	for (int i = 0; i < EC__TEXTS; i++)
		if (event_param_to_bind(s, text_param[i], c->text[i] != NULL))
			tp__sq_bind_text(st, text_param[i], c->text[i]);
	if (event_param_to_bind(s, 3, c->contact_id != 0))
		tp__sq_bind_id(st, 3, c->contact_id);
	if (event_param_to_bind(s, 4, c->origin_contact_id != 0))
		tp__sq_bind_id(st, 4, c->origin_contact_id);
	if (event_param_to_bind(s, 15, c->video_percent >= 0))
		bind_opt(st, 15, c->video_percent);
	sqlite3_bind_int64(st, 7, c->ts);
	sqlite3_bind_int64(st, 8, c->received_at);
	bind_event_name(s, st, 0, 9, tp_call_name(c->call));
	bind_event_name(s, st, 1, 10, tp_touch_name(c->touch));
	bind_event_name(s, st, 2, 20, tp_channel_name(c->channel));
	if ((rc = tp__sq_exec(s, ctx, st, "event insert")) == TP_OK && s->bulk.active)
		tp__sq_capture_row(&s->capture, sqlite3_last_insert_rowid(s->db), c);
	return rc;
}

static void cols_of(const tp_event_row *row, event_cols *c)
{
	const tp_event *ev = row->ev;
	*c = (event_cols){row->contact_id, row->origin_contact_id, ev->ts, row->received_at,
	                  ev->video_percent, ev->call, ev->touch, row->channel, 0, {NULL}};
	const char *const texts[] = {
		[EC_MESSAGE_ID] = ev->message_id, [EC_ANONYMOUS_ID] = ev->anonymous_id,
		[EC_USER_ID] = ev->user_id, [EC_NAME] = ev->name,
		[EC_PAGE_CATEGORY] = ev->page_category, [EC_SEARCH_TERM] = ev->search_term,
		[EC_ASSET] = ev->asset, [EC_URL] = ev->url, [EC_PATH] = ev->path,
		[EC_REFERRER] = ev->referrer, [EC_TITLE] = ev->title, [EC_SOURCE] = row->source,
		[EC_MEDIUM] = row->medium, [EC_CAMPAIGN] = row->campaign,
		[EC_PROPERTIES] = ev->properties,
	};
	memcpy(c->text, texts, sizeof texts);
	memcpy(c->text + EC_UTM, ev->utm, sizeof ev->utm);
	memcpy(c->text + EC_CLICK, ev->click_id, sizeof ev->click_id);
}

/* The capture holds a bulk load's rows only: a write of events outside one
 * (a bulk load queues its updates, and the capture mirrors them) outdates it. */
static void outdates_capture(tp_store *b)
{
	sqlite_store *s = (sqlite_store *)b;
	if (!s->bulk.active)
		tp__sq_capture_drop(&s->capture);
}

static tp_status s_event_insert(tp_store *b, tp_ctx *ctx, const tp_event_row *row)
{
	sqlite_store *s = (sqlite_store *)b;
	event_cols c;
	cols_of(row, &c);
	outdates_capture(b);
	if (!s->bulk.active)
		return tp__sq_event_write(s, ctx, &c);
	/* An anonymous row waits for its visitor's identification (defer.c). */
	tp_status rc = !c.contact_id && c.text[EC_ANONYMOUS_ID] ? tp__sq_defer(s, ctx, &c)
	                                                        : tp__sq_event_write(s, ctx, &c);
	if (rc == TP_OK && tp__strset_add(&s->bulk.seen, c.text[EC_MESSAGE_ID]) != 0)
		rc = tp_ctx_fail(ctx, TP_ERR_NOMEM, NULL, "out of memory");
	return rc;
}

static tp_status update_events(tp_store *b, tp_ctx *ctx, int which, const char *key,
                               int64_t id2, int64_t id3, int64_t id4, int64_t *changed)
{
	sqlite_store *s = (sqlite_store *)b;
	tp_status rc;
	if (s->bulk.active) {
		/* Without indexes these would scan the table: apply them after the rebuild. */
		bulk_state *bk = &s->bulk;
		if (tp__grow((void **)&bk->q, &bk->cap_q, bk->n_q + 1, sizeof *bk->q) != 0)
			return tp_ctx_fail(ctx, TP_ERR_NOMEM, NULL, "out of memory");
		char *copy = key ? strdup(key) : NULL;
		if (key && !copy)
			return tp_ctx_fail(ctx, TP_ERR_NOMEM, NULL, "out of memory");
		bk->q[bk->n_q++] = (queued_update){which, copy, id2, id3, id4};
		if (changed)
			*changed = 0;
		return TP_OK;
	}
	sqlite3_stmt *st = stmt(s, ctx, which, &rc);
	if (!st)
		return rc;
	if (key)
		tp__sq_bind_text(st, 2, key);
	else
		sqlite3_bind_int64(st, 2, id2);
	sqlite3_bind_int64(st, 3, id3);
	if (which == ST_EVENTS_RESTORE || which == ST_EVENTS_ADOPT)
		sqlite3_bind_int64(st, 4, id4);
	rc = tp__sq_exec(s, ctx, st, "event update");
	if (changed)
		*changed = rc == TP_OK ? sqlite3_changes64(s->db) : 0;
	return rc;
}

static tp_status s_events_adopt(tp_store *b, tp_ctx *ctx, const char *anonymous_id,
                                int64_t contact_id, int64_t origin, int64_t *moved)
{
	sqlite_store *s = (sqlite_store *)b;
	if (s->bulk.active) {
		/* Rows held back are written now, owned; those written anonymous
		 * already are updated after the load, as any bulk update. */
		int spilled;
		tp_status rc = tp__sq_defer_adopt(s, ctx, anonymous_id, contact_id, origin, &spilled);
		*moved = 0;
		if (rc != TP_OK || !spilled)
			return rc;
	}
	outdates_capture(b);
	return update_events(b, ctx, ST_EVENTS_ADOPT, anonymous_id, 0, contact_id, origin, moved);
}

static tp_status s_events_reassign(tp_store *b, tp_ctx *ctx, int64_t from, int64_t to)
{
	outdates_capture(b);
	return update_events(b, ctx, ST_EVENTS_REASSIGN, NULL, from, to, 0, NULL);
}

static tp_status s_events_restore(tp_store *b, tp_ctx *ctx, int64_t origin, int64_t from,
                                  int64_t to, int64_t *moved)
{
	outdates_capture(b);
	return update_events(b, ctx, ST_EVENTS_RESTORE, NULL, origin, to, from, moved);
}

tp_status tp__sq_iterate(sqlite_store *s, tp_ctx *ctx, sqlite3_stmt *st, const char *what,
                         int (*row)(sqlite_store *s, sqlite3_stmt *st, void *fn, void *user),
                         void *fn, void *user)
{
	int r;
	tp_status rc = TP_OK;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		tp__arena_reset(&s->scratch);
		if (row(s, st, fn, user))
			break;
	}
	if (r != SQLITE_ROW && r != SQLITE_DONE)
		rc = tp__sq_fail(s, ctx, what);
	sqlite3_reset(st);
	return rc;
}

int tp__sq_touch_row(sqlite_store *s, sqlite3_stmt *st, void *fn, void *user)
{
	tp_touch_record t = {
		.id = sqlite3_column_int64(st, 0),
		.ts = sqlite3_column_int64(st, 1),
		.contact_id = sqlite3_column_int64(st, 2),
		.message_id = tp__sq_col_text(s, st, 3),
		.anonymous_id = tp__sq_col_text(s, st, 4),
		.type = tp__sq_col_text(s, st, 5),
		.name = tp__sq_col_text(s, st, 6),
		.channel = tp__sq_col_text(s, st, 7),
		.source = tp__sq_col_text(s, st, 8),
		.medium = tp__sq_col_text(s, st, 9),
		.campaign = tp__sq_col_text(s, st, 10),
		.page_category = tp__sq_col_text(s, st, 11),
		.search_term = tp__sq_col_text(s, st, 12),
		.asset = tp__sq_col_text(s, st, 13),
		.url = tp__sq_col_text(s, st, 14),
		.properties = tp__sq_col_text(s, st, 15),
		.video_percent = (int)col_opt(st, 16),
	};
	return ((tp_touch_fn)fn)(user, &t);
}

/* `which` selects TOUCH_COLS or the same columns with NULL for those not read. */
static tp_status contact_touches(tp_store *b, tp_ctx *ctx, int which, int64_t contact_id,
                                 tp_touch_fn fn, void *user)
{
	sqlite_store *s = (sqlite_store *)b;
	tp_status rc;
	sqlite3_stmt *st = stmt(s, ctx, which, &rc);
	if (!st)
		return rc;
	sqlite3_bind_int64(st, 2, contact_id);
	return tp__sq_iterate(s, ctx, st, "events of contact", tp__sq_touch_row, (void *)fn, user);
}

static tp_status s_events_of_contact(tp_store *b, tp_ctx *ctx, int64_t contact_id,
                                     tp_touch_fn fn, void *user)
{
	return contact_touches(b, ctx, ST_EVENTS_OF_CONTACT, contact_id, fn, user);
}

static tp_status s_events_for_scoring(tp_store *b, tp_ctx *ctx, int64_t contact_id,
                                      tp_touch_fn fn, void *user)
{
	return contact_touches(b, ctx, ST_EVENTS_FOR_SCORING, contact_id, fn, user);
}

/* Every owned event of the workspace, by the query `which`. */
static tp_status all_touches(tp_store *b, tp_ctx *ctx, int which, tp_touch_fn fn, void *user)
{
	sqlite_store *s = (sqlite_store *)b;
	tp_status rc;
	sqlite3_stmt *st = stmt(s, ctx, which, &rc);
	if (!st)
		return rc;
	return tp__sq_iterate(s, ctx, st, "events scan", tp__sq_touch_row, (void *)fn, user);
}

static tp_status s_events_for_scoring_all(tp_store *b, tp_ctx *ctx, tp_touch_fn fn, void *user)
{
	sqlite_store *s = (sqlite_store *)b;
	int served = 0;
	/* During the load the capture lacks the held-back rows and the queued updates. */
	tp_status rc = s->bulk.active ? TP_OK : tp__sq_capture_scan(&s->capture, ctx, fn, user, &served);
	if (rc != TP_OK || served)
		return rc;
	return all_touches(b, ctx, ST_EVENTS_FOR_SCORING_ALL, fn, user);
}

static void read_visitor(sqlite_store *s, sqlite3_stmt *st, tp_visitor *v)
{
	memset(v, 0, sizeof *v);
	v->id = sqlite3_column_int64(st, 0);
	v->anonymous_id = tp__sq_col_text(s, st, 1);
	v->contact_id = sqlite3_column_int64(st, 2);
	v->first_seen = sqlite3_column_int64(st, 3);
	v->last_seen = sqlite3_column_int64(st, 4);
	const char *ch = (const char *)sqlite3_column_text(st, 5);
	if (!ch || tp_channel_from_name(ch, &v->first_channel) != 0)
		v->first_channel = TP_CH_UNASSIGNED;
	v->landing_url = tp__sq_col_text(s, st, 6);
	for (int i = 0; i < TP_CLICK__COUNT; i++)
		v->click_id[i] = tp__sq_col_text(s, st, 7 + i);
	ch = (const char *)sqlite3_column_text(st, 15);
	if (!ch || tp_channel_from_name(ch, &v->visit_channel) != 0)
		v->visit_channel = TP_CH_DIRECT;
	v->visit_source = tp__sq_col_text(s, st, 16);
	v->visit_medium = tp__sq_col_text(s, st, 17);
	v->visit_campaign = tp__sq_col_text(s, st, 18);
}

static tp_status s_visitor_get(tp_store *b, tp_ctx *ctx, const char *anonymous_id,
                               tp_visitor *out, int *found)
{
	sqlite_store *s = (sqlite_store *)b;
	tp_status rc;
	tp__arena_reset(&s->scratch);
	sqlite3_stmt *st = stmt(s, ctx, ST_VISITOR_GET, &rc);
	if (!st)
		return rc;
	tp__sq_bind_text(st, 2, anonymous_id);
	int r = sqlite3_step(st);
	*found = r == SQLITE_ROW;
	if (r == SQLITE_ROW)
		read_visitor(s, st, out);
	else if (r != SQLITE_DONE)
		rc = tp__sq_fail(s, ctx, "visitor lookup");
	sqlite3_reset(st);
	return rc;
}

static tp_status s_visitor_put(tp_store *b, tp_ctx *ctx, tp_visitor *v)
{
	sqlite_store *s = (sqlite_store *)b;
	tp_status rc;
	sqlite3_stmt *st = stmt(s, ctx, v->id ? ST_VISITOR_UPDATE : ST_VISITOR_INSERT, &rc);
	if (!st)
		return rc;
	tp__sq_bind_text(st, 2, v->anonymous_id);
	tp__sq_bind_id(st, 3, v->contact_id);
	sqlite3_bind_int64(st, 4, v->first_seen);
	sqlite3_bind_int64(st, 5, v->last_seen);
	tp__sq_bind_text(st, 6, tp_channel_name(v->first_channel));
	tp__sq_bind_text(st, 7, v->landing_url);
	for (int i = 0; i < TP_CLICK__COUNT; i++)
		tp__sq_bind_text(st, 8 + i, v->click_id[i]);
	tp__sq_bind_text(st, 16, tp_channel_name(v->visit_channel));
	tp__sq_bind_text(st, 17, v->visit_source);
	tp__sq_bind_text(st, 18, v->visit_medium);
	tp__sq_bind_text(st, 19, v->visit_campaign);
	rc = tp__sq_exec(s, ctx, st, "visitor write");
	if (rc == TP_OK && !v->id)
		v->id = sqlite3_last_insert_rowid(s->db);
	return rc;
}

static tp_status s_visitors_of_contact(tp_store *b, tp_ctx *ctx, int64_t contact_id,
                                       void (*fn)(void *user, const tp_visitor *v), void *user)
{
	sqlite_store *s = (sqlite_store *)b;
	tp_status rc;
	sqlite3_stmt *st = stmt(s, ctx, ST_VISITORS_OF_CONTACT, &rc);
	if (!st)
		return rc;
	sqlite3_bind_int64(st, 2, contact_id);
	int r;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		tp_visitor v;
		tp__arena_reset(&s->scratch);
		read_visitor(s, st, &v);
		fn(user, &v);
	}
	if (r != SQLITE_DONE)
		rc = tp__sq_fail(s, ctx, "visitors of contact");
	sqlite3_reset(st);
	return rc;
}

static void read_contact(sqlite_store *s, sqlite3_stmt *st, tp_contact *c)
{
	memset(c, 0, sizeof *c);
	c->id = sqlite3_column_int64(st, 0);
	c->account_id = sqlite3_column_int64(st, 1);
	c->merged_into = sqlite3_column_int64(st, 2);
	c->created_at = sqlite3_column_int64(st, 3);
	c->updated_at = sqlite3_column_int64(st, 4);
	c->email = tp__sq_col_text(s, st, 5);
	c->user_id = tp__sq_col_text(s, st, 6);
	c->first_name = tp__sq_col_text(s, st, 7);
	c->last_name = tp__sq_col_text(s, st, 8);
	c->title = tp__sq_col_text(s, st, 9);
	c->phone = tp__sq_col_text(s, st, 10);
	c->company = tp__sq_col_text(s, st, 11);
	c->country = tp__sq_col_text(s, st, 12);
	c->lead_source = tp__sq_col_text(s, st, 13);
	c->owner = tp__sq_col_text(s, st, 14);
	const char *stage = (const char *)sqlite3_column_text(st, 15);
	if (!stage || tp_stage_from_name(stage, &c->stage) != 0)
		c->stage = TP_STAGE_LEAD;
	c->source_channel = tp__sq_col_text(s, st, 16);
	c->consent = (int)col_opt(st, 17);
	c->erased_at = sqlite3_column_int64(st, 18);
}

static tp_status s_contact_get(tp_store *b, tp_ctx *ctx, int64_t id, tp_contact *out, int *found)
{
	sqlite_store *s = (sqlite_store *)b;
	tp_status rc;
	tp__arena_reset(&s->scratch);
	int in_transaction = !sqlite3_get_autocommit(s->db);
	const tp_contact *kept = in_transaction ? tp__sq_contact_cache_get(&s->contacts, id) : NULL;
	if (kept) {
		*out = *kept;
		*found = 1;
		return tp__contact_copy_texts(&s->scratch, out) >= 0
		       ? TP_OK : tp_ctx_fail(ctx, TP_ERR_NOMEM, NULL, "out of memory");
	}
	sqlite3_stmt *st = stmt(s, ctx, ST_CONTACT_GET, &rc);
	if (!st)
		return rc;
	sqlite3_bind_int64(st, 2, id);
	int r = sqlite3_step(st);
	*found = r == SQLITE_ROW;
	if (r == SQLITE_ROW)
		read_contact(s, st, out);
	else if (r != SQLITE_DONE)
		rc = tp__sq_fail(s, ctx, "contact lookup");
	sqlite3_reset(st);
	if (rc == TP_OK && *found && in_transaction)
		tp__sq_contact_cache_keep(&s->contacts, out);
	return rc;
}

static tp_status find_id(sqlite_store *s, tp_ctx *ctx, int which, const char *value, int64_t *id)
{
	tp_status rc;
	sqlite3_stmt *st = stmt(s, ctx, which, &rc);
	if (!st)
		return rc;
	tp__sq_bind_text(st, 2, value);
	int r = sqlite3_step(st);
	*id = r == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	if (r != SQLITE_ROW && r != SQLITE_DONE)
		rc = tp__sq_fail(s, ctx, "lookup");
	sqlite3_reset(st);
	return rc;
}

static tp_status s_contact_find(tp_store *b, tp_ctx *ctx, tp_contact_key key, const char *value,
                                int64_t *id)
{
	return find_id((sqlite_store *)b, ctx,
	               key == TP_KEY_EMAIL ? ST_CONTACT_BY_EMAIL : ST_CONTACT_BY_USER, value, id);
}

static void bind_contact(sqlite3_stmt *st, const tp_contact *c)
{
	tp__sq_bind_id(st, 2, c->account_id);
	tp__sq_bind_id(st, 3, c->merged_into);
	sqlite3_bind_int64(st, 4, c->created_at);
	sqlite3_bind_int64(st, 5, c->updated_at);
	tp__sq_bind_text(st, 6, c->email);
	tp__sq_bind_text(st, 7, c->user_id);
	tp__sq_bind_text(st, 8, c->first_name);
	tp__sq_bind_text(st, 9, c->last_name);
	tp__sq_bind_text(st, 10, c->title);
	tp__sq_bind_text(st, 11, c->phone);
	tp__sq_bind_text(st, 12, c->company);
	tp__sq_bind_text(st, 13, c->country);
	tp__sq_bind_text(st, 14, c->lead_source);
	tp__sq_bind_text(st, 15, c->owner);
	tp__sq_bind_text(st, 16, tp_stage_name(c->stage));
	tp__sq_bind_text(st, 17, c->source_channel);
	bind_opt(st, 18, c->consent);
	if (c->id)
		sqlite3_bind_int64(st, 19, c->id);
}

/* What contact_get reads back after c was written: the row as the table
 * holds it (erased_at is not written: an update keeps the kept one). */
static void keep_written_contact(sqlite_store *s, const tp_contact *c, int inserted)
{
	const tp_contact *before = tp__sq_contact_cache_get(&s->contacts, c->id);
	if (sqlite3_get_autocommit(s->db) || (!inserted && !before)) {
		tp__sq_contact_cache_forget(&s->contacts, c->id);
		return;
	}
	tp_contact row = *c;
	row.erased_at = inserted ? 0 : before->erased_at;
	if (row.consent < 0)
		row.consent = -1;
	if ((unsigned)row.stage >= TP_STAGE__COUNT)   /* written as "?", read as a lead */
		row.stage = TP_STAGE_LEAD;
	tp__sq_contact_cache_keep(&s->contacts, &row);
}

static tp_status s_contact_put(tp_store *b, tp_ctx *ctx, tp_contact *c)
{
	sqlite_store *s = (sqlite_store *)b;
	tp_status rc;
	sqlite3_stmt *st;
	int inserted = !c->id;
	if (c->id) {
		/* No row changed: a key did (or there is no such contact). */
		if (!(st = stmt(s, ctx, ST_CONTACT_UPDATE_FIELDS, &rc)))
			return rc;
		bind_contact(st, c);
		if ((rc = tp__sq_exec(s, ctx, st, "contact write")) != TP_OK)
			return rc;
		if (sqlite3_changes(s->db) > 0) {
			keep_written_contact(s, c, 0);
			return rc;
		}
	}
	if (!(st = stmt(s, ctx, c->id ? ST_CONTACT_UPDATE : ST_CONTACT_INSERT, &rc)))
		return rc;
	bind_contact(st, c);
	rc = tp__sq_exec(s, ctx, st, "contact write");
	if (rc == TP_OK && !c->id)
		c->id = sqlite3_last_insert_rowid(s->db);
	if (rc == TP_OK && sqlite3_changes(s->db) > 0)
		keep_written_contact(s, c, inserted);
	else
		tp__sq_contact_cache_forget(&s->contacts, c->id);
	return rc;
}

static int contact_row(sqlite_store *s, sqlite3_stmt *st, void *fn, void *user)
{
	tp_contact c;
	read_contact(s, st, &c);
	return ((tp_contact_fn)fn)(user, &c);
}

static tp_status s_contacts_list(tp_store *b, tp_ctx *ctx, const tp_contact_filter *f,
                                 tp_contact_fn fn, void *user)
{
	sqlite_store *s = (sqlite_store *)b;
	tp_status rc;
	sqlite3_stmt *st = stmt(s, ctx, ST_CONTACTS_LIST, &rc);
	if (!st)
		return rc;
	tp__sq_bind_text(st, 2, f && f->stage >= 0 ? tp_stage_name((tp_stage)f->stage) : NULL);
	sqlite3_bind_int(st, 3, f ? f->include_merged : 0);
	sqlite3_bind_int64(st, 4, f ? f->account_id : 0);
	sqlite3_bind_int64(st, 5, f ? f->after_id : 0);
	tp__sq_bind_text(st, 6, f ? f->owner : NULL);
	tp__sq_bind_text(st, 7, f ? f->source_channel : NULL);
	sqlite3_bind_int64(st, 8, f ? f->updated_since : 0);
	return tp__sq_iterate(s, ctx, st, "contacts list", contact_row, (void *)fn, user);
}

static tp_status s_contact_erase(tp_store *b, tp_ctx *ctx, int64_t id, int64_t at)
{
	sqlite_store *s = (sqlite_store *)b;
	tp__sq_capture_drop(&s->capture);
	tp__sq_contact_cache_forget(&s->contacts, id);
	static const int steps[] = {ST_ERASE_CONTACT, ST_ERASE_EVENTS, ST_ERASE_VISITORS,
	                            ST_ERASE_NOTES, ST_ERASE_MERGES};
	tp_status rc = TP_OK;
	for (size_t i = 0; i < sizeof steps / sizeof steps[0] && rc == TP_OK; i++) {
		sqlite3_stmt *st = stmt(s, ctx, steps[i], &rc);
		if (!st)
			break;
		sqlite3_bind_int64(st, 2, id);
		if (steps[i] == ST_ERASE_CONTACT)
			sqlite3_bind_int64(st, 3, at);
		rc = tp__sq_exec(s, ctx, st, "erase");
	}
	return rc;
}

static tp_status s_contacts_merged_into(tp_store *b, tp_ctx *ctx, int64_t id, tp_contact_fn fn,
                                        void *user)
{
	sqlite_store *s = (sqlite_store *)b;
	tp_status rc;
	sqlite3_stmt *st = stmt(s, ctx, ST_CONTACTS_MERGED_INTO, &rc);
	if (!st)
		return rc;
	sqlite3_bind_int64(st, 2, id);
	return tp__sq_iterate(s, ctx, st, "merged contacts", contact_row, (void *)fn, user);
}

static void read_account(sqlite_store *s, sqlite3_stmt *st, tp_account *a)
{
	a->id = sqlite3_column_int64(st, 0);
	a->domain = tp__sq_col_text(s, st, 1);
	a->group_id = tp__sq_col_text(s, st, 2);
	a->name = tp__sq_col_text(s, st, 3);
	a->industry = tp__sq_col_text(s, st, 4);
	a->country = tp__sq_col_text(s, st, 5);
	a->employees = col_opt(st, 6);
	a->annual_revenue = col_opt(st, 7);
	a->created_at = sqlite3_column_int64(st, 8);
	a->customer_since = sqlite3_column_int64(st, 9);
}

static tp_status s_account_get(tp_store *b, tp_ctx *ctx, int64_t id, tp_account *out, int *found)
{
	sqlite_store *s = (sqlite_store *)b;
	tp_status rc;
	tp__arena_reset(&s->scratch);
	sqlite3_stmt *st = stmt(s, ctx, ST_ACCOUNT_GET, &rc);
	if (!st)
		return rc;
	sqlite3_bind_int64(st, 2, id);
	int r = sqlite3_step(st);
	*found = r == SQLITE_ROW;
	if (r == SQLITE_ROW)
		read_account(s, st, out);
	else if (r != SQLITE_DONE)
		rc = tp__sq_fail(s, ctx, "account lookup");
	sqlite3_reset(st);
	return rc;
}

static tp_status s_account_find(tp_store *b, tp_ctx *ctx, const char *domain, const char *group_id,
                                int64_t *id)
{
	sqlite_store *s = (sqlite_store *)b;
	*id = 0;
	tp_status rc = TP_OK;
	if (domain)
		rc = find_id(s, ctx, ST_ACCOUNT_BY_DOMAIN, domain, id);
	if (rc == TP_OK && !*id && group_id)
		rc = find_id(s, ctx, ST_ACCOUNT_BY_GROUP, group_id, id);
	return rc;
}

static tp_status s_account_put(tp_store *b, tp_ctx *ctx, tp_account *a)
{
	sqlite_store *s = (sqlite_store *)b;
	tp_status rc;
	sqlite3_stmt *st = stmt(s, ctx, a->id ? ST_ACCOUNT_UPDATE : ST_ACCOUNT_INSERT, &rc);
	if (!st)
		return rc;
	tp__sq_bind_text(st, 2, a->domain);
	tp__sq_bind_text(st, 3, a->group_id);
	tp__sq_bind_text(st, 4, a->name);
	tp__sq_bind_text(st, 5, a->industry);
	tp__sq_bind_text(st, 6, a->country);
	bind_opt(st, 7, a->employees);
	bind_opt(st, 8, a->annual_revenue);
	sqlite3_bind_int64(st, 9, a->created_at);
	if (a->id)
		sqlite3_bind_int64(st, 10, a->id);
	tp__sq_bind_id(st, 11, a->customer_since);
	rc = tp__sq_exec(s, ctx, st, "account write");
	if (rc == TP_OK && !a->id)
		a->id = sqlite3_last_insert_rowid(s->db);
	return rc;
}

static int account_row(sqlite_store *s, sqlite3_stmt *st, void *fn, void *user)
{
	tp_account a;
	read_account(s, st, &a);
	return ((tp_account_fn)fn)(user, &a, sqlite3_column_int64(st, 10));
}

static tp_status s_accounts_list(tp_store *b, tp_ctx *ctx, tp_account_fn fn, void *user)
{
	sqlite_store *s = (sqlite_store *)b;
	tp_status rc;
	sqlite3_stmt *st = stmt(s, ctx, ST_ACCOUNTS_LIST, &rc);
	if (!st)
		return rc;
	return tp__sq_iterate(s, ctx, st, "accounts list", account_row, (void *)fn, user);
}

static void read_merge(sqlite_store *s, sqlite3_stmt *st, tp_merge *m)
{
	m->id = sqlite3_column_int64(st, 0);
	m->winner_id = sqlite3_column_int64(st, 1);
	m->loser_id = sqlite3_column_int64(st, 2);
	m->at = sqlite3_column_int64(st, 3);
	m->undone_at = sqlite3_column_int64(st, 4);
	m->rule = tp__sq_col_text(s, st, 5);
	m->detail = tp__sq_col_text(s, st, 6);
}

static tp_status s_merge_put(tp_store *b, tp_ctx *ctx, tp_merge *m)
{
	sqlite_store *s = (sqlite_store *)b;
	tp_status rc;
	sqlite3_stmt *st = stmt(s, ctx, m->id ? ST_MERGE_UPDATE : ST_MERGE_INSERT, &rc);
	if (!st)
		return rc;
	if (m->id) {
		sqlite3_bind_int64(st, 2, m->id);
		tp__sq_bind_id(st, 3, m->undone_at);
		return tp__sq_exec(s, ctx, st, "merge update");
	}
	sqlite3_bind_int64(st, 2, m->winner_id);
	sqlite3_bind_int64(st, 3, m->loser_id);
	sqlite3_bind_int64(st, 4, m->at);
	tp__sq_bind_id(st, 5, m->undone_at);
	tp__sq_bind_text(st, 6, m->rule);
	tp__sq_bind_text(st, 7, m->detail);
	rc = tp__sq_exec(s, ctx, st, "merge insert");
	if (rc == TP_OK)
		m->id = sqlite3_last_insert_rowid(s->db);
	return rc;
}

static tp_status s_merge_active(tp_store *b, tp_ctx *ctx, int64_t loser_id, tp_merge *out,
                                int *found)
{
	sqlite_store *s = (sqlite_store *)b;
	tp_status rc;
	tp__arena_reset(&s->scratch);
	sqlite3_stmt *st = stmt(s, ctx, ST_MERGE_ACTIVE, &rc);
	if (!st)
		return rc;
	sqlite3_bind_int64(st, 2, loser_id);
	int r = sqlite3_step(st);
	*found = r == SQLITE_ROW;
	if (r == SQLITE_ROW)
		read_merge(s, st, out);
	else if (r != SQLITE_DONE)
		rc = tp__sq_fail(s, ctx, "merge lookup");
	sqlite3_reset(st);
	return rc;
}

static int merge_row(sqlite_store *s, sqlite3_stmt *st, void *fn, void *user)
{
	tp_merge m;
	read_merge(s, st, &m);
	return ((tp_merge_fn)fn)(user, &m);
}

static tp_status s_merges_of_contact(tp_store *b, tp_ctx *ctx, int64_t contact_id,
                                     tp_merge_fn fn, void *user)
{
	sqlite_store *s = (sqlite_store *)b;
	tp_status rc;
	sqlite3_stmt *st = stmt(s, ctx, ST_MERGES_OF_CONTACT, &rc);
	if (!st)
		return rc;
	sqlite3_bind_int64(st, 2, contact_id);
	return tp__sq_iterate(s, ctx, st, "merges of contact", merge_row, (void *)fn, user);
}

static tp_status s_note_insert(tp_store *b, tp_ctx *ctx, const tp_identity_note *n)
{
	sqlite_store *s = (sqlite_store *)b;
	tp_status rc;
	sqlite3_stmt *st = stmt(s, ctx, ST_NOTE_INSERT, &rc);
	if (!st)
		return rc;
	sqlite3_bind_int64(st, 2, n->at);
	tp__sq_bind_text(st, 3, n->kind);
	tp__sq_bind_text(st, 4, n->anonymous_id);
	tp__sq_bind_id(st, 5, n->contact_id);
	tp__sq_bind_id(st, 6, n->other_contact_id);
	tp__sq_bind_text(st, 7, n->detail);
	return tp__sq_exec(s, ctx, st, "identity note");
}

static int note_row(sqlite_store *s, sqlite3_stmt *st, void *fn, void *user)
{
	tp_identity_note n = {
		.id = sqlite3_column_int64(st, 0),
		.at = sqlite3_column_int64(st, 1),
		.contact_id = sqlite3_column_int64(st, 2),
		.other_contact_id = sqlite3_column_int64(st, 3),
		.kind = tp__sq_col_text(s, st, 4),
		.anonymous_id = tp__sq_col_text(s, st, 5),
		.detail = tp__sq_col_text(s, st, 6),
	};
	return ((tp_note_fn)fn)(user, &n);
}

static tp_status s_notes_of_contact(tp_store *b, tp_ctx *ctx, int64_t contact_id, tp_note_fn fn,
                                    void *user)
{
	sqlite_store *s = (sqlite_store *)b;
	tp_status rc;
	sqlite3_stmt *st = stmt(s, ctx, ST_NOTES_OF_CONTACT, &rc);
	if (!st)
		return rc;
	sqlite3_bind_int64(st, 2, contact_id);
	return tp__sq_iterate(s, ctx, st, "notes of contact", note_row, (void *)fn, user);
}

static tp_status s_stage_change_insert(tp_store *b, tp_ctx *ctx, const tp_stage_change_row *r)
{
	sqlite_store *s = (sqlite_store *)b;
	tp_status rc;
	sqlite3_stmt *st = stmt(s, ctx, ST_STAGE_INSERT, &rc);
	if (!st)
		return rc;
	sqlite3_bind_int64(st, 2, r->contact_id);
	tp__sq_bind_text(st, 3, r->from_stage >= 0 ? tp_stage_name((tp_stage)r->from_stage) : NULL);
	tp__sq_bind_text(st, 4, tp_stage_name(r->to_stage));
	sqlite3_bind_int64(st, 5, r->at);
	tp__sq_bind_text(st, 6, r->actor);
	tp__sq_bind_text(st, 7, r->reason);
	return tp__sq_exec(s, ctx, st, "stage change");
}

static tp_status s_spend_insert(tp_store *b, tp_ctx *ctx, const tp_spend_row *r)
{
	sqlite_store *s = (sqlite_store *)b;
	tp_status rc;
	sqlite3_stmt *st = stmt(s, ctx, ST_SPEND_INSERT, &rc);
	if (!st)
		return rc;
	tp__sq_bind_text(st, 2, r->date);
	tp__sq_bind_text(st, 3, r->channel);
	tp__sq_bind_text(st, 4, r->source);
	tp__sq_bind_text(st, 5, r->campaign);
	sqlite3_bind_int64(st, 6, r->impressions);
	sqlite3_bind_int64(st, 7, r->clicks);
	sqlite3_bind_int64(st, 8, r->cost);
	tp__sq_bind_text(st, 9, r->currency);
	sqlite3_bind_int64(st, 10, r->imported_at);
	return tp__sq_exec(s, ctx, st, "ad spend");
}

static tp_status s_opportunity_insert(tp_store *b, tp_ctx *ctx, const tp_opportunity_row *r,
                                      int64_t *id)
{
	sqlite_store *s = (sqlite_store *)b;
	tp_status rc;
	sqlite3_stmt *st = stmt(s, ctx, ST_OPP_INSERT, &rc);
	if (!st)
		return rc;
	tp__sq_bind_id(st, 2, r->account_id);
	tp__sq_bind_id(st, 3, r->contact_id);
	tp__sq_bind_text(st, 4, r->name);
	tp__sq_bind_text(st, 5, r->stage);
	sqlite3_bind_int64(st, 6, r->amount);
	tp__sq_bind_text(st, 7, r->currency);
	sqlite3_bind_int(st, 8, r->probability);
	sqlite3_bind_int64(st, 9, r->created_at);
	tp__sq_bind_text(st, 10, r->close_date);
	tp__sq_bind_id(st, 11, r->closed_at);
	tp__sq_bind_text(st, 12, r->lost_reason);
	tp__sq_bind_text(st, 13, r->source_channel);
	tp__sq_bind_text(st, 14, r->owner);
	sqlite3_bind_int64(st, 15, r->updated_at ? r->updated_at : r->created_at);
	rc = tp__sq_exec(s, ctx, st, "opportunity");
	if (rc == TP_OK && id)
		*id = sqlite3_last_insert_rowid(s->db);
	return rc;
}

static tp_status s_mrr_insert(tp_store *b, tp_ctx *ctx, const tp_mrr_row *r)
{
	sqlite_store *s = (sqlite_store *)b;
	tp_status rc;
	sqlite3_stmt *st = stmt(s, ctx, ST_MRR_INSERT, &rc);
	if (!st)
		return rc;
	sqlite3_bind_int64(st, 2, r->account_id);
	tp__sq_bind_text(st, 3, r->month);
	sqlite3_bind_int64(st, 4, r->mrr);
	tp__sq_bind_text(st, 5, r->currency);
	sqlite3_bind_int64(st, 6, r->imported_at);
	return tp__sq_exec(s, ctx, st, "MRR");
}

static tp_status s_sites_get(tp_store *b, tp_ctx *ctx, tp_site_list list, tp_text_fn fn,
                             void *user, int *stored)
{
	sqlite_store *s = (sqlite_store *)b;
	char key[64];
	snprintf(key, sizeof key, "channel_sites.%s.edited", tp_site_list_name(list));
	tp_status rc;
	sqlite3_stmt *st = stmt(s, ctx, ST_SETTING_GET, &rc);
	if (!st)
		return rc;
	tp__sq_bind_text(st, 2, key);
	int r = sqlite3_step(st);
	*stored = r == SQLITE_ROW;
	sqlite3_reset(st);
	if (r != SQLITE_ROW && r != SQLITE_DONE)
		return tp__sq_fail(s, ctx, "setting lookup");
	if (!*stored)
		return TP_OK;
	st = stmt(s, ctx, ST_SITES_GET, &rc);
	if (!st)
		return rc;
	tp__sq_bind_text(st, 2, tp_site_list_name(list));
	while ((r = sqlite3_step(st)) == SQLITE_ROW)
		if (fn(user, (const char *)sqlite3_column_text(st, 0)))
			break;
	if (r != SQLITE_ROW && r != SQLITE_DONE)
		rc = tp__sq_fail(s, ctx, "sites list");
	sqlite3_reset(st);
	return rc;
}

static tp_status s_sites_set(tp_store *b, tp_ctx *ctx, tp_site_list list,
                             const char *const *sites, size_t n)
{
	sqlite_store *s = (sqlite_store *)b;
	char key[64];
	snprintf(key, sizeof key, "channel_sites.%s.edited", tp_site_list_name(list));
	tp_status rc;
	sqlite3_stmt *st = stmt(s, ctx, ST_SITES_DELETE, &rc);
	if (!st)
		return rc;
	tp__sq_bind_text(st, 2, tp_site_list_name(list));
	if ((rc = tp__sq_exec(s, ctx, st, "sites delete")) != TP_OK)
		return rc;
	for (size_t i = 0; i < n; i++) {
		if (!(st = stmt(s, ctx, ST_SITE_INSERT, &rc)))
			return rc;
		tp__sq_bind_text(st, 2, tp_site_list_name(list));
		tp__sq_bind_text(st, 3, sites[i]);
		if ((rc = tp__sq_exec(s, ctx, st, "site insert")) != TP_OK)
			return rc;
	}
	if (!(st = stmt(s, ctx, ST_SETTING_PUT, &rc)))
		return rc;
	tp__sq_bind_text(st, 2, key);
	tp__sq_bind_text(st, 3, "1");
	return tp__sq_exec(s, ctx, st, "setting write");
}

/* ---- version 2: settings, scores, stage history, opportunities ---------- */

static tp_status s_setting_get(tp_store *b, tp_ctx *ctx, const char *key, tp_text_fn fn,
                               void *user, int *found)
{
	sqlite_store *s = (sqlite_store *)b;
	tp_status rc;
	sqlite3_stmt *st = stmt(s, ctx, ST_SETTING_GET, &rc);
	if (!st)
		return rc;
	tp__sq_bind_text(st, 2, key);
	int r = sqlite3_step(st);
	*found = r == SQLITE_ROW;
	if (r == SQLITE_ROW) {
		const char *v = (const char *)sqlite3_column_text(st, 0);
		fn(user, v ? v : "");
	} else if (r != SQLITE_DONE) {
		rc = tp__sq_fail(s, ctx, "setting lookup");
	}
	sqlite3_reset(st);
	return rc;
}

static tp_status s_setting_set(tp_store *b, tp_ctx *ctx, const char *key, const char *value)
{
	sqlite_store *s = (sqlite_store *)b;
	tp_status rc;
	sqlite3_stmt *st = stmt(s, ctx, value ? ST_SETTING_PUT : ST_SETTING_DELETE, &rc);
	if (!st)
		return rc;
	tp__sq_bind_text(st, 2, key);
	if (value)
		tp__sq_bind_text(st, 3, value);
	return tp__sq_exec(s, ctx, st, "setting write");
}

static tp_status s_events_scan(tp_store *b, tp_ctx *ctx, tp_touch_fn fn, void *user)
{
	return all_touches(b, ctx, ST_EVENTS_SCAN, fn, user);
}

static void read_score(sqlite_store *s, sqlite3_stmt *st, tp_score_row *r)
{
	r->contact_id = sqlite3_column_int64(st, 0);
	r->fit = sqlite3_column_double(st, 1);
	r->engagement = sqlite3_column_double(st, 2);
	r->engagement_at = sqlite3_column_int64(st, 3);
	r->caps = tp__sq_col_text(s, st, 4);
	r->total = sqlite3_column_double(st, 5);
	r->grade = sqlite3_column_int(st, 6);
	r->probability = sqlite3_column_type(st, 7) == SQLITE_NULL ? -1 : sqlite3_column_double(st, 7);
	r->updated_at = sqlite3_column_int64(st, 8);
}

static tp_status s_score_get(tp_store *b, tp_ctx *ctx, int64_t contact_id, tp_score_row *out,
                             int *found)
{
	sqlite_store *s = (sqlite_store *)b;
	tp_status rc;
	tp__arena_reset(&s->scratch);
	sqlite3_stmt *st = stmt(s, ctx, ST_SCORE_GET, &rc);
	if (!st)
		return rc;
	sqlite3_bind_int64(st, 2, contact_id);
	int r = sqlite3_step(st);
	*found = r == SQLITE_ROW;
	if (r == SQLITE_ROW)
		read_score(s, st, out);
	else if (r != SQLITE_DONE)
		rc = tp__sq_fail(s, ctx, "score lookup");
	sqlite3_reset(st);
	return rc;
}

static tp_status s_score_put(tp_store *b, tp_ctx *ctx, const tp_score_row *r)
{
	sqlite_store *s = (sqlite_store *)b;
	tp_status rc;
	sqlite3_stmt *st = stmt(s, ctx, ST_SCORE_PUT, &rc);
	if (!st)
		return rc;
	sqlite3_bind_int64(st, 2, r->contact_id);
	sqlite3_bind_double(st, 3, r->fit);
	sqlite3_bind_double(st, 4, r->engagement);
	sqlite3_bind_int64(st, 5, r->engagement_at);
	tp__sq_bind_text(st, 6, r->caps);
	sqlite3_bind_double(st, 7, r->total);
	sqlite3_bind_int(st, 8, r->grade);
	if (r->probability >= 0)
		sqlite3_bind_double(st, 9, r->probability);
	else
		sqlite3_bind_null(st, 9);
	sqlite3_bind_int64(st, 10, r->updated_at);
	return tp__sq_exec(s, ctx, st, "score write");
}

static tp_status s_score_delete(tp_store *b, tp_ctx *ctx, int64_t contact_id)
{
	sqlite_store *s = (sqlite_store *)b;
	tp_status rc;
	sqlite3_stmt *st = stmt(s, ctx, ST_SCORE_DELETE, &rc);
	if (!st)
		return rc;
	sqlite3_bind_int64(st, 2, contact_id);
	return tp__sq_exec(s, ctx, st, "score delete");
}

static int score_row(sqlite_store *s, sqlite3_stmt *st, void *fn, void *user)
{
	tp_score_row r;
	read_score(s, st, &r);
	return ((tp_score_fn)fn)(user, &r);
}

static tp_status s_scores_list(tp_store *b, tp_ctx *ctx, tp_score_fn fn, void *user)
{
	sqlite_store *s = (sqlite_store *)b;
	tp_status rc;
	sqlite3_stmt *st = stmt(s, ctx, ST_SCORES_LIST, &rc);
	if (!st)
		return rc;
	return tp__sq_iterate(s, ctx, st, "scores list", score_row, (void *)fn, user);
}

static int stage_row_of(sqlite_store *s, sqlite3_stmt *st, void *fn, void *user)
{
	tp_stage_change_row r = {.contact_id = sqlite3_column_int64(st, 0),
	                         .at = sqlite3_column_int64(st, 1), .from_stage = -1};
	tp_stage stage;
	const char *from = (const char *)sqlite3_column_text(st, 2);
	const char *to = (const char *)sqlite3_column_text(st, 3);
	if (from && tp_stage_from_name(from, &stage) == 0)
		r.from_stage = (int)stage;
	if (!to || tp_stage_from_name(to, &r.to_stage) != 0)
		return 0;   /* a stage this binary does not know: skipped, not misread */
	r.actor = tp__sq_col_text(s, st, 4);
	r.reason = tp__sq_col_text(s, st, 5);
	return ((tp_stage_change_fn)fn)(user, &r);
}

static tp_status s_stage_changes(tp_store *b, tp_ctx *ctx, int64_t contact_id,
                                 tp_stage_change_fn fn, void *user)
{
	sqlite_store *s = (sqlite_store *)b;
	tp_status rc;
	sqlite3_stmt *st = stmt(s, ctx, contact_id ? ST_STAGES_OF_CONTACT : ST_STAGES_ALL, &rc);
	if (!st)
		return rc;
	if (contact_id)
		sqlite3_bind_int64(st, 2, contact_id);
	return tp__sq_iterate(s, ctx, st, "stage history", stage_row_of, (void *)fn, user);
}

static void read_opportunity(sqlite_store *s, sqlite3_stmt *st, tp_opportunity_row *r)
{
	r->id = sqlite3_column_int64(st, 0);
	r->account_id = sqlite3_column_int64(st, 1);
	r->contact_id = sqlite3_column_int64(st, 2);
	r->amount = sqlite3_column_int64(st, 3);
	r->created_at = sqlite3_column_int64(st, 4);
	r->closed_at = sqlite3_column_int64(st, 5);
	r->updated_at = sqlite3_column_int64(st, 6);
	r->name = tp__sq_col_text(s, st, 7);
	r->stage = tp__sq_col_text(s, st, 8);
	r->currency = tp__sq_col_text(s, st, 9);
	r->close_date = tp__sq_col_text(s, st, 10);
	r->lost_reason = tp__sq_col_text(s, st, 11);
	r->source_channel = tp__sq_col_text(s, st, 12);
	r->owner = tp__sq_col_text(s, st, 13);
	r->probability = sqlite3_column_int(st, 14);
}

static tp_status s_opportunity_get(tp_store *b, tp_ctx *ctx, int64_t id, tp_opportunity_row *out,
                                   int *found)
{
	sqlite_store *s = (sqlite_store *)b;
	tp_status rc;
	tp__arena_reset(&s->scratch);
	sqlite3_stmt *st = stmt(s, ctx, ST_OPP_GET, &rc);
	if (!st)
		return rc;
	sqlite3_bind_int64(st, 2, id);
	int r = sqlite3_step(st);
	*found = r == SQLITE_ROW;
	if (r == SQLITE_ROW)
		read_opportunity(s, st, out);
	else if (r != SQLITE_DONE)
		rc = tp__sq_fail(s, ctx, "opportunity lookup");
	sqlite3_reset(st);
	return rc;
}

static tp_status s_opportunity_update(tp_store *b, tp_ctx *ctx, const tp_opportunity_row *r)
{
	sqlite_store *s = (sqlite_store *)b;
	tp_status rc;
	sqlite3_stmt *st = stmt(s, ctx, ST_OPP_UPDATE, &rc);
	if (!st)
		return rc;
	sqlite3_bind_int64(st, 2, r->id);
	tp__sq_bind_id(st, 3, r->account_id);
	tp__sq_bind_id(st, 4, r->contact_id);
	sqlite3_bind_int64(st, 5, r->amount);
	sqlite3_bind_int64(st, 6, r->created_at);
	tp__sq_bind_id(st, 7, r->closed_at);
	sqlite3_bind_int64(st, 8, r->updated_at);
	tp__sq_bind_text(st, 9, r->name);
	tp__sq_bind_text(st, 10, r->stage);
	tp__sq_bind_text(st, 11, r->currency);
	tp__sq_bind_text(st, 12, r->close_date);
	tp__sq_bind_text(st, 13, r->lost_reason);
	tp__sq_bind_text(st, 14, r->source_channel);
	tp__sq_bind_text(st, 15, r->owner);
	sqlite3_bind_int(st, 16, r->probability);
	return tp__sq_exec(s, ctx, st, "opportunity update");
}

static int opportunity_row(sqlite_store *s, sqlite3_stmt *st, void *fn, void *user)
{
	tp_opportunity_row r;
	read_opportunity(s, st, &r);
	return ((tp_opportunity_fn)fn)(user, &r);
}

static tp_status s_opportunities_list(tp_store *b, tp_ctx *ctx, tp_opportunity_fn fn, void *user)
{
	sqlite_store *s = (sqlite_store *)b;
	tp_status rc;
	sqlite3_stmt *st = stmt(s, ctx, ST_OPPS_LIST, &rc);
	if (!st)
		return rc;
	return tp__sq_iterate(s, ctx, st, "opportunities list", opportunity_row, (void *)fn, user);
}

/* ---- version 3: spend, MRR, events by time --------------------------- */

static int spend_row(sqlite_store *s, sqlite3_stmt *st, void *fn, void *user)
{
	tp_spend_row r = {
		.date = tp__sq_col_text(s, st, 0),
		.channel = tp__sq_col_text(s, st, 1),
		.source = tp__sq_col_text(s, st, 2),
		.campaign = tp__sq_col_text(s, st, 3),
		.currency = tp__sq_col_text(s, st, 4),
		.impressions = sqlite3_column_int64(st, 5),
		.clicks = sqlite3_column_int64(st, 6),
		.cost = sqlite3_column_int64(st, 7),
		.imported_at = sqlite3_column_int64(st, 8),
	};
	return ((tp_spend_fn)fn)(user, &r);
}

static tp_status s_spend_list(tp_store *b, tp_ctx *ctx, const char *from, const char *to,
                              int64_t as_of, tp_spend_fn fn, void *user)
{
	sqlite_store *s = (sqlite_store *)b;
	tp_status rc;
	sqlite3_stmt *st = stmt(s, ctx, ST_SPEND_LIST, &rc);
	if (!st)
		return rc;
	tp__sq_bind_text(st, 2, from);
	tp__sq_bind_text(st, 3, to);
	sqlite3_bind_int64(st, 4, as_of);
	return tp__sq_iterate(s, ctx, st, "spend list", spend_row, (void *)fn, user);
}

static int mrr_row(sqlite_store *s, sqlite3_stmt *st, void *fn, void *user)
{
	tp_mrr_row r = {
		.account_id = sqlite3_column_int64(st, 0),
		.month = tp__sq_col_text(s, st, 1),
		.mrr = sqlite3_column_int64(st, 2),
		.currency = tp__sq_col_text(s, st, 3),
		.imported_at = sqlite3_column_int64(st, 4),
	};
	return ((tp_mrr_fn)fn)(user, &r);
}

static tp_status s_mrr_list(tp_store *b, tp_ctx *ctx, int64_t as_of, tp_mrr_fn fn, void *user)
{
	sqlite_store *s = (sqlite_store *)b;
	tp_status rc;
	sqlite3_stmt *st = stmt(s, ctx, ST_MRR_LIST, &rc);
	if (!st)
		return rc;
	sqlite3_bind_int64(st, 2, as_of);
	return tp__sq_iterate(s, ctx, st, "MRR list", mrr_row, (void *)fn, user);
}

static const char *const key_kinds[] = {"write", "secret"};

static tp_status s_key_insert(tp_store *b, tp_ctx *ctx, tp_api_key_row *r)
{
	sqlite_store *s = (sqlite_store *)b;
	tp_status rc;
	sqlite3_stmt *st = stmt(s, ctx, ST_KEY_INSERT, &rc);
	if (!st)
		return rc;
	tp__sq_bind_text(st, 2, key_kinds[r->kind]);
	tp__sq_bind_text(st, 3, r->prefix);
	tp__sq_bind_text(st, 4, r->hash);
	tp__sq_bind_text(st, 5, r->label);
	sqlite3_bind_int64(st, 6, r->created_at);
	if ((rc = tp__sq_exec(s, ctx, st, "API key")) == TP_OK)
		r->id = sqlite3_last_insert_rowid(s->db);
	return rc;
}

static void read_key(sqlite_store *s, sqlite3_stmt *st, tp_api_key_row *r)
{
	const char *kind = tp__sq_col_text(s, st, 3);
	*r = (tp_api_key_row){
		.id = sqlite3_column_int64(st, 0),
		.workspace_id = sqlite3_column_int64(st, 1),
		.workspace = tp__sq_col_text(s, st, 2),
		.kind = kind && strcmp(kind, "secret") == 0 ? TP_API_KEY_SECRET : TP_API_KEY_WRITE,
		.prefix = tp__sq_col_text(s, st, 4),
		.hash = tp__sq_col_text(s, st, 5),
		.label = tp__sq_col_text(s, st, 6),
		.created_at = sqlite3_column_int64(st, 7),
		.revoked_at = sqlite3_column_int64(st, 8),
	};
}

static int key_row(sqlite_store *s, sqlite3_stmt *st, void *fn, void *user)
{
	tp_api_key_row r;
	read_key(s, st, &r);
	return ((tp_api_key_fn)fn)(user, &r);
}

static tp_status s_keys_list(tp_store *b, tp_ctx *ctx, tp_api_key_fn fn, void *user)
{
	sqlite_store *s = (sqlite_store *)b;
	tp_status rc;
	sqlite3_stmt *st = stmt(s, ctx, ST_KEYS_LIST, &rc);
	if (!st)
		return rc;
	return tp__sq_iterate(s, ctx, st, "API keys", key_row, (void *)fn, user);
}

static tp_status s_key_revoke(tp_store *b, tp_ctx *ctx, int64_t id, int64_t at, int *found)
{
	sqlite_store *s = (sqlite_store *)b;
	tp_status rc;
	sqlite3_stmt *st = stmt(s, ctx, ST_KEY_REVOKE, &rc);
	if (!st)
		return rc;
	sqlite3_bind_int64(st, 2, id);
	sqlite3_bind_int64(st, 3, at);
	if ((rc = tp__sq_exec(s, ctx, st, "API key revoke")) == TP_OK)
		*found = sqlite3_changes(s->db) > 0;
	return rc;
}

static tp_status s_key_lookup(tp_store *b, tp_ctx *ctx, const char *hash, tp_api_key_row *out,
                              int *found)
{
	sqlite_store *s = (sqlite_store *)b;
	tp_status rc;
	tp__arena_reset(&s->scratch);
	sqlite3_stmt *st = stmt(s, ctx, ST_KEY_LOOKUP, &rc);
	if (!st)
		return rc;
	tp__sq_bind_text(st, 2, hash);
	int r = sqlite3_step(st);
	*found = r == SQLITE_ROW;
	if (r == SQLITE_ROW)
		read_key(s, st, out);
	else if (r != SQLITE_DONE)
		rc = tp__sq_fail(s, ctx, "API key lookup");
	sqlite3_reset(st);
	return rc;
}

static tp_status s_lead_fetch_add(tp_store *b, tp_ctx *ctx, const tp_lead_fetch_row *r,
                                  int *added)
{
	sqlite_store *s = (sqlite_store *)b;
	tp_status rc;
	sqlite3_stmt *st = stmt(s, ctx, ST_LEAD_FETCH_ADD, &rc);
	if (!st)
		return rc;
	tp__sq_bind_text(st, 2, r->platform);
	tp__sq_bind_text(st, 3, r->lead_id);
	tp__sq_bind_text(st, 4, r->notification);
	sqlite3_bind_int64(st, 5, r->received_at);
	sqlite3_bind_int64(st, 6, r->next_at);
	if ((rc = tp__sq_exec(s, ctx, st, "lead to fetch")) == TP_OK)
		*added = sqlite3_changes(s->db) > 0;
	return rc;
}

static int lead_fetch_row(sqlite_store *s, sqlite3_stmt *st, void *fn, void *user)
{
	tp_lead_fetch_row r = {
		.id = sqlite3_column_int64(st, 0),
		.workspace_id = sqlite3_column_int64(st, 1),
		.workspace = tp__sq_col_text(s, st, 2),
		.platform = tp__sq_col_text(s, st, 3),
		.lead_id = tp__sq_col_text(s, st, 4),
		.notification = tp__sq_col_text(s, st, 5),
		.received_at = sqlite3_column_int64(st, 6),
		.attempts = sqlite3_column_int(st, 7),
		.next_at = sqlite3_column_int64(st, 8),
		.last_error = tp__sq_col_text(s, st, 9),
		.done_at = sqlite3_column_int64(st, 10),
	};
	return ((tp_lead_fetch_fn)fn)(user, &r);
}

static tp_status s_lead_fetch_due(tp_store *b, tp_ctx *ctx, int64_t now, int limit,
                                  tp_lead_fetch_fn fn, void *user)
{
	sqlite_store *s = (sqlite_store *)b;
	tp_status rc;
	sqlite3_stmt *st = stmt(s, ctx, ST_LEAD_FETCH_DUE, &rc);
	if (!st)
		return rc;
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_int(st, 3, limit);
	return tp__sq_iterate(s, ctx, st, "leads to fetch", lead_fetch_row, (void *)fn, user);
}

static tp_status s_lead_fetch_next(tp_store *b, tp_ctx *ctx, int64_t *next_at)
{
	sqlite_store *s = (sqlite_store *)b;
	tp_status rc;
	sqlite3_stmt *st = stmt(s, ctx, ST_LEAD_FETCH_NEXT, &rc);
	if (!st)
		return rc;
	*next_at = 0;
	int r = sqlite3_step(st);
	if (r == SQLITE_ROW)
		*next_at = sqlite3_column_int64(st, 0);
	else if (r != SQLITE_DONE)
		rc = tp__sq_fail(s, ctx, "next lead to fetch");
	sqlite3_reset(st);
	return rc;
}

static tp_status s_lead_fetch_update(tp_store *b, tp_ctx *ctx, int64_t id, int attempts,
                                     int64_t next_at, const char *error, int64_t done_at)
{
	sqlite_store *s = (sqlite_store *)b;
	tp_status rc;
	sqlite3_stmt *st = stmt(s, ctx, ST_LEAD_FETCH_UPDATE, &rc);
	if (!st)
		return rc;
	sqlite3_bind_int64(st, 2, id);
	sqlite3_bind_int(st, 3, attempts);
	sqlite3_bind_int64(st, 4, next_at);
	tp__sq_bind_text(st, 5, error);
	sqlite3_bind_int64(st, 6, done_at);
	return tp__sq_exec(s, ctx, st, "lead fetch attempt");
}

static tp_status s_lead_fetch_list(tp_store *b, tp_ctx *ctx, int all, tp_lead_fetch_fn fn,
                                   void *user)
{
	sqlite_store *s = (sqlite_store *)b;
	tp_status rc;
	sqlite3_stmt *st = stmt(s, ctx, ST_LEAD_FETCH_LIST, &rc);
	if (!st)
		return rc;
	sqlite3_bind_int(st, 2, all != 0);
	return tp__sq_iterate(s, ctx, st, "leads to fetch", lead_fetch_row, (void *)fn, user);
}

static tp_status s_inbox_add(tp_store *b, tp_ctx *ctx, tp_inbox_row *r)
{
	sqlite_store *s = (sqlite_store *)b;
	tp_status rc;
	sqlite3_stmt *st = stmt(s, ctx, ST_INBOX_ADD, &rc);
	if (!st)
		return rc;
	sqlite3_bind_int(st, 2, r->call);
	sqlite3_bind_int64(st, 3, r->events);
	sqlite3_bind_int64(st, 4, r->received_at);
	sqlite3_bind_blob64(st, 5, r->body, r->len, SQLITE_STATIC);
	if ((rc = tp__sq_exec(s, ctx, st, "inbox")) == TP_OK)
		r->id = sqlite3_last_insert_rowid(s->db);
	return rc;
}

static int inbox_row(sqlite_store *s, sqlite3_stmt *st, void *fn, void *user)
{
	(void)s;
	/* The body is read in place: it may be large, and the callback is
	 * done with it before the next step. */
	tp_inbox_row r = {
		.id = sqlite3_column_int64(st, 0),
		.call = sqlite3_column_int(st, 1),
		.events = sqlite3_column_int64(st, 2),
		.received_at = sqlite3_column_int64(st, 3),
		.body = (const char *)sqlite3_column_text(st, 4),
		.len = (size_t)sqlite3_column_bytes(st, 4),
	};
	return ((tp_inbox_fn)fn)(user, &r);
}

static tp_status s_inbox_take(tp_store *b, tp_ctx *ctx, int64_t after_id, int limit,
                              tp_inbox_fn fn, void *user)
{
	sqlite_store *s = (sqlite_store *)b;
	tp_status rc;
	sqlite3_stmt *st = stmt(s, ctx, ST_INBOX_TAKE, &rc);
	if (!st)
		return rc;
	sqlite3_bind_int64(st, 2, after_id);
	sqlite3_bind_int(st, 3, limit);
	return tp__sq_iterate(s, ctx, st, "inbox", inbox_row, (void *)fn, user);
}

static tp_status s_inbox_remove(tp_store *b, tp_ctx *ctx, int64_t upto_id)
{
	sqlite_store *s = (sqlite_store *)b;
	tp_status rc;
	sqlite3_stmt *st = stmt(s, ctx, ST_INBOX_REMOVE, &rc);
	if (!st)
		return rc;
	sqlite3_bind_int64(st, 2, upto_id);
	return tp__sq_exec(s, ctx, st, "inbox");
}

static tp_status s_inbox_fail(tp_store *b, tp_ctx *ctx, int64_t id, const char *error)
{
	sqlite_store *s = (sqlite_store *)b;
	tp_status rc;
	sqlite3_stmt *st = stmt(s, ctx, ST_INBOX_FAIL, &rc);
	if (!st)
		return rc;
	sqlite3_bind_int64(st, 2, id);
	tp__sq_bind_text(st, 3, error ? error : "");
	return tp__sq_exec(s, ctx, st, "inbox");
}

static tp_status s_inbox_count(tp_store *b, tp_ctx *ctx, int64_t *bodies, int64_t *events,
                               int64_t *failed)
{
	sqlite_store *s = (sqlite_store *)b;
	tp_status rc;
	sqlite3_stmt *st = stmt(s, ctx, ST_INBOX_COUNT, &rc);
	if (!st)
		return rc;
	if (sqlite3_step(st) == SQLITE_ROW) {
		*bodies = sqlite3_column_int64(st, 0);
		*events = sqlite3_column_int64(st, 1);
		*failed = sqlite3_column_int64(st, 2);
	} else {
		rc = tp__sq_fail(s, ctx, "inbox");
	}
	sqlite3_reset(st);
	return rc;
}

static int workspace_row(sqlite_store *s, sqlite3_stmt *st, void *fn, void *user)
{
	(void)s;
	return ((tp_workspace_fn)fn)(user, sqlite3_column_int64(st, 0),
	                             (const char *)sqlite3_column_text(st, 1));
}

static tp_status s_inbox_workspaces(tp_store *b, tp_ctx *ctx, tp_workspace_fn fn, void *user)
{
	sqlite_store *s = (sqlite_store *)b;
	tp_status rc;
	sqlite3_stmt *st = stmt(s, ctx, ST_INBOX_WORKSPACES, &rc);
	if (!st)
		return rc;
	return tp__sq_iterate(s, ctx, st, "inbox", workspace_row, (void *)fn, user);
}

static tp_status s_events_between(tp_store *b, tp_ctx *ctx, int64_t from, int64_t to,
                                  tp_touch_fn fn, void *user)
{
	sqlite_store *s = (sqlite_store *)b;
	tp_status rc;
	sqlite3_stmt *st = stmt(s, ctx, ST_EVENTS_BETWEEN, &rc);
	if (!st)
		return rc;
	sqlite3_bind_int64(st, 2, from);
	sqlite3_bind_int64(st, 3, to);
	return tp__sq_iterate(s, ctx, st, "events by time", tp__sq_touch_row, (void *)fn, user);
}

static tp_status count_one(sqlite_store *s, tp_ctx *ctx, int which, int64_t *out)
{
	tp_status rc;
	sqlite3_stmt *st = stmt(s, ctx, which, &rc);
	if (!st)
		return rc;
	int r = sqlite3_step(st);
	*out = r == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	if (r != SQLITE_ROW && r != SQLITE_DONE)
		rc = tp__sq_fail(s, ctx, "count");
	sqlite3_reset(st);
	return rc;
}

static tp_status s_counts(tp_store *b, tp_ctx *ctx, tp_store_counts *out)
{
	sqlite_store *s = (sqlite_store *)b;
	memset(out, 0, sizeof *out);
	tp_status rc;
	if ((rc = count_one(s, ctx, ST_COUNT_EVENTS, &out->events)) ||
	    (rc = count_one(s, ctx, ST_COUNT_CONTACTS, &out->contacts)) ||
	    (rc = count_one(s, ctx, ST_COUNT_ACCOUNTS, &out->accounts)) ||
	    (rc = count_one(s, ctx, ST_COUNT_VISITORS, &out->visitors)) ||
	    (rc = count_one(s, ctx, ST_COUNT_ANON_VISITORS, &out->anonymous_visitors)) ||
	    (rc = count_one(s, ctx, ST_COUNT_MERGES, &out->merges)))
		return rc;
	for (int which = ST_COUNT_STAGES; which <= ST_COUNT_CHANNELS; which++) {
		sqlite3_stmt *st = stmt(s, ctx, which, &rc);
		if (!st)
			return rc;
		int r;
		while ((r = sqlite3_step(st)) == SQLITE_ROW) {
			const char *name = (const char *)sqlite3_column_text(st, 0);
			tp_stage stage;
			tp_channel ch;
			if (!name)
				continue;
			if (which == ST_COUNT_STAGES && tp_stage_from_name(name, &stage) == 0)
				out->by_stage[stage] = sqlite3_column_int64(st, 1);
			if (which == ST_COUNT_CHANNELS && tp_channel_from_name(name, &ch) == 0)
				out->by_channel[ch] = sqlite3_column_int64(st, 1);
		}
		if (r != SQLITE_DONE)
			rc = tp__sq_fail(s, ctx, "counts");
		sqlite3_reset(st);
		if (rc != TP_OK)
			return rc;
	}
	return TP_OK;
}

/* ---- a first load through a rollback journal ------------------------------
 * A load into an empty event table writes mostly new pages. Through the
 * WAL each is written twice, into the WAL and then by the checkpoint into
 * the database; a rollback journal keeps only the old content of pages
 * that existed before the transaction, so new pages are written once:
 * 1.2-1.4x the whole import of 1M events (docs/PERFORMANCE.md). Leaving
 * WAL needs the database to itself: with another connection open the
 * switch is refused at once and the load goes through the WAL. While the
 * load runs, other connections wait for it (readers give up after their
 * busy timeout) instead of reading beside it. When its transaction ends
 * the store goes back to WAL; after a crash in between, the next open rolls
 * the hot journal back and sets WAL again, as every open does. */

/* Runs "PRAGMA journal_mode = <mode>"; whether the database is now in it. */
static int journal_mode_is(sqlite_store *s, const char *sql, const char *mode)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return 0;
	int now = sqlite3_step(st) == SQLITE_ROW &&
	          sqlite3_stricmp((const char *)sqlite3_column_text(st, 0), mode) == 0;
	sqlite3_finalize(st);
	return now;
}

static tp_status s_bulk_prepare(tp_store *b, tp_ctx *ctx)
{
	sqlite_store *s = (sqlite_store *)b;
	int64_t any;
	if (s->rollback_journal || !sqlite3_get_autocommit(s->db))
		return TP_OK;
	tp_status rc = query_int(s, ctx, "SELECT EXISTS (SELECT 1 FROM event)", NULL, &any);
	if (rc != TP_OK || any)
		return rc;
	/* Refused at once, not after the busy timeout, when others have it open. */
	sqlite3_busy_timeout(s->db, 0);
	s->rollback_journal = journal_mode_is(s, "PRAGMA journal_mode = DELETE", "delete");
	sqlite3_busy_timeout(s->db, BUSY_TIMEOUT_MS);
	return TP_OK;
}

/* Once the load's transaction has ended; if WAL cannot be set now (a
 * reader holds the database), the next commit or the close tries again,
 * and any open sets it. */
static void back_to_wal(sqlite_store *s)
{
	if (s->rollback_journal && sqlite3_get_autocommit(s->db) &&
	    journal_mode_is(s, "PRAGMA journal_mode = WAL", "wal"))
		s->rollback_journal = 0;
}

/* ---- bulk loading --------------------------------------------------------
 * A large import into an empty event table appends rows without index
 * upkeep: random B-tree inserts cost more than the rows themselves, and
 * CREATE INDEX over the finished table sorts once. Measured in
 * docs/PERFORMANCE.md. */

static void bulk_clear(bulk_state *bk)
{
	if (bk->active) {
		tp__strset_free(&bk->seen);
		tp__sq_defer_free(&bk->defer);
	}
	for (size_t i = 0; i < bk->n_index; i++)
		sqlite3_free(bk->index_sql[i]);
	free(bk->index_sql);
	for (size_t i = 0; i < bk->n_q; i++)
		free(bk->q[i].key);
	free(bk->q);
	memset(bk, 0, sizeof *bk);
}

static tp_status s_bulk_begin(tp_store *b, tp_ctx *ctx, int *entered)
{
	sqlite_store *s = (sqlite_store *)b;
	int64_t any;
	*entered = 0;
	if (s->bulk.active)
		return TP_OK;
	tp_status rc = query_int(s, ctx, "SELECT EXISTS (SELECT 1 FROM event)", NULL, &any);
	if (rc != TP_OK || any)
		return rc;
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(s->db, "SELECT name, sql FROM sqlite_master WHERE type = 'index'"
	                              " AND tbl_name = 'event' AND sql IS NOT NULL", -1, &st, NULL) != SQLITE_OK)
		return tp__sq_fail(s, ctx, "bulk: list indexes");
	bulk_state *bk = &s->bulk;
	char **names = NULL;
	size_t n = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		char **ns = realloc(names, (n + 1) * sizeof *ns);
		char **sq = realloc(bk->index_sql, (n + 1) * sizeof *sq);
		if (ns)
			names = ns;
		if (sq)
			bk->index_sql = sq;
		if (!ns || !sq)
			break;
		names[n] = sqlite3_mprintf("DROP INDEX \"%w\"", sqlite3_column_text(st, 0));
		bk->index_sql[n] = sqlite3_mprintf("%s", sqlite3_column_text(st, 1));
		n++;
		bk->n_index = n;
	}
	sqlite3_finalize(st);
	for (size_t i = 0; i < n && rc == TP_OK; i++)
		if (!names[i] || !bk->index_sql[i])
			rc = tp_ctx_fail(ctx, TP_ERR_NOMEM, NULL, "out of memory");
		else
			rc = exec_sql(s, ctx, names[i], "bulk: drop index");
	for (size_t i = 0; i < n; i++)
		sqlite3_free(names[i]);
	free(names);
	if (rc != TP_OK) {
		bulk_clear(bk);
		return rc;
	}
	tp__strset_init(&bk->seen);
	tp__sq_defer_init(&bk->defer);
	tp__sq_capture_begin(&s->capture, s->capture_max_rows);
	bk->active = 1;
	*entered = 1;
	return TP_OK;
}

/* The index builds' sorts grow the heap by tens of MB inside one
 * statement: SQLite's progress callback is the only moment to advise it. */
static int advise_heap(void *unused)
{
	(void)unused;
	tp__heap_prefer_huge();
	return 0;  /* go on */
}

static tp_status s_bulk_end(tp_store *b, tp_ctx *ctx)
{
	sqlite_store *s = (sqlite_store *)b;
	bulk_state *bk = &s->bulk;
	tp_status rc = TP_OK;
	if (!bk->active)
		return TP_OK;
	if ((rc = tp__sq_defer_flush(s, ctx)) != TP_OK)
		return rc;
	for (size_t i = 0; i < bk->n_q; i++) {
		const queued_update *q = &bk->q[i];
		if (q->which == ST_EVENTS_ADOPT)
			tp__sq_capture_update(&s->capture, 1, tp__sq_defer_visitor(&bk->defer, q->key), q->id3);
		else if (q->which == ST_EVENTS_REASSIGN)
			tp__sq_capture_update(&s->capture, 0, q->id2, q->id3);
		else
			tp__sq_capture_drop(&s->capture);
	}
	bk->active = 0;
	tp__strset_free(&bk->seen);
	tp__sq_defer_free(&bk->defer);
	sqlite3_progress_handler(s->db, 50000, advise_heap, NULL);
	for (size_t i = 0; i < bk->n_index && rc == TP_OK; i++)
		rc = exec_sql(s, ctx, bk->index_sql[i], "bulk: rebuild index");
	sqlite3_progress_handler(s->db, 0, NULL, NULL);
	/* Replayed in order: each touches only rows that, as when it was
	 * queued, still carry the old owner (or none). */
	for (size_t i = 0; i < bk->n_q && rc == TP_OK; i++) {
		queued_update *q = &bk->q[i];
		rc = update_events(b, ctx, q->which, q->key, q->id2, q->id3, q->id4, NULL);
	}
	bulk_clear(bk);
	return rc;
}

static void s_close(tp_store *b)
{
	sqlite_store *s = (sqlite_store *)b;
	bulk_clear(&s->bulk);
	tp__sq_capture_drop(&s->capture);
	tp__sq_contact_cache_drop(&s->contacts);
	if (s->db && !sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	back_to_wal(s);
	for (int i = 0; i < ST__COUNT; i++)
		sqlite3_finalize(s->st[i]);
	for (int i = 0; i < TP__SQ_NURTURE_SLOTS; i++)
		sqlite3_finalize(s->nurture_st[i]);
	sqlite3_close(s->db);
	tp__arena_free(&s->scratch);
	free(s->workspace_name);
	free(s);
}

static const tp_store_ops sqlite_ops = {
	.version = TP_STORE_OPS_VERSION,
	.name = "sqlite",
	.close = s_close,
	.begin = s_begin,
	.commit = s_commit,
	.rollback = s_rollback,
	.event_exists = s_event_exists,
	.event_insert = s_event_insert,
	.event_prefetch = s_event_prefetch,
	.events_adopt = s_events_adopt,
	.events_reassign = s_events_reassign,
	.events_restore = s_events_restore,
	.events_of_contact = s_events_of_contact,
	.visitor_get = s_visitor_get,
	.visitor_put = s_visitor_put,
	.visitors_of_contact = s_visitors_of_contact,
	.contact_get = s_contact_get,
	.contact_find = s_contact_find,
	.contact_put = s_contact_put,
	.contacts_list = s_contacts_list,
	.contacts_merged_into = s_contacts_merged_into,
	.contact_erase = s_contact_erase,
	.changed_elsewhere = s_changed_elsewhere,
	.account_get = s_account_get,
	.account_find = s_account_find,
	.account_put = s_account_put,
	.accounts_list = s_accounts_list,
	.merge_put = s_merge_put,
	.merge_active = s_merge_active,
	.merges_of_contact = s_merges_of_contact,
	.note_insert = s_note_insert,
	.notes_of_contact = s_notes_of_contact,
	.stage_change_insert = s_stage_change_insert,
	.spend_insert = s_spend_insert,
	.opportunity_insert = s_opportunity_insert,
	.mrr_insert = s_mrr_insert,
	.sites_get = s_sites_get,
	.sites_set = s_sites_set,
	.counts = s_counts,
	.bulk_begin = s_bulk_begin,
	.bulk_end = s_bulk_end,
	.setting_get = s_setting_get,
	.setting_set = s_setting_set,
	.events_scan = s_events_scan,
	.score_get = s_score_get,
	.score_put = s_score_put,
	.score_delete = s_score_delete,
	.scores_list = s_scores_list,
	.stage_changes = s_stage_changes,
	.opportunity_get = s_opportunity_get,
	.opportunity_update = s_opportunity_update,
	.opportunities_list = s_opportunities_list,
	.spend_list = s_spend_list,
	.mrr_list = s_mrr_list,
	.key_insert = s_key_insert,
	.keys_list = s_keys_list,
	.key_revoke = s_key_revoke,
	.key_lookup = s_key_lookup,
	.lead_fetch_add = s_lead_fetch_add,
	.lead_fetch_due = s_lead_fetch_due,
	.lead_fetch_next = s_lead_fetch_next,
	.lead_fetch_update = s_lead_fetch_update,
	.lead_fetch_list = s_lead_fetch_list,
	.workflow_put = tp__sq_workflow_put,
	.workflows_list = tp__sq_workflows_list,
	.run_put = tp__sq_run_put,
	.run_get = tp__sq_run_get,
	.run_latest = tp__sq_run_latest,
	.runs_due = tp__sq_runs_due,
	.runs_of_contact = tp__sq_runs_of_contact,
	.run_log_add = tp__sq_run_log_add,
	.run_logs = tp__sq_run_logs,
	.events_after = tp__sq_events_after,
	.stage_changes_after = tp__sq_stage_changes_after,
	.message_put = tp__sq_message_put,
	.message_get = tp__sq_message_get,
	.messages_due = tp__sq_messages_due,
	.messages_of_contact = tp__sq_messages_of_contact,
	.suppression_add = tp__sq_suppression_add,
	.suppression_get = tp__sq_suppression_get,
	.consent_change_add = tp__sq_consent_change_add,
	.consent_changes = tp__sq_consent_changes,
	.tag_set = tp__sq_tag_set,
	.tags_of_contact = tp__sq_tags_of_contact,
	.field_set = tp__sq_field_set,
	.fields_of_contact = tp__sq_fields_of_contact,
	.fields_between = tp__sq_fields_between,
	.events_for_scoring = s_events_for_scoring,
	.inbox_add = s_inbox_add,
	.inbox_take = s_inbox_take,
	.inbox_remove = s_inbox_remove,
	.inbox_fail = s_inbox_fail,
	.inbox_count = s_inbox_count,
	.inbox_workspaces = s_inbox_workspaces,
	.events_between = s_events_between,
	.events_for_scoring_all = s_events_for_scoring_all,
	.bulk_prepare = s_bulk_prepare,
};

int tp_store_schema_version(void)
{
	return tp__sqlite_migrations[tp__sqlite_migration_count - 1].version;
}

static tp_status exec_sql(sqlite_store *s, tp_ctx *ctx, const char *sql, const char *what)
{
	char *err = NULL;
	if (sqlite3_exec(s->db, sql, NULL, NULL, &err) != SQLITE_OK) {
		tp_status rc = tp_ctx_fail(ctx, TP_ERR_STORE, NULL, "sqlite: %s: %s", what,
		                           err ? err : sqlite3_errmsg(s->db));
		sqlite3_free(err);
		return rc;
	}
	return TP_OK;
}

static tp_status query_int(sqlite_store *s, tp_ctx *ctx, const char *sql, const char *text,
                           int64_t *out)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return tp__sq_fail(s, ctx, "prepare");
	if (text)
		sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
	int r = sqlite3_step(st);
	*out = r == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	tp_status rc = (r == SQLITE_ROW || r == SQLITE_DONE) ? TP_OK : tp__sq_fail(s, ctx, "query");
	sqlite3_finalize(st);
	return rc;
}

/* Applies the migrations the file has not seen, each in its own transaction. */
static tp_status migrate(sqlite_store *s, tp_ctx *ctx)
{
	int64_t have;
	tp_status rc = query_int(s, ctx, "PRAGMA user_version", NULL, &have);
	if (rc != TP_OK)
		return rc;
	if (have > tp_store_schema_version())
		return tp_ctx_fail(ctx, TP_ERR_SCHEMA, NULL,
		                   "the database has schema version %lld; this touchpoint knows up to %d:"
		                   " upgrade touchpoint",
		                   (long long)have, tp_store_schema_version());
	if (have == 0 &&
	    (rc = exec_sql(s, ctx,
	                   "CREATE TABLE IF NOT EXISTS schema_migration (version INTEGER PRIMARY KEY,"
	                   " description TEXT NOT NULL, applied_at INTEGER NOT NULL)",
	                   "migration table")) != TP_OK)
		return rc;
	for (int i = 0; i < tp__sqlite_migration_count; i++) {
		const tp_migration *m = &tp__sqlite_migrations[i];
		if (m->version <= have)
			continue;
		char record[256];
		snprintf(record, sizeof record,
		         "INSERT INTO schema_migration VALUES (%d, 'v%d', CAST(strftime('%%s','now') AS INTEGER) * 1000);"
		         " PRAGMA user_version = %d;",
		         m->version, m->version, m->version);
		if ((rc = exec_sql(s, ctx, "BEGIN IMMEDIATE", "begin migration")) != TP_OK)
			return rc;
		if ((rc = exec_sql(s, ctx, m->sql, m->description)) != TP_OK ||
		    (rc = exec_sql(s, ctx, record, "record migration")) != TP_OK) {
			exec_sql(s, ctx, "ROLLBACK", "rollback migration");
			return rc;
		}
		if ((rc = exec_sql(s, ctx, "COMMIT", "commit migration")) != TP_OK)
			return rc;
	}
	return TP_OK;
}

static tp_status find_workspace(sqlite_store *s, tp_ctx *ctx, const char *name, tp_open_mode mode)
{
	int64_t id;
	tp_status rc = query_int(s, ctx, "SELECT id FROM workspace WHERE name = ?1", name, &id);
	if (rc != TP_OK)
		return rc;
	if (!id && mode == TP_OPEN_CREATE) {
		sqlite3_stmt *st;
		if (sqlite3_prepare_v2(s->db,
		                       "INSERT INTO workspace (name, created_at) VALUES (?1, ?2)", -1,
		                       &st, NULL) != SQLITE_OK)
			return tp__sq_fail(s, ctx, "prepare");
		sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, tp_ctx_now(ctx));
		int r = sqlite3_step(st);
		sqlite3_finalize(st);
		if (r != SQLITE_DONE)
			return tp__sq_fail(s, ctx, "create workspace");
		id = sqlite3_last_insert_rowid(s->db);
	}
	if (!id)
		return tp_ctx_fail(ctx, TP_ERR_NOT_FOUND, "workspace",
		                   "no workspace named \"%s\" in this database", name);
	s->base.workspace_id = id;
	return TP_OK;
}

/* Debian's SQLite is built without lookaside memory, so every statement
 * step mallocs a few times (its record, its cursors); with memory statistics
 * on, each malloc and free also takes a process-wide mutex. Nothing here
 * reads the statistics. Only possible before SQLite initializes: if
 * something else in the process started it first, the call is refused and
 * the statistics stay on. */
static void sqlite_process_config(void)
{
	(void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

tp_status tp_store_open_sqlite(tp_ctx *ctx, const char *path, const char *workspace,
                               tp_open_mode mode, tp_store **out)
{
	if (!workspace)
		workspace = "default";
	sqlite_store *s = calloc(1, sizeof *s);
	if (!s)
		return tp_ctx_fail(ctx, TP_ERR_NOMEM, NULL, "out of memory");
	tp__arena_init(&s->scratch, 16 * 1024);
	tp__sq_contact_cache_init(&s->contacts);
	s->base.ops = &sqlite_ops;
	tp_status rc = TP_OK;
	if (!(s->workspace_name = strdup(workspace))) {
		rc = tp_ctx_fail(ctx, TP_ERR_NOMEM, NULL, "out of memory");
		goto out;
	}
	s->base.workspace = s->workspace_name;
	static pthread_once_t configured = PTHREAD_ONCE_INIT;
	pthread_once(&configured, sqlite_process_config);
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX |
		    (mode == TP_OPEN_CREATE ? SQLITE_OPEN_CREATE : 0);
	if (sqlite3_open_v2(path, &s->db, flags, NULL) != SQLITE_OK) {
		rc = tp_ctx_fail(ctx, mode == TP_OPEN_CREATE ? TP_ERR_IO : TP_ERR_NOT_FOUND, "db",
		                 "cannot open %s: %s%s", path,
		                 s->db ? sqlite3_errmsg(s->db) : "out of memory",
		                 mode == TP_OPEN_CREATE ? "" : " (create it with: touchpoint init --db FILE)");
		goto out;
	}
	sqlite3_busy_timeout(s->db, BUSY_TIMEOUT_MS);
	sqlite3_extended_result_codes(s->db, 1);
	/* 16 KB pages for a new database (an existing one keeps its own): an
	 * event row is ~400 bytes and is read in runs (a timeline, a report's
	 * scan), and a bulk load writes and sorts a quarter as many pages: 1M
	 * events load 1.07x faster than with 4 KB (docs/PERFORMANCE.md). It must
	 * precede the first write, which setting WAL is.
	 * WAL lets readers (reports, the dashboard) run while an import writes;
	 * synchronous=FULL makes every commit durable when it returns. */
	int64_t journal; /* "wal", read as 0 */
	if ((rc = exec_sql(s, ctx, "PRAGMA page_size = 16384", "page size")) != TP_OK ||
	    (rc = query_int(s, ctx, "PRAGMA journal_mode = WAL", NULL, &journal)) != TP_OK ||
	    (rc = exec_sql(s, ctx,
	                   "PRAGMA synchronous = FULL; PRAGMA cache_size = -65536;"
	                   " PRAGMA temp_store = MEMORY; PRAGMA foreign_keys = OFF;",
	                   "pragmas")) != TP_OK)
		goto out;
	if ((rc = migrate(s, ctx)) != TP_OK || (rc = find_workspace(s, ctx, workspace, mode)) != TP_OK)
		goto out;
	*out = &s->base;
	return TP_OK;
out:
	s_close(&s->base);
	return rc;
}

void tp_store_close(tp_store *s)
{
	if (s)
		s->ops->close(s);
}
