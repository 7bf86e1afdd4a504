/* JSON-object workspace settings: see settings.h. */
#include <stdlib.h>

#include "store/settings.h"

cJSON *tp__setting_object_load(tp_ctx *ctx, tp_store *store, const char *key, tp_status *rc)
{
	char *text = NULL;
	if ((*rc = tp_store_setting(ctx, store, key, &text)) != TP_OK)
		return NULL;
	cJSON *all = text ? cJSON_Parse(text) : cJSON_CreateObject();
	free(text);
	if (!cJSON_IsObject(all)) {
		cJSON_Delete(all);
		*rc = tp_ctx_fail(ctx, TP_ERR_STORE, key, "the stored setting is not a JSON object");
		return NULL;
	}
	return all;
}

tp_status tp__setting_object_save(tp_ctx *ctx, tp_store *store, const char *key, cJSON *all)
{
	char *text = cJSON_PrintUnformatted(all);
	cJSON_Delete(all);
	if (!text)
		return tp_ctx_fail(ctx, TP_ERR_NOMEM, NULL, "out of memory");
	tp_status rc = store->ops->setting_set(store, ctx, key, text);
	free(text);
	return rc;
}
