/* A token bucket per key (a client address): `burst` requests at once,
 * refilled at `per_minute`. Thread-safe. Its memory is bounded: past
 * 100,000 keys it starts afresh, which only ever lets more through. */
#ifndef TP_SERVER_RATELIMIT_H
#define TP_SERVER_RATELIMIT_H

#include <stdint.h>

typedef struct tp_rate_limit tp_rate_limit;

tp_rate_limit *tp_rate_limit_create(double per_minute, double burst);
void tp_rate_limit_destroy(tp_rate_limit *rl);
/* 1 when a request of `key` at `now_ms` may go, and takes its token. */
int tp_rate_limit_take(tp_rate_limit *rl, const char *key, int64_t now_ms);

#endif
