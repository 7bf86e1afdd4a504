/* The storage interface: a table of functions with a version, behind which
 * SQLite (src/store/sqlite) and later PostgreSQL implement the system of
 * record. No code outside src/store speaks SQL. A store is opened for one
 * workspace; every row it reads or writes carries that workspace_id.
 *
 * Ownership: strings in records handed out by a store are borrowed and valid
 * until the next call on that store (or, for callbacks, until the callback
 * returns). Strings passed in are borrowed for the call only. */
#ifndef TOUCHPOINT_STORE_H
#define TOUCHPOINT_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "touchpoint/ctx.h"
#include "touchpoint/model.h"

#define TP_STORE_OPS_VERSION 12

typedef struct tp_store tp_store;

typedef enum tp_contact_key { TP_KEY_EMAIL, TP_KEY_USER_ID } tp_contact_key;

/* Callbacks return 0 to go on, non-zero to stop early. */
typedef int (*tp_contact_fn)(void *user, const tp_contact *c);
typedef int (*tp_account_fn)(void *user, const tp_account *a, int64_t n_contacts);
typedef int (*tp_touch_fn)(void *user, const tp_touch_record *t);
typedef int (*tp_merge_fn)(void *user, const tp_merge *m);
typedef int (*tp_note_fn)(void *user, const tp_identity_note *n);
typedef int (*tp_text_fn)(void *user, const char *text);
/* One consent change: 1 given, 0 withdrawn. */
typedef int (*tp_consent_fn)(void *user, int consent, const char *source, int64_t at);
/* One contact's value of a custom field. */
typedef int (*tp_field_fn)(void *user, int64_t contact_id, const char *value);

typedef struct tp_contact_filter {
	int stage;            /* a tp_stage, or -1 for all */
	int include_merged;   /* also contacts merged into another */
	int64_t account_id;   /* 0 = any */
	int64_t after_id;     /* only ids above this (a page's cursor); 0 = from the first */
	const char *owner;    /* NULL = any */
	const char *source_channel;   /* NULL = any */
	int64_t updated_since;        /* ms; 0 = any */
} tp_contact_filter;

/* One day of one campaign's ad spend. Re-importing a day and campaign
 * supersedes it: reads take, per (date, channel, source, campaign), the rows
 * of the latest import at or before the moment asked (rows of one import
 * add up: an export split by device or network). */
typedef struct tp_spend_row {
	const char *date;     /* YYYY-MM-DD */
	const char *channel, *source, *campaign, *currency;
	int64_t impressions, clicks, cost; /* cost in minor units */
	int64_t imported_at;  /* ms; one value per import */
} tp_spend_row;

typedef struct tp_opportunity_row {
	int64_t id;           /* 0 for a new one */
	int64_t account_id, contact_id, amount, created_at, closed_at; /* closed_at 0 = open */
	int64_t updated_at;
	const char *name, *stage, *currency, *close_date, *lost_reason, *source_channel, *owner;
	int probability;
} tp_opportunity_row;

/* An account's monthly recurring revenue in one month, as billing stated
 * it. Movements (new, expansion, churn, ...) are derived from these levels.
 * Like spend, a later import of the same (account, month) supersedes an
 * earlier one and rows of one import add up (one row per subscription). */
typedef struct tp_mrr_row {
	int64_t account_id;
	const char *month;    /* YYYY-MM */
	int64_t mrr;          /* minor units, >= 0 */
	const char *currency;
	int64_t imported_at;  /* ms; one value per import */
} tp_mrr_row;

typedef struct tp_stage_change_row {
	int64_t id;           /* 0 when inserting */
	int64_t contact_id, at;
	int from_stage;       /* tp_stage, or -1 when the contact is new */
	tp_stage to_stage;
	const char *actor, *reason;
} tp_stage_change_row;

/* A contact's rule score (and predictive probability) as last written. */
typedef struct tp_score_row {
	int64_t contact_id;
	double fit;
	double engagement;    /* decayed engagement as of engagement_at */
	int64_t engagement_at;  /* 0 = nothing scored */
	const char *caps;     /* daily cap counters: "slot:day:hits,..." */
	double total;         /* as of updated_at */
	int grade;
	double probability;   /* predictive model's; -1 = none */
	int64_t updated_at;
} tp_score_row;

/* An API key as stored: never the key itself, only its hash (see
 * touchpoint/keys.h) and a prefix to recognise it by. */
typedef enum tp_api_key_kind {
	TP_API_KEY_WRITE,     /* sends events: the collector, forms */
	TP_API_KEY_SECRET     /* reads and changes everything in its workspace: the JSON API */
} tp_api_key_kind;

typedef struct tp_api_key_row {
	int64_t id;
	int64_t workspace_id;  /* filled by key_lookup */
	const char *workspace; /* name; filled by key_lookup */
	tp_api_key_kind kind;
	const char *prefix;    /* the key's first characters, shown in lists */
	const char *hash;      /* hex; unique */
	const char *label;     /* may be NULL */
	int64_t created_at, revoked_at;  /* revoked_at 0 = in use */
} tp_api_key_row;

/* A lead-ad notification that carried only the lead's id: the lead is
 * still to be fetched from the platform (the server's outbox). */
typedef struct tp_lead_fetch_row {
	int64_t id;
	int64_t workspace_id;  /* filled by lead_fetch_due */
	const char *workspace; /* name; filled by lead_fetch_due */
	const char *platform;  /* "meta", "linkedin" */
	const char *lead_id;
	const char *notification;  /* the JSON it came in, as received */
	int64_t received_at;
	int attempts;
	int64_t next_at;       /* when to try again */
	const char *last_error;    /* NULL before the first failure */
	int64_t done_at;       /* 0 = still to fetch */
} tp_lead_fetch_row;

/* A nurture workflow as loaded: its definition is the JSON of
 * docs/NURTURE.md, checked by src/nurture before it is stored. */
typedef struct tp_workflow_row {
	int64_t id;
	const char *name;
	const char *definition;
	int enabled;
	int64_t loaded_at;
} tp_workflow_row;

/* One contact's way through one workflow. Only active runs have a due_at:
 * the scheduler finds them by an index on it. */
typedef struct tp_run_row {
	int64_t id, workflow_id, contact_id;
	int step;             /* index of the next step to run */
	const char *state;    /* "active", "done", "exited", "stopped", "failed" */
	int64_t due_at;       /* when the next step runs; 0 = not active */
	int64_t enrolled_at, updated_at;
	const char *note;     /* why the run is where it is, for people */
} tp_run_row;

/* What one step did (a run's history). */
typedef struct tp_run_log_row {
	int64_t run_id, at;
	int step;
	const char *what;
} tp_run_log_row;

/* An email or webhook call to deliver (the outbox), and what became of it. */
typedef struct tp_message_row {
	int64_t id, run_id, contact_id;   /* run_id 0 = not from a workflow */
	const char *kind;        /* "email", "webhook" */
	const char *purpose;     /* "marketing" (consent, unsubscribe) or "sales" (to an owner) */
	const char *recipient;   /* address, or URL */
	const char *subject;     /* email; the template for webhooks */
	const char *body;        /* email: the MIME message; webhook: the JSON; NULL until rendered */
	const char *links;       /* email: JSON array of the URLs its tracked links lead to */
	const char *state;       /* "queued", "sent", "failed", "suppressed" */
	int attempts;
	int64_t next_at, created_at, sent_at;
	const char *last_error;
	int64_t opened_at, clicked_at, bounced_at, complained_at, unsubscribed_at;
} tp_message_row;

typedef int (*tp_workflow_fn)(void *user, const tp_workflow_row *r);
typedef int (*tp_run_fn)(void *user, const tp_run_row *r);
typedef int (*tp_run_log_fn)(void *user, const tp_run_log_row *r);
typedef int (*tp_message_fn)(void *user, const tp_message_row *r);
typedef int (*tp_score_fn)(void *user, const tp_score_row *r);
typedef int (*tp_lead_fetch_fn)(void *user, const tp_lead_fetch_row *r);

/* A collector body acknowledged before its calls were stored: the server's
 * durable queue (see src/server/writer.h). */
typedef struct tp_inbox_row {
	int64_t id;
	int call;              /* the endpoint's call type, -1 for a batch */
	int64_t events;        /* calls in the body */
	int64_t received_at;   /* the time its calls are stored as received */
	const char *body;
	size_t len;
} tp_inbox_row;
typedef int (*tp_inbox_fn)(void *user, const tp_inbox_row *r);
typedef int (*tp_workspace_fn)(void *user, int64_t id, const char *name);
typedef int (*tp_api_key_fn)(void *user, const tp_api_key_row *r);
typedef int (*tp_stage_change_fn)(void *user, const tp_stage_change_row *r);
typedef int (*tp_opportunity_fn)(void *user, const tp_opportunity_row *r);
typedef int (*tp_spend_fn)(void *user, const tp_spend_row *r);
typedef int (*tp_mrr_fn)(void *user, const tp_mrr_row *r);

typedef struct tp_store_counts {
	int64_t events, contacts, accounts, visitors, anonymous_visitors, merges;
	int64_t by_stage[TP_STAGE__COUNT];
	int64_t by_channel[TP_CH__COUNT];   /* contacts by the channel of their first touch */
} tp_store_counts;

typedef struct tp_store_ops {
	int version;          /* TP_STORE_OPS_VERSION */
	const char *name;     /* "sqlite", "postgres", "fault" */
	void (*close)(tp_store *s);

	tp_status (*begin)(tp_store *s, tp_ctx *ctx);
	tp_status (*commit)(tp_store *s, tp_ctx *ctx);
	tp_status (*rollback)(tp_store *s, tp_ctx *ctx);
	/* *changed = 1 when another connection committed since the last call
	 * (the first call says 1): what this one cached may be stale. */
	tp_status (*changed_elsewhere)(tp_store *s, tp_ctx *ctx, int *changed);

	/* events */
	tp_status (*event_exists)(tp_store *s, tp_ctx *ctx, const char *message_id, int *exists);
	tp_status (*event_insert)(tp_store *s, tp_ctx *ctx, const tp_event_row *row);
	/* Optional hint: event_exists(message_id) comes soon, a record later. */
	void (*event_prefetch)(tp_store *s, const char *message_id);
	/* Anonymous events of `anonymous_id` (owner none) become contact_id's,
	 * first attributed to `origin` (the contact whose identifier matched). */
	tp_status (*events_adopt)(tp_store *s, tp_ctx *ctx, const char *anonymous_id,
	                          int64_t contact_id, int64_t origin, int64_t *moved);
	/* Events currently owned by `from` are now owned by `to` (a merge). */
	tp_status (*events_reassign)(tp_store *s, tp_ctx *ctx, int64_t from, int64_t to);
	/* Events first attributed to `origin` and now owned by `from` are owned by
	 * `to` again (an unmerge). */
	tp_status (*events_restore)(tp_store *s, tp_ctx *ctx, int64_t origin, int64_t from,
	                            int64_t to, int64_t *moved);
	/* A contact's events, oldest first. */
	tp_status (*events_of_contact)(tp_store *s, tp_ctx *ctx, int64_t contact_id,
	                               tp_touch_fn fn, void *user);

	/* visitors */
	tp_status (*visitor_get)(tp_store *s, tp_ctx *ctx, const char *anonymous_id,
	                         tp_visitor *out, int *found);
	tp_status (*visitor_put)(tp_store *s, tp_ctx *ctx, tp_visitor *v); /* insert when v->id == 0 */
	tp_status (*visitors_of_contact)(tp_store *s, tp_ctx *ctx, int64_t contact_id,
	                                 void (*fn)(void *user, const tp_visitor *v), void *user);

	/* contacts */
	tp_status (*contact_get)(tp_store *s, tp_ctx *ctx, int64_t id, tp_contact *out, int *found);
	tp_status (*contact_find)(tp_store *s, tp_ctx *ctx, tp_contact_key key, const char *value,
	                          int64_t *id);  /* *id = 0 when none */
	tp_status (*contact_put)(tp_store *s, tp_ctx *ctx, tp_contact *c); /* insert when c->id == 0 */
	tp_status (*contacts_list)(tp_store *s, tp_ctx *ctx, const tp_contact_filter *f,
	                           tp_contact_fn fn, void *user);
	/* Removes what identifies contact `id` (alone: the caller erases the
	 * contacts merged into it too): its personal fields, its visitors and
	 * identity notes, and the ids, addresses and properties of its events;
	 * keeps the rows, so counts stay. */
	tp_status (*contact_erase)(tp_store *s, tp_ctx *ctx, int64_t id, int64_t at);
	/* Contacts whose merged_into is `id`. */
	tp_status (*contacts_merged_into)(tp_store *s, tp_ctx *ctx, int64_t id, tp_contact_fn fn,
	                                  void *user);

	/* accounts */
	tp_status (*account_get)(tp_store *s, tp_ctx *ctx, int64_t id, tp_account *out, int *found);
	tp_status (*account_find)(tp_store *s, tp_ctx *ctx, const char *domain, const char *group_id,
	                          int64_t *id); /* by domain, else by group id; 0 = none */
	tp_status (*account_put)(tp_store *s, tp_ctx *ctx, tp_account *a);
	tp_status (*accounts_list)(tp_store *s, tp_ctx *ctx, tp_account_fn fn, void *user);

	/* identity lineage */
	tp_status (*merge_put)(tp_store *s, tp_ctx *ctx, tp_merge *m); /* insert when id == 0 */
	tp_status (*merge_active)(tp_store *s, tp_ctx *ctx, int64_t loser_id, tp_merge *out,
	                          int *found);
	tp_status (*merges_of_contact)(tp_store *s, tp_ctx *ctx, int64_t contact_id, tp_merge_fn fn,
	                               void *user);
	tp_status (*note_insert)(tp_store *s, tp_ctx *ctx, const tp_identity_note *n);
	tp_status (*notes_of_contact)(tp_store *s, tp_ctx *ctx, int64_t contact_id, tp_note_fn fn,
	                              void *user);

	/* lifecycle, business rows */
	tp_status (*stage_change_insert)(tp_store *s, tp_ctx *ctx, const tp_stage_change_row *r);
	tp_status (*spend_insert)(tp_store *s, tp_ctx *ctx, const tp_spend_row *r);
	tp_status (*opportunity_insert)(tp_store *s, tp_ctx *ctx, const tp_opportunity_row *r,
	                                int64_t *id);
	tp_status (*mrr_insert)(tp_store *s, tp_ctx *ctx, const tp_mrr_row *r);

	/* settings: the workspace's channel site lists */
	tp_status (*sites_get)(tp_store *s, tp_ctx *ctx, tp_site_list list, tp_text_fn fn,
	                       void *user, int *stored); /* *stored = 0: never edited */
	tp_status (*sites_set)(tp_store *s, tp_ctx *ctx, tp_site_list list,
	                       const char *const *sites, size_t n);

	tp_status (*counts)(tp_store *s, tp_ctx *ctx, tp_store_counts *out);

	/* Bulk loading, inside one transaction the caller has begun: when the
	 * store holds no events at all it may stop maintaining event indexes
	 * until bulk_end, which rebuilds them and applies the event updates
	 * (adopt, reassign, restore) it queued meanwhile, in order. *entered
	 * says whether it did; when not, nothing changes. NULL = unsupported. */
	tp_status (*bulk_begin)(tp_store *s, tp_ctx *ctx, int *entered);
	tp_status (*bulk_end)(tp_store *s, tp_ctx *ctx);

	/* ---- version 2 ---- */
	/* Workspace settings by key; *found = 0 when never set. */
	tp_status (*setting_get)(tp_store *s, tp_ctx *ctx, const char *key, tp_text_fn fn,
	                         void *user, int *found);
	tp_status (*setting_set)(tp_store *s, tp_ctx *ctx, const char *key, const char *value);
	/* Every event owned by a contact, by contact then time: for rescoring
	 * and model training. */
	tp_status (*events_scan)(tp_store *s, tp_ctx *ctx, tp_touch_fn fn, void *user);
	tp_status (*score_get)(tp_store *s, tp_ctx *ctx, int64_t contact_id, tp_score_row *out,
	                       int *found);
	tp_status (*score_put)(tp_store *s, tp_ctx *ctx, const tp_score_row *r);
	tp_status (*score_delete)(tp_store *s, tp_ctx *ctx, int64_t contact_id);
	tp_status (*scores_list)(tp_store *s, tp_ctx *ctx, tp_score_fn fn, void *user);
	/* Stage history of one contact (0 = every contact), by contact then time. */
	tp_status (*stage_changes)(tp_store *s, tp_ctx *ctx, int64_t contact_id,
	                           tp_stage_change_fn fn, void *user);
	tp_status (*opportunity_get)(tp_store *s, tp_ctx *ctx, int64_t id, tp_opportunity_row *out,
	                             int *found);
	tp_status (*opportunity_update)(tp_store *s, tp_ctx *ctx, const tp_opportunity_row *r);
	tp_status (*opportunities_list)(tp_store *s, tp_ctx *ctx, tp_opportunity_fn fn, void *user);

	/* ---- version 3 ---- */
	/* Ad spend of days in [from, to] (YYYY-MM-DD, inclusive), as it stood at
	 * `as_of` (see tp_spend_row), by date. */
	tp_status (*spend_list)(tp_store *s, tp_ctx *ctx, const char *from, const char *to,
	                        int64_t as_of, tp_spend_fn fn, void *user);
	/* MRR levels as they stood at `as_of`, by account then month. */
	tp_status (*mrr_list)(tp_store *s, tp_ctx *ctx, int64_t as_of, tp_mrr_fn fn, void *user);
	/* Every event (anonymous ones too) with from <= ts <= to, by time. */
	tp_status (*events_between)(tp_store *s, tp_ctx *ctx, int64_t from, int64_t to,
	                            tp_touch_fn fn, void *user);

	/* ---- version 4 ---- */
	tp_status (*key_insert)(tp_store *s, tp_ctx *ctx, tp_api_key_row *r); /* sets r->id */
	tp_status (*keys_list)(tp_store *s, tp_ctx *ctx, tp_api_key_fn fn, void *user);
	/* *found = 0 when the workspace has no key `id` or it was revoked before. */
	tp_status (*key_revoke)(tp_store *s, tp_ctx *ctx, int64_t id, int64_t at, int *found);
	/* The one read not scoped to the open workspace: the key with this hash,
	 * in whichever workspace of the database holds it. */
	tp_status (*key_lookup)(tp_store *s, tp_ctx *ctx, const char *hash, tp_api_key_row *out,
	                        int *found);

	/* ---- version 5 ---- */
	/* Adds a lead to fetch (platform, lead_id, notification, received_at,
	 * next_at of r); *added = 0 when that lead was notified before. */
	tp_status (*lead_fetch_add)(tp_store *s, tp_ctx *ctx, const tp_lead_fetch_row *r,
	                            int *added);
	/* Leads still to fetch whose next_at <= now, soonest first, at most
	 * `limit`, in every workspace of the database (like key_lookup: the
	 * server's fetcher serves them all). */
	tp_status (*lead_fetch_due)(tp_store *s, tp_ctx *ctx, int64_t now, int limit,
	                            tp_lead_fetch_fn fn, void *user);
	/* The earliest next_at of any lead still to fetch; 0 = none. */
	tp_status (*lead_fetch_next)(tp_store *s, tp_ctx *ctx, int64_t *next_at);
	/* Records an attempt: done (done_at > 0), or failed with `error` and
	 * retried at next_at. */
	tp_status (*lead_fetch_update)(tp_store *s, tp_ctx *ctx, int64_t id, int attempts,
	                               int64_t next_at, const char *error, int64_t done_at);
	/* This workspace's leads to fetch (done ones too when `all`), oldest first. */
	tp_status (*lead_fetch_list)(tp_store *s, tp_ctx *ctx, int all, tp_lead_fetch_fn fn,
	                             void *user);

	/* ---- version 6: nurturing (NULL in stores that keep none: memory) ---- */
	/* Inserts, or replaces the workflow of that name; sets r->id. */
	tp_status (*workflow_put)(tp_store *s, tp_ctx *ctx, tp_workflow_row *r);
	tp_status (*workflows_list)(tp_store *s, tp_ctx *ctx, tp_workflow_fn fn, void *user);
	/* Inserts when r->id == 0 (and sets it), else updates. */
	tp_status (*run_put)(tp_store *s, tp_ctx *ctx, tp_run_row *r);
	tp_status (*run_get)(tp_store *s, tp_ctx *ctx, int64_t id, tp_run_row *out, int *found);
	/* The latest run of a workflow for a contact. */
	tp_status (*run_latest)(tp_store *s, tp_ctx *ctx, int64_t workflow_id, int64_t contact_id,
	                        tp_run_row *out, int *found);
	/* Active runs with due_at <= now, soonest first, at most `limit`. */
	tp_status (*runs_due)(tp_store *s, tp_ctx *ctx, int64_t now, int limit, tp_run_fn fn,
	                      void *user);
	/* Runs of one contact (0 = every contact), by id. */
	tp_status (*runs_of_contact)(tp_store *s, tp_ctx *ctx, int64_t contact_id, tp_run_fn fn,
	                             void *user);
	tp_status (*run_log_add)(tp_store *s, tp_ctx *ctx, const tp_run_log_row *r);
	tp_status (*run_logs)(tp_store *s, tp_ctx *ctx, int64_t run_id, tp_run_log_fn fn,
	                      void *user);
	/* Events of contacts with id > after_id, by id, at most `limit`: what
	 * the scheduler has not looked at yet. Only what triggers read is
	 * filled: id, ts, contact_id, type, name, and a form submission's
	 * properties. */
	tp_status (*events_after)(tp_store *s, tp_ctx *ctx, int64_t after_id, int limit,
	                          tp_touch_fn fn, void *user);
	/* Stage changes with id > after_id, by id, at most `limit`. */
	tp_status (*stage_changes_after)(tp_store *s, tp_ctx *ctx, int64_t after_id, int limit,
	                                 tp_stage_change_fn fn, void *user);
	/* Inserts when r->id == 0 (and sets it), else updates. */
	tp_status (*message_put)(tp_store *s, tp_ctx *ctx, tp_message_row *r);
	tp_status (*message_get)(tp_store *s, tp_ctx *ctx, int64_t id, tp_message_row *out,
	                         int *found);
	/* Queued messages with next_at <= now, oldest first, at most `limit`. */
	tp_status (*messages_due)(tp_store *s, tp_ctx *ctx, int64_t now, int limit,
	                          tp_message_fn fn, void *user);
	/* Messages to one contact (0 = all), by id. */
	tp_status (*messages_of_contact)(tp_store *s, tp_ctx *ctx, int64_t contact_id,
	                                 tp_message_fn fn, void *user);
	/* An address that gets no more marketing email: unsubscribed, bounced,
	 * complained. A second call keeps the first reason. */
	tp_status (*suppression_add)(tp_store *s, tp_ctx *ctx, const char *email, const char *reason,
	                             const char *source, int64_t at);
	/* The reason `email` is suppressed, through fn; *found = 0 when it is not. */
	tp_status (*suppression_get)(tp_store *s, tp_ctx *ctx, const char *email, tp_text_fn fn,
	                             void *user, int *found);
	/* Consent as it changed: kept with its source and time (the contact's
	 * own consent column holds the latest). */
	tp_status (*consent_change_add)(tp_store *s, tp_ctx *ctx, int64_t contact_id, int consent,
	                                const char *source, int64_t at);
	/* A contact's consent history, oldest first. */
	tp_status (*consent_changes)(tp_store *s, tp_ctx *ctx, int64_t contact_id,
	                             tp_consent_fn fn, void *user);
	/* Tags (on = 1 adds, 0 removes) and custom fields (value NULL removes). */
	tp_status (*tag_set)(tp_store *s, tp_ctx *ctx, int64_t contact_id, const char *tag, int on);
	tp_status (*tags_of_contact)(tp_store *s, tp_ctx *ctx, int64_t contact_id, tp_text_fn fn,
	                             void *user);
	tp_status (*field_set)(tp_store *s, tp_ctx *ctx, int64_t contact_id, const char *name,
	                       const char *value);
	/* fn gets "name=value" for each custom field. */
	tp_status (*fields_of_contact)(tp_store *s, tp_ctx *ctx, int64_t contact_id, tp_text_fn fn,
	                               void *user);
	/* Contacts whose custom field `name` is >= lo and < hi as text (ISO
	 * dates sort so), by value: the candidates of a date trigger. */
	tp_status (*fields_between)(tp_store *s, tp_ctx *ctx, const char *name, const char *lo,
	                            const char *hi, tp_field_fn fn, void *user);

	/* ---- version 9 ---- */
	/* As events_of_contact, with only what scoring reads (id, ts,
	 * contact_id, type, channel, page_category, asset, video_percent; the
	 * rest NULL): a score's replay reads every event of its contact, and
	 * URLs and properties are most of a row's bytes. */
	tp_status (*events_for_scoring)(tp_store *s, tp_ctx *ctx, int64_t contact_id,
	                                tp_touch_fn fn, void *user);

	/* ---- version 10: the collector's inbox (NULL in memory stores) ---- */
	/* Appends a body (r->call, events, received_at, body, len); sets r->id. */
	tp_status (*inbox_add)(tp_store *s, tp_ctx *ctx, tp_inbox_row *r);
	/* Bodies with id > after_id still to store, oldest first, at most `limit`. */
	tp_status (*inbox_take)(tp_store *s, tp_ctx *ctx, int64_t after_id, int limit,
	                        tp_inbox_fn fn, void *user);
	/* Removes the bodies with id <= upto_id: in the transaction that stored
	 * their calls, so that each is stored exactly once. */
	tp_status (*inbox_remove)(tp_store *s, tp_ctx *ctx, int64_t upto_id);
	/* Sets a body aside with the reason its calls could not be stored. */
	tp_status (*inbox_fail)(tp_store *s, tp_ctx *ctx, int64_t id, const char *error);
	/* Bodies (and their calls) still to store; and those set aside. */
	tp_status (*inbox_count)(tp_store *s, tp_ctx *ctx, int64_t *bodies, int64_t *events,
	                         int64_t *failed);
	/* Every workspace of the database with bodies still to store (like
	 * key_lookup, not scoped: a restarted server finds them all). */
	tp_status (*inbox_workspaces)(tp_store *s, tp_ctx *ctx, tp_workspace_fn fn, void *user);
	/* ---- version 11 ---- */
	/* As events_for_scoring, for every owned event, in storage order (the
	 * caller sorts): one sequential read when most contacts replay at once
	 * (after a bulk load), instead of a query per contact that fetches its
	 * rows at random. */
	tp_status (*events_for_scoring_all)(tp_store *s, tp_ctx *ctx, tp_touch_fn fn, void *user);
	/* ---- version 12 ---- */
	/* Called outside any transaction just before one that will try
	 * bulk_begin: the store may get ready for a load (SQLite writes a first
	 * load through a rollback journal, see store_sqlite.c) and undoes it by
	 * itself when that transaction ends. NULL = nothing to do. */
	tp_status (*bulk_prepare)(tp_store *s, tp_ctx *ctx);
} tp_store_ops;

/* Every backend's handle starts with this. */
struct tp_store {
	const tp_store_ops *ops;
	int64_t workspace_id;
	const char *workspace;   /* name; owned by the backend */
};

typedef enum tp_open_mode {
	TP_OPEN_EXISTING,  /* the database must exist; pending migrations are applied */
	TP_OPEN_CREATE     /* create the file and the workspace when missing */
} tp_open_mode;

/* Opens (or creates) a SQLite workspace database at `path` for workspace
 * `workspace` ("default" when NULL). Returns new — close with
 * tp_store_close(). Fails with TP_ERR_NOT_FOUND (no such file or workspace),
 * TP_ERR_SCHEMA (written by a newer binary), TP_ERR_STORE. */
TP_API tp_status tp_store_open_sqlite(tp_ctx *ctx, const char *path, const char *workspace,
                                      tp_open_mode mode, tp_store **out);
/* Accepts NULL. */
TP_API void tp_store_close(tp_store *s);

/* Returns a new in-memory store that keeps what identity resolution reads
 * back (contacts, accounts, visitors, message ids) and no history; for
 * benchmarks of the engine without a database. NULL when out of memory. */
TP_API tp_store *tp_store_open_memory(void);

/* Wraps `inner` (borrowed; close it after the wrapper) in a store whose
 * `fail_at_write`-th write — event insert, contact or visitor write, or
 * commit — fails with TP_ERR_STORE. For tests. Returns new — close with
 * tp_store_close(); NULL when out of memory. */
TP_API tp_store *tp_store_fault_wrap(tp_store *inner, int64_t fail_at_write);
/* Rolls back the open transaction, if any, keeping the caller's ctx
 * untouched: the message of the failure that led here survives. */
TP_API void tp_store_rollback_quiet(tp_store *s);
/* A workspace setting's value: *value is new (free() it), or NULL when the
 * key was never set (or the store keeps no settings). */
TP_API tp_status tp_store_setting(tp_ctx *ctx, tp_store *s, const char *key, char **value);
/* The schema version this binary writes. */
TP_API int tp_store_schema_version(void);

#endif
