/* The tracking pixel's query string (GET /t.gif?t=page&a=...&url=...) as a
 * Segment call, so that an image in an email or a page without JavaScript
 * goes through the same parser and importer as every other call. The
 * parameters are documented in docs/TRACKING.md. */
#ifndef TOUCHPOINT_PIXEL_H
#define TOUCHPOINT_PIXEL_H

#include <stddef.h>

#include "touchpoint/ctx.h"
#include "touchpoint/event.h"

typedef struct tp_query_param {
	const char *key, *value;   /* decoded */
} tp_query_param;

/* Writes the Segment call of params[0..n) to *json (new; free() it) and its
 * type to *call. Fails with TP_ERR_INVALID naming the parameter (an unknown
 * type, a property name too long, more than 64 properties). */
TP_API tp_status tp_pixel_call(tp_ctx *ctx, const tp_query_param *params, size_t n, char **json,
                               tp_call *call);

#endif
