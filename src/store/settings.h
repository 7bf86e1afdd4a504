/* Workspace settings that hold a JSON object (forms by name, lead-ad
 * platforms by name, the predictive model): read whole, written back whole. */
#ifndef TP_STORE_SETTINGS_H
#define TP_STORE_SETTINGS_H

#include <cjson/cJSON.h>

#include "touchpoint/store.h"

/* The object under `key` (a new empty one when never set); NULL with *rc
 * set when it cannot be read or is not a JSON object. */
cJSON *tp__setting_object_load(tp_ctx *ctx, tp_store *store, const char *key, tp_status *rc);
/* Writes `all` under `key` and frees it. */
tp_status tp__setting_object_save(tp_ctx *ctx, tp_store *store, const char *key, cJSON *all);

#endif
