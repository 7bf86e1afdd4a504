/* The starter workflows `touchpoint init` installs: the MQL alert to the
 * owner and three nurture flows. They are the files in workflows/, built
 * into the binary (scripts/embed.sh), so that what users read and edit is
 * what runs. */
#include <string.h>

#include "nurture/nurture_int.h"

extern const unsigned char tp__wf_mql_alert[], tp__wf_welcome[], tp__wf_content_drip[],
	tp__wf_re_engagement[];
extern const size_t tp__wf_mql_alert_len, tp__wf_welcome_len, tp__wf_content_drip_len,
	tp__wf_re_engagement_len;

typedef struct starter {
	const char *name;
	const unsigned char *json;
	const size_t *len;
} starter;

static const starter starters[] = {
	{"mql-alert", tp__wf_mql_alert, &tp__wf_mql_alert_len},
	{"welcome", tp__wf_welcome, &tp__wf_welcome_len},
	{"content-drip", tp__wf_content_drip, &tp__wf_content_drip_len},
	{"re-engagement", tp__wf_re_engagement, &tp__wf_re_engagement_len},
};

typedef struct have {
	int found[sizeof starters / sizeof *starters];
} have;

static int mark(void *user, const tp_workflow_row *w)
{
	have *h = user;
	for (size_t i = 0; i < sizeof starters / sizeof *starters; i++)
		if (!strcmp(w->name, starters[i].name))
			h->found[i] = 1;
	return 0;
}

tp_status tp_workflow_install_defaults(tp_ctx *ctx, tp_store *s, int *installed)
{
	*installed = 0;
	if (!s->ops->workflows_list)
		return TP_OK;   /* a store that keeps no workflows (memory) */
	have h = {{0}};
	tp_status rc = s->ops->workflows_list(s, ctx, mark, &h);
	/* A workflow of that name stays as its owner edited it. */
	for (size_t i = 0; rc == TP_OK && i < sizeof starters / sizeof *starters; i++) {
		if (h.found[i])
			continue;
		rc = tp_workflow_load(ctx, s, (const char *)starters[i].json, *starters[i].len, NULL);
		*installed += rc == TP_OK;
	}
	return rc;
}
