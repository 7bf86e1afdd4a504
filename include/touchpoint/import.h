/* Event import: Segment-spec JSON Lines into the store, through the parser,
 * identity resolution and channel grouping. The same tp_importer serves the
 * CLI and (later) the HTTP collector. */
#ifndef TOUCHPOINT_IMPORT_H
#define TOUCHPOINT_IMPORT_H

#include <stdint.h>
#include <stdio.h>

#include "touchpoint/ctx.h"
#include "touchpoint/segment.h"
#include "touchpoint/store.h"

typedef struct tp_import_stats {
	int64_t records;          /* non-blank lines read */
	int64_t accepted;         /* calls stored and committed */
	int64_t duplicates;       /* calls whose messageId was stored before: not stored again */
	int64_t rejected;         /* calls (or whole records) refused */
	int64_t contacts_created, merges, conflicts, adopted;
	int64_t mqls;             /* contacts the MQL rule moved to mql */
	int64_t bytes;
	int64_t cache_resets;     /* times the caches were emptied for passing opts.cache_limit */
} tp_import_stats;

typedef void (*tp_reject_fn)(void *user, int64_t line, const char *field, const char *message);
typedef void (*tp_progress_fn)(void *user, const tp_import_stats *st, double seconds);

typedef struct tp_import_opts {
	int strict;               /* stop at the first bad call and store nothing */
	const char *actor;        /* who acts, in the stage history; "import" when NULL */
	int64_t commit_every;     /* calls per transaction; 0 = 50,000 */
	int no_bulk;              /* never use the store's bulk load (see tp_store_ops.bulk_begin):
	                           * by default a workspace with no events yet is loaded in
	                           * one transaction with its indexes built at the end */
	int no_lifecycle;         /* score, but never move stages (a CRM owns them: the demo) */
	int leads;                /* a tp_lead_format: records are that platform's lead payloads */
	size_t cache_limit;       /* bytes identity's and the scorer's caches may hold when a
	                           * transaction begins; more, and they are emptied (the store
	                           * has it all) and refill as calls come: the bound of a
	                           * long-lived importer (the server's). 0 = 512 MiB */
	tp_reject_fn on_reject;   /* each refused call, with its line */
	tp_progress_fn on_progress; /* about once a second */
	void *user;
} tp_import_opts;

typedef struct tp_importer tp_importer;

/* Borrows store and opts for its lifetime; reads the workspace's channel
 * site lists. Returns TP_OK and *out — free with tp_importer_destroy(). */
TP_API tp_status tp_importer_create(tp_ctx *ctx, tp_store *store, const tp_import_opts *opts,
                                    tp_importer **out);
/* Rolls back what was not committed. Accepts NULL. */
TP_API void tp_importer_destroy(tp_importer *imp);

/* Takes one JSON Lines record (a call or a batch); `line` is its number for
 * messages. Refused calls are counted and reported, not errors: the return
 * is an error only when the store fails, or in strict mode (TP_ERR_INVALID). */
TP_API tp_status tp_importer_record(tp_importer *imp, tp_ctx *ctx, const char *json, size_t len,
                                    int64_t line);
/* Takes one call (or batch) sent now to a collector endpoint; endpoint_call
 * as in tp_segment_parse_live. */
TP_API tp_status tp_importer_record_live(tp_importer *imp, tp_ctx *ctx, const char *json,
                                         size_t len, int endpoint_call);
/* Takes the calls of one record already parsed (tp_segment_parse_live;
 * their strings borrowed for the call), `len` bytes long: a collector
 * parses a body once, on the thread that answers it. */
TP_API tp_status tp_importer_items(tp_importer *imp, tp_ctx *ctx, const tp_parse_item *items,
                                   size_t n, size_t len);
/* Forgets everything taken since the last commit (rolls the store back and
 * empties the caches that may hold it). */
TP_API void tp_importer_abort(tp_importer *imp);
/* Opens the importer's transaction when none is: for the caller's own
 * writes to its store that must commit with the records (the server's
 * lead outbox). */
TP_API tp_status tp_importer_begin(tp_importer *imp, tp_ctx *ctx);
/* Makes everything taken so far durable. */
TP_API tp_status tp_importer_commit(tp_importer *imp, tp_ctx *ctx);
/* Counters; `accepted` counts committed calls only. */
TP_API const tp_import_stats *tp_importer_stats(const tp_importer *imp);

/* Reads `in` to the end, line by line, committing every opts->commit_every
 * calls and at the end. On TP_OK every accepted call is durable. */
TP_API tp_status tp_import_events(tp_ctx *ctx, tp_store *store, FILE *in,
                                  const tp_import_opts *opts, tp_import_stats *stats);

/* The same for a platform's CSV export of leads (opts->leads says which:
 * tp_lead_csv_read); `line` in rejections is the row's. */
TP_API tp_status tp_import_lead_csv(tp_ctx *ctx, tp_store *store, FILE *in,
                                    const tp_import_opts *opts, tp_import_stats *stats);

/* ---- contacts from a CRM export (CSV) ---------------------------------- */

typedef struct tp_contacts_import_opts {
	const char *map;         /* "email=Work Email,stage=Status": field=Header overrides */
	int overwrite;           /* given values replace stored ones (default: fill blanks) */
	int strict;              /* stop at the first bad row and store nothing */
	tp_reject_fn on_reject;  /* each refused row, with its row number */
	void *user;
} tp_contacts_import_opts;

typedef struct tp_contacts_import_stats {
	int64_t rows, created, updated, rejected;
} tp_contacts_import_stats;

/* The fields a column can map to, NULL-terminated (for help and --map). */
TP_API const char *const *tp_contact_fields(void);

/* Imports a CSV of contacts: header row first; columns recognised by the
 * usual HubSpot and Salesforce export names (docs/CLI.md lists them) or by
 * opts->map. Contacts are matched by normalized email. */
TP_API tp_status tp_import_contacts(tp_ctx *ctx, tp_store *store, FILE *in,
                                    const tp_contacts_import_opts *opts,
                                    tp_contacts_import_stats *stats);

/* ---- ad spend from the ad platforms' reports (CSV) ---------------------- */

typedef enum tp_spend_format {
	TP_SPEND_AUTO,        /* detected by the header */
	TP_SPEND_GOOGLE,      /* Google Ads: Day, Campaign, Currency code, Impr., Clicks, Cost */
	TP_SPEND_META,        /* Meta Ads Manager: Day, Campaign name, Impressions, Link clicks,
	                       * Amount spent (USD) */
	TP_SPEND_LINKEDIN,    /* LinkedIn Campaign Manager: Start Date (in UTC), Campaign Name,
	                       * Currency, Total Spent, Impressions, Clicks */
	TP_SPEND_TIKTOK,      /* TikTok Ads Manager: Date, Campaign name, Currency, Cost,
	                       * Impressions, Clicks (destination) */
	TP_SPEND_TOUCHPOINT,  /* date, channel, source, campaign, impressions, clicks, cost,
	                       * currency: any other platform, by hand */
	TP_SPEND__COUNT
} tp_spend_format;

TP_API const char *tp_spend_format_name(tp_spend_format f);   /* "google", ... */
TP_API int tp_spend_format_from_name(const char *name, tp_spend_format *out);

typedef struct tp_spend_import_opts {
	tp_spend_format format;
	const char *currency;    /* when the file does not say it */
	int strict;              /* stop at the first bad row and store nothing */
	tp_reject_fn on_reject;  /* each refused row, with its row number */
	void *user;
} tp_spend_import_opts;

typedef struct tp_spend_import_stats {
	tp_spend_format format;  /* as detected */
	int64_t rows, stored, totals, rejected;   /* totals: the report's "Total" rows, skipped */
	int64_t impressions, clicks, cost;        /* of the stored rows; cost in minor units */
	char currency[4];        /* of the stored rows; "" when they differ */
	char first_date[11], last_date[11];
} tp_spend_import_stats;

/* One import: every row stored carries the same imported_at (now), so it
 * supersedes earlier imports of the same days and campaigns (tp_spend_row).
 * All rows are stored in one transaction. */
TP_API tp_status tp_import_spend(tp_ctx *ctx, tp_store *store, FILE *in,
                                 const tp_spend_import_opts *opts, tp_spend_import_stats *stats);

/* ---- MRR from billing (CSV) -------------------------------------------- */

typedef struct tp_revenue_import_opts {
	const char *currency;    /* when the file has no currency column; else USD */
	int strict;              /* stop at the first bad row and store nothing */
	tp_reject_fn on_reject;
	void *user;
} tp_revenue_import_opts;

typedef struct tp_revenue_import_stats {
	int64_t rows, stored, rejected, accounts_created;
	char first_month[8], last_month[8];
} tp_revenue_import_stats;

/* A billing export of MRR levels: one row per account (domain, website or
 * Touchpoint account id) and month, with the MRR of that month; several rows
 * of one account and month (subscriptions, products) add up. An account
 * unknown by domain is created. Rows supersede earlier imports of the same
 * account and month (tp_mrr_row); one transaction. */
TP_API tp_status tp_import_revenue(tp_ctx *ctx, tp_store *store, FILE *in,
                                   const tp_revenue_import_opts *opts,
                                   tp_revenue_import_stats *stats);

#endif
