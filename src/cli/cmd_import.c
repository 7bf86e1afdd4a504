/* touchpoint import events|contacts: JSON Lines and CSV into a workspace. */
#include <errno.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"

typedef struct progress {
	int shown;
	int tty;
} progress;

static void on_reject(void *user, int64_t line, const char *field, const char *message)
{
	(void)user;
	if (field && *field)
		fprintf(stderr, "line %lld: %s: %s\n", (long long)line, field, message);
	else
		fprintf(stderr, "line %lld: %s\n", (long long)line, message);
}

static void on_row_reject(void *user, int64_t row, const char *field, const char *message)
{
	(void)user;
	fprintf(stderr, "row %lld: %s: %s\n", (long long)row, field, message);
}

static void on_progress(void *user, const tp_import_stats *st, double seconds)
{
	progress *p = user;
	p->shown = 1;
	fprintf(stderr, "%simported %lld calls from %lld lines (%lld duplicate, %lld refused),"
	        " %.0f calls/s%s",
	        p->tty ? "\r" : "", (long long)st->accepted, (long long)st->records,
	        (long long)st->duplicates, (long long)st->rejected,
	        seconds > 0 ? (double)(st->accepted + st->duplicates) / seconds : 0.0,
	        p->tty ? "" : "\n");
}

static FILE *open_input(const char *path)
{
	if (strcmp(path, "-") == 0)
		return stdin;
	return fopen(path, "rb");
}

static int import_events(tp_ctx *ctx, tp_store *s, const cli_opts *o, FILE *in,
                         tp_lead_format leads, int csv)
{
	progress p = {0, isatty(fileno(stderr))};
	tp_import_opts opts = {
		.strict = o->strict,
		.leads = (int)leads,
		.on_reject = on_reject,
		.on_progress = on_progress,
		.user = &p,
	};
	tp_import_stats st;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	/* A platform's CSV export, or its JSON payloads one a line. */
	tp_status rc = leads && csv ? tp_import_lead_csv(ctx, s, in, &opts, &st)
	                            : tp_import_events(ctx, s, in, &opts, &st);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double sec = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	if (p.shown && p.tty)
		fputc('\n', stderr);
	if (rc != TP_OK) {
		cli_fail(ctx, rc);
		fprintf(stderr, "touchpoint: %s; %lld calls stored before the stop\n",
		        o->strict ? "nothing from this import was stored" : "import stopped",
		        (long long)st.accepted);
		return EXIT_FAILED;
	}
	printf("%lld lines: %lld calls stored, %lld duplicates skipped, %lld refused;"
	       " %lld new contacts, %lld merges, %lld identity conflicts logged\n",
	       (long long)st.records, (long long)st.accepted, (long long)st.duplicates,
	       (long long)st.rejected, (long long)st.contacts_created, (long long)st.merges,
	       (long long)st.conflicts);
	if (st.mqls)
		printf("%lld contacts reached the MQL threshold and moved to mql\n", (long long)st.mqls);
	/* Timing only where progress was shown: short runs keep stderr for problems. */
	if (p.shown)
		fprintf(stderr, "%.2f s, %.0f calls/s\n", sec,
		        sec > 0 ? (double)(st.accepted + st.duplicates) / sec : 0.0);
	return st.rejected ? EXIT_PARTIAL : EXIT_OK;
}

static int import_contacts(tp_ctx *ctx, tp_store *s, const cli_opts *o, FILE *in)
{
	tp_contacts_import_opts opts = {
		.map = o->map,
		.overwrite = o->overwrite,
		.strict = o->strict,
		.on_reject = on_row_reject,
	};
	tp_contacts_import_stats st;
	tp_status rc = tp_import_contacts(ctx, s, in, &opts, &st);
	if (rc != TP_OK) {
		cli_fail(ctx, rc);
		if (o->strict)
			fputs("touchpoint: nothing from this file was stored\n", stderr);
		return rc == TP_ERR_USAGE ? EXIT_USAGE : EXIT_FAILED;
	}
	printf("%lld rows: %lld contacts created, %lld matched by email and updated, %lld refused\n",
	       (long long)st.rows, (long long)st.created, (long long)st.updated,
	       (long long)st.rejected);
	return st.rejected ? EXIT_PARTIAL : EXIT_OK;
}

static int import_spend(tp_ctx *ctx, tp_store *s, const cli_opts *o, FILE *in)
{
	tp_spend_import_opts opts = {.currency = o->currency, .strict = o->strict,
	                             .on_reject = on_row_reject};
	if (o->format && tp_spend_format_from_name(o->format, &opts.format) != 0)
		return cli_usage("import", "--format is google, meta, linkedin, tiktok or touchpoint,"
		                 " not \"%s\"", o->format);
	tp_spend_import_stats st;
	tp_status rc = tp_import_spend(ctx, s, in, &opts, &st);
	if (rc != TP_OK) {
		cli_fail(ctx, rc);
		fputs("touchpoint: nothing from this file was stored\n", stderr);
		return rc == TP_ERR_USAGE ? EXIT_USAGE : EXIT_FAILED;
	}
	char cost[32];
	printf("%s report: %lld rows stored", tp_spend_format_name(st.format), (long long)st.stored);
	if (st.stored)
		printf(" (%s to %s), %lld impressions, %lld clicks, cost %s %s", st.first_date,
		       st.last_date, (long long)st.impressions, (long long)st.clicks,
		       tp_money_text(st.cost, cost, sizeof cost), st.currency[0] ? st.currency : "(mixed)");
	printf("; %lld refused, %lld total rows skipped\n", (long long)st.rejected,
	       (long long)st.totals);
	return st.rejected ? EXIT_PARTIAL : EXIT_OK;
}

static int import_revenue(tp_ctx *ctx, tp_store *s, const cli_opts *o, FILE *in)
{
	tp_revenue_import_opts opts = {.currency = o->currency, .strict = o->strict,
	                               .on_reject = on_row_reject};
	tp_revenue_import_stats st;
	tp_status rc = tp_import_revenue(ctx, s, in, &opts, &st);
	if (rc != TP_OK) {
		cli_fail(ctx, rc);
		fputs("touchpoint: nothing from this file was stored\n", stderr);
		return rc == TP_ERR_USAGE ? EXIT_USAGE : EXIT_FAILED;
	}
	printf("%lld rows: %lld MRR levels stored", (long long)st.rows, (long long)st.stored);
	if (st.stored)
		printf(" (%s to %s)", st.first_month, st.last_month);
	printf(", %lld accounts created, %lld refused\n", (long long)st.accounts_created,
	       (long long)st.rejected);
	return st.rejected ? EXIT_PARTIAL : EXIT_OK;
}

int cmd_import(tp_ctx *ctx, int argc, char **argv)
{
	cli_opts o;
	int rc = cli_parse("import", argc, argv,
	                   "db workspace strict map overwrite format currency", &o);
	if (rc)
		return rc;
	static const char *const kinds[] = {"events", "contacts", "spend", "revenue", "leads"};
	int kind = -1;
	for (int k = 0; o.nargs == 2 && k < 5; k++)
		if (strcmp(o.args[0], kinds[k]) == 0)
			kind = k;
	if (kind < 0) {
		cli_opts_free(&o);
		return cli_usage("import", "say what to import: events FILE, contacts FILE.csv,"
		                 " spend FILE.csv, revenue FILE.csv or leads --format F FILE");
	}
	if ((kind != 1 && (o.map || o.overwrite)) || ((kind < 2 || kind == 4) && o.currency) ||
	    (kind < 2 && o.format) || (kind == 3 && o.format)) {
		cli_opts_free(&o);
		return cli_usage("import", "--map and --overwrite are for contacts, --format for spend"
		                 " and leads, --currency for spend and revenue");
	}
	tp_lead_format leads = TP_LEADS_NONE;
	if (kind == 4 && (!o.format || !tp_lead_format_from_name(o.format, &leads))) {
		cli_opts_free(&o);
		return cli_usage("import", "leads needs --format google|meta|linkedin|tiktok (the"
		                 " platform's JSON leads, one a line, or its CSV export: FILE.csv)");
	}
	size_t name_len = strlen(o.args[1]);
	int csv = kind == 4 && name_len > 4 && strcasecmp(o.args[1] + name_len - 4, ".csv") == 0;
	FILE *in = open_input(o.args[1]);
	if (!in) {
		fprintf(stderr, "touchpoint: cannot read %s: %s\n", o.args[1], strerror(errno));
		cli_opts_free(&o);
		return EXIT_FAILED;
	}
	tp_store *s = cli_open(ctx, o.db, o.workspace);
	if (!s)
		rc = EXIT_FAILED;
	else
		rc = kind == 0 || kind == 4 ? import_events(ctx, s, &o, in, leads, csv)
		     : kind == 1 ? import_contacts(ctx, s, &o, in)
		     : kind == 2 ? import_spend(ctx, s, &o, in)
		     : import_revenue(ctx, s, &o, in);
	tp_store_close(s);
	if (in != stdin)
		fclose(in);
	cli_opts_free(&o);
	return rc;
}
