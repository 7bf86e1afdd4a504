/* Lead forms of the ad platforms (a lead filled in inside an ad, never
 * visiting the site) as Segment calls: a track "Lead Ad Submitted" with the
 * person's fields as traits, the platform's campaign, ad group, ad and form
 * ids as properties (ids kept as text: some overflow 64 bits), and
 * "<platform>-lead:<lead id>" as messageId, so a lead delivered twice is
 * stored once. docs/LEADADS.md lists the fields of each platform. */
#ifndef TOUCHPOINT_LEADADS_H
#define TOUCHPOINT_LEADADS_H

#include <stddef.h>

#include "touchpoint/ctx.h"

typedef enum tp_lead_format {
	TP_LEADS_NONE = 0,    /* not lead payloads: Segment calls */
	TP_LEADS_GOOGLE,      /* Google Ads lead form webhook (docs: "lead form webhook") */
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

#endif
