/* The command line: one file per subcommand, one table entry each
 * (name, summary, usage, handler); help comes from the table. The CLI
 * includes only the public headers and holds no business rules. */
#ifndef TP_CLI_H
#define TP_CLI_H

#include <stdint.h>
#include <stdio.h>

#include "touchpoint/touchpoint.h"

/* Exit codes (docs/CLI.md). */
enum {
	EXIT_OK = 0,
	EXIT_FAILED = 1,   /* the command could not do its work */
	EXIT_USAGE = 2,    /* wrong arguments */
	EXIT_PARTIAL = 3,  /* done, but some input was refused (listed on stderr) */
};

typedef struct cli_command {
	const char *name;
	const char *summary;
	const char *usage;     /* after "touchpoint NAME " */
	int (*run)(tp_ctx *ctx, int argc, char **argv);
} cli_command;

typedef enum cli_format { FMT_TABLE, FMT_JSON, FMT_CSV } cli_format;

/* The subcommands, one file each (cmd_NAME.c). */
int cmd_init(tp_ctx *ctx, int argc, char **argv);
int cmd_import(tp_ctx *ctx, int argc, char **argv);
int cmd_contacts(tp_ctx *ctx, int argc, char **argv);
int cmd_accounts(tp_ctx *ctx, int argc, char **argv);
int cmd_demo(tp_ctx *ctx, int argc, char **argv);
int cmd_status(tp_ctx *ctx, int argc, char **argv);
int cmd_channels(tp_ctx *ctx, int argc, char **argv);
int cmd_stage(tp_ctx *ctx, int argc, char **argv);
int cmd_score(tp_ctx *ctx, int argc, char **argv);
int cmd_queue(tp_ctx *ctx, int argc, char **argv);
int cmd_opportunities(tp_ctx *ctx, int argc, char **argv);
int cmd_report(tp_ctx *ctx, int argc, char **argv);
int cmd_keys(tp_ctx *ctx, int argc, char **argv);
int cmd_serve(tp_ctx *ctx, int argc, char **argv);
int cmd_forms(tp_ctx *ctx, int argc, char **argv);
int cmd_leads(tp_ctx *ctx, int argc, char **argv);
int cmd_nurture(tp_ctx *ctx, int argc, char **argv);

/* Every subcommand, in help order. */
extern const cli_command cli_commands[];

/* Options every subcommand may accept; each names which it takes. */
typedef struct cli_opts {
	const char *db, *workspace, *map, *stage, *reason, *events_out;
	const char *by, *set, *owner, *account, *contact, *amount, *currency, *close_date;
	const char *lost_reason, *name, *source, *label;
	const char *model, *lookback, *conversion, *paths, *half_life, *as_of, *from, *to;
	const char *format, *month, *listen, *access_log, *port_file;
	const char *redirect, *consent_field, *honeypot;
	const char *app_secret, *verify_token, *access_token, *api_url;
	const char *smtp, *public_url, *require_consent, *sales_to, *owner_email, *smtp_ca;
	long long rate, max_steps;
	long long body_limit, batch_limit, threads, form_rate, lead_retry_ms, nurture_poll_ms;
	long long queue_over, inbox_limit, cache_mb;
	long long limit, contacts, seed, days, probability, window, order, min_journeys;
	int json, csv, strict, overwrite, accounts, reset, all, no_nurture;
	char **args;   /* positional arguments */
	int nargs;
} cli_opts;

/* Parses argv[1..] (argv[0] is the command) accepting only the options named
 * in `allowed` ("db workspace json"). Returns 0, or prints a usage error and
 * returns EXIT_USAGE. */
int cli_parse(const char *command, int argc, char **argv, const char *allowed, cli_opts *o);
cli_format cli_format_of(const cli_opts *o);
void cli_opts_free(cli_opts *o);

/* "--db FILE" default: $TOUCHPOINT_DB, else touchpoint.db. */
const char *cli_default_db(void);
/* Opens an existing workspace database; prints the error and returns NULL. */
tp_store *cli_open(tp_ctx *ctx, const char *db, const char *workspace);
/* Prints "touchpoint: MESSAGE" for a failed call; returns EXIT_FAILED. */
int cli_fail(tp_ctx *ctx, tp_status rc);
/* Prints a usage error and the command's usage; returns EXIT_USAGE. */
int cli_usage(const char *command, const char *fmt, ...) TP_PRINTF(2, 3);

/* "First Last", "First", "Last" or "" into buf. */
const char *cli_full_name(const tp_contact *c, char *buf, size_t cap);

/* Finds a contact by id, email or user id; prints the error and returns
 * non-zero when there is none. */
int cli_contact(tp_ctx *ctx, tp_store *s, const char *key, int64_t *id);

/* "2026-03-01 10:00" for tables; "" for 0. */
const char *cli_time(int64_t ms, char buf[32]);

#endif
