/* What the nurture module's files share: a checked workflow in memory. */
#ifndef TP_NURTURE_INT_H
#define TP_NURTURE_INT_H

#include <cjson/cJSON.h>

#include "core/arena.h"
#include "touchpoint/nurture.h"

/* A definition as checked by tp_workflow_check: the steps are read from
 * its JSON as they run (no second representation to keep in step). */
typedef struct tp_flow {
	int64_t id;
	char *name;
	cJSON *root;
	const cJSON *trigger, *steps, *templates, *exit;
	int n_steps;
	int again_after_days;   /* 0 = enrol once */
} tp_flow;

/* A contact as a step sees it: its strings copied out of the store (whose
 * strings live only until its next call), its score and tags. */
typedef struct tp_person {
	tp_contact c;
	double total, fit;       /* -1 when never scored */
	char **tags;
	int n_tags;
	char **fields;           /* "name=value" */
	int n_fields;
	tp_arena arena;
} tp_person;

/* Reads contact `id`; *found = 0 when there is none (or it was merged or
 * erased: nothing to nurture). Free with tp__person_free. */
tp_status tp__person_load(tp_ctx *ctx, tp_store *s, int64_t id, tp_person *p, int *found);
void tp__person_free(tp_person *p);
/* A custom field's value, or NULL. */
const char *tp__person_field(const tp_person *p, const char *name);

/* What a step that sends asks of the mailer (mail.c). */
typedef struct tp_mail_job {
	int64_t run_id, now;
	const tp_person *person;
	const tp_flow *flow;
	const char *template_name;
	const char *purpose;     /* "marketing" or "sales" */
	const char *recipient;   /* the contact's address, or its owner's */
} tp_mail_job;

/* Queues an email in the outbox, rendered now. A marketing email to an
 * address that is suppressed, or to a contact without the consent the
 * workspace requires, is not queued: *queued = 0 and why in outcome. */
tp_status tp__mail_queue(tp_ctx *ctx, tp_store *s, const tp_mail_job *job, int *queued,
                         char *outcome, size_t cap);

/* A workspace setting, or a copy of `fallback` when never set (NULL only
 * when out of memory, or when both are NULL). free() it. */
char *tp__nurture_setting(tp_ctx *ctx, tp_store *s, const char *key, const char *fallback);
/* The workspace's secret for signing tokens and webhooks, made on first use. */
tp_status tp__nurture_secret(tp_ctx *ctx, tp_store *s, unsigned char key[32]);
/* A URL-safe token naming (workspace, message, kind), signed with key. */
void tp__mail_token(const unsigned char key[32], int64_t workspace_id, int64_t message_id,
                    char kind, char out[64]);
/* *blocked = 1, and why, when marketing email may not go to `address`:
 * suppressed, or without the consent the workspace asks of its country. */
tp_status tp__mail_blocked(tp_ctx *ctx, tp_store *s, const tp_person *p, const char *address,
                           char *why, size_t cap, int *blocked);
/* The first instant >= from that is the wait's weekday and hour in the
 * time zone of `country` (localtime.c). */
int64_t tp__wait_until(const cJSON *until, const char *country, int64_t from);

/* Parses and checks `json`; *out is new (tp__flow_free). */
tp_status tp__flow_parse(tp_ctx *ctx, const char *json, size_t len, tp_flow **out);
void tp__flow_free(tp_flow *f);
/* The index of the step labelled `id`, or -1. */
int tp__flow_label(const tp_flow *f, const char *id);
/* A step's action: the one member of the step that is not "id". */
const cJSON *tp__flow_action(const cJSON *step);

#endif
