/* Multi-touch attribution (DESIGN §7): journeys in, credit per channel out.
 *
 * A journey is the ordered list of channels (or campaigns) a person touched
 * before converting, or before now when they did not convert. Journeys come
 * from the workspace (tp_journeys_from_store) or from an aggregated path file
 * in the ChannelAttribution format (tp_journeys_read_paths); many identical
 * journeys may be one row with a count. Every model shares out each
 * journey's conversions and value, so that credits add up to the totals. */
#ifndef TOUCHPOINT_ATTRIBUTION_H
#define TOUCHPOINT_ATTRIBUTION_H

#include <stdint.h>
#include <stdio.h>

#include "touchpoint/ctx.h"
#include "touchpoint/store.h"

#define TP_ATTR_MODEL_MAP(X)                                  \
	X(TP_ATTR_FIRST,            "first")                   \
	X(TP_ATTR_LAST,             "last")                    \
	X(TP_ATTR_LAST_NON_DIRECT,  "last-non-direct")         \
	X(TP_ATTR_LINEAR,           "linear")                  \
	X(TP_ATTR_TIME_DECAY,       "time-decay")              \
	X(TP_ATTR_POSITION,         "position")                \
	X(TP_ATTR_W_SHAPED,         "w-shaped")                \
	X(TP_ATTR_MARKOV,           "markov")                  \
	X(TP_ATTR_SHAPLEY,          "shapley")                 \
	X(TP_ATTR_SHAPLEY_ORDERED,  "shapley-ordered")

typedef enum tp_attr_model {
#define TP__ATTR_ENUM(e, s) e,
	TP_ATTR_MODEL_MAP(TP__ATTR_ENUM)
#undef TP__ATTR_ENUM
	TP_ATTR__COUNT
} tp_attr_model;

TP_API const char *tp_attr_model_name(tp_attr_model m);
/* Returns 0 and sets *out when `name` names a model ("u-shaped" is position). */
TP_API int tp_attr_model_from_name(const char *name, tp_attr_model *out);

/* ---- journeys ------------------------------------------------------------ */

/* Anchors of the W-shaped model: the touch that made the person a lead and
 * the one that opened their opportunity. The first touch is always one. */
enum { TP_ANCHOR_LEAD = 1, TP_ANCHOR_OPPORTUNITY = 2 };

typedef struct tp_journey_step {
	uint32_t channel;      /* index into the journeys' channel names */
	uint8_t anchors;       /* TP_ANCHOR_* */
	int64_t ts;            /* ms; -1 when unknown (path files) */
} tp_journey_step;

typedef struct tp_journey {
	const tp_journey_step *steps;
	uint32_t n_steps;
	double conversions;    /* people who converted after these touches */
	double value;          /* their revenue, in major units */
	double nulls;          /* people who did not convert */
	int64_t converted_at;  /* ms; -1 unknown or not converted */
} tp_journey;

typedef struct tp_journeys tp_journeys;

TP_API tp_journeys *tp_journeys_create(void);
TP_API void tp_journeys_free(tp_journeys *j);
/* The index of a channel name, added when new; -1 when out of memory. */
TP_API int64_t tp_journeys_channel(tp_journeys *j, const char *name);
TP_API const char *tp_journeys_channel_name(const tp_journeys *j, uint32_t channel);
TP_API size_t tp_journeys_n_channels(const tp_journeys *j);
/* Adds a journey (steps are copied). A journey with no steps counts in the
 * totals but cannot be credited to any channel. */
TP_API tp_status tp_journeys_add(tp_ctx *ctx, tp_journeys *j, const tp_journey_step *steps,
                                 uint32_t n_steps, double conversions, double value, double nulls,
                                 int64_t converted_at);
TP_API size_t tp_journeys_count(const tp_journeys *j);
/* The i-th journey; its steps live until the next add or free. */
TP_API tp_journey tp_journeys_get(const tp_journeys *j, size_t i);
/* True when every step has a time and W-shaped anchors were recorded, i.e.
 * the journeys came from the workspace rather than a path file. */
TP_API int tp_journeys_timed(const tp_journeys *j);

/* Reads an aggregated path file of the ChannelAttribution package:
 * a header, then `path;total_conversions;total_conversion_value;total_null`,
 * channels separated by " > ". A bad line is refused with its number. */
TP_API tp_status tp_journeys_read_paths(tp_ctx *ctx, FILE *in, tp_journeys *j);

/* What converts. */
typedef enum tp_conversion_kind {
	TP_CONVERT_CUSTOMER, TP_CONVERT_OPPORTUNITY, TP_CONVERT_SQL, TP_CONVERT_EVENT
} tp_conversion_kind;

typedef enum tp_journey_key { TP_KEY_CHANNEL, TP_KEY_CAMPAIGN } tp_journey_key;

typedef struct tp_journey_opts {
	tp_conversion_kind conversion;
	const char *event;     /* TP_CONVERT_EVENT: a track event name or a touch type */
	tp_journey_key key;
	int64_t lookback_ms;   /* touches this long before the conversion; 0 = 90 days */
	int64_t as_of;         /* ms; only history up to this moment; 0 = now */
} tp_journey_opts;

/* One journey per contact: its touches (sessions: a new touch after 30
 * minutes without activity, credited to the channel of its first event)
 * within the lookback window before its first conversion, or before its last
 * touch up to `as_of` when it has not converted. Revenue is
 * the won amount of the contact's opportunities (customer conversions). */
TP_API tp_status tp_journeys_from_store(tp_ctx *ctx, tp_store *s, const tp_journey_opts *o,
                                        tp_journeys *j);

/* ---- models -------------------------------------------------------------- */

typedef struct tp_attr_opts {
	tp_attr_model model;
	int markov_order;          /* 1..4; 0 = 1 */
	int64_t half_life_ms;      /* time decay; 0 = 7 days */
	double min_journeys;       /* Shapley: channel sets seen in fewer journeys are
	                            * left unattributed (Ads Data Hub's floor); 0 = none */
} tp_attr_opts;

typedef struct tp_attr_result {
	tp_attr_model model;
	size_t n_channels;
	double *conversions, *value;     /* credit per channel */
	double *removal_effect;          /* markov: per channel, 0..1; else NULL */
	double *removal_effect_value;    /* markov, on revenue */
	double conversion_probability;   /* markov: from the start state */
	/* shapley-ordered: credit of channel c at touch position p (0-based) is
	 * by_position[c * n_positions + p]. */
	double *by_position;
	size_t n_positions;
	double total_conversions, total_value;
	/* Conversions and value no channel could take: journeys without touches,
	 * and Shapley channel sets under the floor. Credits + these = totals. */
	double unattributed_conversions, unattributed_value;
	size_t markov_states;            /* transient states of the chain */
} tp_attr_result;

/* Runs one model. Time decay and W-shaped need timed journeys. */
TP_API tp_status tp_attribute(tp_ctx *ctx, const tp_journeys *j, const tp_attr_opts *o,
                              tp_attr_result *out);
TP_API void tp_attr_result_free(tp_attr_result *r);

/* ---- paths --------------------------------------------------------------- */

typedef struct tp_path_row {
	char *path;                /* "Paid Search > Email" or, for sets, "Email + Paid Search" */
	uint32_t length;           /* touches, or channels in a set */
	double conversions, value, nulls;
	double conversion_rate;    /* conversions / (conversions + nulls); -1 undefined */
} tp_path_row;

typedef struct tp_paths_report {
	tp_path_row *converting;   /* most conversions first */
	size_t n_converting;
	tp_path_row *non_converting;  /* most journeys first */
	size_t n_non_converting;
	tp_path_row *sets;         /* channel combinations, most journeys first */
	size_t n_sets;
	tp_path_row *lengths;      /* path = "1", "2", ...; by length */
	size_t n_lengths;
} tp_paths_report;

/* The top `limit` rows of each list (0 = all). */
TP_API tp_status tp_paths_report_build(tp_ctx *ctx, const tp_journeys *j, size_t limit,
                                       tp_paths_report *out);
TP_API void tp_paths_report_free(tp_paths_report *r);

#endif
