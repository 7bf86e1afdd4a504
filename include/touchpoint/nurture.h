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

struct cJSON;

/* Checks a workflow definition and stores it (replacing the workflow of
 * that name). Errors name the field: "steps[2].wait.days". *name is new
 * (free() it) when not NULL. */
TP_API tp_status tp_workflow_load(tp_ctx *ctx, tp_store *s, const char *json, size_t len,
                                  char **name);
/* Checks a definition without storing it. */
TP_API tp_status tp_workflow_check(tp_ctx *ctx, const char *json, size_t len);
/* The starter set `touchpoint init` installs (the files in workflows/): the MQL
 * sales alert and three nurture workflows (welcome, content drip,
 * re-engagement). A workflow of the same name already there is kept.
 * *installed: how many were added. */
TP_API tp_status tp_workflow_install_defaults(tp_ctx *ctx, tp_store *s, int *installed);

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
	/* Asked between batches of runs: non-zero ends the pass early. */
	int (*stop)(void *user);
	void *user;
} tp_nurture_opts;

/* One pass of the scheduler: enrols contacts on what happened since the
 * last pass (events, stage changes, scores), then runs the steps that are
 * due. Each enrolment and each step is its own transaction. */
TP_API tp_status tp_nurture_tick(tp_ctx *ctx, tp_store *s, const tp_nurture_opts *opts,
                                 tp_nurture_stats *stats);

typedef struct tp_deliver_opts {
	int64_t now;          /* ms; 0 = the ctx's clock */
	int (*stop)(void *user);   /* asked between sends: non-zero ends the pass */
	void *user;
} tp_deliver_opts;

typedef struct tp_deliver_stats {
	int64_t sent, retried, failed, suppressed;
	int64_t parked;   /* emails left queued: no SMTP server configured */
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

/* What became of a sent email, as its links, its pixel, the mail
 * provider or the person report it. */
typedef enum tp_mail_event {
	TP_MAIL_OPENED,
	TP_MAIL_CLICKED,
	TP_MAIL_UNSUBSCRIBED,   /* this and the next two suppress the address */
	TP_MAIL_BOUNCED,
	TP_MAIL_COMPLAINED
} tp_mail_event;
TP_API const char *tp_mail_event_name(tp_mail_event e);
TP_API int tp_mail_event_from_name(const char *name, tp_mail_event *out);

/* Records what became of message `message_id` inside the caller's
 * transaction: its time stamp (the first one stays); for an unsubscribe,
 * bounce or complaint the recipient's suppression (reason, `source`); for
 * an unsubscribe or complaint the contact's consent withdrawn and kept in
 * its history. *call (new, or NULL for an alert to an owner or an erased
 * contact) is the contact's touch as a Segment track call for the
 * importer, with a messageId that makes a repeat count once. `link` is the
 * clicked link's index. */
TP_API tp_status tp_mail_feedback(tp_ctx *ctx, tp_store *s, int64_t message_id, tp_mail_event what,
                                  int link, const char *source, int64_t now, char **call);
/* The target of link `n` of a message (new): a click goes only where the
 * stored message said (no open redirect). TP_ERR_NOT_FOUND when none. */
TP_API tp_status tp_mail_link(tp_ctx *ctx, tp_store *s, int64_t message_id, int n, char **url);
/* Suppresses an address a mail provider reported without naming a message
 * (reason: unsubscribed, bounced or complained); an unsubscribe or a
 * complaint also withdraws the consent of the contact with that email. */
TP_API tp_status tp_mail_suppress(tp_ctx *ctx, tp_store *s, const char *email,
                                  tp_mail_event reason, const char *source, int64_t now);
/* Sets a contact's marketing consent (1 given, 0 withdrawn), kept with its
 * source and time. */
TP_API tp_status tp_contact_consent(tp_ctx *ctx, tp_store *s, int64_t contact_id, int consent,
                                    const char *source, int64_t now);

/* A contact's consent: {"contact_id", "consent": true|false|null,
 * "suppressed": reason|null, "history": [{"consent", "source", "at"}]}. */
TP_API tp_status tp_consent_view(tp_ctx *ctx, tp_store *s, int64_t contact_id, struct cJSON **out);

/* Where a contact is in each workflow and why: {"runs":[...]} with each
 * run's history. */
TP_API tp_status tp_nurture_status(tp_ctx *ctx, tp_store *s, int64_t contact_id,
                                   struct cJSON **out);
/* Workflows with their counts of runs by state. */
TP_API tp_status tp_nurture_list(tp_ctx *ctx, tp_store *s, struct cJSON **out);

#endif
