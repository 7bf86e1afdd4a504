/* touchpoint report: the reports of the views (touchpoint/views.h), which
 * the HTTP API serves too; this file turns options into their arguments. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static const char *count_text(long long v, char *buf, size_t cap)
{
	if (v < 0)
		return NULL;
	snprintf(buf, cap, "%lld", v);
	return buf;
}

int cmd_report(tp_ctx *ctx, int argc, char **argv)
{
	cli_opts o;
	int rc = cli_parse("report", argc, argv,
	                   "db workspace by json csv model lookback conversion paths order half-life "
	                   "min-journeys as-of limit from to currency month",
	                   &o);
	if (rc)
		return rc;
	char order[24], min_journeys[24], limit[24];
	tp_report_args a = {
		.by = o.by, .from = o.from, .to = o.to, .as_of = o.as_of, .month = o.month,
		.model = o.model, .currency = o.currency, .conversion = o.conversion,
		.lookback = o.lookback, .half_life = o.half_life,
		.order = count_text(o.order, order, sizeof order),
		.min_journeys = count_text(o.min_journeys, min_journeys, sizeof min_journeys),
		.limit = count_text(o.limit, limit, sizeof limit),
	};
	const char *what = o.nargs ? o.args[0] : "";
	tp_store *s = NULL;
	if (!*what) {
		rc = cli_usage("report", "say which report: funnel, kpi, revenue, pipeline, attribution"
		               " or paths");
		goto done;
	}
	if (o.paths) {
		a.paths = strcmp(o.paths, "-") == 0 ? stdin : fopen(o.paths, "r");
		if (!a.paths) {
			fprintf(stderr, "touchpoint: cannot open %s: %s\n", o.paths, strerror(errno));
			rc = EXIT_FAILED;
			goto done;
		}
	} else if (!(s = cli_open(ctx, o.db, o.workspace))) {
		rc = EXIT_FAILED;
		goto done;
	}
	cli_format f = cli_format_of(&o);
	tp_status st = tp_report_write(ctx, s, what, &a,
	                               f == FMT_JSON ? TP_FORMAT_JSON
	                               : f == FMT_CSV ? TP_FORMAT_CSV : TP_FORMAT_TABLE,
	                               stdout, stderr);
	const char *field = tp_ctx_field(ctx);
	if (st == TP_ERR_USAGE && *field && *field != '-')   /* an option, named as the API does */
		rc = cli_usage("report", "--%s %s", field, tp_ctx_message(ctx));
	else if (st == TP_ERR_NOT_FOUND && strcmp(field, "report") == 0)
		rc = cli_usage("report", "%s", tp_ctx_message(ctx));
	else if (st != TP_OK)
		rc = st == TP_ERR_USAGE ? (cli_fail(ctx, st), EXIT_USAGE) : cli_fail(ctx, st);
done:
	if (a.paths && a.paths != stdin)
		fclose(a.paths);
	tp_store_close(s);
	cli_opts_free(&o);
	return rc;
}
