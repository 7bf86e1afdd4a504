/* The scheduler: enrols contacts on what happened since its last pass and
 * runs each due step once. Enrolment reads events and stage changes past a
 * cursor kept in the workspace's settings; due runs come from the index on
 * workflow_run.due_at. Each batch of enrolments and each run's steps up to
 * its next wait are one transaction with the cursor or the run's state. */
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "ingest/touch.h"
#include "nurture/nurture_int.h"
#include "store/records.h"
#include "touchpoint/touchpoint.h"

enum {
	SCAN_BATCH = 500,
	DUE_BATCH = 64,
	STEPS_WITHOUT_WAIT = 100   /* a goto loop without a wait stops here */
};

#define DAY_MS (24LL * 3600 * 1000)
#define EVENT_CURSOR "nurture.events_after"
#define STAGE_CURSOR "nurture.stage_changes_after"

/* ---- the person a step looks at ---- */

static char *keep(tp_person *p, const char *s)
{
	return s ? tp__arena_strndup(&p->arena, s, strlen(s)) : NULL;
}

typedef struct text_list {
	tp_person *p;
	char ***items;
	int *n;
	int failed;
} text_list;

static int add_text(void *user, const char *text)
{
	text_list *l = user;
	char **grown = tp__arena_alloc(&l->p->arena, sizeof(char *) * (size_t)(*l->n + 1));
	char *copy = keep(l->p, text);
	if (!grown || !copy) {
		l->failed = 1;
		return 1;
	}
	if (*l->n)
		memcpy(grown, *l->items, sizeof(char *) * (size_t)*l->n);
	grown[(*l->n)++] = copy;
	*l->items = grown;
	return 0;
}

tp_status tp__person_load(tp_ctx *ctx, tp_store *s, int64_t id, tp_person *p, int *found)
{
	memset(p, 0, sizeof *p);
	tp__arena_init(&p->arena, 4096);
	p->total = p->fit = -1;
	tp_contact c;
	tp_status rc = s->ops->contact_get(s, ctx, id, &c, found);
	if (rc != TP_OK || !*found)
		return rc;
	if (c.merged_into || c.erased_at) {
		*found = 0;
		return TP_OK;
	}
	p->c = c;
	if (tp__contact_copy_texts(&p->arena, &p->c) < 0)
		return tp_ctx_fail(ctx, TP_ERR_NOMEM, NULL, "out of memory");
	tp_score_row sr;
	int scored;
	if ((rc = s->ops->score_get(s, ctx, id, &sr, &scored)) != TP_OK)
		return rc;
	if (scored) {
		p->total = sr.total;
		p->fit = sr.fit;
	}
	text_list tags = {p, &p->tags, &p->n_tags, 0}, custom = {p, &p->fields, &p->n_fields, 0};
	if ((rc = s->ops->tags_of_contact(s, ctx, id, add_text, &tags)) != TP_OK ||
	    (rc = s->ops->fields_of_contact(s, ctx, id, add_text, &custom)) != TP_OK)
		return rc;
	if (tags.failed || custom.failed)
		return tp_ctx_fail(ctx, TP_ERR_NOMEM, NULL, "out of memory");
	return TP_OK;
}

void tp__person_free(tp_person *p)
{
	tp__arena_free(&p->arena);
}

const char *tp__person_field(const tp_person *p, const char *name)
{
	size_t n = strlen(name);
	for (int i = 0; i < p->n_fields; i++)
		if (!strncmp(p->fields[i], name, n) && p->fields[i][n] == '=')
			return p->fields[i] + n + 1;
	return NULL;
}

/* A field by name: a contact column, else a custom field. */
static const char *person_value(const tp_person *p, const char *name)
{
	static const struct {
		const char *name;
		size_t offset;
	} columns[] = {
		{"email", offsetof(tp_contact, email)},         {"first_name", offsetof(tp_contact, first_name)},
		{"last_name", offsetof(tp_contact, last_name)}, {"title", offsetof(tp_contact, title)},
		{"phone", offsetof(tp_contact, phone)},         {"company", offsetof(tp_contact, company)},
		{"country", offsetof(tp_contact, country)},     {"lead_source", offsetof(tp_contact, lead_source)},
		{"owner", offsetof(tp_contact, owner)},         {"source_channel", offsetof(tp_contact, source_channel)},
	};
	if (!strcmp(name, "stage"))
		return tp_stage_name(p->c.stage);
	for (size_t i = 0; i < sizeof columns / sizeof *columns; i++)
		if (!strcmp(name, columns[i].name))
			return *(const char *const *)((const char *)&p->c + columns[i].offset);
	return tp__person_field(p, name);
}

/* ---- conditions ---- */

static int stage_matches(const cJSON *v, tp_stage stage)
{
	const char *name = tp_stage_name(stage);
	if (cJSON_IsString(v))
		return !strcmp(v->valuestring, name);
	for (const cJSON *e = v ? v->child : NULL; e; e = e->next)
		if (cJSON_IsString(e) && !strcmp(e->valuestring, name))
			return 1;
	return 0;
}

typedef struct seen_scan {
	const char *touch;
	char event[128];
	int64_t since;
	int hit;
} seen_scan;

static int seen_one(void *user, const tp_touch_record *t)
{
	seen_scan *sc = user;
	if (t->ts < sc->since)
		return 0;
	if (sc->touch && t->type && !strcmp(t->type, sc->touch))
		sc->hit = 1;
	if (sc->event[0] && t->name) {
		char folded[128];
		tp__name_fold(t->name, folded, sizeof folded);
		sc->hit |= !strcmp(folded, sc->event);
	}
	return sc->hit;
}

typedef struct eval {
	tp_ctx *ctx;
	tp_store *s;
	const tp_person *p;
	int64_t now;
	tp_status rc;
} eval;

static int cond_true(eval *e, const cJSON *cond)
{
	const cJSON *m = cond ? cond->child : NULL;
	if (!m || e->rc != TP_OK)
		return 0;
	const char *k = m->string;
	const tp_person *p = e->p;
	if (!strcmp(k, "all")) {
		for (const cJSON *c = m->child; c; c = c->next)
			if (!cond_true(e, c))
				return 0;
		return 1;
	}
	if (!strcmp(k, "any")) {
		for (const cJSON *c = m->child; c; c = c->next)
			if (cond_true(e, c))
				return 1;
		return 0;
	}
	if (!strcmp(k, "not"))
		return !cond_true(e, m);
	if (!strcmp(k, "stage"))
		return stage_matches(m, p->c.stage);
	if (!strcmp(k, "score_at_least"))
		return p->total >= m->valuedouble;
	if (!strcmp(k, "score_below"))
		return p->total < m->valuedouble;
	if (!strcmp(k, "fit_at_least"))
		return p->fit >= m->valuedouble;
	if (!strcmp(k, "consent"))
		return (p->c.consent == 1) == cJSON_IsTrue(m);
	if (!strcmp(k, "tag")) {
		for (int i = 0; i < p->n_tags; i++)
			if (!strcmp(p->tags[i], m->valuestring))
				return 1;
		return 0;
	}
	if (!strcmp(k, "field")) {
		const char *v = person_value(p, cJSON_GetObjectItemCaseSensitive(m, "name")->valuestring);
		const cJSON *eq = cJSON_GetObjectItemCaseSensitive(m, "equals");
		const cJSON *in = cJSON_GetObjectItemCaseSensitive(m, "in");
		const cJSON *set = cJSON_GetObjectItemCaseSensitive(m, "set");
		if (set)
			return (v && *v) == cJSON_IsTrue(set);
		if (eq)
			return v && !strcasecmp(v, eq->valuestring);
		for (const cJSON *x = in->child; v && x; x = x->next)
			if (!strcasecmp(v, x->valuestring))
				return 1;
		return 0;
	}
	if (!strcmp(k, "seen")) {
		const cJSON *touch = cJSON_GetObjectItemCaseSensitive(m, "touch");
		const cJSON *event = cJSON_GetObjectItemCaseSensitive(m, "event");
		const cJSON *days = cJSON_GetObjectItemCaseSensitive(m, "within_days");
		seen_scan sc = {.touch = touch ? touch->valuestring : NULL,
		                .since = days ? e->now - (int64_t)(days->valuedouble * DAY_MS) : INT64_MIN};
		if (event)
			tp__name_fold(event->valuestring, sc.event, sizeof sc.event);
		e->rc = e->s->ops->events_of_contact(e->s, e->ctx, p->c.id, seen_one, &sc);
		return sc.hit;
	}
	return 0;
}

/* ---- enrolment ---- */

typedef struct new_event new_event;
typedef struct stage_batch stage_batch;

typedef struct engine {
	tp_ctx *ctx;
	tp_store *s;
	int64_t now;
	tp_flow **flows;
	int n_flows;
	tp_nurture_stats *stats;
	const tp_nurture_opts *opts;
	new_event *events;       /* SCAN_BATCH of them */
	stage_batch *stages;
} engine;

static tp_status log_step(engine *en, int64_t run_id, int step, const char *what)
{
	tp_run_log_row l = {.run_id = run_id, .at = en->now, .step = step, .what = what};
	return en->s->ops->run_log_add(en->s, en->ctx, &l);
}

/* Has the contact met the workflow's exit? Writes why into `why`. */
static int exits(eval *e, const tp_flow *f, char *why, size_t cap)
{
	const cJSON *stage = cJSON_GetObjectItemCaseSensitive(f->exit, "stage");
	const cJSON *when = cJSON_GetObjectItemCaseSensitive(f->exit, "when");
	if (stage && stage_matches(stage, e->p->c.stage)) {
		snprintf(why, cap, "exited: reached stage %s", tp_stage_name(e->p->c.stage));
		return 1;
	}
	if (when && cond_true(e, when)) {
		snprintf(why, cap, "exited: the exit condition holds");
		return 1;
	}
	if (e->p->c.email) {
		int found = 0;
		e->rc = e->s->ops->suppression_get(e->s, e->ctx, e->p->c.email, NULL, NULL, &found);
		if (found) {
			snprintf(why, cap, "exited: the address is suppressed (unsubscribed or bounced)");
			return 1;
		}
	}
	return 0;
}

static tp_status enrol(engine *en, const tp_flow *f, int64_t contact_id, const char *because)
{
	tp_store *s = en->s;
	tp_run_row last;
	int found;
	tp_status rc = s->ops->run_latest(s, en->ctx, f->id, contact_id, &last, &found);
	if (rc != TP_OK)
		return rc;
	if (found && (!strcmp(last.state, "active") || !f->again_after_days ||
	              en->now - last.enrolled_at < f->again_after_days * DAY_MS))
		return TP_OK;
	tp_person p;
	rc = tp__person_load(en->ctx, s, contact_id, &p, &found);
	if (rc == TP_OK && found) {
		eval e = {en->ctx, s, &p, en->now, TP_OK};
		char why[160];
		if (!exits(&e, f, why, sizeof why) && e.rc == TP_OK) {
			char note[300];
			snprintf(note, sizeof note, "enrolled: %s", because);
			tp_run_row run = {.workflow_id = f->id, .contact_id = contact_id, .step = 0,
			                  .state = "active", .due_at = en->now, .enrolled_at = en->now,
			                  .updated_at = en->now, .note = note};
			if ((rc = s->ops->run_put(s, en->ctx, &run)) == TP_OK &&
			    (rc = log_step(en, run.id, -1, note)) == TP_OK)
				en->stats->enrolled++;
		}
		if (rc == TP_OK)
			rc = e.rc;
	}
	tp__person_free(&p);
	return rc;
}

/* Triggers that hold of the contact as it is now (score, segment): tested
 * whenever something happened to it. */
static tp_status enrol_on_state(engine *en, int64_t contact_id)
{
	for (int i = 0; i < en->n_flows; i++) {
		const tp_flow *f = en->flows[i];
		const cJSON *t = f->trigger->child;
		if (strcmp(t->string, "score_at_least") && strcmp(t->string, "segment"))
			continue;
		tp_person p;
		int found;
		tp_status rc = tp__person_load(en->ctx, en->s, contact_id, &p, &found);
		int hit = 0;
		char because[160] = "";
		if (rc == TP_OK && found) {
			eval e = {en->ctx, en->s, &p, en->now, TP_OK};
			if (!strcmp(t->string, "score_at_least")) {
				hit = p.total >= t->valuedouble;
				snprintf(because, sizeof because, "score %.0f reached %g", p.total,
				         t->valuedouble);
			} else {
				hit = cond_true(&e, t);
				snprintf(because, sizeof because, "entered the segment");
			}
			rc = e.rc;
		}
		tp__person_free(&p);
		if (rc == TP_OK && hit)
			rc = enrol(en, f, contact_id, because);
		if (rc != TP_OK)
			return rc;
	}
	return TP_OK;
}

/* What happened more than this long before the scheduler saw it starts
 * nothing: an import of last year's events, or a renewal workflow loaded
 * today, must not write to everyone whose download, stage change or
 * renewal date is history. */
#define TRIGGER_GRACE_MS (7 * DAY_MS)

struct new_event {
	int64_t id, contact_id, ts;
	char type[32], name[128], form[128];
};

typedef struct event_batch {
	new_event *items;
	int n, cap;
} event_batch;

static int collect_event(void *user, const tp_touch_record *t)
{
	event_batch *b = user;
	if (b->n == b->cap)
		return 1;
	new_event *e = &b->items[b->n++];
	memset(e, 0, sizeof *e);
	e->id = t->id;
	e->ts = t->ts;
	e->contact_id = t->contact_id;
	snprintf(e->type, sizeof e->type, "%s", t->type ? t->type : "");
	if (t->name)
		tp__name_fold(t->name, e->name, sizeof e->name);
	if (t->type && !strcmp(t->type, "form_submit") && t->properties) {
		cJSON *props = cJSON_Parse(t->properties);
		const char *form = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(props, "form"));
		snprintf(e->form, sizeof e->form, "%s", form ? form : "");
		cJSON_Delete(props);
	}
	return 0;
}

static int event_triggers(const tp_flow *f, const new_event *e, int64_t now, char *because,
                          size_t cap)
{
	const cJSON *t = f->trigger->child;
	if (now - e->ts >= TRIGGER_GRACE_MS)
		return 0;
	if (!strcmp(t->string, "touch") && !strcmp(t->valuestring, e->type)) {
		snprintf(because, cap, "%s (event %" PRId64 ")", e->type, e->id);
		return 1;
	}
	if (!strcmp(t->string, "event")) {
		char want[128];
		tp__name_fold(t->valuestring, want, sizeof want);
		if (!strcmp(want, e->name)) {
			snprintf(because, cap, "event \"%s\" (%" PRId64 ")", t->valuestring, e->id);
			return 1;
		}
	}
	if (!strcmp(t->string, "form") && e->form[0] && !strcmp(t->valuestring, e->form)) {
		snprintf(because, cap, "form %s submitted (event %" PRId64 ")", e->form, e->id);
		return 1;
	}
	return 0;
}

static tp_status cursor_get(engine *en, const char *key, int64_t *value)
{
	char *text = NULL;
	tp_status rc = tp_store_setting(en->ctx, en->s, key, &text);
	*value = text ? strtoll(text, NULL, 10) : 0;
	free(text);
	return rc;
}

static tp_status cursor_set(engine *en, const char *key, int64_t value)
{
	char text[24];
	snprintf(text, sizeof text, "%" PRId64, value);
	return en->s->ops->setting_set(en->s, en->ctx, key, text);
}

/* Opens the write transaction of a batch read at `after`: *moved = 1 when
 * another runner moved the cursor since (the batch is then read again).
 * Reading a batch holds no lock: in serve, the collector's writer would
 * wait for every pass of the scheduler otherwise. */
static tp_status begin_batch(engine *en, const char *cursor, int64_t after, int *moved)
{
	tp_store *s = en->s;
	int64_t now_after;
	tp_status rc = s->ops->begin(s, en->ctx);
	if (rc == TP_OK && (rc = cursor_get(en, cursor, &now_after)) == TP_OK &&
	    (*moved = now_after != after))
		tp_store_rollback_quiet(s);
	return rc;
}

/* One batch of new events, enrolled in one transaction with the cursor;
 * *more = 1 when the batch was full. */
static tp_status scan_events(engine *en, int *more)
{
	tp_store *s = en->s;
	event_batch b = {en->events, 0, SCAN_BATCH};
	int64_t after;
	int moved = 0;
	*more = 0;
	tp_status rc = cursor_get(en, EVENT_CURSOR, &after);
	if (rc == TP_OK)
		rc = s->ops->events_after(s, en->ctx, after, SCAN_BATCH, collect_event, &b);
	if (rc != TP_OK || b.n == 0)
		return rc;
	if ((rc = begin_batch(en, EVENT_CURSOR, after, &moved)) != TP_OK || moved) {
		*more = moved;
		return rc;
	}
	for (int i = 0; rc == TP_OK && i < b.n; i++) {
		const new_event *e = &b.items[i];
		for (int j = 0; rc == TP_OK && j < en->n_flows; j++) {
			char because[300];
			if (event_triggers(en->flows[j], e, en->now, because, sizeof because))
				rc = enrol(en, en->flows[j], e->contact_id, because);
		}
		/* State triggers once per contact and batch: its last event says it. */
		if (rc == TP_OK && (i + 1 == b.n || b.items[i + 1].contact_id != e->contact_id))
			rc = enrol_on_state(en, e->contact_id);
	}
	if (rc == TP_OK && b.n)
		rc = cursor_set(en, EVENT_CURSOR, b.items[b.n - 1].id);
	if (rc == TP_OK)
		rc = s->ops->commit(s, en->ctx);
	else
		tp_store_rollback_quiet(s);
	en->stats->events_seen += rc == TP_OK ? b.n : 0;
	*more = rc == TP_OK && b.n == SCAN_BATCH;
	return rc;
}

struct stage_batch {
	tp_stage_change_row items[SCAN_BATCH];
	int n;
};

static int collect_stage(void *user, const tp_stage_change_row *r)
{
	stage_batch *b = user;
	b->items[b->n] = *r;
	b->items[b->n].actor = b->items[b->n].reason = NULL;   /* borrowed: not kept */
	return ++b->n == SCAN_BATCH;
}

static tp_status scan_stages(engine *en, int *more)
{
	tp_store *s = en->s;
	stage_batch *b = en->stages;
	b->n = 0;
	int64_t after;
	int moved = 0;
	*more = 0;
	tp_status rc = cursor_get(en, STAGE_CURSOR, &after);
	if (rc == TP_OK)
		rc = s->ops->stage_changes_after(s, en->ctx, after, SCAN_BATCH, collect_stage, b);
	if (rc != TP_OK || b->n == 0)
		return rc;
	if ((rc = begin_batch(en, STAGE_CURSOR, after, &moved)) != TP_OK || moved) {
		*more = moved;
		return rc;
	}
	for (int i = 0; rc == TP_OK && i < b->n; i++) {
		const tp_stage_change_row *r = &b->items[i];
		for (int j = 0; rc == TP_OK && j < en->n_flows; j++) {
			const cJSON *t = en->flows[j]->trigger->child;
			if (strcmp(t->string, "stage") || !stage_matches(t, r->to_stage) ||
			    en->now - r->at >= TRIGGER_GRACE_MS)
				continue;
			char because[160];
			snprintf(because, sizeof because, "entered stage %s (change %" PRId64 ")",
			         tp_stage_name(r->to_stage), r->id);
			rc = enrol(en, en->flows[j], r->contact_id, because);
		}
		if (rc == TP_OK)
			rc = enrol_on_state(en, r->contact_id);
	}
	if (rc == TP_OK && b->n)
		rc = cursor_set(en, STAGE_CURSOR, b->items[b->n - 1].id);
	if (rc == TP_OK)
		rc = s->ops->commit(s, en->ctx);
	else
		tp_store_rollback_quiet(s);
	en->stats->stage_changes_seen += rc == TP_OK ? b->n : 0;
	*more = rc == TP_OK && b->n == SCAN_BATCH;
	return rc;
}

/* ---- date triggers ---- */

typedef struct dated {
	int64_t contact_id, at;
	char value[40];
} dated;

typedef struct dated_list {
	dated *items;
	size_t n, cap;
	int nomem;
} dated_list;

static int collect_dated(void *user, int64_t contact_id, const char *value)
{
	dated_list *l = user;
	int64_t at;
	if (!value || tp_time_parse(value, &at) != 0)
		return 0;   /* not a date: the trigger cannot fire on it */
	if (tp__grow((void **)&l->items, &l->cap, l->n + 1, sizeof *l->items) != 0) {
		l->nomem = 1;
		return 1;
	}
	dated *d = &l->items[l->n++];
	d->contact_id = contact_id;
	d->at = at;
	snprintf(d->value, sizeof d->value, "%s", value);
	return 0;
}

/* Enrols the contacts whose date field, moved by the trigger's days, has
 * come (within the grace): the window of values is read by the index. */
static tp_status scan_dates(engine *en, const tp_flow *f)
{
	const cJSON *d = f->trigger->child;
	const char *field = cJSON_GetObjectItemCaseSensitive(d, "field")->valuestring;
	const cJSON *before = cJSON_GetObjectItemCaseSensitive(d, "days_before");
	const cJSON *after = cJSON_GetObjectItemCaseSensitive(d, "days_after");
	int64_t shift = (int64_t)((before ? before->valuedouble : 0) -
	                          (after ? after->valuedouble : 0)) * DAY_MS;
	/* The moment is date - shift; it fires when moment <= now < moment + grace,
	 * so dates in (now + shift - grace, now + shift]; a day's slack each side
	 * for the text bounds, the exact test below. */
	char lo[11], hi[11];
	tp_time_format_date(en->now + shift - TRIGGER_GRACE_MS - DAY_MS, lo);
	tp_time_format_date(en->now + shift + 2 * DAY_MS, hi);
	dated_list l = {0};
	tp_store *s = en->s;
	/* Read without the write lock; enrol() checks again inside it. */
	tp_status rc = s->ops->fields_between(s, en->ctx, field, lo, hi, collect_dated, &l);
	if (rc == TP_OK && l.nomem)
		rc = tp_ctx_fail(en->ctx, TP_ERR_NOMEM, NULL, "out of memory");
	size_t due = 0;
	for (size_t i = 0; rc == TP_OK && i < l.n; i++) {
		int64_t moment = l.items[i].at - shift;
		if (moment <= en->now && en->now - moment < TRIGGER_GRACE_MS)
			l.items[due++] = l.items[i];
	}
	if (rc != TP_OK || due == 0 || (rc = s->ops->begin(s, en->ctx)) != TP_OK) {
		free(l.items);
		return rc;
	}
	for (size_t i = 0; rc == TP_OK && i < due; i++) {
		char because[200];
		if (before || after)
			snprintf(because, sizeof because, "%s is %s, %g days %s", field, l.items[i].value,
			         before ? before->valuedouble : after->valuedouble, before ? "ahead" : "past");
		else
			snprintf(because, sizeof because, "%s is %s", field, l.items[i].value);
		rc = enrol(en, f, l.items[i].contact_id, because);
	}
	free(l.items);
	if (rc == TP_OK)
		return s->ops->commit(s, en->ctx);
	tp_store_rollback_quiet(s);
	return rc;
}

/* ---- steps ---- */

static int64_t wait_due(const cJSON *w, const tp_person *p, int64_t now)
{
	int64_t due = now;
	for (const cJSON *m = w->child; m; m = m->next) {
		if (!strcmp(m->string, "days"))
			due += (int64_t)(m->valuedouble * DAY_MS);
		else if (!strcmp(m->string, "hours"))
			due += (int64_t)(m->valuedouble * 3600 * 1000);
		else if (!strcmp(m->string, "minutes"))
			due += (int64_t)(m->valuedouble * 60 * 1000);
	}
	const cJSON *until = cJSON_GetObjectItemCaseSensitive(w, "until");
	return until ? tp__wait_until(until, p->c.country, due) : due;
}

static const tp_flow *flow_by_id(engine *en, int64_t id)
{
	for (int i = 0; i < en->n_flows; i++)
		if (en->flows[i]->id == id)
			return en->flows[i];
	return NULL;
}

typedef struct step_result {
	char what[400];
	int next;           /* the step to go to */
	int64_t due_at;     /* > now: wait */
	const char *state;  /* non-NULL: the run ends so */
} step_result;

static tp_status set_contact_field(engine *en, tp_person *p, const char *name, const char *value)
{
	static const char *const columns[] = {"first_name", "last_name", "title", "phone",
	                                      "company", "country", "lead_source", "owner"};
	for (size_t i = 0; i < sizeof columns / sizeof *columns; i++) {
		if (strcmp(name, columns[i]))
			continue;
		tp_contact c = p->c;
		const char **slot[] = {&c.first_name, &c.last_name, &c.title, &c.phone,
		                       &c.company, &c.country, &c.lead_source, &c.owner};
		*slot[i] = value;
		c.updated_at = en->now;
		return en->s->ops->contact_put(en->s, en->ctx, &c);
	}
	return en->s->ops->field_set(en->s, en->ctx, p->c.id, name, value);
}

static tp_status queue_webhook(engine *en, const tp_run_row *run, const tp_flow *f,
                               const tp_person *p, const char *url, step_result *r)
{
	cJSON *doc = cJSON_CreateObject();
	cJSON_AddStringToObject(doc, "workflow", f->name);
	cJSON_AddNumberToObject(doc, "run_id", (double)run->id);
	cJSON_AddNumberToObject(doc, "step", run->step);
	cJSON_AddItemToObject(doc, "at", tp_json_time(en->now));
	cJSON_AddItemToObject(doc, "contact", tp_json_contact(&p->c));
	if (p->total >= 0)
		cJSON_AddNumberToObject(doc, "score", p->total);
	char *body = cJSON_PrintUnformatted(doc);
	cJSON_Delete(doc);
	if (!body)
		return tp_ctx_fail(en->ctx, TP_ERR_NOMEM, NULL, "out of memory");
	tp_message_row m = {.run_id = run->id, .contact_id = p->c.id, .kind = "webhook",
	                    .purpose = "sales", .recipient = url, .body = body, .state = "queued",
	                    .next_at = en->now, .created_at = en->now};
	tp_status rc = en->s->ops->message_put(en->s, en->ctx, &m);
	free(body);
	if (rc == TP_OK) {
		en->stats->webhooks_queued++;
		snprintf(r->what, sizeof r->what, "webhook to %s queued (message %" PRId64 ")", url, m.id);
	}
	return rc;
}


/* Where an owner's alerts go: the owner when it is an address, else the
 * address mapped to that name (setting nurture.owner_email.NAME), else the
 * workspace's sales inbox (nurture.sales_to). New, or NULL. */
static char *owner_address(tp_ctx *ctx, tp_store *s, const char *owner)
{
	if (owner && strchr(owner, '@'))
		return strdup(owner);
	if (owner && *owner) {
		char key[300];
		snprintf(key, sizeof key, "nurture.owner_email.%s", owner);
		char *mapped = tp__nurture_setting(ctx, s, key, NULL);
		if (mapped)
			return mapped;
	}
	return tp__nurture_setting(ctx, s, "nurture.sales_to", NULL);
}
static tp_status run_step(engine *en, const tp_flow *f, const tp_run_row *run, tp_person *p,
                          step_result *r)
{
	const cJSON *step = cJSON_GetArrayItem(f->steps, run->step);
	const cJSON *a = tp__flow_action(step);
	const char *k = a->string;
	tp_store *s = en->s;
	r->next = run->step + 1;
	if (!strcmp(k, "wait")) {
		r->due_at = wait_due(a, p, en->now);
		char at[25];
		tp_time_format(r->due_at, at);
		snprintf(r->what, sizeof r->what, "waiting until %s", at);
		return TP_OK;
	}
	if (!strcmp(k, "if")) {
		eval e = {en->ctx, s, p, en->now, TP_OK};
		int yes = cond_true(&e, cJSON_GetObjectItemCaseSensitive(a, "when"));
		const cJSON *to = cJSON_GetObjectItemCaseSensitive(a, yes ? "then" : "else");
		if (to)
			r->next = tp__flow_label(f, to->valuestring);
		snprintf(r->what, sizeof r->what, "condition %s: %s %s", yes ? "holds" : "does not hold",
		         to ? "go to" : "go on", to ? to->valuestring : "");
		return e.rc;
	}
	if (!strcmp(k, "goto")) {
		r->next = tp__flow_label(f, a->valuestring);
		snprintf(r->what, sizeof r->what, "go to %s", a->valuestring);
		return TP_OK;
	}
	if (!strcmp(k, "stop")) {
		r->state = "stopped";
		snprintf(r->what, sizeof r->what, "stopped%s%s", cJSON_IsString(a) ? ": " : "",
		         cJSON_IsString(a) ? a->valuestring : "");
		return TP_OK;
	}
	if (!strcmp(k, "send_email") || !strcmp(k, "notify_owner")) {
		int owner = !strcmp(k, "notify_owner");
		char *owner_to = owner ? owner_address(en->ctx, s, p->c.owner) : NULL;
		const char *to = owner ? owner_to : p->c.email;
		if (!to || !strchr(to, '@')) {
			snprintf(r->what, sizeof r->what, "%s %s: %s", k, a->valuestring,
			         owner ? "the contact's owner has no email address (nurture config"
			                 " --owner-email NAME=ADDR or --sales-to ADDR)"
			               : "the contact has no email address");
			free(owner_to);
			return TP_OK;
		}
		tp_mail_job job = {.run_id = run->id, .now = en->now, .person = p, .flow = f,
		                   .template_name = a->valuestring,
		                   .purpose = owner ? "sales" : "marketing", .recipient = to};
		int queued;
		tp_status rc = tp__mail_queue(en->ctx, s, &job, &queued, r->what, sizeof r->what);
		free(owner_to);
		if (rc == TP_OK && queued)
			en->stats->emails_queued++;
		else if (rc == TP_OK)
			en->stats->suppressed++;
		return rc;
	}
	if (!strcmp(k, "tag") || !strcmp(k, "untag")) {
		snprintf(r->what, sizeof r->what, "%s %s", k, a->valuestring);
		return s->ops->tag_set(s, en->ctx, p->c.id, a->valuestring, !strcmp(k, "tag"));
	}
	if (!strcmp(k, "set_field")) {
		const char *name = cJSON_GetObjectItemCaseSensitive(a, "name")->valuestring;
		const char *value = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(a, "value"));
		snprintf(r->what, sizeof r->what, "set %s to %s", name, value ? value : "nothing");
		return set_contact_field(en, p, name, value);
	}
	if (!strcmp(k, "assign_owner")) {
		const char *owner = a->valuestring;
		tp_score_config *cfg = NULL;
		tp_status rc = TP_OK;
		if (!strcmp(owner, "rules") && (rc = tp_score_config_load(en->ctx, s, &cfg)) == TP_OK)
			rc = tp_assign_owner(en->ctx, s, cfg, &p->c, &owner);
		if (rc == TP_OK && owner && strcmp(owner, "rules"))
			rc = set_contact_field(en, p, "owner", owner);
		snprintf(r->what, sizeof r->what, "owner: %s",
		         owner && strcmp(owner, "rules") ? owner : "the rules give none");
		tp_score_config_free(cfg);
		return rc;
	}
	if (!strcmp(k, "stage")) {
		tp_stage to;
		tp_stage_from_name(cJSON_GetObjectItemCaseSensitive(a, "to")->valuestring, &to);
		const char *reason = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(a, "reason"));
		char actor[96];
		snprintf(actor, sizeof actor, "workflow:%s", f->name);
		tp_score_config *cfg = NULL;
		tp_status rc = tp_score_config_load(en->ctx, s, &cfg);
		if (rc == TP_OK)
			rc = tp_lifecycle_move(en->ctx, s, cfg, p->c.id, to, en->now, actor,
			                       reason ? reason : actor);
		tp_score_config_free(cfg);
		if (rc == TP_ERR_CONFLICT || rc == TP_ERR_INVALID) {
			/* A move the stage machine refuses is the step's outcome, not a failure. */
			snprintf(r->what, sizeof r->what, "stage %s refused: %s", tp_stage_name(to),
			         tp_ctx_message(en->ctx));
			tp_ctx_clear(en->ctx);
			return TP_OK;
		}
		snprintf(r->what, sizeof r->what, "stage %s", tp_stage_name(to));
		return rc;
	}
	if (!strcmp(k, "webhook"))
		return queue_webhook(en, run, f, p,
		                     cJSON_GetObjectItemCaseSensitive(a, "url")->valuestring, r);
	snprintf(r->what, sizeof r->what, "unknown action %s", k);
	r->state = "failed";
	return TP_OK;
}

/* Runs `run_id` from its step until a wait or its end, in one transaction. */
/* A step that cannot run (a template over the size limit, a value the
 * store refuses) fails its run, in a transaction of its own, so that one
 * bad run does not stop every pass of the scheduler at the same place. */
static tp_status fail_run(engine *en, int64_t run_id, const char *why)
{
	tp_store *s = en->s;
	tp_run_row run;
	int found;
	char note[480];
	tp_status rc = s->ops->begin(s, en->ctx);
	if (rc == TP_OK && (rc = s->ops->run_get(s, en->ctx, run_id, &run, &found)) == TP_OK && found) {
		snprintf(note, sizeof note, "failed: step %d: %s", run.step, why);
		run.state = "failed";
		run.due_at = 0;
		run.updated_at = en->now;
		run.note = note;
		if ((rc = log_step(en, run.id, run.step, note)) == TP_OK)
			rc = s->ops->run_put(s, en->ctx, &run);
		en->stats->failed++;
	}
	if (rc == TP_OK)
		return s->ops->commit(s, en->ctx);
	tp_store_rollback_quiet(s);
	return rc;
}

static tp_status advance(engine *en, int64_t run_id)
{
	tp_store *s = en->s;
	tp_status rc = s->ops->begin(s, en->ctx);
	if (rc != TP_OK)
		return rc;
	tp_run_row run;
	int found;
	/* Read again inside the transaction: another runner may have taken it. */
	if ((rc = s->ops->run_get(s, en->ctx, run_id, &run, &found)) != TP_OK || !found ||
	    !run.due_at || run.due_at > en->now) {
		tp_store_rollback_quiet(s);
		return rc;
	}
	char note[480] = "";
	const tp_flow *f = flow_by_id(en, run.workflow_id);
	tp_person p;
	rc = tp__person_load(en->ctx, s, run.contact_id, &p, &found);
	run.state = "active";
	if (rc == TP_OK && !f) {
		run.state = "exited";
		snprintf(note, sizeof note, "exited: the workflow was disabled");
	} else if (rc == TP_OK && !found) {
		run.state = "exited";
		snprintf(note, sizeof note, "exited: the contact was merged or erased");
	}
	for (int n = 0; rc == TP_OK && !strcmp(run.state, "active"); n++) {
		eval e = {en->ctx, s, &p, en->now, TP_OK};
		if (exits(&e, f, note, sizeof note)) {
			run.state = "exited";
			break;
		}
		if ((rc = e.rc) != TP_OK)
			break;
		if (run.step >= f->n_steps) {
			run.state = "done";
			snprintf(note, sizeof note, "done: all steps ran");
			break;
		}
		if (n == STEPS_WITHOUT_WAIT) {
			run.state = "failed";
			snprintf(note, sizeof note, "failed: %d steps without a wait (a goto loop?)", n);
			break;
		}
		step_result r = {.due_at = 0};
		if ((rc = run_step(en, f, &run, &p, &r)) != TP_OK ||
		    (rc = log_step(en, run.id, run.step, r.what)) != TP_OK)
			break;
		en->stats->steps++;
		snprintf(note, sizeof note, "step %d: %s", run.step, r.what);
		run.step = r.next;
		if (r.state) {
			run.state = r.state;
			break;
		}
		if (r.due_at > en->now) {
			run.due_at = r.due_at;
			en->stats->waiting++;
			break;
		}
		/* The contact may have changed (a field, a tag, a stage): read it again. */
		tp__person_free(&p);
		if ((rc = tp__person_load(en->ctx, s, run.contact_id, &p, &found)) == TP_OK && !found) {
			run.state = "exited";
			snprintf(note, sizeof note, "exited: the contact was merged or erased");
		}
	}
	tp__person_free(&p);
	if (rc == TP_OK) {
		if (strcmp(run.state, "active")) {
			run.due_at = 0;
			if (!strcmp(run.state, "exited"))
				en->stats->exited++;
			else if (!strcmp(run.state, "failed"))
				en->stats->failed++;
			else
				en->stats->finished++;
			if (strncmp(note, "step ", 5))
				rc = log_step(en, run.id, run.step, note);
		}
		run.updated_at = en->now;
		run.note = note;
		if (rc == TP_OK)
			rc = s->ops->run_put(s, en->ctx, &run);
	}
	if (rc == TP_OK) {
		rc = s->ops->commit(s, en->ctx);
	} else {
		tp_store_rollback_quiet(s);
		/* The store's own failures are worth another pass; the rest are the run's. */
		if (rc != TP_ERR_STORE && rc != TP_ERR_IO) {
			char why[400];
			const char *field = tp_ctx_field(en->ctx);
			snprintf(why, sizeof why, "%s%s%s", tp_ctx_message(en->ctx),
			         field && *field ? " at " : "", field && *field ? field : "");
			tp_ctx_clear(en->ctx);
			return fail_run(en, run_id, why);
		}
	}
	if (rc == TP_OK && en->opts && en->opts->after_step)
		en->opts->after_step(en->opts->user, &run);
	return rc;
}

typedef struct due_ids {
	int64_t ids[DUE_BATCH];
	int n;
} due_ids;

static int collect_due(void *user, const tp_run_row *r)
{
	due_ids *d = user;
	d->ids[d->n++] = r->id;
	return d->n == DUE_BATCH;
}

/* ---- the pass ---- */

typedef struct flow_list {
	engine *en;
	tp_status rc;
} flow_list;

static int take_flow(void *user, const tp_workflow_row *w)
{
	flow_list *l = user;
	engine *en = l->en;
	if (!w->enabled)
		return 0;
	tp_flow *f;
	if ((l->rc = tp__flow_parse(en->ctx, w->definition, strlen(w->definition), &f)) != TP_OK)
		return 1;
	tp_flow **grown = realloc(en->flows, sizeof *grown * (size_t)(en->n_flows + 1));
	if (!grown) {
		tp__flow_free(f);
		l->rc = tp_ctx_fail(en->ctx, TP_ERR_NOMEM, NULL, "out of memory");
		return 1;
	}
	f->id = w->id;
	en->flows = grown;
	en->flows[en->n_flows++] = f;
	return 0;
}

static tp_status need_nurture_ops(tp_ctx *ctx, tp_store *s)
{
	return s->ops->workflows_list ? TP_OK
	                              : tp_ctx_fail(ctx, TP_ERR_UNSUPPORTED, NULL,
	                                            "the %s store keeps no workflows", s->ops->name);
}

tp_status tp_nurture_tick(tp_ctx *ctx, tp_store *s, const tp_nurture_opts *opts,
                          tp_nurture_stats *stats)
{
	tp_status rc = need_nurture_ops(ctx, s);
	if (rc != TP_OK)
		return rc;
	engine en = {ctx, s, opts && opts->now ? opts->now : tp_ctx_now(ctx), NULL, 0, stats, opts,
	             calloc(SCAN_BATCH, sizeof(new_event)), calloc(1, sizeof(stage_batch))};
	memset(stats, 0, sizeof *stats);
	if (!en.events || !en.stages)
		rc = tp_ctx_fail(ctx, TP_ERR_NOMEM, NULL, "out of memory");
	flow_list l = {&en, TP_OK};
	if (rc == TP_OK)
		rc = s->ops->workflows_list(s, ctx, take_flow, &l);
	if (rc == TP_OK)
		rc = l.rc;
	int more = 1;
	while (rc == TP_OK && more)
		rc = scan_events(&en, &more);
	more = 1;
	while (rc == TP_OK && more)
		rc = scan_stages(&en, &more);
	for (int i = 0; rc == TP_OK && i < en.n_flows; i++)
		if (!strcmp(en.flows[i]->trigger->child->string, "date"))
			rc = scan_dates(&en, en.flows[i]);
	int64_t budget = opts && opts->max_steps > 0 ? opts->max_steps : INT64_MAX;
	for (int64_t done = 0; rc == TP_OK && done < budget;) {
		if (opts && opts->stop && opts->stop(opts->user))
			break;
		due_ids d = {.n = 0};
		if ((rc = s->ops->runs_due(s, ctx, en.now, DUE_BATCH, collect_due, &d)) != TP_OK ||
		    d.n == 0)
			break;
		int64_t before = stats->steps + stats->exited + stats->finished + stats->failed;
		for (int i = 0; rc == TP_OK && i < d.n && done < budget; i++, done++)
			rc = advance(&en, d.ids[i]);
		/* Nothing moved (runs taken by another runner): do not spin. */
		if (stats->steps + stats->exited + stats->finished + stats->failed == before)
			break;
	}
	for (int i = 0; i < en.n_flows; i++)
		tp__flow_free(en.flows[i]);
	free(en.flows);
	free(en.events);
	free(en.stages);
	return rc;
}
