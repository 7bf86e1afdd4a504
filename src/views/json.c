/* JSON records of the views (touchpoint/views.h). Times are ISO 8601 UTC
 * strings; ids are numbers; unknown values are null, never omitted. */
#include <cjson/cJSON.h>
#include <stdlib.h>

#include "touchpoint/touchpoint.h"

void tp_json_add_str(cJSON *obj, const char *key, const char *s)
{
	cJSON_AddItemToObject(obj, key, s ? cJSON_CreateString(s) : cJSON_CreateNull());
}

void tp_json_add_count(cJSON *obj, const char *key, int64_t v)
{
	cJSON_AddItemToObject(obj, key, v >= 0 ? cJSON_CreateNumber((double)v) : cJSON_CreateNull());
}

void tp_json_add_number(cJSON *obj, const char *key, double v)
{
	cJSON_AddItemToObject(obj, key, v >= 0 ? cJSON_CreateNumber(v) : cJSON_CreateNull());
}

cJSON *tp_json_time(int64_t ms)
{
	char t[25];
	if (!ms)
		return cJSON_CreateNull();
	tp_time_format(ms, t);
	return cJSON_CreateString(t);
}

cJSON *tp_json_contact(const tp_contact *c)
{
	cJSON *j = cJSON_CreateObject();
	cJSON_AddNumberToObject(j, "id", (double)c->id);
	tp_json_add_str(j, "email", c->email);
	tp_json_add_str(j, "user_id", c->user_id);
	tp_json_add_str(j, "first_name", c->first_name);
	tp_json_add_str(j, "last_name", c->last_name);
	tp_json_add_str(j, "title", c->title);
	tp_json_add_str(j, "phone", c->phone);
	tp_json_add_str(j, "company", c->company);
	tp_json_add_str(j, "country", c->country);
	tp_json_add_count(j, "account_id", c->account_id ? c->account_id : -1);
	tp_json_add_str(j, "stage", tp_stage_name(c->stage));
	tp_json_add_str(j, "source_channel", c->source_channel);
	tp_json_add_str(j, "lead_source", c->lead_source);
	tp_json_add_str(j, "owner", c->owner);
	tp_json_add_count(j, "merged_into", c->merged_into ? c->merged_into : -1);
	cJSON_AddItemToObject(j, "created_at", tp_json_time(c->created_at));
	cJSON_AddItemToObject(j, "updated_at", tp_json_time(c->updated_at));
	cJSON_AddItemToObject(j, "erased_at", tp_json_time(c->erased_at));
	return j;
}

cJSON *tp_json_account(const tp_account *a, int64_t n_contacts)
{
	cJSON *j = cJSON_CreateObject();
	cJSON_AddNumberToObject(j, "id", (double)a->id);
	tp_json_add_str(j, "domain", a->domain);
	tp_json_add_str(j, "group_id", a->group_id);
	tp_json_add_str(j, "name", a->name);
	tp_json_add_str(j, "industry", a->industry);
	tp_json_add_str(j, "country", a->country);
	tp_json_add_count(j, "employees", a->employees);
	tp_json_add_count(j, "annual_revenue_minor", a->annual_revenue);
	if (n_contacts >= 0)
		cJSON_AddNumberToObject(j, "contacts", (double)n_contacts);
	cJSON_AddItemToObject(j, "created_at", tp_json_time(a->created_at));
	return j;
}

cJSON *tp_json_touch(const tp_touch_record *t)
{
	cJSON *j = cJSON_CreateObject();
	cJSON_AddNumberToObject(j, "id", (double)t->id);
	cJSON_AddItemToObject(j, "ts", tp_json_time(t->ts));
	tp_json_add_str(j, "type", t->type);
	tp_json_add_str(j, "name", t->name);
	tp_json_add_str(j, "channel", t->channel);
	tp_json_add_str(j, "source", t->source);
	tp_json_add_str(j, "medium", t->medium);
	tp_json_add_str(j, "campaign", t->campaign);
	tp_json_add_str(j, "page_category", t->page_category);
	tp_json_add_str(j, "search_term", t->search_term);
	tp_json_add_str(j, "asset", t->asset);
	tp_json_add_count(j, "video_percent", t->video_percent);
	tp_json_add_str(j, "url", t->url);
	tp_json_add_str(j, "anonymous_id", t->anonymous_id);
	tp_json_add_str(j, "message_id", t->message_id);
	cJSON *props = t->properties ? cJSON_Parse(t->properties) : NULL;
	cJSON_AddItemToObject(j, "properties", props ? props : cJSON_CreateObject());
	return j;
}

void tp_json_print(cJSON *v, FILE *out)
{
	char *s = cJSON_Print(v);
	if (s) {
		fputs(s, out);
		fputc('\n', out);
		free(s);
	}
	cJSON_Delete(v);
}
