/* Backend-independent helpers of the storage interface. */
#include <stdlib.h>
#include <string.h>

#include "store/records.h"
#include "touchpoint/store.h"

typedef struct setting_copy {
	char *value;
	int nomem;
} setting_copy;

static int copy_setting(void *user, const char *text)
{
	setting_copy *c = user;
	c->value = strdup(text);
	c->nomem = !c->value;
	return 0;
}

tp_status tp_store_setting(tp_ctx *ctx, tp_store *s, const char *key, char **value)
{
	setting_copy c = {NULL, 0};
	int found = 0;
	*value = NULL;
	if (!s->ops->setting_get)
		return TP_OK;
	tp_status rc = s->ops->setting_get(s, ctx, key, copy_setting, &c, &found);
	if (rc == TP_OK && c.nomem)
		rc = tp_ctx_fail(ctx, TP_ERR_NOMEM, NULL, "out of memory");
	if (rc != TP_OK) {
		free(c.value);
		return rc;
	}
	*value = c.value;
	return TP_OK;
}

void tp_store_rollback_quiet(tp_store *s)
{
	tp_ctx *scratch = tp_ctx_create();
	if (scratch)
		s->ops->rollback(s, scratch);
	tp_ctx_destroy(scratch);
}

void tp__contact_text_slots(tp_contact *c, const char **slots[TP__CONTACT_TEXTS])
{
	const char **f[TP__CONTACT_TEXTS] = {&c->email, &c->user_id, &c->first_name, &c->last_name,
		&c->title, &c->phone, &c->company, &c->country, &c->lead_source, &c->owner,
		&c->source_channel};
	memcpy(slots, f, sizeof f);
}

void tp__visitor_text_slots(tp_visitor *v, const char **slots[TP__VISITOR_TEXTS])
{
	slots[0] = &v->anonymous_id;
	slots[1] = &v->landing_url;
	for (int i = 0; i < TP_CLICK__COUNT; i++)
		slots[2 + i] = &v->click_id[i];
	slots[TP__VISITOR_OWN_TEXTS] = &v->visit_source;
	slots[TP__VISITOR_OWN_TEXTS + 1] = &v->visit_medium;
	slots[TP__VISITOR_OWN_TEXTS + 2] = &v->visit_campaign;
}

ptrdiff_t tp__contact_copy_texts(tp_arena *a, tp_contact *c)
{
	const char **f[TP__CONTACT_TEXTS];
	tp__contact_text_slots(c, f);
	ptrdiff_t bytes = 0;
	for (size_t i = 0; i < TP__CONTACT_TEXTS; i++) {
		if (!*f[i])
			continue;
		size_t n = strlen(*f[i]);
		if (!(*f[i] = tp__arena_strndup(a, *f[i], n)))
			return -1;
		bytes += (ptrdiff_t)n + 1;
	}
	return bytes;
}
