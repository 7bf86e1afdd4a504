/* Forms: their configuration (one workspace setting, "forms", a JSON object
 * by form name) and a submission → Segment call. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "store/settings.h"
#include "touchpoint/form.h"

#define FORMS_KEY "forms"

/* Fields that are the form's plumbing, not what the person typed. */
static const char *const meta_fields[] = {"writeKey", "anonymousId", "page_url", "redirect"};

static void copy_text(char *dst, size_t cap, const cJSON *v)
{
	snprintf(dst, cap, "%s", cJSON_IsString(v) ? v->valuestring : "");
}

tp_status tp_form_config_get(tp_ctx *ctx, tp_store *store, const char *name, tp_form_config *out)
{
	memset(out, 0, sizeof *out);
	tp_status rc;
	cJSON *all = tp__setting_object_load(ctx, store, FORMS_KEY, &rc);
	if (!all)
		return rc;
	const cJSON *f = cJSON_GetObjectItemCaseSensitive(all, name);
	if (!cJSON_IsObject(f)) {
		cJSON_Delete(all);
		return tp_ctx_fail(ctx, TP_ERR_NOT_FOUND, "form",
		                   "no form \"%.60s\" in this workspace (touchpoint forms set)", name);
	}
	snprintf(out->name, sizeof out->name, "%s", name);
	copy_text(out->consent_field, sizeof out->consent_field,
	          cJSON_GetObjectItemCaseSensitive(f, "consent_field"));
	copy_text(out->honeypot_field, sizeof out->honeypot_field,
	          cJSON_GetObjectItemCaseSensitive(f, "honeypot_field"));
	const cJSON *r;
	cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(f, "redirects"))
		if (cJSON_IsString(r) && out->n_redirects < TP_FORM_MAX_REDIRECTS &&
		    !(out->redirects[out->n_redirects++] = strdup(r->valuestring))) {
			cJSON_Delete(all);
			tp_form_config_free(out);
			return tp_ctx_fail(ctx, TP_ERR_NOMEM, NULL, "out of memory");
		}
	cJSON_Delete(all);
	return TP_OK;
}

void tp_form_config_free(tp_form_config *cfg)
{
	for (size_t i = 0; i < cfg->n_redirects; i++)
		free(cfg->redirects[i]);
	cfg->n_redirects = 0;
}

static int name_ok(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-' || *s == '_'))
			return 0;
	return 1;
}

tp_status tp_form_config_set(tp_ctx *ctx, tp_store *store, const tp_form_config *cfg)
{
	if (!name_ok(cfg->name))
		return tp_ctx_fail(ctx, TP_ERR_INVALID, "name",
		                   "\"%.60s\" is not a form name: use a-z, 0-9, - and _", cfg->name);
	for (size_t i = 0; i < cfg->n_redirects; i++)
		if (!tp__http_url_ok(cfg->redirects[i]))
			return tp_ctx_fail(ctx, TP_ERR_INVALID, "redirect",
			                   "\"%.80s\" is not an absolute http(s) URL", cfg->redirects[i]);
	tp_status rc;
	cJSON *all = tp__setting_object_load(ctx, store, FORMS_KEY, &rc);
	if (!all)
		return rc;
	cJSON *f = cJSON_CreateObject(), *r = cJSON_AddArrayToObject(f, "redirects");
	for (size_t i = 0; i < cfg->n_redirects; i++)
		cJSON_AddItemToArray(r, cJSON_CreateString(cfg->redirects[i]));
	cJSON_AddStringToObject(f, "consent_field", cfg->consent_field);
	cJSON_AddStringToObject(f, "honeypot_field", cfg->honeypot_field);
	cJSON_DeleteItemFromObjectCaseSensitive(all, cfg->name);
	cJSON_AddItemToObject(all, cfg->name, f);
	return tp__setting_object_save(ctx, store, FORMS_KEY, all);
}

tp_status tp_form_names(tp_ctx *ctx, tp_store *store, void (*fn)(void *user, const char *name),
                        void *user)
{
	tp_status rc;
	cJSON *all = tp__setting_object_load(ctx, store, FORMS_KEY, &rc);
	if (!all)
		return rc;
	const cJSON *f;
	cJSON_ArrayForEach(f, all)
		fn(user, f->string);
	cJSON_Delete(all);
	return TP_OK;
}

static const char *field(const tp_form_submission *sub, const char *name)
{
	const char *v = NULL;
	for (size_t i = 0; i < sub->n_fields; i++)
		if (strcmp(sub->fields[i].key, name) == 0)
			v = sub->fields[i].value ? sub->fields[i].value : "";
	return v;
}

tp_status tp_form_call(tp_ctx *ctx, const tp_form_config *cfg, const tp_form_submission *sub,
                       char **json, int *spam)
{
	*json = NULL;
	*spam = 0;
	const char *trap = cfg->honeypot_field[0] ? field(sub, cfg->honeypot_field) : NULL;
	if (trap && *trap) {
		*spam = 1;   /* a person never sees that field; a bot fills every field */
		return TP_OK;
	}
	const char *anon = field(sub, "anonymousId");
	if (!anon || !*anon)
		anon = sub->anonymous_id;
	const char *email = field(sub, "email");
	if ((!email || !*email) && (!anon || !*anon))
		return tp_ctx_fail(ctx, TP_ERR_INVALID, "email",
		                   "is required when the visitor has no anonymousId (tp.js adds it)");
	const char *page = field(sub, "page_url");
	if (!page || !*page)
		page = sub->page_url;
	cJSON *root = cJSON_CreateObject();
	cJSON_AddStringToObject(root, "type", "track");
	cJSON_AddStringToObject(root, "event", "Form Submitted");
	/* A Segment call needs an id. A form posted without the snippet's id is
	 * its sender's alone: the email stands for the browser we never saw. */
	char by_email[600];
	if (!anon || !*anon) {
		snprintf(by_email, sizeof by_email, "email:%.512s", email);
		anon = by_email;
	}
	cJSON_AddStringToObject(root, "anonymousId", anon);
	cJSON *props = cJSON_AddObjectToObject(root, "properties");
	cJSON_AddStringToObject(props, "form", cfg->name);
	for (size_t i = 0; i < sub->n_fields; i++) {
		const char *k = sub->fields[i].key, *v = sub->fields[i].value ? sub->fields[i].value : "";
		int meta = strcmp(k, cfg->honeypot_field) == 0 || strcmp(k, cfg->consent_field) == 0;
		for (size_t m = 0; m < sizeof meta_fields / sizeof meta_fields[0]; m++)
			meta |= strcmp(k, meta_fields[m]) == 0;
		if (meta || !*k || (strcmp(k, "email") == 0 && !*v))
			continue;
		cJSON_DeleteItemFromObjectCaseSensitive(props, k);   /* the last of a repeated field */
		cJSON_AddStringToObject(props, k, v);
	}
	/* An unticked checkbox is not posted at all: with a consent field
	 * configured, its absence is a no. */
	if (cfg->consent_field[0]) {
		const char *c = field(sub, cfg->consent_field);
		cJSON_AddBoolToObject(props, "consent", c && *c && strcmp(c, "off") != 0 &&
		                                            strcmp(c, "0") != 0 && strcmp(c, "false") != 0);
	}
	if (page && *page) {
		cJSON *context = cJSON_AddObjectToObject(root, "context");
		cJSON *p = cJSON_AddObjectToObject(context, "page");
		cJSON_AddStringToObject(p, "url", page);
		cJSON_AddStringToObject(props, "url", page);
	}
	*json = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	return *json ? TP_OK : tp_ctx_fail(ctx, TP_ERR_NOMEM, NULL, "out of memory");
}

const char *tp_form_redirect(const tp_form_config *cfg, const char *asked)
{
	for (size_t i = 0; asked && i < cfg->n_redirects; i++)
		if (strcmp(asked, cfg->redirects[i]) == 0)
			return cfg->redirects[i];
	return cfg->n_redirects ? cfg->redirects[0] : NULL;
}
