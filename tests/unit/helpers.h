/* Shared by the unit tests: a fresh SQLite workspace in a temp file, and
 * imports from strings. Included by each test file (header-only). */
#ifndef TP_TEST_HELPERS_H
#define TP_TEST_HELPERS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "touchpoint/touchpoint.h"

typedef struct fixture {
	char path[64];
	tp_ctx *ctx;
	tp_store *store;
} fixture;

static int64_t fixed_clock(void *user)
{
	(void)user;
	return 1767225600000LL; /* 2026-01-01T00:00:00Z */
}

static inline int fixture_setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);
	snprintf(f->path, sizeof f->path, "/tmp/tp-unit-XXXXXX");
	int fd = mkstemp(f->path);
	if (fd < 0)
		return -1;
	close(fd);
	unlink(f->path);
	f->ctx = tp_ctx_create();
	tp_ctx_set_clock(f->ctx, fixed_clock, NULL);
	if (tp_store_open_sqlite(f->ctx, f->path, NULL, TP_OPEN_CREATE, &f->store) != TP_OK) {
		fprintf(stderr, "setup: %s\n", tp_ctx_message(f->ctx));
		return -1;
	}
	*state = f;
	return 0;
}

static inline int fixture_teardown(void **state)
{
	fixture *f = *state;
	char side[80];
	tp_store_close(f->store);
	tp_ctx_destroy(f->ctx);
	unlink(f->path);
	snprintf(side, sizeof side, "%s-wal", f->path);
	unlink(side);
	snprintf(side, sizeof side, "%s-shm", f->path);
	unlink(side);
	free(f);
	return 0;
}

/* Collected rejections of an import. */
typedef struct rejects {
	int n;
	int64_t line[32];
	char field[32][96];
	char message[32][256];
} rejects;

static void collect_reject(void *user, int64_t line, const char *field, const char *message)
{
	rejects *r = user;
	if (r->n < 32) {
		r->line[r->n] = line;
		snprintf(r->field[r->n], sizeof r->field[0], "%s", field);
		snprintf(r->message[r->n], sizeof r->message[0], "%s", message);
	}
	r->n++;
}

/* Chunked commits of 3 calls unless `bulk` (one transaction, indexes at the end). */
static inline tp_status import_mode(fixture *f, tp_store *store, const char *text, int strict,
                                    int bulk, tp_import_stats *st, rejects *rej)
{
	FILE *in = fmemopen((void *)text, strlen(text), "r");
	tp_import_opts o = {.strict = strict, .on_reject = rej ? collect_reject : NULL, .user = rej,
	                    .commit_every = 3, .no_bulk = !bulk};
	tp_status rc = tp_import_events(f->ctx, store ? store : f->store, in, &o, st);
	fclose(in);
	return rc;
}

static inline tp_status import_text(fixture *f, tp_store *store, const char *text, int strict,
                                    tp_import_stats *st, rejects *rej)
{
	return import_mode(f, store, text, strict, 0, st, rej);
}

static inline tp_store_counts counts(fixture *f)
{
	tp_store_counts c;
	assert_int_equal(f->store->ops->counts(f->store, f->ctx, &c), TP_OK);
	return c;
}

static inline int64_t contact_by_email(fixture *f, const char *email)
{
	int64_t id = -1;
	assert_int_equal(f->store->ops->contact_find(f->store, f->ctx, TP_KEY_EMAIL, email, &id), TP_OK);
	return id;
}

/* A demo world's events as one string; free() it. */
static inline char *demo_text(fixture *f, int64_t contacts, uint64_t seed, int days)
{
	tp_demo_opts d = {.contacts = contacts, .seed = seed, .days = days};
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	assert_int_equal(tp_demo_write_events(f->ctx, &d, out, NULL), TP_OK);
	fclose(out);
	return text;
}

/* A test with a fresh workspace of its own. */
#define TEST_WITH_DB(fn) cmocka_unit_test_setup_teardown(fn, fixture_setup, fixture_teardown)

typedef struct touch_list {
	int n;
	char type[64][32];
	char channel[64][32];
	int64_t contact[64];
} touch_list;

static int collect_touch(void *user, const tp_touch_record *t)
{
	touch_list *l = user;
	if (l->n < 64) {
		snprintf(l->type[l->n], sizeof l->type[0], "%s", t->type);
		snprintf(l->channel[l->n], sizeof l->channel[0], "%s", t->channel);
		l->contact[l->n] = t->contact_id;
	}
	l->n++;
	return 0;
}

static inline touch_list touches_of(fixture *f, int64_t contact)
{
	touch_list l;
	memset(&l, 0, sizeof l);
	assert_int_equal(f->store->ops->events_of_contact(f->store, f->ctx, contact, collect_touch, &l),
	                 TP_OK);
	return l;
}

#endif
