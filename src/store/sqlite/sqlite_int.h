/* What the SQLite backend's files share: the handle, its statement cache
 * and the helpers that bind, step and read. */
#ifndef TP_STORE_SQLITE_INT_H
#define TP_STORE_SQLITE_INT_H

#include <sqlite3.h>

#include "core/arena.h"
#include "core/i64map.h"
#include "core/strmap.h"
#include "core/strset.h"
#include "touchpoint/store.h"

enum { TP__SQ_CORE_SLOTS = 96, TP__SQ_NURTURE_SLOTS = 40 };

/* An event update held back during a bulk load (see bulk_begin). */
typedef struct queued_update {
	int which;          /* ST_EVENTS_ADOPT, _REASSIGN or _RESTORE */
	char *key;          /* anonymous id, for adopt */
	int64_t id2, id3, id4;
} queued_update;

/* An event row as bound to ST_EVENT_INSERT; texts may be NULL. */
enum {
	EC_MESSAGE_ID, EC_ANONYMOUS_ID, EC_USER_ID, EC_NAME, EC_PAGE_CATEGORY, EC_SEARCH_TERM,
	EC_ASSET, EC_URL, EC_PATH, EC_REFERRER, EC_TITLE, EC_SOURCE, EC_MEDIUM, EC_CAMPAIGN,
	EC_UTM, EC_CLICK = EC_UTM + TP_UTM__COUNT, EC_PROPERTIES = EC_CLICK + TP_CLICK__COUNT,
	EC__TEXTS
};
typedef struct event_cols {
	int64_t contact_id, origin_contact_id, ts, received_at;
	int video_percent;
	tp_call call;
	tp_touch touch;
	tp_channel channel;
	uint32_t visitor;       /* held back under visitor - 1 (defer.c); 0 not */
	const char *text[EC__TEXTS];
} event_cols;

/* Anonymous rows of a bulk load held back until their visitor is identified
 * or the load ends (defer.c), so that an adopted row is written once, with
 * its owner, instead of written and then updated through the indexes. */
typedef struct deferred_row deferred_row;
typedef struct defer_chunk defer_chunk;
typedef struct deferred_visitor {
	deferred_row *head, *tail;   /* held back, oldest first */
	int spilled;                 /* some of its rows were written anonymous */
} deferred_visitor;
typedef struct defer_state {
	tp_strmap index;             /* anonymous id → index in visitors */
	deferred_visitor *visitors;
	size_t n_visitors, cap_visitors;
	defer_chunk *oldest, *newest;
	size_t bytes;                /* in chunks */
	defer_chunk *spare;          /* emptied chunks kept for the next ones */
	size_t n_spare;
} defer_state;

/* What a bulk load wrote that scoring reads (capture.c). */
typedef struct captured_row captured_row;
typedef struct captured_update captured_update;
typedef struct capture {
	int on;
	captured_row *rows;          /* row id i + 1 */
	size_t n, cap, max_rows;
	captured_update *updates;    /* the load's queued updates, in order */
	size_t n_updates, cap_updates;
	tp_strmap names;             /* page category or asset → index in list */
	const char **list;
	size_t n_list, cap_list;
	tp_arena texts;              /* list's strings */
} capture;

/* The contacts this connection read or wrote in its open transaction
 * (contact_cache.c): while it holds the transaction no one else changes
 * them, so a second read is answered without SQLite. */
typedef struct contact_cache {
	tp_i64map index;             /* contact id → index in rows + 1; 0 forgotten */
	tp_contact *rows;            /* texts in `texts` */
	size_t n, cap;
	tp_arena texts;
	size_t text_bytes;
} contact_cache;

typedef struct bulk_state {
	int active;
	tp_strset seen;          /* message ids inserted during the load */
	char **index_sql;        /* the event indexes, to rebuild */
	size_t n_index;
	queued_update *q;
	size_t n_q, cap_q;
	defer_state defer;
} bulk_state;

typedef struct sqlite_store {
	tp_store base;
	sqlite3 *db;
	sqlite3_stmt *st[TP__SQ_CORE_SLOTS];   /* store_sqlite.c's */
	uint64_t event_params_set;   /* the event insert's parameters bound non-NULL */
	const char *event_names_bound[3];  /* its call, type and channel, as last bound */
	tp_arena scratch;   /* strings of records handed out; reset per call */
	char *workspace_name;
	bulk_state bulk;
	int64_t data_version;   /* PRAGMA data_version when last asked */
	int rollback_journal;   /* out of WAL for a first load (s_bulk_prepare) */
	size_t defer_budget;    /* bytes of rows a bulk load holds back; 0: the default */
	capture capture;        /* a bulk load's rows, until its transaction ends */
	contact_cache contacts; /* until the transaction ends */
	size_t capture_max_rows;   /* 0: the default */
	sqlite3_stmt *nurture_st[TP__SQ_NURTURE_SLOTS];   /* nurture.c's */
} sqlite_store;

/* Writes one event row (store_sqlite.c). */
tp_status tp__sq_event_write(sqlite_store *s, tp_ctx *ctx, const event_cols *c);
/* Holds an anonymous row of a bulk load back (a copy), writing the oldest
 * held-back rows when over the budget. */
tp_status tp__sq_defer(sqlite_store *s, tp_ctx *ctx, const event_cols *c);
/* Writes the rows held back for anonymous_id with their new owner; sets
 * *spilled when some were already written anonymous (an update must follow). */
tp_status tp__sq_defer_adopt(sqlite_store *s, tp_ctx *ctx, const char *anonymous_id,
                             int64_t contact_id, int64_t origin, int *spilled);
/* Writes every row still held back, anonymous, in arrival order. */
tp_status tp__sq_defer_flush(sqlite_store *s, tp_ctx *ctx);
/* Starts keeping what scoring reads of each row a bulk load writes, up to
 * max_rows (0: the default) rows. */
void tp__sq_capture_begin(capture *c, size_t max_rows);
void tp__sq_capture_drop(capture *c);
/* The row just written as `id`; a row out of sequence drops the capture. */
void tp__sq_capture_row(capture *c, int64_t id, const event_cols *e);
/* A queued update of owners, in order: an adoption of the rows held back
 * under visitor `from` - 1, or a reassign from one owner to another. */
void tp__sq_capture_update(capture *c, int adopt, int64_t from, int64_t to);
/* events_for_scoring_all from the capture; *served is 0 when there is none. */
tp_status tp__sq_capture_scan(capture *c, tp_ctx *ctx, tp_touch_fn fn, void *user, int *served);
void tp__sq_contact_cache_init(contact_cache *c);
/* Forgets every contact (at the end of a transaction); keeps no memory. */
void tp__sq_contact_cache_drop(contact_cache *c);
/* The contact as this transaction last read or wrote it; NULL when not kept. */
const tp_contact *tp__sq_contact_cache_get(const contact_cache *c, int64_t id);
/* Keeps a copy of the contact as it now stands in the table; when out of
 * memory or over the budget, forgets all instead (it is only a cache). */
void tp__sq_contact_cache_keep(contact_cache *c, const tp_contact *row);
void tp__sq_contact_cache_forget(contact_cache *c, int64_t id);
/* The visitor + 1 that anonymous_id's rows were held back under; 0 none. */
uint32_t tp__sq_defer_visitor(const defer_state *d, const char *anonymous_id);
void tp__sq_defer_init(defer_state *d);
void tp__sq_defer_free(defer_state *d);

/* A storage failure with SQLite's message; constraint failures are
 * TP_ERR_CONFLICT. */
tp_status tp__sq_fail(sqlite_store *s, tp_ctx *ctx, const char *what);
/* The statement cached in *slot (prepared from sql on first use), reset,
 * with the workspace bound to ?1. */
sqlite3_stmt *tp__sq_prepare(sqlite_store *s, tp_ctx *ctx, sqlite3_stmt **slot, const char *sql,
                             tp_status *rc);
/* NULL binds NULL; an id of 0 is stored as NULL. */
void tp__sq_bind_text(sqlite3_stmt *st, int i, const char *v);
void tp__sq_bind_id(sqlite3_stmt *st, int i, int64_t v);
/* A column's text, copied into the store's scratch arena (valid until the
 * next call on the store); NULL for NULL. */
const char *tp__sq_col_text(sqlite_store *s, sqlite3_stmt *st, int i);
/* The columns of an event as a tp_touch_record, in the order tp__sq_touch_row
 * reads them; a query may select NULL for those its callers do not read. */
#define TOUCH_COLS                                                                     \
	"id, ts, contact_id, message_id, anonymous_id, type, name, channel, source, medium," \
	" campaign, page_category, search_term, asset, url, properties, video_percent"
/* tp__sq_iterate's row function for TOUCH_COLS; fn is a tp_touch_fn. */
int tp__sq_touch_row(sqlite_store *s, sqlite3_stmt *st, void *fn, void *user);
/* Runs a statement that returns no rows. */
tp_status tp__sq_exec(sqlite_store *s, tp_ctx *ctx, sqlite3_stmt *st, const char *what);
/* Steps through the rows, calling row() for each until it returns non-zero. */
tp_status tp__sq_iterate(sqlite_store *s, tp_ctx *ctx, sqlite3_stmt *st, const char *what,
                         int (*row)(sqlite_store *s, sqlite3_stmt *st, void *fn, void *user),
                         void *fn, void *user);

/* nurture.c: the store ops of version 6 (see touchpoint/store.h). */
tp_status tp__sq_workflow_put(tp_store *b, tp_ctx *ctx, tp_workflow_row *r);
tp_status tp__sq_workflows_list(tp_store *b, tp_ctx *ctx, tp_workflow_fn fn, void *user);
tp_status tp__sq_run_put(tp_store *b, tp_ctx *ctx, tp_run_row *r);
tp_status tp__sq_run_get(tp_store *b, tp_ctx *ctx, int64_t id, tp_run_row *out, int *found);
tp_status tp__sq_run_latest(tp_store *b, tp_ctx *ctx, int64_t workflow_id, int64_t contact_id,
                            tp_run_row *out, int *found);
tp_status tp__sq_runs_due(tp_store *b, tp_ctx *ctx, int64_t now, int limit, tp_run_fn fn,
                          void *user);
tp_status tp__sq_runs_of_contact(tp_store *b, tp_ctx *ctx, int64_t contact_id, tp_run_fn fn,
                                 void *user);
tp_status tp__sq_run_log_add(tp_store *b, tp_ctx *ctx, const tp_run_log_row *r);
tp_status tp__sq_run_logs(tp_store *b, tp_ctx *ctx, int64_t run_id, tp_run_log_fn fn, void *user);
tp_status tp__sq_events_after(tp_store *b, tp_ctx *ctx, int64_t after_id, int limit,
                              tp_touch_fn fn, void *user);
tp_status tp__sq_stage_changes_after(tp_store *b, tp_ctx *ctx, int64_t after_id, int limit,
                                     tp_stage_change_fn fn, void *user);
tp_status tp__sq_message_put(tp_store *b, tp_ctx *ctx, tp_message_row *r);
tp_status tp__sq_message_get(tp_store *b, tp_ctx *ctx, int64_t id, tp_message_row *out,
                             int *found);
tp_status tp__sq_messages_due(tp_store *b, tp_ctx *ctx, int64_t now, int limit, tp_message_fn fn,
                              void *user);
tp_status tp__sq_messages_of_contact(tp_store *b, tp_ctx *ctx, int64_t contact_id,
                                     tp_message_fn fn, void *user);
tp_status tp__sq_suppression_add(tp_store *b, tp_ctx *ctx, const char *email, const char *reason,
                                 const char *source, int64_t at);
tp_status tp__sq_suppression_get(tp_store *b, tp_ctx *ctx, const char *email, tp_text_fn fn,
                                 void *user, int *found);
tp_status tp__sq_consent_change_add(tp_store *b, tp_ctx *ctx, int64_t contact_id, int consent,
                                    const char *source, int64_t at);
tp_status tp__sq_consent_changes(tp_store *b, tp_ctx *ctx, int64_t contact_id, tp_consent_fn fn,
                                 void *user);
tp_status tp__sq_tag_set(tp_store *b, tp_ctx *ctx, int64_t contact_id, const char *tag, int on);
tp_status tp__sq_tags_of_contact(tp_store *b, tp_ctx *ctx, int64_t contact_id, tp_text_fn fn,
                                 void *user);
tp_status tp__sq_field_set(tp_store *b, tp_ctx *ctx, int64_t contact_id, const char *name,
                           const char *value);
tp_status tp__sq_fields_between(tp_store *b, tp_ctx *ctx, const char *name, const char *lo,
                                 const char *hi, tp_field_fn fn, void *user);
tp_status tp__sq_fields_of_contact(tp_store *b, tp_ctx *ctx, int64_t contact_id, tp_text_fn fn,
                                   void *user);

#endif
