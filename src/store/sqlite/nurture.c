/* SQLite backend of the nurture operations (store ops version 6): workflows,
 * runs and their history, the outbox of messages, suppressions, consent
 * history, tags and custom fields. */
#include <string.h>

#include "store/sqlite/sqlite_int.h"
#include "touchpoint/stage.h"

#define WORKFLOW_COLS "id, name, definition, enabled, loaded_at"
#define RUN_COLS "id, workflow_id, contact_id, step, state, due_at, enrolled_at, updated_at, note"
#define MESSAGE_COLS                                                                       \
	"id, run_id, contact_id, kind, purpose, recipient, subject, body, links, state,"      \
	" attempts, next_at, created_at, sent_at, last_error, opened_at, clicked_at,"        \
	" bounced_at, complained_at, unsubscribed_at"

enum {
	NS_WORKFLOW_PUT, NS_WORKFLOW_ID, NS_WORKFLOWS, NS_RUN_INSERT, NS_RUN_UPDATE, NS_RUN_GET,
	NS_RUN_LATEST, NS_RUNS_DUE, NS_RUNS_OF_CONTACT, NS_RUNS_ALL, NS_LOG_ADD, NS_LOGS,
	NS_EVENTS_AFTER, NS_STAGES_AFTER, NS_MESSAGE_INSERT, NS_MESSAGE_UPDATE, NS_MESSAGE_GET,
	NS_MESSAGES_DUE, NS_MESSAGES_OF_CONTACT, NS_MESSAGES_ALL, NS_SUPPRESS_ADD, NS_SUPPRESS_GET,
	NS_CONSENT_ADD, NS_CONSENTS, NS_TAG_ADD, NS_TAG_DELETE, NS_TAGS, NS_FIELD_PUT, NS_FIELD_DELETE, NS_FIELDS, NS_FIELDS_BETWEEN,
	NS__COUNT
};
_Static_assert((int)NS__COUNT <= (int)TP__SQ_NURTURE_SLOTS, "raise TP__SQ_NURTURE_SLOTS");

static const char *const sql_text[NS__COUNT] = {
	[NS_WORKFLOW_PUT] = "INSERT INTO workflow (workspace_id, name, definition, enabled, loaded_at)"
		" VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (workspace_id, name) DO UPDATE SET"
		" definition = excluded.definition, enabled = excluded.enabled,"
		" loaded_at = excluded.loaded_at",
	[NS_WORKFLOW_ID] = "SELECT id FROM workflow WHERE workspace_id = ?1 AND name = ?2",
	[NS_WORKFLOWS] = "SELECT " WORKFLOW_COLS " FROM workflow WHERE workspace_id = ?1 ORDER BY name",
	[NS_RUN_INSERT] = "INSERT INTO workflow_run (workspace_id, workflow_id, contact_id, step,"
		" state, due_at, enrolled_at, updated_at, note)"
		" VALUES (?1, ?2, ?3, ?4, ?5, nullif(?6, 0), ?7, ?8, ?9)",
	[NS_RUN_UPDATE] = "UPDATE workflow_run SET step = ?4, state = ?5, due_at = nullif(?6, 0),"
		" updated_at = ?8, note = ?9 WHERE workspace_id = ?1 AND id = ?10",
	[NS_RUN_GET] = "SELECT " RUN_COLS " FROM workflow_run WHERE workspace_id = ?1 AND id = ?2",
	[NS_RUN_LATEST] = "SELECT " RUN_COLS " FROM workflow_run WHERE workspace_id = ?1"
		" AND contact_id = ?3 AND workflow_id = ?2 ORDER BY id DESC LIMIT 1",
	[NS_RUNS_DUE] = "SELECT " RUN_COLS " FROM workflow_run WHERE workspace_id = ?1"
		" AND due_at IS NOT NULL AND due_at <= ?2 ORDER BY due_at, id LIMIT ?3",
	[NS_RUNS_OF_CONTACT] = "SELECT " RUN_COLS " FROM workflow_run WHERE workspace_id = ?1"
		" AND contact_id = ?2 ORDER BY id",
	[NS_RUNS_ALL] = "SELECT " RUN_COLS " FROM workflow_run WHERE workspace_id = ?1 ORDER BY id",
	[NS_LOG_ADD] = "INSERT INTO workflow_log (workspace_id, run_id, step, at, what)"
		" VALUES (?1, ?2, ?3, ?4, ?5)",
	[NS_LOGS] = "SELECT run_id, at, step, what FROM workflow_log WHERE workspace_id = ?1"
		" AND run_id = ?2 ORDER BY id",
	/* What triggers read: the type, the name, a form's properties. NOT
	 * INDEXED: left to itself the planner walks event_contact (every event
	 * of the workspace) and sorts, on every pass; by rowid it reads only
	 * the new rows. The same for stage changes. */
	[NS_EVENTS_AFTER] = "SELECT id, ts, contact_id, NULL, NULL, type, name, NULL, NULL, NULL,"
		" NULL, NULL, NULL, NULL, NULL, CASE type WHEN 'form_submit' THEN properties END, NULL"
		" FROM event NOT INDEXED WHERE workspace_id = ?1 AND id > ?2"
		" AND contact_id IS NOT NULL ORDER BY id LIMIT ?3",
	[NS_STAGES_AFTER] = "SELECT id, contact_id, at, from_stage, to_stage, actor, reason"
		" FROM stage_change NOT INDEXED WHERE workspace_id = ?1 AND id > ?2 ORDER BY id LIMIT ?3",
	[NS_MESSAGE_INSERT] = "INSERT INTO message (workspace_id, run_id, contact_id, kind, purpose,"
		" recipient, subject, body, links, state, attempts, next_at, created_at, sent_at,"
		" last_error, opened_at, clicked_at, bounced_at, complained_at, unsubscribed_at)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, nullif(?14, 0), ?15,"
		" nullif(?16, 0), nullif(?17, 0), nullif(?18, 0), nullif(?19, 0), nullif(?20, 0))",
	[NS_MESSAGE_UPDATE] = "UPDATE message SET subject = ?7, body = ?8, links = ?9, state = ?10,"
		" attempts = ?11, next_at = ?12, sent_at = nullif(?14, 0), last_error = ?15,"
		" opened_at = nullif(?16, 0), clicked_at = nullif(?17, 0), bounced_at = nullif(?18, 0),"
		" complained_at = nullif(?19, 0), unsubscribed_at = nullif(?20, 0)"
		" WHERE workspace_id = ?1 AND id = ?21",
	[NS_MESSAGE_GET] = "SELECT " MESSAGE_COLS " FROM message WHERE workspace_id = ?1 AND id = ?2",
	[NS_MESSAGES_DUE] = "SELECT " MESSAGE_COLS " FROM message WHERE workspace_id = ?1"
		" AND state = 'queued' AND next_at <= ?2 ORDER BY next_at, id LIMIT ?3",
	[NS_MESSAGES_OF_CONTACT] = "SELECT " MESSAGE_COLS " FROM message WHERE workspace_id = ?1"
		" AND contact_id = ?2 ORDER BY id",
	[NS_MESSAGES_ALL] = "SELECT " MESSAGE_COLS " FROM message WHERE workspace_id = ?1 ORDER BY id",
	[NS_SUPPRESS_ADD] = "INSERT OR IGNORE INTO suppression (workspace_id, email, reason, source, at)"
		" VALUES (?1, ?2, ?3, ?4, ?5)",
	[NS_SUPPRESS_GET] = "SELECT reason FROM suppression WHERE workspace_id = ?1 AND email = ?2",
	[NS_CONSENT_ADD] = "INSERT INTO consent_change (workspace_id, contact_id, consent, source, at)"
		" VALUES (?1, ?2, ?3, ?4, ?5)",
	[NS_CONSENTS] = "SELECT consent, source, at FROM consent_change WHERE workspace_id = ?1"
		" AND contact_id = ?2 ORDER BY at, id",
	[NS_TAG_ADD] = "INSERT OR IGNORE INTO contact_tag (workspace_id, contact_id, tag)"
		" VALUES (?1, ?2, ?3)",
	[NS_TAG_DELETE] = "DELETE FROM contact_tag WHERE workspace_id = ?1 AND contact_id = ?2"
		" AND tag = ?3",
	[NS_TAGS] = "SELECT tag FROM contact_tag WHERE workspace_id = ?1 AND contact_id = ?2"
		" ORDER BY tag",
	[NS_FIELD_PUT] = "INSERT INTO contact_field (workspace_id, contact_id, name, value)"
		" VALUES (?1, ?2, ?3, ?4) ON CONFLICT (workspace_id, contact_id, name)"
		" DO UPDATE SET value = excluded.value",
	[NS_FIELD_DELETE] = "DELETE FROM contact_field WHERE workspace_id = ?1 AND contact_id = ?2"
		" AND name = ?3",
	[NS_FIELDS_BETWEEN] = "SELECT contact_id, value FROM contact_field WHERE workspace_id = ?1"
		" AND name = ?2 AND value >= ?3 AND value < ?4 ORDER BY value, contact_id",
	[NS_FIELDS] = "SELECT name || '=' || value FROM contact_field WHERE workspace_id = ?1"
		" AND contact_id = ?2 ORDER BY name",
};

static sqlite3_stmt *stmt(sqlite_store *s, tp_ctx *ctx, int which, tp_status *rc)
{
	return tp__sq_prepare(s, ctx, &s->nurture_st[which], sql_text[which], rc);
}

#define STMT(which)                                    \
	sqlite_store *s = (sqlite_store *)b;           \
	tp_status rc;                                  \
	sqlite3_stmt *st = stmt(s, ctx, which, &rc);   \
	if (!st)                                       \
		return rc

static int64_t col_id(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? 0 : sqlite3_column_int64(st, i);
}

/* ---- workflows ---- */

tp_status tp__sq_workflow_put(tp_store *b, tp_ctx *ctx, tp_workflow_row *r)
{
	STMT(NS_WORKFLOW_PUT);
	tp__sq_bind_text(st, 2, r->name);
	tp__sq_bind_text(st, 3, r->definition);
	sqlite3_bind_int(st, 4, r->enabled);
	sqlite3_bind_int64(st, 5, r->loaded_at);
	if ((rc = tp__sq_exec(s, ctx, st, "workflow write")) != TP_OK)
		return rc;
	/* An upsert's rowid is not the updated row's: ask by name. */
	if (!(st = stmt(s, ctx, NS_WORKFLOW_ID, &rc)))
		return rc;
	tp__sq_bind_text(st, 2, r->name);
	int step = sqlite3_step(st);
	if (step == SQLITE_ROW)
		r->id = sqlite3_column_int64(st, 0);
	else
		rc = tp__sq_fail(s, ctx, "workflow lookup");
	sqlite3_reset(st);
	return rc;
}

static int workflow_row(sqlite_store *s, sqlite3_stmt *st, void *fn, void *user)
{
	tp_workflow_row r = {
		.id = sqlite3_column_int64(st, 0),
		.name = tp__sq_col_text(s, st, 1),
		.definition = tp__sq_col_text(s, st, 2),
		.enabled = sqlite3_column_int(st, 3),
		.loaded_at = sqlite3_column_int64(st, 4),
	};
	return ((tp_workflow_fn)fn)(user, &r);
}

tp_status tp__sq_workflows_list(tp_store *b, tp_ctx *ctx, tp_workflow_fn fn, void *user)
{
	STMT(NS_WORKFLOWS);
	return tp__sq_iterate(s, ctx, st, "workflows", workflow_row, (void *)fn, user);
}

/* ---- runs ---- */

static void bind_run(sqlite3_stmt *st, const tp_run_row *r)
{
	sqlite3_bind_int64(st, 2, r->workflow_id);
	sqlite3_bind_int64(st, 3, r->contact_id);
	sqlite3_bind_int(st, 4, r->step);
	tp__sq_bind_text(st, 5, r->state);
	sqlite3_bind_int64(st, 6, r->due_at);
	sqlite3_bind_int64(st, 7, r->enrolled_at);
	sqlite3_bind_int64(st, 8, r->updated_at);
	tp__sq_bind_text(st, 9, r->note);
}

tp_status tp__sq_run_put(tp_store *b, tp_ctx *ctx, tp_run_row *r)
{
	STMT(r->id ? NS_RUN_UPDATE : NS_RUN_INSERT);
	bind_run(st, r);
	if (r->id)
		sqlite3_bind_int64(st, 10, r->id);
	rc = tp__sq_exec(s, ctx, st, "workflow run write");
	if (rc == TP_OK && !r->id)
		r->id = sqlite3_last_insert_rowid(s->db);
	return rc;
}

static void read_run(sqlite_store *s, sqlite3_stmt *st, tp_run_row *r)
{
	*r = (tp_run_row){
		.id = sqlite3_column_int64(st, 0),
		.workflow_id = sqlite3_column_int64(st, 1),
		.contact_id = sqlite3_column_int64(st, 2),
		.step = sqlite3_column_int(st, 3),
		.state = tp__sq_col_text(s, st, 4),
		.due_at = col_id(st, 5),
		.enrolled_at = sqlite3_column_int64(st, 6),
		.updated_at = sqlite3_column_int64(st, 7),
		.note = tp__sq_col_text(s, st, 8),
	};
}

static int run_row(sqlite_store *s, sqlite3_stmt *st, void *fn, void *user)
{
	tp_run_row r;
	read_run(s, st, &r);
	return ((tp_run_fn)fn)(user, &r);
}

/* For single-row reads: copies the row out and stops. */
typedef struct one_run {
	tp_run_row *out;
	int *found;
} one_run;

static int take_run(void *user, const tp_run_row *r)
{
	one_run *o = user;
	*o->out = *r;
	*o->found = 1;
	return 1;
}

tp_status tp__sq_run_get(tp_store *b, tp_ctx *ctx, int64_t id, tp_run_row *out, int *found)
{
	STMT(NS_RUN_GET);
	sqlite3_bind_int64(st, 2, id);
	*found = 0;
	one_run o = {out, found};
	return tp__sq_iterate(s, ctx, st, "workflow run", run_row, (void *)take_run, &o);
}

tp_status tp__sq_run_latest(tp_store *b, tp_ctx *ctx, int64_t workflow_id, int64_t contact_id,
                            tp_run_row *out, int *found)
{
	STMT(NS_RUN_LATEST);
	sqlite3_bind_int64(st, 2, workflow_id);
	sqlite3_bind_int64(st, 3, contact_id);
	*found = 0;
	one_run o = {out, found};
	return tp__sq_iterate(s, ctx, st, "workflow run", run_row, (void *)take_run, &o);
}

tp_status tp__sq_runs_due(tp_store *b, tp_ctx *ctx, int64_t now, int limit, tp_run_fn fn,
                          void *user)
{
	STMT(NS_RUNS_DUE);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_int(st, 3, limit);
	return tp__sq_iterate(s, ctx, st, "due workflow runs", run_row, (void *)fn, user);
}

tp_status tp__sq_runs_of_contact(tp_store *b, tp_ctx *ctx, int64_t contact_id, tp_run_fn fn,
                                 void *user)
{
	STMT(contact_id ? NS_RUNS_OF_CONTACT : NS_RUNS_ALL);
	if (contact_id)
		sqlite3_bind_int64(st, 2, contact_id);
	return tp__sq_iterate(s, ctx, st, "workflow runs", run_row, (void *)fn, user);
}

tp_status tp__sq_run_log_add(tp_store *b, tp_ctx *ctx, const tp_run_log_row *r)
{
	STMT(NS_LOG_ADD);
	sqlite3_bind_int64(st, 2, r->run_id);
	sqlite3_bind_int(st, 3, r->step);
	sqlite3_bind_int64(st, 4, r->at);
	tp__sq_bind_text(st, 5, r->what);
	return tp__sq_exec(s, ctx, st, "workflow log write");
}

static int log_row(sqlite_store *s, sqlite3_stmt *st, void *fn, void *user)
{
	tp_run_log_row r = {
		.run_id = sqlite3_column_int64(st, 0),
		.at = sqlite3_column_int64(st, 1),
		.step = sqlite3_column_int(st, 2),
		.what = tp__sq_col_text(s, st, 3),
	};
	return ((tp_run_log_fn)fn)(user, &r);
}

tp_status tp__sq_run_logs(tp_store *b, tp_ctx *ctx, int64_t run_id, tp_run_log_fn fn, void *user)
{
	STMT(NS_LOGS);
	sqlite3_bind_int64(st, 2, run_id);
	return tp__sq_iterate(s, ctx, st, "workflow log", log_row, (void *)fn, user);
}

/* ---- what the scheduler has not seen yet ---- */

tp_status tp__sq_events_after(tp_store *b, tp_ctx *ctx, int64_t after_id, int limit,
                              tp_touch_fn fn, void *user)
{
	STMT(NS_EVENTS_AFTER);
	sqlite3_bind_int64(st, 2, after_id);
	sqlite3_bind_int(st, 3, limit);
	return tp__sq_iterate(s, ctx, st, "new events", tp__sq_touch_row, (void *)fn, user);
}

static int stage_row(sqlite_store *s, sqlite3_stmt *st, void *fn, void *user)
{
	tp_stage_change_row r = {.id = sqlite3_column_int64(st, 0),
	                         .contact_id = sqlite3_column_int64(st, 1),
	                         .at = sqlite3_column_int64(st, 2),
	                         .from_stage = -1,
	                         .actor = tp__sq_col_text(s, st, 5),
	                         .reason = tp__sq_col_text(s, st, 6)};
	tp_stage stage;
	const char *from = (const char *)sqlite3_column_text(st, 3);
	if (from && tp_stage_from_name(from, &stage) == 0)
		r.from_stage = (int)stage;
	const char *to = (const char *)sqlite3_column_text(st, 4);
	if (!to || tp_stage_from_name(to, &r.to_stage) != 0)
		return 0;   /* written by a newer binary: not ours to act on */
	return ((tp_stage_change_fn)fn)(user, &r);
}

tp_status tp__sq_stage_changes_after(tp_store *b, tp_ctx *ctx, int64_t after_id, int limit,
                                     tp_stage_change_fn fn, void *user)
{
	STMT(NS_STAGES_AFTER);
	sqlite3_bind_int64(st, 2, after_id);
	sqlite3_bind_int(st, 3, limit);
	return tp__sq_iterate(s, ctx, st, "new stage changes", stage_row, (void *)fn, user);
}

/* ---- the outbox ---- */

tp_status tp__sq_message_put(tp_store *b, tp_ctx *ctx, tp_message_row *r)
{
	STMT(r->id ? NS_MESSAGE_UPDATE : NS_MESSAGE_INSERT);
	tp__sq_bind_id(st, 2, r->run_id);
	tp__sq_bind_id(st, 3, r->contact_id);
	tp__sq_bind_text(st, 4, r->kind);
	tp__sq_bind_text(st, 5, r->purpose);
	tp__sq_bind_text(st, 6, r->recipient);
	tp__sq_bind_text(st, 7, r->subject);
	tp__sq_bind_text(st, 8, r->body);
	tp__sq_bind_text(st, 9, r->links);
	tp__sq_bind_text(st, 10, r->state);
	sqlite3_bind_int(st, 11, r->attempts);
	sqlite3_bind_int64(st, 12, r->next_at);
	sqlite3_bind_int64(st, 13, r->created_at);
	sqlite3_bind_int64(st, 14, r->sent_at);
	tp__sq_bind_text(st, 15, r->last_error);
	sqlite3_bind_int64(st, 16, r->opened_at);
	sqlite3_bind_int64(st, 17, r->clicked_at);
	sqlite3_bind_int64(st, 18, r->bounced_at);
	sqlite3_bind_int64(st, 19, r->complained_at);
	sqlite3_bind_int64(st, 20, r->unsubscribed_at);
	if (r->id)
		sqlite3_bind_int64(st, 21, r->id);
	rc = tp__sq_exec(s, ctx, st, "message write");
	if (rc == TP_OK && !r->id)
		r->id = sqlite3_last_insert_rowid(s->db);
	return rc;
}

static int message_row(sqlite_store *s, sqlite3_stmt *st, void *fn, void *user)
{
	tp_message_row r = {
		.id = sqlite3_column_int64(st, 0),
		.run_id = col_id(st, 1),
		.contact_id = col_id(st, 2),
		.kind = tp__sq_col_text(s, st, 3),
		.purpose = tp__sq_col_text(s, st, 4),
		.recipient = tp__sq_col_text(s, st, 5),
		.subject = tp__sq_col_text(s, st, 6),
		.body = tp__sq_col_text(s, st, 7),
		.links = tp__sq_col_text(s, st, 8),
		.state = tp__sq_col_text(s, st, 9),
		.attempts = sqlite3_column_int(st, 10),
		.next_at = sqlite3_column_int64(st, 11),
		.created_at = sqlite3_column_int64(st, 12),
		.sent_at = col_id(st, 13),
		.last_error = tp__sq_col_text(s, st, 14),
		.opened_at = col_id(st, 15),
		.clicked_at = col_id(st, 16),
		.bounced_at = col_id(st, 17),
		.complained_at = col_id(st, 18),
		.unsubscribed_at = col_id(st, 19),
	};
	return ((tp_message_fn)fn)(user, &r);
}

typedef struct one_message {
	tp_message_row *out;
	int *found;
} one_message;

static int take_message(void *user, const tp_message_row *r)
{
	one_message *o = user;
	*o->out = *r;
	*o->found = 1;
	return 1;
}

tp_status tp__sq_message_get(tp_store *b, tp_ctx *ctx, int64_t id, tp_message_row *out,
                             int *found)
{
	STMT(NS_MESSAGE_GET);
	sqlite3_bind_int64(st, 2, id);
	*found = 0;
	one_message o = {out, found};
	return tp__sq_iterate(s, ctx, st, "message", message_row, (void *)take_message, &o);
}

tp_status tp__sq_messages_due(tp_store *b, tp_ctx *ctx, int64_t now, int limit, tp_message_fn fn,
                              void *user)
{
	STMT(NS_MESSAGES_DUE);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_int(st, 3, limit);
	return tp__sq_iterate(s, ctx, st, "due messages", message_row, (void *)fn, user);
}

tp_status tp__sq_messages_of_contact(tp_store *b, tp_ctx *ctx, int64_t contact_id,
                                     tp_message_fn fn, void *user)
{
	STMT(contact_id ? NS_MESSAGES_OF_CONTACT : NS_MESSAGES_ALL);
	if (contact_id)
		sqlite3_bind_int64(st, 2, contact_id);
	return tp__sq_iterate(s, ctx, st, "messages", message_row, (void *)fn, user);
}

/* ---- suppression, consent, tags, fields ---- */

tp_status tp__sq_suppression_add(tp_store *b, tp_ctx *ctx, const char *email, const char *reason,
                                 const char *source, int64_t at)
{
	STMT(NS_SUPPRESS_ADD);
	tp__sq_bind_text(st, 2, email);
	tp__sq_bind_text(st, 3, reason);
	tp__sq_bind_text(st, 4, source);
	sqlite3_bind_int64(st, 5, at);
	return tp__sq_exec(s, ctx, st, "suppression write");
}

static int text_row(sqlite_store *s, sqlite3_stmt *st, void *fn, void *user)
{
	const char *t = tp__sq_col_text(s, st, 0);
	return t ? ((tp_text_fn)fn)(user, t) : 0;
}

typedef struct found_text {
	tp_text_fn fn;
	void *user;
	int *found;
} found_text;

static int count_text(void *user, const char *text)
{
	found_text *f = user;
	*f->found = 1;
	return f->fn ? f->fn(f->user, text) : 0;
}

tp_status tp__sq_suppression_get(tp_store *b, tp_ctx *ctx, const char *email, tp_text_fn fn,
                                 void *user, int *found)
{
	STMT(NS_SUPPRESS_GET);
	tp__sq_bind_text(st, 2, email);
	*found = 0;
	found_text f = {fn, user, found};
	return tp__sq_iterate(s, ctx, st, "suppression", text_row, (void *)count_text, &f);
}

tp_status tp__sq_consent_change_add(tp_store *b, tp_ctx *ctx, int64_t contact_id, int consent,
                                    const char *source, int64_t at)
{
	STMT(NS_CONSENT_ADD);
	sqlite3_bind_int64(st, 2, contact_id);
	sqlite3_bind_int(st, 3, consent);
	tp__sq_bind_text(st, 4, source);
	sqlite3_bind_int64(st, 5, at);
	return tp__sq_exec(s, ctx, st, "consent change write");
}

static int consent_row(sqlite_store *s, sqlite3_stmt *st, void *fn, void *user)
{
	return ((tp_consent_fn)fn)(user, sqlite3_column_int(st, 0), tp__sq_col_text(s, st, 1),
	                           sqlite3_column_int64(st, 2));
}

tp_status tp__sq_consent_changes(tp_store *b, tp_ctx *ctx, int64_t contact_id, tp_consent_fn fn,
                                 void *user)
{
	STMT(NS_CONSENTS);
	sqlite3_bind_int64(st, 2, contact_id);
	return tp__sq_iterate(s, ctx, st, "consent history", consent_row, (void *)fn, user);
}

tp_status tp__sq_tag_set(tp_store *b, tp_ctx *ctx, int64_t contact_id, const char *tag, int on)
{
	STMT(on ? NS_TAG_ADD : NS_TAG_DELETE);
	sqlite3_bind_int64(st, 2, contact_id);
	tp__sq_bind_text(st, 3, tag);
	return tp__sq_exec(s, ctx, st, "tag write");
}

tp_status tp__sq_tags_of_contact(tp_store *b, tp_ctx *ctx, int64_t contact_id, tp_text_fn fn,
                                 void *user)
{
	STMT(NS_TAGS);
	sqlite3_bind_int64(st, 2, contact_id);
	return tp__sq_iterate(s, ctx, st, "tags", text_row, (void *)fn, user);
}

tp_status tp__sq_field_set(tp_store *b, tp_ctx *ctx, int64_t contact_id, const char *name,
                           const char *value)
{
	STMT(value ? NS_FIELD_PUT : NS_FIELD_DELETE);
	sqlite3_bind_int64(st, 2, contact_id);
	tp__sq_bind_text(st, 3, name);
	if (value)
		tp__sq_bind_text(st, 4, value);
	return tp__sq_exec(s, ctx, st, "field write");
}

tp_status tp__sq_fields_of_contact(tp_store *b, tp_ctx *ctx, int64_t contact_id, tp_text_fn fn,
                                   void *user)
{
	STMT(NS_FIELDS);
	sqlite3_bind_int64(st, 2, contact_id);
	return tp__sq_iterate(s, ctx, st, "fields", text_row, (void *)fn, user);
}

static int field_row(sqlite_store *s, sqlite3_stmt *st, void *fn, void *user)
{
	return ((tp_field_fn)fn)(user, sqlite3_column_int64(st, 0), tp__sq_col_text(s, st, 1));
}

tp_status tp__sq_fields_between(tp_store *b, tp_ctx *ctx, const char *name, const char *lo,
                                const char *hi, tp_field_fn fn, void *user)
{
	STMT(NS_FIELDS_BETWEEN);
	tp__sq_bind_text(st, 2, name);
	tp__sq_bind_text(st, 3, lo);
	tp__sq_bind_text(st, 4, hi);
	return tp__sq_iterate(s, ctx, st, "field values", field_row, (void *)fn, user);
}
