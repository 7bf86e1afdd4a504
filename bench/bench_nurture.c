/* Nurture scheduler throughput (issue 6): due steps per second with
 * 1,000,000 contacts enrolled in a workflow, on SQLite. Each run's first
 * pass tags the contact, renders and queues a marketing email (consent and
 * suppression checked, tokens signed) and reaches a wait: three steps in one
 * transaction. Due runs are found by the due-time index; the baseline in the
 * same run is the same pass with 10,000 enrolled, to show that the cost per
 * step does not grow with the number enrolled (no scan of contacts or runs). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "touchpoint/touchpoint.h"

#define T0 1767225600000LL

static const char flow[] =
	"{\"name\": \"bench\", \"trigger\": {\"event\": \"Never Sent\"},"
	" \"steps\": ["
	"  {\"tag\": \"nurtured\"},"
	"  {\"send_email\": \"hello\"},"
	"  {\"wait\": {\"days\": 2}},"
	"  {\"if\": {\"when\": {\"score_at_least\": 50}, \"then\": \"end\"}},"
	"  {\"set_field\": {\"name\": \"track\", \"value\": \"slow\"}},"
	"  {\"id\": \"end\", \"stop\": true}],"
	" \"templates\": {\"hello\": {\"subject\": \"Hello {{first_name|there}}\","
	"  \"text\": \"Hi {{first_name|there}} at {{company|your company}}, a guide: https://example.com/g\","
	"  \"html\": \"<p>Hi {{first_name|there}}, <a href=\\\"https://example.com/g\\\">a guide</a></p>\"}}}";

static void die(tp_ctx *ctx, const char *what)
{
	fprintf(stderr, "bench_nurture: %s: %s\n", what, tp_ctx_message(ctx));
	exit(1);
}

typedef struct result {
	double seconds;
	int64_t steps, runs;
} result;

/* A fresh database with `enrolled` contacts, each with a run due now; then
 * one scheduler pass over at most `measured` runs. */
static result measure(const char *dir, int64_t enrolled, int64_t measured)
{
	char path[512];
	snprintf(path, sizeof path, "%s/nurture-%lld.db", dir, (long long)enrolled);
	tp_ctx *ctx = tp_ctx_create();
	tp_store *s;
	if (tp_store_open_sqlite(ctx, path, NULL, TP_OPEN_CREATE, &s) != TP_OK)
		die(ctx, "open");
	if (tp_workflow_load(ctx, s, flow, sizeof flow - 1, NULL) != TP_OK)
		die(ctx, "workflow");
	double t = now_s();
	if (s->ops->begin(s, ctx) != TP_OK)
		die(ctx, "begin");
	for (int64_t i = 0; i < enrolled; i++) {
		char email[64];
		snprintf(email, sizeof email, "p%lld@company%lld.example", (long long)i,
		         (long long)(i % 5000));
		tp_contact c = {.email = email, .first_name = "Ana", .company = "Acme", .country = "VN",
		                .stage = TP_STAGE_LEAD, .consent = 1, .created_at = T0, .updated_at = T0};
		if (s->ops->contact_put(s, ctx, &c) != TP_OK)
			die(ctx, "contact");
		tp_run_row r = {.workflow_id = 1, .contact_id = c.id, .state = "active",
		                .due_at = T0 + (int64_t)(next() % 1000), .enrolled_at = T0,
		                .updated_at = T0, .note = "enrolled"};
		if (s->ops->run_put(s, ctx, &r) != TP_OK)
			die(ctx, "run");
	}
	if (s->ops->commit(s, ctx) != TP_OK)
		die(ctx, "commit");
	fprintf(stderr, "  %lld contacts enrolled in %.1f s; a pass over %lld due runs:\n",
	        (long long)enrolled, now_s() - t, (long long)measured);
	tp_nurture_opts o = {.now = T0 + 1000, .max_steps = (int)measured};
	tp_nurture_stats st;
	t = now_s();
	if (tp_nurture_tick(ctx, s, &o, &st) != TP_OK)
		die(ctx, "tick");
	result r = {now_s() - t, st.steps, st.waiting + st.finished + st.exited + st.failed};
	if (st.emails_queued != r.runs || st.failed)
		fprintf(stderr, "bench_nurture: %lld emails queued for %lld runs, %lld failed\n",
		        (long long)st.emails_queued, (long long)r.runs, (long long)st.failed);
	tp_store_close(s);
	tp_ctx_destroy(ctx);
	return r;
}

int main(int argc, char **argv)
{
	int64_t enrolled = 1000000, measured = 50000;
	const char *dir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	for (int i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--enrolled") == 0)
			enrolled = atoll(argv[i + 1]);
		else if (strcmp(argv[i], "--measured") == 0)
			measured = atoll(argv[i + 1]);
		else if (strcmp(argv[i], "--dir") == 0)
			dir = argv[i + 1];
	}
	int64_t base_n = 10000;
	result base = measure(dir, base_n, measured < base_n ? measured : base_n);
	result big = measure(dir, enrolled, measured);
	fflush(stderr);
	printf("%-34s %10s %10s %12s %12s %8s\n", "pass", "runs", "steps", "steps/s", "runs/s", "vs");
	double base_rate = (double)base.steps / base.seconds;
	const struct {
		const char *name;
		result r;
	} rows[] = {{"baseline: 10,000 enrolled", base}, {"1,000,000 enrolled", big}};
	for (int i = 0; i < 2; i++) {
		char name[64];
		snprintf(name, sizeof name, "%s", rows[i].name);
		if (i == 1)
			snprintf(name, sizeof name, "%lld enrolled", (long long)enrolled);
		double rate = (double)rows[i].r.steps / rows[i].r.seconds;
		printf("%-34s %10lld %10lld %12.0f %12.0f %7.2fx\n", name, (long long)rows[i].r.runs,
		       (long long)rows[i].r.steps, rate, (double)rows[i].r.runs / rows[i].r.seconds,
		       rate / base_rate);
	}
	char path[512];
	for (int i = 0; i < 2; i++) {
		int64_t n = i ? enrolled : base_n;
		const char *suffix[] = {"", "-wal", "-shm"};
		for (int k = 0; k < 3; k++) {
			snprintf(path, sizeof path, "%s/nurture-%lld.db%s", dir, (long long)n, suffix[k]);
			unlink(path);
		}
	}
	return 0;
}
