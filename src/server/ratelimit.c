/* Token buckets in a string map: see ratelimit.h. */
#include <pthread.h>
#include <stdlib.h>

#include "core/buf.h"
#include "core/strmap.h"
#include "server/ratelimit.h"

#define MAX_KEYS 100000

typedef struct bucket {
	double tokens;
	int64_t at;
} bucket;

struct tp_rate_limit {
	pthread_mutex_t lock;
	double per_ms, burst;
	tp_strmap index;    /* key → bucket index */
	bucket *buckets;
	size_t len, cap;
};

tp_rate_limit *tp_rate_limit_create(double per_minute, double burst)
{
	tp_rate_limit *rl = calloc(1, sizeof *rl);
	if (!rl)
		return NULL;
	pthread_mutex_init(&rl->lock, NULL);
	rl->per_ms = per_minute / 60000.0;
	rl->burst = burst;
	tp__strmap_init(&rl->index);
	return rl;
}

void tp_rate_limit_destroy(tp_rate_limit *rl)
{
	if (!rl)
		return;
	tp__strmap_free(&rl->index);
	free(rl->buckets);
	pthread_mutex_destroy(&rl->lock);
	free(rl);
}

int tp_rate_limit_take(tp_rate_limit *rl, const char *key, int64_t now_ms)
{
	pthread_mutex_lock(&rl->lock);
	int64_t i;
	if (!tp__strmap_get(&rl->index, key, &i)) {
		if (rl->len >= MAX_KEYS) {
			tp__strmap_free(&rl->index);
			tp__strmap_init(&rl->index);
			rl->len = 0;
		}
		if (tp__grow((void **)&rl->buckets, &rl->cap, rl->len + 1, sizeof *rl->buckets) != 0 ||
		    tp__strmap_put(&rl->index, key, (int64_t)rl->len) != 0) {
			pthread_mutex_unlock(&rl->lock);
			return 1;   /* out of memory: let it through rather than refuse everyone */
		}
		i = (int64_t)rl->len++;
		rl->buckets[i] = (bucket){rl->burst, now_ms};
	}
	bucket *b = &rl->buckets[i];
	if (now_ms > b->at) {
		b->tokens += (double)(now_ms - b->at) * rl->per_ms;
		if (b->tokens > rl->burst)
			b->tokens = rl->burst;
		b->at = now_ms;
	}
	int ok = b->tokens >= 1.0;
	if (ok)
		b->tokens -= 1.0;
	pthread_mutex_unlock(&rl->lock);
	return ok;
}
