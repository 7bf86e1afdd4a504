/* Records of the data model (DESIGN §3) as the store hands them out. Strings
 * belong to whoever filled the record (usually an arena the caller passed). */
#ifndef TOUCHPOINT_MODEL_H
#define TOUCHPOINT_MODEL_H

#include <stdint.h>

#include "touchpoint/channel.h"
#include "touchpoint/event.h"
#include "touchpoint/stage.h"

typedef struct tp_contact {
	int64_t id;
	int64_t account_id;    /* 0 = none */
	int64_t merged_into;   /* 0 = a person of its own; else the contact it was merged into */
	int64_t created_at, updated_at;
	const char *email, *user_id;
	const char *first_name, *last_name, *title, *phone;
	const char *company, *country, *lead_source, *owner;
	tp_stage stage;
	const char *source_channel; /* channel of the first touch */
	int consent;                /* -1 unknown, 0 no, 1 yes */
	int64_t erased_at;          /* 0 = not erased (tp_contact_erase) */
} tp_contact;

typedef struct tp_account {
	int64_t id;
	const char *domain, *group_id, *name, *industry, *country;
	int64_t employees, annual_revenue; /* -1 = unknown; revenue in minor units */
	int64_t created_at;
	int64_t customer_since;            /* 0 = not a customer */
} tp_account;

/* An anonymous visitor (a browser, an app install). Click ids and the
 * landing are kept from its first hits, where they appear only once. */
typedef struct tp_visitor {
	int64_t id;
	const char *anonymous_id;
	int64_t contact_id;          /* the contact it was identified as; 0 = anonymous */
	int64_t first_seen, last_seen;
	tp_channel first_channel;
	const char *landing_url;
	const char *click_id[TP_CLICK__COUNT];
	/* The visit in progress (GA4's 30-minute session): its traffic source. */
	tp_channel visit_channel;
	const char *visit_source, *visit_medium, *visit_campaign;
} tp_visitor;

/* An event as stored: the parsed call plus what identity and channel
 * grouping decided. */
typedef struct tp_event_row {
	const tp_event *ev;
	int64_t contact_id;          /* current owner (follows merges); 0 = anonymous */
	int64_t origin_contact_id;   /* the contact it was first attributed to; kept for unmerge */
	int64_t received_at;
	tp_channel channel;
	const char *source, *medium, *campaign;
} tp_event_row;

/* A stored event, as read back for timelines. */
typedef struct tp_touch_record {
	int64_t id, ts, contact_id;
	const char *message_id, *anonymous_id, *type, *name, *channel, *source, *medium,
		*campaign, *page_category, *search_term, *asset, *url, *properties;
	int video_percent;
	/* Set by a store that holds type and channel as codes (1), so that a
	 * reader need not look their names up again: touch and channel are
	 * then their tp_touch and tp_channel. 0: only the names are given. */
	int coded;
	int touch, channel_code;
} tp_touch_record;

typedef struct tp_merge {
	int64_t id, winner_id, loser_id, at, undone_at; /* undone_at 0 = in force */
	const char *rule, *detail;
} tp_merge;

typedef struct tp_identity_note {
	int64_t id, at, contact_id, other_contact_id;
	const char *kind, *anonymous_id, *detail;
} tp_identity_note;

#endif
