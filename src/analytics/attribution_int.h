/* What the attribution models share inside the library. */
#ifndef TP_ANALYTICS_ATTRIBUTION_INT_H
#define TP_ANALYTICS_ATTRIBUTION_INT_H

#include "touchpoint/attribution.h"

#define TP_ATTR_DEFAULT_HALF_LIFE (7 * 86400000LL)
#define TP_ATTR_MAX_ORDER 4

/* A channel set (or, ordered, the distinct channels in first-touch order)
 * with the journeys whose channels were exactly it. */
typedef struct channel_set {
	uint32_t *members;
	uint32_t n;
	double conversions, value, journeys;   /* journeys = conversions + nulls */
} channel_set;

typedef struct channel_sets {
	channel_set *sets;     /* in order of first appearance */
	size_t n;
	uint32_t longest;
} channel_sets;

/* Groups the journeys that have touches by channel set. */
tp_status tp__channel_sets(tp_ctx *ctx, const tp_journeys *j, int ordered, channel_sets *out);
void tp__channel_sets_free(channel_sets *s);

/* The Markov chain model of `order` (1..TP_ATTR_MAX_ORDER): fills the
 * credits, removal effects and conversion probability of r (whose credit
 * arrays, totals and unattributed journeys without touches are set). */
tp_status tp__markov(tp_ctx *ctx, const tp_journeys *j, int order, tp_attr_result *r);

/* tp_journeys_from_store in three steps, for a report that reads the
 * events once for several purposes (the KPIs): begin reads the people,
 * their stages and deals; each event of the caller's events_scan then goes
 * to tp__journeys_on_event (a tp_touch_fn); end takes the scan's status,
 * adds the last journeys and frees the builder, whatever the status. */
typedef struct tp__journey_builder tp__journey_builder;
tp_status tp__journeys_begin(tp_ctx *ctx, tp_store *s, const tp_journey_opts *o, tp_journeys *j,
                             tp__journey_builder **out);
int tp__journeys_on_event(void *journey_builder, const tp_touch_record *t);
tp_status tp__journeys_end(tp__journey_builder *b, tp_status scan);

#endif
