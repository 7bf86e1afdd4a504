/* What the benchmarks share: a fixed-seed generator (the same synthetic
 * input every run), a monotonic clock, and removing a scratch database.
 * Header-only. */
#ifndef TP_BENCH_H
#define TP_BENCH_H

#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static uint64_t bench_rng = 0x9E3779B97F4A7C15ULL;

/* xorshift64: fast and the same sequence everywhere. */
static inline uint32_t next(void)
{
	bench_rng ^= bench_rng << 13;
	bench_rng ^= bench_rng >> 7;
	bench_rng ^= bench_rng << 17;
	return (uint32_t)(bench_rng >> 11);
}

static inline double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* A SQLite file and its side files: the WAL's, and the rollback journal
 * that a first load killed in its middle leaves behind. */
static inline void bench_unlink_db(const char *path)
{
	static const char *const sides[] = {"-wal", "-shm", "-journal"};
	char side[256];
	unlink(path);
	for (size_t i = 0; i < sizeof sides / sizeof sides[0]; i++) {
		snprintf(side, sizeof side, "%s%s", path, sides[i]);
		unlink(side);
	}
}

#endif
