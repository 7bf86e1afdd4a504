/* The people loader (see people.h). A person "reached" a stage when they
 * entered it or any later forward stage: someone who went from lead
 * straight to sql also passed mql. */
#include <stdlib.h>
#include <string.h>

#include "analytics/people.h"
#include "core/buf.h"
#include "core/text.h"
#include "touchpoint/channel.h"

const char *tp__campaign_key(const char *channel, const char *campaign)
{
	if (campaign && *campaign)
		return campaign;
	return channel && tp__ieq(channel, "direct") ? "(direct)" : "(not set)";
}

static int on_contact(void *user, const tp_contact *c)
{
	tp__people *f = user;
	if (tp__grow((void **)&f->v, &f->cap, f->n + 1, sizeof *f->v) != 0 ||
	    tp__i64map_put(&f->index, c->id, (int64_t)f->n) != 0)
		return f->oom = 1;
	tp__person *p = &f->v[f->n++];
	memset(p, 0, sizeof *p);
	p->current = -1;
	p->owner = c->owner ? strdup(c->owner) : NULL;
	return 0;
}

tp__person *tp__people_get(tp__people *f, int64_t id)
{
	int64_t i;
	return tp__i64map_get(&f->index, id, &i) ? &f->v[i] : NULL;
}

static int on_stage_change(void *user, const tp_stage_change_row *r)
{
	tp__people *f = user;
	tp__person *p = tp__people_get(f, r->contact_id);
	if (!p || r->at > f->as_of)
		return 0;
	p->current = (int)r->to_stage;
	if (r->to_stage < TP_STAGE_LEAD || r->to_stage > TP_STAGE_CUSTOMER)
		return 0;
	for (int s = 0; s <= (int)r->to_stage - TP_STAGE_LEAD; s++)
		if (!p->reached[s])
			p->reached[s] = r->at;
	return 0;
}

int tp__people_on_event(void *people, const tp_touch_record *t)
{
	tp__people *f = people;
	if (t->contact_id != f->contact_id) {
		f->contact_id = t->contact_id;
		f->who = tp__people_get(f, t->contact_id);
	}
	tp__person *p = f->who;
	if (!p || t->ts > f->as_of)
		return 0;
	if (!p->channel) {
		p->channel = strdup(t->channel ? t->channel : "Unassigned");
		p->campaign = strdup(tp__campaign_key(t->channel, t->campaign));
		if (!p->channel || !p->campaign)
			return f->oom = 1;
	}
	int64_t customer_at = p->reached[TP_FUNNEL_STAGES - 1];
	if ((!customer_at || t->ts <= customer_at) &&
	    (!p->last_ts || t->ts - p->last_ts > TP_VISIT_GAP_MS))
		p->touches++;
	p->last_ts = t->ts;
	return 0;
}

tp_status tp__people_load(tp_ctx *ctx, tp_store *s, int64_t as_of, int touches,
                          tp__people *f)
{
	memset(f, 0, sizeof *f);
	f->as_of = as_of;
	tp__i64map_init(&f->index);
	tp_contact_filter all = {.stage = -1, .include_merged = 0, .account_id = 0};
	tp_status rc = s->ops->contacts_list(s, ctx, &all, on_contact, f);
	if (rc == TP_OK && !f->oom)
		rc = s->ops->stage_changes(s, ctx, 0, on_stage_change, f);
	if (rc == TP_OK && !f->oom && touches)
		rc = s->ops->events_scan(s, ctx, tp__people_on_event, f);
	if (rc == TP_OK && f->oom)
		rc = tp_ctx_fail(ctx, TP_ERR_NOMEM, NULL, "out of memory reading contacts");
	if (rc != TP_OK)
		tp__people_free(f);
	return rc;
}

void tp__people_free(tp__people *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->v[i].owner);
		free(f->v[i].channel);
		free(f->v[i].campaign);
	}
	free(f->v);
	tp__i64map_free(&f->index);
	memset(f, 0, sizeof *f);
}
