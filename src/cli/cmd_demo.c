/* touchpoint demo: a demo world, imported through the same path as real data. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

static void progress(void *user, const tp_import_stats *st, double seconds)
{
	int *tty = user;
	fprintf(stderr, "%simporting demo events: %lld stored, %.0f/s%s", *tty ? "\r" : "",
	        (long long)st->accepted, seconds > 0 ? (double)st->accepted / seconds : 0.0,
	        *tty ? "" : "\n");
}

int cmd_demo(tp_ctx *ctx, int argc, char **argv)
{
	cli_opts o;
	int rc = cli_parse("demo", argc, argv, "db workspace contacts seed days events-out", &o);
	if (rc)
		return rc;
	tp_demo_opts d = {
		.contacts = o.contacts ? o.contacts : 2000,
		.seed = o.seed ? (uint64_t)o.seed : 42,
		.days = o.days ? (int)o.days : 365,
	};
	tp_store *s = NULL;
	FILE *events = NULL;
	char tmp[] = "/tmp/touchpoint-demo-XXXXXX";
	int tmp_fd = -1;
	tp_status st;
	tp_demo_stats ds = {0};
	if (o.nargs) {
		rc = cli_usage("demo", "unexpected argument \"%s\"", o.args[0]);
		goto out;
	}
	if ((st = tp_store_open_sqlite(ctx, o.db, o.workspace, TP_OPEN_CREATE, &s)) != TP_OK) {
		rc = cli_fail(ctx, st);
		goto out;
	}
	/* A demo world is written whole: into a workspace that has data, its
	 * spend, deals and revenue would be counted twice. */
	tp_store_counts have;
	if ((st = s->ops->counts(s, ctx, &have)) != TP_OK) {
		rc = cli_fail(ctx, st);
		goto out;
	}
	if (have.events || have.contacts) {
		fprintf(stderr, "touchpoint: workspace \"%s\" in %s already has data; the demo needs"
		        " a new one (another --db FILE or --workspace NAME)\n", s->workspace, o.db);
		rc = EXIT_FAILED;
		goto out;
	}
	if (o.events_out) {
		events = fopen(o.events_out, "w+b");
	} else if ((tmp_fd = mkstemp(tmp)) >= 0) {
		events = fdopen(tmp_fd, "w+b");
		unlink(tmp); /* gone when closed, whatever happens */
	}
	if (!events) {
		fprintf(stderr, "touchpoint: cannot write %s: %s\n", o.events_out ? o.events_out : tmp,
		        strerror(errno));
		rc = EXIT_FAILED;
		goto out;
	}
	if ((st = tp_demo_write_events(ctx, &d, events, &ds)) != TP_OK ||
	    (st = fflush(events) ? tp_ctx_fail(ctx, TP_ERR_IO, NULL, "cannot write events") : TP_OK) != TP_OK) {
		rc = cli_fail(ctx, st);
		goto out;
	}
	rewind(events);
	int tty = isatty(fileno(stderr));
	tp_import_opts io = {.actor = "demo", .no_lifecycle = 1, .on_progress = progress, .user = &tty};
	tp_import_stats is;
	if ((st = tp_import_events(ctx, s, events, &io, &is)) != TP_OK ||
	    (st = tp_demo_write_business(ctx, &d, s, &ds)) != TP_OK) {
		rc = cli_fail(ctx, st);
		goto out;
	}
	if (tty)
		fputc('\n', stderr);
	printf("demo world (seed %llu, %d days from 2026-01-01): %lld people at %lld accounts,"
	       " %lld visitors\n", (unsigned long long)d.seed, d.days, (long long)ds.people,
	       (long long)ds.accounts, (long long)ds.visitors);
	printf("%lld events written%s%s; imported %lld, %lld duplicates skipped, %lld refused\n",
	       (long long)ds.events + ds.duplicates_sent, o.events_out ? " to " : "",
	       o.events_out ? o.events_out : "", (long long)is.accepted, (long long)is.duplicates,
	       (long long)is.rejected);
	printf("%lld ad spend rows (a day of a campaign each), %lld opportunities (%lld won, %lld lost),"
	       " %lld monthly MRR levels, %lld stage changes by sales\n", (long long)ds.spend_rows,
	       (long long)ds.opportunities, (long long)ds.won, (long long)ds.lost,
	       (long long)ds.mrr_rows, (long long)ds.stage_changes);
	rc = is.rejected ? EXIT_PARTIAL : EXIT_OK;
out:
	if (events)
		fclose(events);
	else if (tmp_fd >= 0)
		close(tmp_fd);
	tp_store_close(s);
	cli_opts_free(&o);
	return rc;
}
