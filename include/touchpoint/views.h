/* Views: what the CLI prints and the HTTP API answers, built once, so that
 * `touchpoint report kpi --json` and GET /v1/reports/kpi give the same
 * document. JSON shapes are documented in docs/CLI.md and docs/openapi.yaml;
 * they only grow (fields are added, never renamed or removed). Times are
 * ISO 8601 UTC strings, ids numbers, unknown values null, never omitted. */
#ifndef TOUCHPOINT_VIEWS_H
#define TOUCHPOINT_VIEWS_H

#include <stdint.h>
#include <stdio.h>

#include "touchpoint/ctx.h"
#include "touchpoint/model.h"
#include "touchpoint/store.h"

struct cJSON;

typedef enum tp_format { TP_FORMAT_TABLE, TP_FORMAT_JSON, TP_FORMAT_CSV } tp_format;

/* ---- reports ---- */

/* A report's options as text, as a user gives them (NULL = the default):
 * the CLI's --by etc., the API's query parameters. */
typedef struct tp_report_args {
	const char *by, *from, *to, *as_of, *month, *model, *currency;
	const char *conversion, *lookback, *half_life, *order, *min_journeys, *limit;
	FILE *paths;   /* attribution and paths: journeys from a path file instead of the store */
} tp_report_args;

/* Sets the option named `key` ("as_of" or "as-of"); TP_ERR_USAGE naming the
 * key when no report takes it. */
TP_API tp_status tp_report_arg(tp_ctx *ctx, tp_report_args *args, const char *key,
                               const char *value);
/* Writes report `name` (funnel, kpi, revenue, pipeline, attribution, paths)
 * to `out`. A bad option fails with TP_ERR_USAGE and the option's name as
 * the field; `s` may be NULL when args->paths gives the journeys. Notes that
 * belong beside a table (a model left out) go to `notes` (may be NULL); JSON
 * carries them in the document. */
TP_API tp_status tp_report_write(tp_ctx *ctx, tp_store *s, const char *name,
                                 const tp_report_args *args, tp_format format, FILE *out,
                                 FILE *notes);

/* ---- people and deals ---- */

/* A contact as `contacts show --json` prints it: profile (gaps filled from
 * contacts merged into it), account, visitors, merges, identity notes and
 * the timeline of touches. */
TP_API tp_status tp_view_contact(tp_ctx *ctx, tp_store *s, int64_t id, struct cJSON **out);
/* Contacts matching f, by id; at most `limit` (< 0: all). *next_after is the
 * last id given when more are left, else 0 (the API's cursor). */
TP_API tp_status tp_view_contacts(tp_ctx *ctx, tp_store *s, const tp_contact_filter *f,
                                  long long limit, struct cJSON **out, int64_t *next_after);
TP_API tp_status tp_view_accounts(tp_ctx *ctx, tp_store *s, long long limit, struct cJSON **out);
/* An account with its people; TP_ERR_NOT_FOUND when there is none. */
TP_API tp_status tp_view_account(tp_ctx *ctx, tp_store *s, int64_t id, struct cJSON **out);
TP_API tp_status tp_view_stage_history(tp_ctx *ctx, tp_store *s, int64_t id, struct cJSON **out);
/* The score replayed now, part by part, beside the stored one. */
TP_API tp_status tp_view_score(tp_ctx *ctx, tp_store *s, int64_t id, struct cJSON **out);
/* MQLs not yet accepted (of `owner` when not NULL), best score first, at
 * most `limit` (< 0: all); *waiting = all of them. */
TP_API tp_status tp_view_queue(tp_ctx *ctx, tp_store *s, const char *owner, long long limit,
                               struct cJSON **out, size_t *waiting);

/* ---- JSON records ---- */

TP_API struct cJSON *tp_json_stage_change(const tp_stage_change_row *r);
TP_API struct cJSON *tp_json_opportunity(const tp_opportunity_row *r);

TP_API struct cJSON *tp_json_contact(const tp_contact *c);
/* n_contacts < 0 leaves the count out. */
TP_API struct cJSON *tp_json_account(const tp_account *a, int64_t n_contacts);
TP_API struct cJSON *tp_json_touch(const tp_touch_record *t);
/* null for 0 */
TP_API struct cJSON *tp_json_time(int64_t ms);
/* Adds a string, or null when s is NULL. */
TP_API void tp_json_add_str(struct cJSON *obj, const char *key, const char *s);
/* Adds a number, or null when v < 0 (unknown). */
TP_API void tp_json_add_count(struct cJSON *obj, const char *key, int64_t v);
/* Adds a number, or null when v < 0 (undefined: a zero denominator). */
TP_API void tp_json_add_number(struct cJSON *obj, const char *key, double v);
/* Prints a cJSON value (pretty) followed by a newline, and deletes it. */
TP_API void tp_json_print(struct cJSON *v, FILE *out);

/* ---- text ---- */

/* Aligned text tables: add a header row, then rows; cells are copied. */
typedef struct tp_table tp_table;
TP_API tp_table *tp_table_new(int columns);
TP_API void tp_table_add(tp_table *t, const char *const *cells);
TP_API void tp_table_print(tp_table *t, FILE *out);
TP_API void tp_table_free(tp_table *t);
/* Writes one CSV row (cells neutralised against formula injection). */
TP_API void tp_csv_row(FILE *out, const char *const *cells, int n);
/* Money in minor units as "12,500.00"; into buf. */
TP_API const char *tp_money_text(int64_t minor, char *buf, size_t cap);

#endif
