/* JSON shapes of the CLI's --json output; docs/CLI.md documents them and
 * they only grow (fields are added, never renamed or removed). */
#ifndef TP_CLI_JSON_OUT_H
#define TP_CLI_JSON_OUT_H

#include <cjson/cJSON.h>

#include "touchpoint/touchpoint.h"

cJSON *json_contact(const tp_contact *c);
cJSON *json_account(const tp_account *a, int64_t n_contacts);
cJSON *json_touch(const tp_touch_record *t);
cJSON *json_time(int64_t ms);
/* Adds a string, or null when s is NULL. */
void json_add_str(cJSON *obj, const char *key, const char *s);
/* Adds a number, or null when v < 0 (unknown). */
void json_add_count(cJSON *obj, const char *key, int64_t v);
/* Adds a number, or null when v < 0 (undefined: a zero denominator). */
void json_add_number(cJSON *obj, const char *key, double v);

#endif
