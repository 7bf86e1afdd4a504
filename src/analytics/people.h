/* The people the funnel and the KPIs count: each contact with the moments
 * it first reached each forward stage, its stage at `as_of`, and its first
 * touch's channel and campaign — from the append-only stage history and
 * events, so that a report as of a past day reads only what was known. */
#ifndef TP_ANALYTICS_PEOPLE_H
#define TP_ANALYTICS_PEOPLE_H

#include <stddef.h>
#include <stdint.h>

#include "core/i64map.h"
#include "touchpoint/funnel.h"
#include "touchpoint/store.h"

typedef struct tp__person {
	int64_t reached[TP_FUNNEL_STAGES];   /* ms; 0 = not reached: lead .. customer */
	int current;                         /* tp_stage as of as_of; -1 unknown */
	char *owner;
	char *channel, *campaign;            /* of the first touch; NULL = no touches */
	int64_t touches;                     /* sessions up to becoming customer */
	int64_t last_ts;
} tp__person;

typedef struct tp__people {
	tp__person *v;
	size_t n, cap;
	tp_i64map index;                     /* contact id → index in v */
	int64_t as_of;
	/* while reading events */
	int64_t contact_id;
	tp__person *who;
	int oom;
} tp__people;

/* The campaign a touch is counted under: its own, else "(direct)" for
 * direct traffic (so that last-non-direct can pass over it), else
 * "(not set)". */
const char *tp__campaign_key(const char *channel, const char *campaign);

/* Loads every contact (not merged away); with `touches`, also reads the
 * events for first touches and touch counts. */
tp_status tp__people_load(tp_ctx *ctx, tp_store *s, int64_t as_of, int touches,
                          tp__people *out);
/* What the load does with each event, for a caller that loads without
 * `touches` and reads the events itself (ordered by contact, as
 * events_scan gives them); out of memory sets `oom`. */
int tp__people_on_event(void *people, const tp_touch_record *t);
tp__person *tp__people_get(tp__people *p, int64_t contact_id);
void tp__people_free(tp__people *p);

#endif
