/* The typed touchpoint: what one Segment call (or form, or lead ad) becomes
 * after parsing. Plain data; every string is borrowed from the parser's
 * arena and valid until the parser's next call. */
#ifndef TOUCHPOINT_EVENT_H
#define TOUCHPOINT_EVENT_H

#include <stdint.h>

#include "touchpoint/api.h"

typedef enum tp_call {
	TP_CALL_IDENTIFY, TP_CALL_TRACK, TP_CALL_PAGE, TP_CALL_SCREEN,
	TP_CALL_GROUP, TP_CALL_ALIAS, TP_CALL__COUNT
} tp_call;

/* Touchpoint types (DESIGN §1, §5). The string is what the store and the
 * JSON output carry; appended, never renamed. */
#define TP_TOUCH_MAP(X)                                    \
	X(TP_TOUCH_PAGE_VIEW,          "page_view")          \
	X(TP_TOUCH_SCREEN_VIEW,        "screen_view")        \
	X(TP_TOUCH_SITE_SEARCH,        "site_search")        \
	X(TP_TOUCH_DOWNLOAD,           "download")           \
	X(TP_TOUCH_VIDEO_PROGRESS,     "video_progress")     \
	X(TP_TOUCH_EMAIL_SIGNUP,       "email_signup")       \
	X(TP_TOUCH_FORM_SUBMIT,        "form_submit")        \
	X(TP_TOUCH_DEMO_REQUEST,       "demo_request")       \
	X(TP_TOUCH_CHAT,               "chat")               \
	X(TP_TOUCH_TRIAL_SIGNUP,       "trial_signup")       \
	X(TP_TOUCH_OFFER_SIGNUP,       "offer_signup")       \
	X(TP_TOUCH_PAYMENT,            "payment")            \
	X(TP_TOUCH_WEBINAR_REGISTERED, "webinar_registered") \
	X(TP_TOUCH_WEBINAR_ATTENDED,   "webinar_attended")   \
	X(TP_TOUCH_EVENT_ATTENDED,     "event_attended")     \
	X(TP_TOUCH_EMAIL_OPEN,         "email_open")         \
	X(TP_TOUCH_EMAIL_CLICK,        "email_click")        \
	X(TP_TOUCH_EMAIL_BOUNCE,       "email_bounce")       \
	X(TP_TOUCH_UNSUBSCRIBE,        "unsubscribe")        \
	X(TP_TOUCH_SOCIAL_LIKE,        "social_like")        \
	X(TP_TOUCH_SOCIAL_COMMENT,     "social_comment")     \
	X(TP_TOUCH_SOCIAL_SHARE,       "social_share")       \
	X(TP_TOUCH_LEAD_AD_SUBMIT,     "lead_ad_submit")     \
	X(TP_TOUCH_CLICK,              "click")              \
	X(TP_TOUCH_SCROLL,             "scroll")             \
	X(TP_TOUCH_MEETING_BOOKED,     "meeting_booked")     \
	X(TP_TOUCH_IDENTIFY,           "identify")           \
	X(TP_TOUCH_GROUP,              "group")              \
	X(TP_TOUCH_ALIAS,              "alias")              \
	X(TP_TOUCH_CUSTOM,             "custom")

typedef enum tp_touch {
#define TP__TOUCH_ENUM(e, s) e,
	TP_TOUCH_MAP(TP__TOUCH_ENUM)
#undef TP__TOUCH_ENUM
	TP_TOUCH__COUNT
} tp_touch;

/* Click ids, in the order they are stored. */
#define TP_CLICK_MAP(X)                   \
	X(TP_CLICK_GCLID,     "gclid")     \
	X(TP_CLICK_GBRAID,    "gbraid")    \
	X(TP_CLICK_WBRAID,    "wbraid")    \
	X(TP_CLICK_DCLID,     "dclid")     \
	X(TP_CLICK_FBCLID,    "fbclid")    \
	X(TP_CLICK_MSCLKID,   "msclkid")   \
	X(TP_CLICK_LI_FAT_ID, "li_fat_id") \
	X(TP_CLICK_TTCLID,    "ttclid")

typedef enum tp_click {
#define TP__CLICK_ENUM(e, s) e,
	TP_CLICK_MAP(TP__CLICK_ENUM)
#undef TP__CLICK_ENUM
	TP_CLICK__COUNT
} tp_click;

enum { TP_UTM_SOURCE, TP_UTM_MEDIUM, TP_UTM_CAMPAIGN, TP_UTM_TERM, TP_UTM_CONTENT, TP_UTM__COUNT };

/* What a person or company says about itself (identify/group traits, form
 * fields, CSV columns). NULL = not given. */
/* Zero means "not said", so that a zeroed tp_traits says nothing of consent. */
enum { TP_CONSENT_UNSAID = 0, TP_CONSENT_GIVEN = 1, TP_CONSENT_REFUSED = 2 };

typedef struct tp_traits {
	const char *email;        /* normalized (see tp_email_normalize) */
	const char *first_name, *last_name, *title, *phone;
	const char *company, *website, *industry, *country;
	const char *lead_source, *lifecycle_stage, *owner;
	int64_t employees;        /* -1 = not given */
	int64_t annual_revenue;   /* minor units of the workspace currency; -1 = not given */
	int consent;              /* TP_CONSENT_*: marketing consent, as the person said it */
} tp_traits;

typedef struct tp_event {
	tp_call call;
	tp_touch touch;
	const char *message_id;   /* as given, or "h:" + hash of the record */
	const char *anonymous_id, *user_id, *group_id, *previous_id;
	const char *name;         /* track event name, page or screen name */
	int64_t ts;               /* UTC ms */
	tp_traits traits;
	const char *page_category;  /* page views: pricing, demo, product, blog, careers, docs, home, other */
	const char *search_term;    /* site searches */
	const char *asset;          /* downloads, videos, webinars, forms: what was touched */
	int video_percent;          /* video progress 0..100, -1 otherwise */
	const char *url, *host, *path, *referrer, *title;
	const char *utm[TP_UTM__COUNT];       /* lower-cased, NULL if absent */
	const char *click_id[TP_CLICK__COUNT];
	const char *properties;     /* compact JSON of properties (traits for identify/group) */
} tp_event;

/* Names for the enums above; never NULL ("?" when out of range). */
TP_API const char *tp_touch_name(tp_touch t);
TP_API const char *tp_call_name(tp_call c);
TP_API const char *tp_click_name(tp_click c);
/* Returns 0 and sets *out when `name` is a touch type name. */
TP_API int tp_touch_from_name(const char *name, tp_touch *out);

#endif
