/* touchpoint init: create (or migrate) a workspace database. */
#include <string.h>

#include "cli/cli.h"

int cmd_init(tp_ctx *ctx, int argc, char **argv)
{
	cli_opts o;
	int rc = cli_parse("init", argc, argv, "db workspace", &o);
	if (rc)
		return rc;
	if (o.nargs) {
		rc = cli_usage("init", "unexpected argument \"%s\"", o.args[0]);
		cli_opts_free(&o);
		return rc;
	}
	tp_store *s = NULL;
	tp_status st = tp_store_open_sqlite(ctx, o.db, o.workspace, TP_OPEN_CREATE, &s);
	if (st != TP_OK) {
		cli_opts_free(&o);
		return cli_fail(ctx, st);
	}
	printf("workspace \"%s\" ready in %s (schema %d, SQLite WAL)\n", s->workspace, o.db,
	       tp_store_schema_version());
	int installed;
	if ((st = tp_workflow_install_defaults(ctx, s, &installed)) != TP_OK) {
		tp_store_close(s);
		cli_opts_free(&o);
		return cli_fail(ctx, st);
	}
	if (installed)
		printf("%d starter workflows installed: the MQL alert to owners, welcome, content drip,"
		       " re-engagement (touchpoint nurture list)\n", installed);
	tp_store_close(s);
	cli_opts_free(&o);
	return EXIT_OK;
}
