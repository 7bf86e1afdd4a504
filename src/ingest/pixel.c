/* Pixel query → Segment call. Short names keep email links short; the long
 * Segment names work too. Unknown parameters are ignored (mail clients and
 * proxies add their own), except p.NAME, which becomes a property. */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "touchpoint/pixel.h"

#define MAX_PROPERTIES 64

/* Parameter → where it goes in the call ("" = top level). */
static const struct {
	const char *key, *alias, *object, *field;
} simple[] = {
	{"a", "anonymousId", "", "anonymousId"},
	{"u", "userId", "", "userId"},
	{"m", "messageId", "", "messageId"},
	{"ts", "timestamp", "", "timestamp"},
	{"e", "event", "", "event"},
	{"n", "name", "", "name"},
	{"url", NULL, "page", "url"},
	{"ref", "referrer", "page", "referrer"},
	{"title", NULL, "page", "title"},
	{"email", NULL, "traits", "email"},
	{"utm_source", NULL, "campaign", "source"},
	{"utm_medium", NULL, "campaign", "medium"},
	{"utm_campaign", NULL, "campaign", "name"},
	{"utm_term", NULL, "campaign", "term"},
	{"utm_content", NULL, "campaign", "content"},
};

/* Traits sit at the top of an identify and in context.traits of other
 * calls (Segment spec), where the parser reads them. */
static cJSON *object_of(cJSON *root, const char *name, tp_call call)
{
	if (!*name)
		return root;
	int in_context = strcmp(name, "page") == 0 || strcmp(name, "campaign") == 0 ||
	                 (strcmp(name, "traits") == 0 && call != TP_CALL_IDENTIFY);
	cJSON *parent = root;
	if (in_context) {
		parent = cJSON_GetObjectItemCaseSensitive(root, "context");
		if (!parent)
			parent = cJSON_AddObjectToObject(root, "context");
	}
	cJSON *o = parent ? cJSON_GetObjectItemCaseSensitive(parent, name) : NULL;
	return o ? o : parent ? cJSON_AddObjectToObject(parent, name) : NULL;
}

tp_status tp_pixel_call(tp_ctx *ctx, const tp_query_param *params, size_t n, char **json,
                        tp_call *call)
{
	const char *type = "page";
	for (size_t i = 0; i < n; i++)
		if (strcmp(params[i].key, "t") == 0 || strcmp(params[i].key, "type") == 0)
			type = params[i].value ? params[i].value : "";   /* "?t" has no value */
	if (strcmp(type, "page") == 0)
		*call = TP_CALL_PAGE;
	else if (strcmp(type, "track") == 0)
		*call = TP_CALL_TRACK;
	else if (strcmp(type, "identify") == 0)
		*call = TP_CALL_IDENTIFY;
	else
		return tp_ctx_fail(ctx, TP_ERR_INVALID, "t", "\"%.40s\" is not page, track or identify",
		                   type);
	cJSON *root = cJSON_CreateObject();
	if (!root || !cJSON_AddStringToObject(root, "type", type))
		goto nomem;
	int properties = 0;
	for (size_t i = 0; i < n; i++) {
		const char *k = params[i].key, *v = params[i].value ? params[i].value : "";
		if (strncmp(k, "p.", 2) == 0 && k[2]) {
			if (++properties > MAX_PROPERTIES) {
				cJSON_Delete(root);
				return tp_ctx_fail(ctx, TP_ERR_INVALID, k, "more than %d properties",
				                   MAX_PROPERTIES);
			}
			cJSON *props = object_of(root, "properties", *call);
			if (!props || !cJSON_AddStringToObject(props, k + 2, v))
				goto nomem;
			continue;
		}
		for (size_t s = 0; s < sizeof simple / sizeof simple[0]; s++)
			if (strcmp(k, simple[s].key) == 0 || (simple[s].alias && strcmp(k, simple[s].alias) == 0)) {
				cJSON *o = object_of(root, simple[s].object, *call);
				cJSON_DeleteItemFromObjectCaseSensitive(o, simple[s].field);
				if (!o || !cJSON_AddStringToObject(o, simple[s].field, v))
					goto nomem;
			}
	}
	/* A page view's url and title are also its properties, as analytics.js sends them. */
	if (*call == TP_CALL_PAGE) {
		cJSON *page = cJSON_GetObjectItemCaseSensitive(
			cJSON_GetObjectItemCaseSensitive(root, "context"), "page");
		const char *url = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(page, "url"));
		cJSON *props = url ? object_of(root, "properties", *call) : NULL;
		if (url && (!props || (!cJSON_GetObjectItemCaseSensitive(props, "url") &&
		                       !cJSON_AddStringToObject(props, "url", url))))
			goto nomem;
	}
	if (!(*json = cJSON_PrintUnformatted(root)))
		goto nomem;
	cJSON_Delete(root);
	return TP_OK;
nomem:
	cJSON_Delete(root);
	return tp_ctx_fail(ctx, TP_ERR_NOMEM, NULL, "out of memory");
}
