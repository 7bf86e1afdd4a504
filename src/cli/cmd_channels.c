/* touchpoint channels: the site lists behind GA4 channel grouping. */
#include <string.h>

#include "cli/cli.h"

static int parse_list(const char *name, tp_site_list *out)
{
	if (tp_site_list_from_name(name, out) == 0)
		return 0;
	return cli_usage("channels", "\"%s\" is not a site list (search, social, video, shopping)",
	                 name);
}

int cmd_channels(tp_ctx *ctx, int argc, char **argv)
{
	cli_opts o;
	int rc = cli_parse("channels", argc, argv, "db workspace", &o);
	if (rc)
		return rc;
	const char *verb = o.nargs ? o.args[0] : "sites";
	tp_store *s = NULL;
	tp_channel_rules *rules = NULL;
	tp_site_list list;
	tp_status st;
	if (strcmp(verb, "classify") == 0) {
		/* Needs no workspace when there is none: the built-in lists then. */
		if (o.nargs < 3 || o.nargs > 4) {
			rc = cli_usage("channels", "classify needs SOURCE MEDIUM [CAMPAIGN]");
			goto out;
		}
		s = cli_open(ctx, o.db, o.workspace);
		if (!s) {
			rc = EXIT_FAILED;
			goto out;
		}
		if ((st = tp_channel_rules_load(ctx, s, &rules)) != TP_OK) {
			rc = cli_fail(ctx, st);
			goto out;
		}
		puts(tp_channel_name(tp_channel_classify(rules, o.args[1], o.args[2],
		                                         o.nargs > 3 ? o.args[3] : "")));
		goto out;
	}
	int edit = strcmp(verb, "add") == 0 || strcmp(verb, "remove") == 0;
	if (!edit && strcmp(verb, "sites") != 0) {
		rc = cli_usage("channels", "unknown verb \"%s\"", verb);
		goto out;
	}
	if ((edit && o.nargs != 3) || (!edit && o.nargs > 2)) {
		rc = cli_usage("channels", edit ? "%s needs LIST SITE" : "sites takes at most a LIST",
		               verb);
		goto out;
	}
	if (o.nargs >= 2 && (rc = parse_list(o.args[1], &list)) != 0)
		goto out;
	if (!(s = cli_open(ctx, o.db, o.workspace))) {
		rc = EXIT_FAILED;
		goto out;
	}
	if ((st = tp_channel_rules_load(ctx, s, &rules)) != TP_OK) {
		rc = cli_fail(ctx, st);
		goto out;
	}
	if (edit) {
		st = strcmp(verb, "add") == 0 ? tp_channel_rules_add(rules, list, o.args[2])
		                              : tp_channel_rules_remove(rules, list, o.args[2]);
		if (st == TP_ERR_NOT_FOUND) {
			fprintf(stderr, "touchpoint: %s is not in the %s list\n", o.args[2], o.args[1]);
			rc = EXIT_FAILED;
			goto out;
		}
		if (st != TP_OK || (st = tp_channel_rules_save(ctx, s, rules, list)) != TP_OK) {
			rc = cli_fail(ctx, st);
			goto out;
		}
		printf("%s list: %s %s; events imported from now on use it\n", o.args[1],
		       strcmp(verb, "add") == 0 ? "added" : "removed", o.args[2]);
		goto out;
	}
	for (int l = 0; l < TP_SITES__COUNT; l++) {
		if (o.nargs >= 2 && (tp_site_list)l != list)
			continue;
		size_t n;
		const char *const *sites = tp_channel_rules_sites(rules, (tp_site_list)l, &n);
		printf("%s:", tp_site_list_name((tp_site_list)l));
		for (size_t i = 0; i < n; i++)
			printf(" %s", sites[i]);
		putchar('\n');
	}
out:
	tp_channel_rules_destroy(rules);
	tp_store_close(s);
	cli_opts_free(&o);
	return rc;
}
