/* touchpoint: dispatches to the subcommand named by argv[1]. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

const cli_command cli_commands[] = {
	{"init", "create a workspace database (SQLite)",
	 "--db FILE [--workspace NAME]", cmd_init},
	{"import", "import events (Segment JSON Lines), contacts, ad spend or MRR (CSV), ad leads",
	 "events FILE|- [--strict] | contacts FILE.csv [--map field=Header,...] [--overwrite]"
	 " [--strict] | spend FILE.csv [--format google|meta|linkedin|tiktok|touchpoint]"
	 " [--currency USD] [--strict] | revenue FILE.csv [--currency USD] [--strict]"
	 " | leads --format google|meta|linkedin|tiktok FILE[.csv] [--strict]"
	 "  [--db FILE] [--workspace NAME]", cmd_import},
	{"contacts", "list, show, merge and unmerge contacts",
	 "list [--stage S] [--limit N] [--json|--csv] | show EMAIL|ID|USERID [--json]"
	 " | merge WINNER LOSER [--reason TEXT] | unmerge CONTACT  [--db FILE]", cmd_contacts},
	{"accounts", "list and show accounts",
	 "list [--json|--csv] | show ID|DOMAIN [--json]  [--db FILE]", cmd_accounts},
	{"channels", "show the GA4 channel rules' site lists, or edit them",
	 "sites [LIST] | add LIST SITE | remove LIST SITE | classify SOURCE MEDIUM [CAMPAIGN]"
	 "  [--db FILE]", cmd_channels},
	{"stage", "move a contact along the lifecycle, or show its stage history",
	 "set CONTACT STAGE [--reason TEXT] [--by NAME] | history CONTACT [--json]  [--db FILE]",
	 cmd_stage},
	{"score", "lead scoring: rules, explanations, rebuild, predictive model",
	 "rules [--set FILE.json | --reset] | explain CONTACT [--json] | recompute"
	 " | train [--label opportunity|customer] [--window DAYS] | predict  [--db FILE]", cmd_score},
	{"queue", "the sales queue: MQLs not yet accepted, or accounts ranked for ABM",
	 "[--owner NAME] [--limit N] [--json] | --accounts [--limit N] [--json]  [--db FILE]",
	 cmd_queue},
	{"opportunities", "the sales pipeline: add, update, list and show deals",
	 "add --amount N --currency CUR (--contact C | --account A) [--stage S] [--name T]"
	 " [--close-date D] [--owner O] [--source CHANNEL] [--probability P]"
	 " | update ID [--stage S] [--amount N] [--lost-reason T] [...] | list [--stage S] [--json]"
	 " | show ID [--json] | stages [--set qualify=10,...]  [--db FILE]", cmd_opportunities},
	{"report", "reports: funnel, kpi, revenue, pipeline, attribution, paths",
	 "funnel [--from D --to D] [--by month|owner|channel|campaign] [--as-of DATE]\n"
	 "       kpi [--month YYYY-MM] [--by channel|campaign] [--model M] [--currency C]"
	 " [--as-of DATE]\n"
	 "       revenue [--from YYYY-MM --to YYYY-MM] [--currency C] [--as-of DATE]\n"
	 "       pipeline [--by month|owner|channel] [--json]\n"
	 "       attribution [--model M|all] [--order 1-4] [--half-life 7d] [--min-journeys N]\n"
	 "                   [--conversion customer|opportunity|sql|EVENT] [--lookback 90d]\n"
	 "                   [--by channel|campaign] [--as-of DATE] [--paths FILE]\n"
	 "       paths [--limit N] (and the journey options of attribution)\n"
	 "       each with [--json|--csv]  [--db FILE]", cmd_report},
	{"status", "counts and a short funnel summary of a workspace",
	 "[--db FILE] [--json]", cmd_status},
	{"serve", "the HTTP server: collector, JSON API, email links, nurture scheduler, /healthz, /metrics",
	 "[--listen HOST:PORT] [--body-limit BYTES] [--batch-limit BYTES] [--threads N] [--form-rate N]\n"
	 "  [--lead-retry-ms MS] [--no-nurture] [--nurture-poll-ms MS] [--queue-over CALLS]\n"
	 "  [--inbox-limit CALLS] [--cache-mb MB] [--access-log FILE|-|off] [--port-file FILE] [--db FILE]",
	 cmd_serve},
	{"forms", "landing-page forms the server takes (POST /v1/forms/NAME)",
	 "set NAME [--redirect URL,...] [--consent-field F] [--honeypot F] | list [--json]"
	 "  [--db FILE]", cmd_forms},
	{"leads", "lead-ad platforms: their webhook secrets and API tokens, and leads still to fetch",
	 "set meta|linkedin|tiktok [--app-secret S] [--verify-token T] [--access-token T]"
	 " [--api-url URL] | list [--json] | pending [--all] [--json]  [--db FILE]", cmd_leads},
	{"nurture", "nurture workflows: load, list, show, run the scheduler and the outbox, status",
	 "load FILE... | list [--json] | show NAME | run [--max-steps N] | status EMAIL|ID [--json] |"
	 " outbox [--json] | config [--smtp URL] [--from ADDR] [--public-url URL] [--rate N]"
	 " [--require-consent eu|all|none|CC,...]\n  [--sales-to ADDR] [--owner-email NAME=ADDR] [--smtp-ca FILE]  [--db FILE]",
	 cmd_nurture},
	{"keys", "API keys: write keys for sending events, secret keys for the JSON API",
	 "create write|secret [--label TEXT] | list [--json] | revoke ID  [--db FILE]", cmd_keys},
	{"demo", "create a realistic, deterministic B2B demo workspace",
	 "--db FILE [--contacts N] [--seed S] [--days D] [--events-out FILE]", cmd_demo},
	{NULL, NULL, NULL, NULL},
};

static int64_t fixed_now(void *user)
{
	return *(const int64_t *)user;
}

static void help(FILE *out)
{
	fprintf(out, "touchpoint %s - the B2B lead engine\n\nusage: touchpoint COMMAND [ARGS]\n\n",
	        TOUCHPOINT_VERSION);
	for (const cli_command *c = cli_commands; c->name; c++)
		fprintf(out, "  %-10s %s\n", c->name, c->summary);
	fprintf(out, "\n`touchpoint help COMMAND` shows a command's arguments."
	             " The database is --db FILE, or $TOUCHPOINT_DB, or ./touchpoint.db.\n"
	             "Exit status: 0 done, 1 failed, 2 wrong usage, 3 done but some input refused.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		help(argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
		printf("touchpoint %s (schema %d)\n", TOUCHPOINT_VERSION, tp_store_schema_version());
		return EXIT_OK;
	}
	if (strcmp(argv[1], "help") == 0) {
		if (argc < 3) {
			help(stdout);
			return EXIT_OK;
		}
		for (const cli_command *c = cli_commands; c->name; c++)
			if (strcmp(c->name, argv[2]) == 0) {
				printf("touchpoint %s - %s\nusage: touchpoint %s %s\n", c->name, c->summary,
				       c->name, c->usage);
				return EXIT_OK;
			}
		fprintf(stderr, "touchpoint: no command \"%s\"\n", argv[2]);
		return EXIT_USAGE;
	}
	for (const cli_command *c = cli_commands; c->name; c++) {
		if (strcmp(c->name, argv[1]) != 0)
			continue;
		tp_ctx *ctx = tp_ctx_create();
		if (!ctx) {
			fputs("touchpoint: out of memory\n", stderr);
			return EXIT_FAILED;
		}
		/* TOUCHPOINT_NOW pins the clock, for reproducible runs and tests. */
		static int64_t now;
		const char *pinned = getenv("TOUCHPOINT_NOW");
		if (pinned && *pinned) {
			if (tp_time_parse(pinned, &now) != 0) {
				fprintf(stderr, "touchpoint: TOUCHPOINT_NOW=%s is not an ISO 8601 time\n", pinned);
				tp_ctx_destroy(ctx);
				return EXIT_USAGE;
			}
			tp_ctx_set_clock(ctx, fixed_now, &now);
		}
		int rc = c->run(ctx, argc - 1, argv + 1);
		tp_ctx_destroy(ctx);
		if (fflush(stdout) != 0 && rc == EXIT_OK) {
			perror("touchpoint: writing output");
			rc = EXIT_FAILED;
		}
		return rc;
	}
	fprintf(stderr, "touchpoint: no command \"%s\" (see touchpoint --help)\n", argv[1]);
	return EXIT_USAGE;
}
