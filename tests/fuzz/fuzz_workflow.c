/* libFuzzer target: bytes as a workflow definition (nurture load). A
 * definition that is refused must be refused cleanly, naming a field; one
 * that is accepted must run: the engine walks its steps for a contact
 * through waits a year apart, rendering its templates, evaluating its
 * conditions, and every pass returns TP_OK. The engine reads accepted
 * definitions without checking them again, so a hole in the checker shows
 * here as a crash. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "touchpoint/touchpoint.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static tp_ctx *ctx;
static tp_store *store;
static int64_t contact;
static char path[64];

static void cleanup(void)
{
	tp_store_close(store);
	tp_ctx_destroy(ctx);
	char side[80];
	unlink(path);
	snprintf(side, sizeof side, "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof side, "%s-shm", path);
	unlink(side);
}

static void setup(void)
{
	ctx = tp_ctx_create();
	snprintf(path, sizeof path, "/tmp/fuzz_workflow.%d.db", (int)getpid());
	unlink(path);
	tp_traits t = {.email = "ana@acme.com", .first_name = "Ana <b>&", .country = "VN",
	               .owner = "owner@acme.com", .company = "Acme", .employees = 200,
	               .annual_revenue = -1};
	int created;
	if (tp_store_open_sqlite(ctx, path, NULL, TP_OPEN_CREATE, &store) != TP_OK ||
	    tp_contact_save(ctx, store, &t, -1, 0, "fuzz", &contact, &created) != TP_OK)
		abort();
	atexit(cleanup);
}

typedef struct find {
	const char *name;
	int64_t id;
} find;

static int by_name(void *user, const tp_workflow_row *w)
{
	find *f = user;
	if (!strcmp(w->name, f->name))
		f->id = w->id;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!ctx)
		setup();
	tp_ctx_clear(ctx);
	if (tp_workflow_check(ctx, (const char *)data, size) != TP_OK) {
		if (!tp_ctx_message(ctx) || !*tp_ctx_message(ctx))
			abort();   /* a refusal says why */
		return 0;
	}
	char *name = NULL;
	if (tp_workflow_load(ctx, store, (const char *)data, size, &name) != TP_OK)
		abort();   /* checked, so it loads */
	find f = {name, 0};
	store->ops->workflows_list(store, ctx, by_name, &f);
	int64_t now = 1767225600000;   /* 2026-01-01 */
	tp_run_row run = {.workflow_id = f.id, .contact_id = contact, .state = "active",
	                  .due_at = now, .enrolled_at = now, .updated_at = now, .note = "fuzz"};
	if (!f.id || store->ops->begin(store, ctx) != TP_OK ||
	    store->ops->run_put(store, ctx, &run) != TP_OK || store->ops->commit(store, ctx) != TP_OK)
		abort();
	for (int pass = 0; pass < 4; pass++, now += 400LL * 86400000) {
		tp_nurture_opts o = {.now = now, .max_steps = 64};
		tp_nurture_stats st;
		if (tp_nurture_tick(ctx, store, &o, &st) != TP_OK) {
			fprintf(stderr, "tick: %s (%s)\n", tp_ctx_message(ctx), tp_ctx_field(ctx));
			abort();
		}
	}
	free(name);
	return 0;
}
