/* Landing-page forms posted to the server (POST /v1/forms/NAME). A form is
 * configured first (touchpoint forms set): where to send the visitor after
 * (only there: no open redirect), which field is the consent checkbox and
 * which is the honeypot. A submission becomes a Segment track call "Form
 * Submitted", which identifies its sender by the email field. */
#ifndef TOUCHPOINT_FORM_H
#define TOUCHPOINT_FORM_H

#include <stddef.h>

#include "touchpoint/ctx.h"
#include "touchpoint/pixel.h"
#include "touchpoint/store.h"

#define TP_FORM_MAX_REDIRECTS 8

typedef struct tp_form_config {
	char name[64];
	char *redirects[TP_FORM_MAX_REDIRECTS];  /* the first is the default thank-you page */
	size_t n_redirects;
	char consent_field[64];   /* "" = none */
	char honeypot_field[64];  /* "" = none */
} tp_form_config;

/* Reads form `name` of the store's workspace into *out (free with
 * tp_form_config_free). TP_ERR_NOT_FOUND when it was never set. */
TP_API tp_status tp_form_config_get(tp_ctx *ctx, tp_store *store, const char *name,
                                    tp_form_config *out);
/* Checks (name [a-z0-9_-], absolute http(s) redirect URLs) and stores it,
 * inside the caller's transaction. */
TP_API tp_status tp_form_config_set(tp_ctx *ctx, tp_store *store, const tp_form_config *cfg);
TP_API void tp_form_config_free(tp_form_config *cfg);
/* Calls fn with each form's name, in the order they were last set. */
TP_API tp_status tp_form_names(tp_ctx *ctx, tp_store *store, void (*fn)(void *user, const char *name),
                               void *user);

/* What a submission came with besides its fields. */
typedef struct tp_form_submission {
	const tp_query_param *fields;   /* decoded name/value pairs, as posted */
	size_t n_fields;
	const char *page_url;           /* the form's page: field page_url, else Referer; may be NULL */
	const char *anonymous_id;       /* the visitor: field anonymousId, else the tp_aid cookie */
} tp_form_submission;

/* The submission as a Segment track call (*json, new: free() it). Sets
 * *spam when the honeypot field is filled: then nothing should be stored,
 * and *json is NULL. Fails with TP_ERR_INVALID naming the field (no email
 * and no anonymous id: nobody to attach it to). */
TP_API tp_status tp_form_call(tp_ctx *ctx, const tp_form_config *cfg, const tp_form_submission *sub,
                              char **json, int *spam);

/* The URL to send the visitor to: `asked` when it is one of the form's
 * redirects, else the first; NULL when the form has none (answer JSON). */
TP_API const char *tp_form_redirect(const tp_form_config *cfg, const char *asked);

#endif
