/* tp_ctx: the per-caller context every libtouchpoint call takes. It holds the
 * detailed message of the last failure (which field, which value, which line)
 * and the clock, so that tests can inject time. There is no global state. */
#ifndef TOUCHPOINT_CTX_H
#define TOUCHPOINT_CTX_H

#include <stdint.h>

#include "touchpoint/api.h"
#include "touchpoint/status.h"

typedef struct tp_ctx tp_ctx;

/* Milliseconds since the Unix epoch, UTC. */
typedef int64_t (*tp_clock_fn)(void *user);

/* Returns new — free with tp_ctx_destroy(); NULL only when out of memory. */
TP_API tp_ctx *tp_ctx_create(void);
/* Accepts NULL. */
TP_API void tp_ctx_destroy(tp_ctx *ctx);

/* The message of the last failure, or "" after success; borrowed, valid
 * until the next call on ctx. */
TP_API const char *tp_ctx_message(const tp_ctx *ctx);
/* The input field named by the last failure ("traits.email"), or "". */
TP_API const char *tp_ctx_field(const tp_ctx *ctx);
TP_API void tp_ctx_clear(tp_ctx *ctx);

/* Replaces the wall clock (NULL restores it). */
TP_API void tp_ctx_set_clock(tp_ctx *ctx, tp_clock_fn fn, void *user);
/* Gives `to` the clock of `from` (a server's threads keep the clock of the
 * context that started it: TOUCHPOINT_NOW holds for them too). */
TP_API void tp_ctx_copy_clock(tp_ctx *to, const tp_ctx *from);
TP_API int64_t tp_ctx_now(const tp_ctx *ctx);

/* Records a failure on ctx and returns `status`, so that callers write
 * `return tp_ctx_fail(ctx, TP_ERR_INVALID, "timestamp", "not ISO 8601: %s", v);`.
 * `field` may be NULL. */
TP_API tp_status tp_ctx_fail(tp_ctx *ctx, tp_status status, const char *field,
                             const char *fmt, ...) TP_PRINTF(4, 5);

#endif
