/* The caller context: last error message and the injectable clock. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "touchpoint/ctx.h"

struct tp_ctx {
	char message[1024];
	char field[128];
	tp_clock_fn clock;
	void *clock_user;
};

tp_ctx *tp_ctx_create(void)
{
	return calloc(1, sizeof(tp_ctx));
}

void tp_ctx_destroy(tp_ctx *ctx)
{
	free(ctx);
}

const char *tp_ctx_message(const tp_ctx *ctx)
{
	return ctx->message;
}

const char *tp_ctx_field(const tp_ctx *ctx)
{
	return ctx->field;
}

void tp_ctx_clear(tp_ctx *ctx)
{
	ctx->message[0] = '\0';
	ctx->field[0] = '\0';
}

void tp_ctx_copy_clock(tp_ctx *to, const tp_ctx *from)
{
	to->clock = from->clock;
	to->clock_user = from->clock_user;
}

void tp_ctx_set_clock(tp_ctx *ctx, tp_clock_fn fn, void *user)
{
	ctx->clock = fn;
	ctx->clock_user = user;
}

int64_t tp_ctx_now(const tp_ctx *ctx)
{
	if (ctx->clock)
		return ctx->clock(ctx->clock_user);
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

tp_status tp_ctx_fail(tp_ctx *ctx, tp_status status, const char *field,
                      const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(ctx->message, sizeof ctx->message, fmt, ap);
	va_end(ap);
	snprintf(ctx->field, sizeof ctx->field, "%s", field ? field : "");
	return status;
}
