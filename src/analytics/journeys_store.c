/* Journeys from the workspace: one per person, its touches before the
 * conversion (or before now), from the append-only history only, so that
 * `as_of` reproduces what the report said on that day. */
#include <stdlib.h>
#include <string.h>

#include "analytics/attribution_int.h"
#include "analytics/people.h"
#include "core/buf.h"
#include "core/i64map.h"
#include "core/text.h"
#include "touchpoint/attribution.h"
#include "touchpoint/channel.h"
#include "touchpoint/stage.h"

#define DEFAULT_LOOKBACK_MS (90 * 86400000LL)

typedef struct person {
	int64_t lead_at, opportunity_at, converted_at;   /* 0 = not (yet) */
	double value;
	int seen;                /* its events were read */
} person;

struct tp__journey_builder {
	tp_ctx *ctx;
	const tp_journey_opts *o;
	tp_journeys *j;
	int64_t as_of, lookback;
	tp_i64map index;         /* contact id → people[] */
	person *people;
	size_t n_people, cap_people;
	/* The contact whose events are being read. */
	int64_t contact_id;
	person *who;
	tp_journey_step *steps;
	size_t n_steps, cap_steps;
	int64_t last_ts;         /* its last event's time: sessions */
	tp_status rc;
};
typedef tp__journey_builder builder;

static int on_contact(void *user, const tp_contact *c)
{
	builder *b = user;
	if (tp__grow((void **)&b->people, &b->cap_people, b->n_people + 1, sizeof *b->people) != 0)
		return b->rc = TP_ERR_NOMEM, 1;
	b->people[b->n_people] = (person){0, 0, 0, 0, 0};
	if (tp__i64map_put(&b->index, c->id, (int64_t)b->n_people) != 0)
		return b->rc = TP_ERR_NOMEM, 1;
	b->n_people++;
	return 0;
}

static person *person_of(builder *b, int64_t contact_id)
{
	int64_t i;
	return tp__i64map_get(&b->index, contact_id, &i) ? &b->people[i] : NULL;
}

/* The stage that a conversion kind is reached at, and beyond. */
static tp_stage conversion_stage(tp_conversion_kind k)
{
	return k == TP_CONVERT_CUSTOMER ? TP_STAGE_CUSTOMER
	     : k == TP_CONVERT_OPPORTUNITY ? TP_STAGE_OPPORTUNITY : TP_STAGE_SQL;
}

static int reached(tp_stage to, tp_stage stage)
{
	return to >= stage && to <= TP_STAGE_CUSTOMER;
}

static int on_stage_change(void *user, const tp_stage_change_row *r)
{
	builder *b = user;
	person *p = person_of(b, r->contact_id);
	if (!p || r->at > b->as_of)
		return 0;
	if (!p->lead_at && reached(r->to_stage, TP_STAGE_LEAD))
		p->lead_at = r->at;
	if (!p->opportunity_at && reached(r->to_stage, TP_STAGE_OPPORTUNITY))
		p->opportunity_at = r->at;
	if (b->o->conversion != TP_CONVERT_EVENT && !p->converted_at &&
	    reached(r->to_stage, conversion_stage(b->o->conversion)))
		p->converted_at = r->at;
	return 0;
}

static int on_opportunity(void *user, const tp_opportunity_row *r)
{
	builder *b = user;
	person *p = person_of(b, r->contact_id);
	if (!p || r->created_at > b->as_of)
		return 0;
	/* Opportunity conversions are worth the pipeline they opened; the
	 * others the revenue won. */
	if (b->o->conversion == TP_CONVERT_OPPORTUNITY)
		p->value += (double)r->amount / 100;
	else if (r->stage && strcmp(r->stage, "won") == 0 && r->closed_at && r->closed_at <= b->as_of)
		p->value += (double)r->amount / 100;
	return 0;
}

static int is_conversion_event(const builder *b, const tp_touch_record *t)
{
	const char *e = b->o->event;
	return b->o->conversion == TP_CONVERT_EVENT &&
	       ((t->name && tp__ieq(t->name, e)) || (t->type && tp__ieq(t->type, e)));
}

/* Ends the current contact: its journey is the touches within the lookback
 * window before it converted (or before as_of). */
static void finish_contact(builder *b)
{
	person *p = b->who;
	if (b->rc != TP_OK || !p)
		return;
	/* A person who has not converted is looked at over the same window,
	 * ending at their last touch. */
	int64_t end = p->converted_at ? p->converted_at
	            : b->n_steps ? b->steps[b->n_steps - 1].ts : b->as_of;
	size_t first = 0;
	while (first < b->n_steps && b->steps[first].ts < end - b->lookback)
		first++;
	for (size_t i = first; i < b->n_steps; i++) {
		/* The touch on which the person became a lead (or opened an
		 * opportunity) is the last one at or before that moment. */
		int64_t next = i + 1 < b->n_steps ? b->steps[i + 1].ts : INT64_MAX;
		if (p->lead_at && b->steps[i].ts <= p->lead_at && next > p->lead_at)
			b->steps[i].anchors |= TP_ANCHOR_LEAD;
		if (p->opportunity_at && b->steps[i].ts <= p->opportunity_at && next > p->opportunity_at)
			b->steps[i].anchors |= TP_ANCHOR_OPPORTUNITY;
	}
	uint32_t n = (uint32_t)(b->n_steps - first);
	if (n || p->converted_at)
		b->rc = tp_journeys_add(b->ctx, b->j, b->steps + first, n, p->converted_at ? 1 : 0,
		                        p->converted_at ? p->value : 0, p->converted_at ? 0 : 1,
		                        p->converted_at ? p->converted_at : -1);
	b->who = NULL;
	b->n_steps = 0;
}

static const char *touch_key(const builder *b, const tp_touch_record *t)
{
	const char *channel = t->channel ? t->channel : "Unassigned";
	if (b->o->key == TP_KEY_CHANNEL)
		return channel;
	return tp__campaign_key(channel, t->campaign);
}

static int on_event(void *user, const tp_touch_record *t)
{
	builder *b = user;
	if (t->contact_id != b->contact_id) {
		finish_contact(b);
		b->contact_id = t->contact_id;
		b->who = person_of(b, t->contact_id);
		b->last_ts = INT64_MIN;
		if (b->who)
			b->who->seen = 1;
	}
	person *p = b->who;
	if (b->rc != TP_OK)
		return 1;
	if (!p || t->ts > b->as_of || (p->converted_at && t->ts > p->converted_at))
		return 0;
	/* A touch is a session: activity without a 30-minute gap, credited to
	 * the channel of its first event (as GA4 does). */
	if (b->last_ts == INT64_MIN || t->ts - b->last_ts > TP_VISIT_GAP_MS) {
		int64_t ch = tp_journeys_channel(b->j, touch_key(b, t));
		if (ch < 0)
			return b->rc = tp_ctx_fail(b->ctx, TP_ERR_NOMEM, NULL, "journeys: out of memory"), 1;
		if (tp__grow((void **)&b->steps, &b->cap_steps, b->n_steps + 1, sizeof *b->steps) != 0)
			return b->rc = tp_ctx_fail(b->ctx, TP_ERR_NOMEM, NULL, "journeys: out of memory"), 1;
		b->steps[b->n_steps++] = (tp_journey_step){(uint32_t)ch, 0, t->ts};
	}
	b->last_ts = t->ts;
	if (!p->converted_at && is_conversion_event(b, t))
		p->converted_at = t->ts;
	return 0;
}

/* Reads who the people are, their stages and deals: everything but the
 * events, which the caller's scan then gives to tp__journeys_on_event. */
tp_status tp__journeys_begin(tp_ctx *ctx, tp_store *s, const tp_journey_opts *o, tp_journeys *j,
                             tp__journey_builder **out)
{
	*out = NULL;
	if (o->conversion == TP_CONVERT_EVENT && (!o->event || !*o->event))
		return tp_ctx_fail(ctx, TP_ERR_INVALID, "conversion", "name the conversion event");
	if (o->lookback_ms < 0)
		return tp_ctx_fail(ctx, TP_ERR_INVALID, "lookback", "must not be negative");
	builder *b = malloc(sizeof *b);
	if (!b)
		return tp_ctx_fail(ctx, TP_ERR_NOMEM, NULL, "journeys: out of memory");
	*b = (builder){.ctx = ctx, .o = o, .j = j, .rc = TP_OK, .contact_id = 0,
	               .as_of = o->as_of ? o->as_of : tp_ctx_now(ctx),
	               .lookback = o->lookback_ms ? o->lookback_ms : DEFAULT_LOOKBACK_MS};
	tp__i64map_init(&b->index);
	tp_contact_filter all = {.stage = -1, .include_merged = 0, .account_id = 0};
	tp_status rc = s->ops->contacts_list(s, ctx, &all, on_contact, b);
	if (rc == TP_OK && b->rc == TP_OK)
		rc = s->ops->stage_changes(s, ctx, 0, on_stage_change, b);
	if (rc == TP_OK && b->rc == TP_OK)
		rc = s->ops->opportunities_list(s, ctx, on_opportunity, b);
	if (rc == TP_OK && b->rc != TP_OK)
		rc = tp_ctx_fail(ctx, TP_ERR_NOMEM, NULL, "journeys: out of memory");
	if (rc != TP_OK) {
		tp__journeys_end(b, rc);
		return rc;
	}
	*out = b;
	return TP_OK;
}

int tp__journeys_on_event(void *journey_builder, const tp_touch_record *t)
{
	return on_event(journey_builder, t);
}

tp_status tp__journeys_end(tp__journey_builder *b, tp_status rc)
{
	if (rc == TP_OK)
		finish_contact(b);
	/* People who converted without any event: conversions no channel can
	 * take, but conversions all the same. */
	for (size_t i = 0; rc == TP_OK && b->rc == TP_OK && i < b->n_people; i++) {
		const person *p = &b->people[i];
		if (!p->seen && p->converted_at)
			b->rc = tp_journeys_add(b->ctx, b->j, NULL, 0, 1, p->value, 0, p->converted_at);
	}
	if (rc == TP_OK && b->rc != TP_OK)
		rc = b->rc == TP_ERR_NOMEM ? tp_ctx_fail(b->ctx, TP_ERR_NOMEM, NULL, "journeys: out of memory")
		                           : b->rc;
	tp__i64map_free(&b->index);
	free(b->people);
	free(b->steps);
	free(b);
	return rc;
}

tp_status tp_journeys_from_store(tp_ctx *ctx, tp_store *s, const tp_journey_opts *o,
                                 tp_journeys *j)
{
	tp__journey_builder *b;
	tp_status rc = tp__journeys_begin(ctx, s, o, j, &b);
	if (rc != TP_OK)
		return rc;
	return tp__journeys_end(b, s->ops->events_scan(s, ctx, tp__journeys_on_event, b));
}
