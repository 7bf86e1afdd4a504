/* Lead nurturing (docs/NURTURE.md): workflows loaded from JSON files, a
 * scheduler that enrols contacts on triggers and runs each due step once,
 * and an outbox of emails and webhook calls delivered by SMTP and HTTP.
 *
 * Exactness: a step runs inside one transaction with everything it writes
 * (the run's next step, stage changes, tags, the messages it queues), so a
 * crash before the commit leaves the step to run again and one after it
 * leaves it done. Delivery reads the committed outbox. */
#ifndef TOUCHPOINT_NURTURE_H
#define TOUCHPOINT_NURTURE_H

#include <stddef.h>
#include <stdint.h>

#include "touchpoint/ctx.h"
#include "touchpoint/store.h"

/* Checks a workflow definition and stores it (replacing the workflow of
 * that name). Errors name the field: "steps[2].wait.days". *name is new
 * (free() it) when not NULL. */
TP_API tp_status tp_workflow_load(tp_ctx *ctx, tp_store *s, const char *json, size_t len,
                                  char **name);
/* Checks a definition without storing it. */
TP_API tp_status tp_workflow_check(tp_ctx *ctx, const char *json, size_t len);
/* The starter set `touchpoint init` installs: the MQL sales alert and three
 * nurture workflows (welcome, content drip, re-engagement). */
TP_API tp_status tp_workflow_install_defaults(tp_ctx *ctx, tp_store *s);

typedef struct tp_nurture_stats {
	int64_t events_seen, stage_changes_seen;  /* by the trigger scan */
	int64_t enrolled, steps, waiting, finished, exited, failed;
	int64_t emails_queued, webhooks_queued, suppressed;
} tp_nurture_stats;

typedef struct tp_nurture_opts {
	int64_t now;          /* ms; 0 = the ctx's clock */
	int max_steps;        /* steps at most in this call; 0 = until none is due */
	/* Called after each committed step (tests kill the process here). */
	void (*after_step)(void *user, const tp_run_row *run);
	void *user;
} tp_nurture_opts;

/* One pass of the scheduler: enrols contacts on what happened since the
 * last pass (events, stage changes, scores), then runs the steps that are
 * due. Each enrolment and each step is its own transaction. */
TP_API tp_status tp_nurture_tick(tp_ctx *ctx, tp_store *s, const tp_nurture_opts *opts,
                                 tp_nurture_stats *stats);

typedef struct tp_deliver_opts {
	int64_t now;          /* ms; 0 = the ctx's clock */
} tp_deliver_opts;

typedef struct tp_deliver_stats {
	int64_t sent, retried, failed, suppressed;
} tp_deliver_stats;

/* Sends the outbox's due messages: emails by SMTP to the workspace's
 * nurture.smtp_url (from nurture.from, at most nurture.rate_per_minute a
 * minute), webhook calls by HTTP POST signed with the workspace's secret
 * (header X-Touchpoint-Signature: t=UNIX,v1=HEX of HMAC-SHA256 over
 * "UNIX.BODY"). Temporary failures are retried 1, 2, 4, ... minutes later,
 * six attempts at most; a recipient refused with 5xx is suppressed. */
TP_API tp_status tp_nurture_deliver(tp_ctx *ctx, tp_store *s, const tp_deliver_opts *opts,
                                    tp_deliver_stats *stats);

/* Tokens in emails: kind 'u' (unsubscribe), 'o' (open pixel), 'c' (click).
 * tp_mail_token_read says which workspace and message a token names,
 * unchecked (0, or -1 when it is not a token of that kind); then
 * tp_mail_token_check verifies its signature with that workspace's secret
 * (TP_ERR_AUTH when it does not match). */
TP_API int tp_mail_token_read(const char *token, char kind, int64_t *workspace_id,
                              int64_t *message_id);
TP_API tp_status tp_mail_token_check(tp_ctx *ctx, tp_store *s, const char *token, char kind,
                                     int64_t *message_id);

/* Where a contact is in each workflow and why: {"runs":[...]} with each
 * run's history. */
struct cJSON;
TP_API tp_status tp_nurture_status(tp_ctx *ctx, tp_store *s, int64_t contact_id,
                                   struct cJSON **out);
/* Workflows with their counts of runs by state. */
TP_API tp_status tp_nurture_list(tp_ctx *ctx, tp_store *s, struct cJSON **out);

#endif
