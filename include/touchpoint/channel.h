/* Channel grouping. Follows Google Analytics 4's default channel group: the
 * same ordered rules (first match wins, case-insensitive) and the same channel
 * names, so that numbers can be held against GA4; plus four B2B channels for
 * leads that arrive offline. docs/CHANNELS.md lists the rules. */
#ifndef TOUCHPOINT_CHANNEL_H
#define TOUCHPOINT_CHANNEL_H

#include <stddef.h>

#include "touchpoint/api.h"
#include "touchpoint/ctx.h"
#include "touchpoint/event.h"
#include "touchpoint/status.h"

/* GA4's session rule: activity with no gap this long is one visit (a
 * session). Ingest uses it for a visit's channel, analytics for touches. */
#define TP_VISIT_GAP_MS (30LL * 60 * 1000)

#define TP_CHANNEL_MAP(X)                                          \
	X(TP_CH_DIRECT,            "Direct")                       \
	X(TP_CH_CROSS_NETWORK,     "Cross-network")                \
	X(TP_CH_PAID_SHOPPING,     "Paid Shopping")                \
	X(TP_CH_PAID_SEARCH,       "Paid Search")                  \
	X(TP_CH_PAID_SOCIAL,       "Paid Social")                  \
	X(TP_CH_PAID_VIDEO,        "Paid Video")                   \
	X(TP_CH_DISPLAY,           "Display")                      \
	X(TP_CH_PAID_OTHER,        "Paid Other")                   \
	X(TP_CH_ORGANIC_SHOPPING,  "Organic Shopping")             \
	X(TP_CH_ORGANIC_SOCIAL,    "Organic Social")               \
	X(TP_CH_ORGANIC_VIDEO,     "Organic Video")                \
	X(TP_CH_ORGANIC_SEARCH,    "Organic Search")               \
	X(TP_CH_REFERRAL,          "Referral")                     \
	X(TP_CH_EMAIL,             "Email")                        \
	X(TP_CH_AFFILIATES,        "Affiliates")                   \
	X(TP_CH_AUDIO,             "Audio")                        \
	X(TP_CH_SMS,               "SMS")                          \
	X(TP_CH_MOBILE_PUSH,       "Mobile Push Notifications")    \
	X(TP_CH_EVENTS,            "Events")                       \
	X(TP_CH_WEBINAR,           "Webinar")                      \
	X(TP_CH_OUTBOUND,          "Outbound")                     \
	X(TP_CH_PARTNER,           "Partner")                      \
	X(TP_CH_UNASSIGNED,        "Unassigned")

typedef enum tp_channel {
#define TP__CH_ENUM(e, s) e,
	TP_CHANNEL_MAP(TP__CH_ENUM)
#undef TP__CH_ENUM
	TP_CH__COUNT
} tp_channel;

typedef enum tp_site_list {
	TP_SITES_SEARCH, TP_SITES_SOCIAL, TP_SITES_VIDEO, TP_SITES_SHOPPING, TP_SITES__COUNT
} tp_site_list;

typedef struct tp_channel_rules tp_channel_rules;

/* The traffic source of one touch: the values the rules read. */
typedef struct tp_traffic {
	const char *source, *medium, *campaign;   /* lower-case, never NULL */
	int from_campaign;   /* 1 when UTM or a click id says where it came from */
	int internal;        /* 1 when the referrer is the page's own site */
} tp_traffic;

/* Returns new rules holding the built-in site lists — free with
 * tp_channel_rules_destroy(); NULL when out of memory. */
TP_API tp_channel_rules *tp_channel_rules_create(void);
TP_API void tp_channel_rules_destroy(tp_channel_rules *rules);
/* Empties one list (before loading a workspace's edited list). */
TP_API void tp_channel_rules_clear(tp_channel_rules *rules, tp_site_list list);
/* Adds a site ("google", "t.co", "news.ycombinator.com"); copies it. */
TP_API tp_status tp_channel_rules_add(tp_channel_rules *rules, tp_site_list list,
                                      const char *site);
/* Removes a site; returns TP_ERR_NOT_FOUND when it is not in the list. */
TP_API tp_status tp_channel_rules_remove(tp_channel_rules *rules, tp_site_list list,
                                         const char *site);
/* The entries of a list; *n is set. Borrowed until the rules change. */
TP_API const char *const *tp_channel_rules_sites(const tp_channel_rules *rules,
                                                 tp_site_list list, size_t *n);
/* Built-in entries of a list, NULL-terminated; static. */
TP_API const char *const *tp_channel_default_sites(tp_site_list list);
TP_API const char *tp_site_list_name(tp_site_list list);
TP_API int tp_site_list_from_name(const char *name, tp_site_list *out);
/* Does `source` (a name or host) belong to `list`? */
TP_API int tp_channel_site_in(const tp_channel_rules *rules, tp_site_list list,
                              const char *source);

/* Works out source/medium/campaign of an event: UTM first, then click ids
 * (gclid/gbraid/wbraid → google/cpc, ...), then the referrer, else
 * (direct)/(none). Strings point into `ev` or static storage. */
TP_API void tp_channel_traffic(const tp_channel_rules *rules, const tp_event *ev,
                               tp_traffic *out);
/* The first matching rule's channel. */
TP_API tp_channel tp_channel_classify(const tp_channel_rules *rules,
                                      const char *source, const char *medium,
                                      const char *campaign);

TP_API const char *tp_channel_name(tp_channel ch);
TP_API int tp_channel_from_name(const char *name, tp_channel *out);

/* The workspace's rules: built-in site lists, each replaced by the
 * workspace's edited list where it has one. */
struct tp_store;
TP_API tp_status tp_channel_rules_load(tp_ctx *ctx, struct tp_store *store, tp_channel_rules **out);
/* Stores one list of `rules` as the workspace's edited list. */
TP_API tp_status tp_channel_rules_save(tp_ctx *ctx, struct tp_store *store,
                                       const tp_channel_rules *rules, tp_site_list list);

#endif
