/* What became of a sent email: opened, clicked, unsubscribed, bounced,
 * complained of; and consent as people change it.
 *
 * Each report is written where the caller's transaction is: the message's
 * time stamp, the suppression of the address, the consent withdrawn; and it
 * hands back the contact's touch as a Segment call for the importer, whose
 * messageId names the message and the report, so that a second open or a
 * second click on the same link is stored once. */
#include <cjson/cJSON.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nurture/nurture_int.h"
#include "touchpoint/touchpoint.h"

static const char *const event_names[] = {
	[TP_MAIL_OPENED] = "opened",         [TP_MAIL_CLICKED] = "clicked",
	[TP_MAIL_UNSUBSCRIBED] = "unsubscribed", [TP_MAIL_BOUNCED] = "bounced",
	[TP_MAIL_COMPLAINED] = "complained",
};

const char *tp_mail_event_name(tp_mail_event e)
{
	return (unsigned)e < sizeof event_names / sizeof *event_names ? event_names[e] : "?";
}

int tp_mail_event_from_name(const char *name, tp_mail_event *out)
{
	for (size_t i = 0; name && i < sizeof event_names / sizeof *event_names; i++)
		if (!strcmp(name, event_names[i])) {
			*out = (tp_mail_event)i;
			return 0;
		}
	return -1;
}

/* The contact a message was sent to, following merges; *found = 0 when it
 * was erased. */
static tp_status person_of(tp_ctx *ctx, tp_store *s, int64_t id, tp_person *p, int *found)
{
	for (int hops = 0; hops < 32; hops++) {
		tp_contact c;
		tp_status rc = s->ops->contact_get(s, ctx, id, &c, found);
		if (rc != TP_OK || !*found)
			return rc;
		if (c.erased_at) {
			*found = 0;
			return TP_OK;
		}
		if (!c.merged_into)
			return tp__person_load(ctx, s, id, p, found);
		id = c.merged_into;
	}
	*found = 0;
	return TP_OK;
}

/* Withdraws or gives consent, kept with its source and time. */
static tp_status consent_set(tp_ctx *ctx, tp_store *s, tp_person *p, int consent,
                             const char *source, int64_t now)
{
	if (p->c.consent == consent)
		return TP_OK;
	p->c.consent = consent;
	p->c.updated_at = now;
	tp_status rc = s->ops->contact_put(s, ctx, &p->c);
	return rc != TP_OK ? rc : s->ops->consent_change_add(s, ctx, p->c.id, consent, source, now);
}

/* The touch's call: the contact by its email (and user id), the Email
 * channel by utm_medium, the workflow as the campaign. */
static char *touch_call(const tp_person *p, int64_t workspace_id, int64_t message_id,
                        tp_mail_event what, int link, const char *url, const char *workflow,
                        int64_t now)
{
	static const char *const names[] = {
		[TP_MAIL_OPENED] = "Email Opened",         [TP_MAIL_CLICKED] = "Email Link Clicked",
		[TP_MAIL_UNSUBSCRIBED] = "Email Unsubscribed", [TP_MAIL_BOUNCED] = "Email Bounced",
		[TP_MAIL_COMPLAINED] = "Email Unsubscribed",   /* a complaint is the loudest no */
	};
	char id[128], anon[64], ts[25];
	if (what == TP_MAIL_CLICKED)
		snprintf(id, sizeof id, "tp-mail-%" PRId64 "-%" PRId64 "-clicked-%d", workspace_id,
		         message_id, link);
	else
		snprintf(id, sizeof id, "tp-mail-%" PRId64 "-%" PRId64 "-%s", workspace_id, message_id,
		         tp_mail_event_name(what));
	snprintf(anon, sizeof anon, "tp-email-%" PRId64, p->c.id);
	tp_time_format(now, ts);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "type", "track");
	cJSON_AddStringToObject(o, "event", names[what]);
	cJSON_AddStringToObject(o, "messageId", id);
	cJSON_AddStringToObject(o, "timestamp", ts);
	cJSON_AddStringToObject(o, "anonymousId", anon);
	if (p->c.user_id)
		cJSON_AddStringToObject(o, "userId", p->c.user_id);
	cJSON *context = cJSON_AddObjectToObject(o, "context");
	cJSON *traits = cJSON_AddObjectToObject(context, "traits");
	if (p->c.email)
		cJSON_AddStringToObject(traits, "email", p->c.email);
	cJSON *campaign = cJSON_AddObjectToObject(context, "campaign");
	cJSON_AddStringToObject(campaign, "source", "touchpoint");
	cJSON_AddStringToObject(campaign, "medium", "email");
	cJSON_AddStringToObject(campaign, "name", workflow);
	cJSON *props = cJSON_AddObjectToObject(o, "properties");
	cJSON_AddNumberToObject(props, "email_message_id", (double)message_id);
	cJSON_AddStringToObject(props, "workflow", workflow);
	if (what == TP_MAIL_CLICKED) {
		cJSON_AddNumberToObject(props, "link", link);
		cJSON_AddStringToObject(props, "link_url", url);
	}
	if (what == TP_MAIL_COMPLAINED)
		cJSON_AddStringToObject(props, "reason", "complaint");
	char *text = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return text;
}

typedef struct find_flow {
	int64_t id;
	char *out;
	size_t cap;
} find_flow;

static int match_flow(void *user, const tp_workflow_row *w)
{
	find_flow *f = user;
	if (w->id != f->id)
		return 0;
	snprintf(f->out, f->cap, "%s", w->name);
	return 1;
}

static const char *workflow_of(tp_ctx *ctx, tp_store *s, int64_t run_id, char *out, size_t cap)
{
	snprintf(out, cap, "nurture");
	tp_run_row run;
	int found;
	if (run_id && s->ops->run_get(s, ctx, run_id, &run, &found) == TP_OK && found) {
		find_flow f = {run.workflow_id, out, cap};
		s->ops->workflows_list(s, ctx, match_flow, &f);
	}
	return out;
}

/* The link's target: the message's stored links are a JSON array. */
static tp_status link_of(tp_ctx *ctx, const char *links, int n, char **url)
{
	cJSON *a = links ? cJSON_Parse(links) : NULL;
	const char *target = cJSON_GetStringValue(cJSON_GetArrayItem(a, n));
	*url = target ? strdup(target) : NULL;
	cJSON_Delete(a);
	if (!target)
		return tp_ctx_fail(ctx, TP_ERR_NOT_FOUND, "link", "the message has no link %d", n);
	return *url ? TP_OK : tp_ctx_fail(ctx, TP_ERR_NOMEM, NULL, "out of memory");
}

tp_status tp_mail_link(tp_ctx *ctx, tp_store *s, int64_t message_id, int n, char **url)
{
	tp_message_row m;
	int found;
	*url = NULL;
	tp_status rc = s->ops->message_get(s, ctx, message_id, &m, &found);
	if (rc == TP_OK && !found)
		rc = tp_ctx_fail(ctx, TP_ERR_NOT_FOUND, "message", "no message %" PRId64, message_id);
	return rc == TP_OK ? link_of(ctx, m.links, n, url) : rc;
}

static void stamp(int64_t *at, int64_t now)
{
	if (!*at)
		*at = now;
}

tp_status tp_mail_feedback(tp_ctx *ctx, tp_store *s, int64_t message_id, tp_mail_event what,
                           int link, const char *source, int64_t now, char **call)
{
	*call = NULL;
	if (!s->ops->message_get)
		return tp_ctx_fail(ctx, TP_ERR_UNSUPPORTED, NULL, "the %s store keeps no outbox",
		                   s->ops->name);
	tp_message_row m;
	int found;
	tp_status rc = s->ops->message_get(s, ctx, message_id, &m, &found);
	if (rc != TP_OK)
		return rc;
	if (!found)
		return tp_ctx_fail(ctx, TP_ERR_NOT_FOUND, "message", "no message %" PRId64, message_id);
	char *url = NULL;
	if (what == TP_MAIL_CLICKED && (rc = link_of(ctx, m.links, link, &url)) != TP_OK)
		return rc;
	/* The row's strings live until the next store call: the row is written
	 * back at once, with its new stamp, before anything else is read. */
	int marketing = !strcmp(m.purpose, "marketing") && !strcmp(m.kind, "email");
	switch (what) {
	case TP_MAIL_CLICKED:
		stamp(&m.clicked_at, now);
		stamp(&m.opened_at, now);   /* a click is an open that blocked images hid */
		break;
	case TP_MAIL_OPENED: stamp(&m.opened_at, now); break;
	case TP_MAIL_UNSUBSCRIBED: stamp(&m.unsubscribed_at, now); break;
	case TP_MAIL_BOUNCED: stamp(&m.bounced_at, now); break;
	case TP_MAIL_COMPLAINED: stamp(&m.complained_at, now); break;
	}
	char *recipient = strdup(m.recipient);
	int64_t contact_id = m.contact_id, run_id = m.run_id;
	if (!recipient) {
		free(url);
		return tp_ctx_fail(ctx, TP_ERR_NOMEM, NULL, "out of memory");
	}
	rc = s->ops->message_put(s, ctx, &m);
	/* An address that bounced or said no gets no more marketing email,
	 * whatever the message was. */
	if (rc == TP_OK && what >= TP_MAIL_UNSUBSCRIBED)
		rc = s->ops->suppression_add(s, ctx, recipient, tp_mail_event_name(what), source, now);
	tp_person p = {0};
	int have = 0;
	if (rc == TP_OK && marketing)
		rc = person_of(ctx, s, contact_id, &p, &have);
	if (rc == TP_OK && have && (what == TP_MAIL_UNSUBSCRIBED || what == TP_MAIL_COMPLAINED))
		rc = consent_set(ctx, s, &p, 0, source, now);
	/* Touches are the contact's own: an alert read by its owner is not. */
	if (rc == TP_OK && have) {
		char flow[160];
		workflow_of(ctx, s, run_id, flow, sizeof flow);
		if (!(*call = touch_call(&p, s->workspace_id, message_id, what, link, url, flow, now)))
			rc = tp_ctx_fail(ctx, TP_ERR_NOMEM, NULL, "out of memory");
	}
	tp__person_free(&p);
	free(recipient);
	free(url);
	return rc;
}

static int keep_reason(void *user, const char *text)
{
	char **out = user;
	free(*out);
	*out = strdup(text);
	return 0;
}

/* The contact with this address, if any (merged ones lead to the survivor). */
static tp_status person_by_email(tp_ctx *ctx, tp_store *s, const char *email, tp_person *p,
                                 int *found)
{
	int64_t id = 0;
	tp_status rc = s->ops->contact_find(s, ctx, TP_KEY_EMAIL, email, &id);
	*found = 0;
	if (rc != TP_OK || !id)
		return rc;
	return person_of(ctx, s, id, p, found);
}

tp_status tp_mail_suppress(tp_ctx *ctx, tp_store *s, const char *email, tp_mail_event reason,
                           const char *source, int64_t now)
{
	if (reason < TP_MAIL_UNSUBSCRIBED)
		return tp_ctx_fail(ctx, TP_ERR_INVALID, "reason",
		                   "is one of unsubscribed, bounced, complained");
	if (!s->ops->suppression_add)
		return tp_ctx_fail(ctx, TP_ERR_UNSUPPORTED, NULL, "the %s store keeps no suppressions",
		                   s->ops->name);
	char normal[TP_MAX_EMAIL_BYTES + 1];
	const char *why = NULL;
	if (!email || tp_email_normalize(email, normal, &why) != 0)
		return tp_ctx_fail(ctx, TP_ERR_INVALID, "email", "%s",
		                   why ? why : "is not an email address");
	tp_status rc = s->ops->begin(s, ctx);
	if (rc != TP_OK)
		return rc;
	tp_person p = {0};
	int found = 0;
	rc = s->ops->suppression_add(s, ctx, normal, tp_mail_event_name(reason), source, now);
	if (rc == TP_OK && reason != TP_MAIL_BOUNCED)
		rc = person_by_email(ctx, s, normal, &p, &found);
	if (rc == TP_OK && found)
		rc = consent_set(ctx, s, &p, 0, source, now);
	tp__person_free(&p);
	if (rc == TP_OK)
		return s->ops->commit(s, ctx);
	tp_store_rollback_quiet(s);
	return rc;
}

tp_status tp_contact_consent(tp_ctx *ctx, tp_store *s, int64_t contact_id, int consent,
                             const char *source, int64_t now)
{
	if (!s->ops->consent_change_add)
		return tp_ctx_fail(ctx, TP_ERR_UNSUPPORTED, NULL, "the %s store keeps no consent history",
		                   s->ops->name);
	tp_status rc = s->ops->begin(s, ctx);
	if (rc != TP_OK)
		return rc;
	tp_person p = {0};
	int found;
	rc = person_of(ctx, s, contact_id, &p, &found);
	if (rc == TP_OK && !found)
		rc = tp_ctx_fail(ctx, TP_ERR_NOT_FOUND, "contact", "no contact %" PRId64, contact_id);
	if (rc == TP_OK)
		rc = consent_set(ctx, s, &p, consent ? 1 : 0, source, now);
	tp__person_free(&p);
	if (rc == TP_OK)
		return s->ops->commit(s, ctx);
	tp_store_rollback_quiet(s);
	return rc;
}

static int add_consent(void *user, int consent, const char *source, int64_t at)
{
	cJSON *j = cJSON_CreateObject();
	cJSON_AddBoolToObject(j, "consent", consent);
	tp_json_add_str(j, "source", source);
	cJSON_AddItemToObject(j, "at", tp_json_time(at));
	cJSON_AddItemToArray(user, j);
	return 0;
}

tp_status tp_consent_view(tp_ctx *ctx, tp_store *s, int64_t contact_id, cJSON **out)
{
	*out = NULL;
	if (!s->ops->consent_changes)
		return tp_ctx_fail(ctx, TP_ERR_UNSUPPORTED, NULL, "the %s store keeps no consent history",
		                   s->ops->name);
	tp_person p = {0};
	int found;
	tp_status rc = person_of(ctx, s, contact_id, &p, &found);
	if (rc == TP_OK && !found)
		rc = tp_ctx_fail(ctx, TP_ERR_NOT_FOUND, "contact", "no contact %" PRId64, contact_id);
	cJSON *doc = rc == TP_OK ? cJSON_CreateObject() : NULL;
	if (doc) {
		cJSON_AddNumberToObject(doc, "contact_id", (double)p.c.id);
		if (p.c.consent < 0)
			cJSON_AddNullToObject(doc, "consent");
		else
			cJSON_AddBoolToObject(doc, "consent", p.c.consent);
		char *why = NULL;
		int suppressed = 0;
		if (p.c.email)
			rc = s->ops->suppression_get(s, ctx, p.c.email, keep_reason, &why, &suppressed);
		if (suppressed)
			tp_json_add_str(doc, "suppressed", why);
		else
			cJSON_AddNullToObject(doc, "suppressed");
		free(why);
		cJSON *history = cJSON_AddArrayToObject(doc, "history");
		if (rc == TP_OK)
			rc = s->ops->consent_changes(s, ctx, p.c.id, add_consent, history);
	} else if (rc == TP_OK) {
		rc = tp_ctx_fail(ctx, TP_ERR_NOMEM, NULL, "out of memory");
	}
	tp__person_free(&p);
	if (rc != TP_OK) {
		cJSON_Delete(doc);
		return rc;
	}
	*out = doc;
	return TP_OK;
}
