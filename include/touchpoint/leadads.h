/* Lead forms of the ad platforms (a lead filled in inside an ad, never
 * visiting the site) as Segment calls: a track "Lead Ad Submitted" with the
 * person's fields as traits, the platform's campaign, ad group, ad and form
 * ids as properties (ids kept as text: some overflow 64 bits), and
 * "<platform>-lead:<lead id>" as messageId, so a lead delivered twice is
 * stored once. docs/LEADADS.md lists the fields of each platform. */
#ifndef TOUCHPOINT_LEADADS_H
#define TOUCHPOINT_LEADADS_H

#include <stddef.h>
#include <stdio.h>

#include "touchpoint/ctx.h"
#include "touchpoint/store.h"

typedef enum tp_lead_format {
	TP_LEADS_NONE = 0,    /* not lead payloads: Segment calls */
	TP_LEADS_GOOGLE,      /* Google Ads lead form webhook (docs: "lead form webhook") */
	TP_LEADS_META,        /* a lead of Meta's Graph API (GET /{lead-id}) */
	TP_LEADS_LINKEDIN,    /* a LinkedIn Lead Sync form response (leadFormResponses) */
	TP_LEADS_TIKTOK,      /* a TikTok lead (webhook or download) */
	TP_LEADS__COUNT
} tp_lead_format;

TP_API const char *tp_lead_format_name(tp_lead_format f);   /* "google" */
TP_API int tp_lead_format_from_name(const char *name, tp_lead_format *out);

/* One payload of `format` as a Segment track call: *call is new (free()
 * it). *key, when not NULL, gets the payload's own key (Google's
 * google_key), new, or NULL when it has none. Fails with TP_ERR_PARSE or
 * TP_ERR_INVALID naming the field. */
TP_API tp_status tp_lead_call(tp_ctx *ctx, tp_lead_format format, const char *json, size_t len,
                              char **call, char **key);

/* A platform's webhook notification that names leads without carrying them
 * (Meta's leadgen change, LinkedIn's lead notification): fn gets each
 * lead's id (fn returns nonzero to stop). Fails with TP_ERR_PARSE or
 * TP_ERR_INVALID naming the field; TP_ERR_UNSUPPORTED for formats whose
 * webhooks carry the whole lead. */
TP_API tp_status tp_lead_notification(tp_ctx *ctx, tp_lead_format format, const char *json,
                                      size_t len, int (*fn)(void *user, const char *lead_id),
                                      void *user);

/* A workspace's connection to a platform (workspace setting "leadads"). */
typedef struct tp_lead_source {
	char app_secret[256];    /* Meta app secret, LinkedIn client secret: signs webhooks */
	char verify_token[256];  /* Meta's GET challenge */
	char access_token[1024]; /* fetches leads from the platform's API */
	char api_url[512];       /* that API's base URL; "" = the platform's own */
} tp_lead_source;

/* *found = 0 (and *out empty) when never set. */
TP_API tp_status tp_lead_source_get(tp_ctx *ctx, tp_store *store, tp_lead_format format,
                                    tp_lead_source *out, int *found);
/* Stores it, inside the caller's transaction; api_url must be http(s). */
TP_API tp_status tp_lead_source_set(tp_ctx *ctx, tp_store *store, tp_lead_format format,
                                    const tp_lead_source *src);
/* The platform's API base URL when src->api_url is empty. */
TP_API const char *tp_lead_api_default(tp_lead_format format);

/* Checks a webhook's signature: hex HMAC-SHA256 of the body with the
 * platform's secret, after an optional "sha256=" or "hmacsha256=" prefix.
 * Returns 1 when it matches (compared in constant time). */
TP_API int tp_lead_signature_ok(const char *secret, const char *body, size_t len,
                                const char *signature);
/* hex HMAC-SHA256 of `text` with `secret` into out[65] (LinkedIn's
 * challengeResponse). */
TP_API void tp_lead_hmac_hex(const char *secret, const char *text, size_t len, char out[65]);

/* Reads a platform's CSV export of leads (Ads Manager, Campaign Manager,
 * TikTok Ads Manager) and hands each row to fn as that platform's JSON lead
 * (new text, freed after fn; line is the row's line in the file). */
TP_API tp_status tp_lead_csv_read(tp_ctx *ctx, tp_lead_format format, FILE *in,
                                  tp_status (*fn)(void *user, const char *json, int64_t line),
                                  void *user);

#endif
