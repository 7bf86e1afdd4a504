/* The reports of tp_report_write, one function each, and the parsers of
 * their options: an option that does not parse fails with TP_ERR_USAGE,
 * the option's name as the field and a sentence naming what it takes. */
#ifndef TP_VIEWS_REPORT_H
#define TP_VIEWS_REPORT_H

#include <stdio.h>

#include "touchpoint/touchpoint.h"

typedef struct tp__report_out {
	tp_format format;
	FILE *out, *notes;
} tp__report_out;

tp_status tp__report_funnel(tp_ctx *ctx, tp_store *s, const tp_report_args *a, tp__report_out *o);
tp_status tp__report_kpi(tp_ctx *ctx, tp_store *s, const tp_report_args *a, tp__report_out *o);
tp_status tp__report_revenue(tp_ctx *ctx, tp_store *s, const tp_report_args *a, tp__report_out *o);
tp_status tp__report_attribution(tp_ctx *ctx, tp_store *s, const tp_report_args *a,
                                 tp__report_out *o);
tp_status tp__report_paths(tp_ctx *ctx, tp_store *s, const tp_report_args *a, tp__report_out *o);

/* "2026-03-31" is the whole of that day: its last millisecond. */
tp_status tp__arg_as_of(tp_ctx *ctx, const char *key, const char *v, int64_t *ms);
/* "90d", "12h", "2w"; a bare number is days. */
tp_status tp__arg_duration(tp_ctx *ctx, const char *key, const char *v, int64_t *ms);
/* A whole number in [min, max]. */
tp_status tp__arg_count(tp_ctx *ctx, const char *key, const char *v, long long min,
                        long long max, long long *out);
/* Out of memory, said once. */
tp_status tp__nomem(tp_ctx *ctx);

#endif
