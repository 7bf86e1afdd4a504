/* Shared helpers of the CLI: opening the store, errors, tables, CSV, JSON. */
#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

const char *cli_default_db(void)
{
	const char *env = getenv("TOUCHPOINT_DB");
	return env && *env ? env : "touchpoint.db";
}

tp_store *cli_open(tp_ctx *ctx, const char *db, const char *workspace)
{
	tp_store *s = NULL;
	tp_status rc = tp_store_open_sqlite(ctx, db, workspace, TP_OPEN_EXISTING, &s);
	if (rc != TP_OK) {
		cli_fail(ctx, rc);
		return NULL;
	}
	return s;
}

int cli_fail(tp_ctx *ctx, tp_status rc)
{
	const char *msg = tp_ctx_message(ctx);
	fprintf(stderr, "touchpoint: %s\n", *msg ? msg : tp_strerror(rc));
	return EXIT_FAILED;
}

int cli_usage(const char *command, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("touchpoint: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	for (const cli_command *c = cli_commands; c->name; c++)
		if (strcmp(c->name, command) == 0)
			fprintf(stderr, "usage: touchpoint %s %s\n", c->name, c->usage);
	return EXIT_USAGE;
}

const char *cli_full_name(const tp_contact *c, char *buf, size_t cap)
{
	snprintf(buf, cap, "%s%s%s", c->first_name ? c->first_name : "",
	         c->first_name && c->last_name ? " " : "", c->last_name ? c->last_name : "");
	return buf;
}

int cli_contact(tp_ctx *ctx, tp_store *s, const char *key, int64_t *id)
{
	tp_identity *ident = tp_identity_create(s);
	if (!ident)
		return cli_fail(ctx, tp_ctx_fail(ctx, TP_ERR_NOMEM, NULL, "out of memory"));
	tp_status rc = tp_identity_lookup(ident, ctx, key, id);
	int64_t root = *id;
	if (rc == TP_OK && *id)
		rc = tp_identity_root(ident, ctx, *id, &root);
	tp_identity_destroy(ident);
	if (rc != TP_OK)
		return cli_fail(ctx, rc);
	if (!*id) {
		fprintf(stderr, "touchpoint: no contact \"%s\"\n", key);
		return EXIT_FAILED;
	}
	*id = root;   /* a merged contact is the person it was merged into */
	return 0;
}

const char *cli_time(int64_t ms, char buf[32])
{
	if (!ms) {
		buf[0] = '\0';
		return buf;
	}
	char full[25];
	tp_time_format(ms, full);
	snprintf(buf, 32, "%.10s %.5s", full, full + 11);
	return buf;
}

static int allowed_has(const char *allowed, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = allowed; (p = strstr(p, name)) != NULL; p += n)
		if ((p == allowed || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return 1;
	return 0;
}

static int number(const char *command, const char *name, const char *v, long long *out)
{
	char *end;
	long long n = strtoll(v, &end, 10);
	if (!*v || *end || n < 0)
		return cli_usage(command, "--%s needs a whole number >= 0, not \"%s\"", name, v);
	*out = n;
	return 0;
}

static int parse(const char *command, int argc, char **argv, const char *allowed, cli_opts *o);

int cli_parse(const char *command, int argc, char **argv, const char *allowed, cli_opts *o)
{
	int rc = parse(command, argc, argv, allowed, o);
	if (rc)
		cli_opts_free(o);
	return rc;
}

static int parse(const char *command, int argc, char **argv, const char *allowed, cli_opts *o)
{
	static const struct {
		const char *name;
		int kind; /* 0 flag, 1 text, 2 number */
		size_t offset;
	} table[] = {
		{"db", 1, offsetof(cli_opts, db)},
		{"workspace", 1, offsetof(cli_opts, workspace)},
		{"map", 1, offsetof(cli_opts, map)},
		{"stage", 1, offsetof(cli_opts, stage)},
		{"reason", 1, offsetof(cli_opts, reason)},
		{"events-out", 1, offsetof(cli_opts, events_out)},
		{"limit", 2, offsetof(cli_opts, limit)},
		{"contacts", 2, offsetof(cli_opts, contacts)},
		{"seed", 2, offsetof(cli_opts, seed)},
		{"days", 2, offsetof(cli_opts, days)},
		{"by", 1, offsetof(cli_opts, by)},
		{"set", 1, offsetof(cli_opts, set)},
		{"owner", 1, offsetof(cli_opts, owner)},
		{"account", 1, offsetof(cli_opts, account)},
		{"contact", 1, offsetof(cli_opts, contact)},
		{"amount", 1, offsetof(cli_opts, amount)},
		{"currency", 1, offsetof(cli_opts, currency)},
		{"close-date", 1, offsetof(cli_opts, close_date)},
		{"lost-reason", 1, offsetof(cli_opts, lost_reason)},
		{"name", 1, offsetof(cli_opts, name)},
		{"source", 1, offsetof(cli_opts, source)},
		{"label", 1, offsetof(cli_opts, label)},
		{"probability", 2, offsetof(cli_opts, probability)},
		{"window", 2, offsetof(cli_opts, window)},
		{"model", 1, offsetof(cli_opts, model)},
		{"lookback", 1, offsetof(cli_opts, lookback)},
		{"conversion", 1, offsetof(cli_opts, conversion)},
		{"paths", 1, offsetof(cli_opts, paths)},
		{"half-life", 1, offsetof(cli_opts, half_life)},
		{"as-of", 1, offsetof(cli_opts, as_of)},
		{"from", 1, offsetof(cli_opts, from)},
		{"to", 1, offsetof(cli_opts, to)},
		{"format", 1, offsetof(cli_opts, format)},
		{"month", 1, offsetof(cli_opts, month)},
		{"order", 2, offsetof(cli_opts, order)},
		{"min-journeys", 2, offsetof(cli_opts, min_journeys)},
		{"listen", 1, offsetof(cli_opts, listen)},
		{"redirect", 1, offsetof(cli_opts, redirect)},
		{"consent-field", 1, offsetof(cli_opts, consent_field)},
		{"honeypot", 1, offsetof(cli_opts, honeypot)},
		{"app-secret", 1, offsetof(cli_opts, app_secret)},
		{"verify-token", 1, offsetof(cli_opts, verify_token)},
		{"access-token", 1, offsetof(cli_opts, access_token)},
		{"api-url", 1, offsetof(cli_opts, api_url)},
		{"smtp", 1, offsetof(cli_opts, smtp)},
		{"public-url", 1, offsetof(cli_opts, public_url)},
		{"require-consent", 1, offsetof(cli_opts, require_consent)},
		{"sales-to", 1, offsetof(cli_opts, sales_to)},
		{"smtp-ca", 1, offsetof(cli_opts, smtp_ca)},
		{"owner-email", 1, offsetof(cli_opts, owner_email)},
		{"rate", 2, offsetof(cli_opts, rate)},
		{"max-steps", 2, offsetof(cli_opts, max_steps)},
		{"lead-retry-ms", 2, offsetof(cli_opts, lead_retry_ms)},
		{"all", 0, offsetof(cli_opts, all)},
		{"no-nurture", 0, offsetof(cli_opts, no_nurture)},
		{"nurture-poll-ms", 2, offsetof(cli_opts, nurture_poll_ms)},
		{"queue-over", 2, offsetof(cli_opts, queue_over)},
		{"inbox-limit", 2, offsetof(cli_opts, inbox_limit)},
		{"cache-mb", 2, offsetof(cli_opts, cache_mb)},
		{"access-log", 1, offsetof(cli_opts, access_log)},
		{"port-file", 1, offsetof(cli_opts, port_file)},
		{"body-limit", 2, offsetof(cli_opts, body_limit)},
		{"batch-limit", 2, offsetof(cli_opts, batch_limit)},
		{"threads", 2, offsetof(cli_opts, threads)},
		{"form-rate", 2, offsetof(cli_opts, form_rate)},
		{"accounts", 0, offsetof(cli_opts, accounts)},
		{"reset", 0, offsetof(cli_opts, reset)},
		{"json", 0, offsetof(cli_opts, json)},
		{"csv", 0, offsetof(cli_opts, csv)},
		{"strict", 0, offsetof(cli_opts, strict)},
		{"overwrite", 0, offsetof(cli_opts, overwrite)},
	};
	memset(o, 0, sizeof *o);
	o->db = cli_default_db();
	o->limit = -1;
	o->rate = -1;
	o->probability = -1;
	o->window = -1;
	o->order = -1;
	o->min_journeys = -1;
	o->queue_over = -1;
	o->args = calloc((size_t)argc + 1, sizeof *o->args);
	if (!o->args)
		return EXIT_FAILED;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "-") == 0 || strncmp(a, "--", 2) != 0 || a[2] == '\0') {
			o->args[o->nargs++] = argv[i];
			continue;
		}
		char name[32];
		const char *eq = strchr(a + 2, '=');
		size_t n = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
		snprintf(name, sizeof name, "%.*s", (int)n, a + 2);
		size_t k;
		for (k = 0; k < sizeof table / sizeof table[0]; k++)
			if (strcmp(table[k].name, name) == 0)
				break;
		if (k == sizeof table / sizeof table[0] || !allowed_has(allowed, name))
			return cli_usage(command, "unknown option --%s", name);
		char *field = (char *)o + table[k].offset;
		if (table[k].kind == 0) {
			*(int *)field = 1;
			continue;
		}
		const char *v = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
		if (!v)
			return cli_usage(command, "--%s needs a value", name);
		if (table[k].kind == 1)
			*(const char **)field = v;
		else if (number(command, name, v, (long long *)field) != 0)
			return EXIT_USAGE;
	}
	if (o->json && o->csv)
		return cli_usage(command, "--json and --csv exclude each other");
	return 0;
}

cli_format cli_format_of(const cli_opts *o)
{
	return o->json ? FMT_JSON : o->csv ? FMT_CSV : FMT_TABLE;
}

void cli_opts_free(cli_opts *o)
{
	free(o->args);
	o->args = NULL;
}
