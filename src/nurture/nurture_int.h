/* What the nurture module's files share: a checked workflow in memory. */
#ifndef TP_NURTURE_INT_H
#define TP_NURTURE_INT_H

#include <cjson/cJSON.h>

#include "touchpoint/nurture.h"

/* A definition as checked by tp_workflow_check: the steps are read from
 * its JSON as they run (no second representation to keep in step). */
typedef struct tp_flow {
	int64_t id;
	char *name;
	cJSON *root;
	const cJSON *trigger, *steps, *templates, *exit;
	int n_steps;
	int again_after_days;   /* 0 = enrol once */
} tp_flow;

/* Parses and checks `json`; *out is new (tp__flow_free). */
tp_status tp__flow_parse(tp_ctx *ctx, const char *json, size_t len, tp_flow **out);
void tp__flow_free(tp_flow *f);
/* The index of the step labelled `id`, or -1. */
int tp__flow_label(const tp_flow *f, const char *id);
/* A step's action: the one member of the step that is not "id". */
const cJSON *tp__flow_action(const cJSON *step);

#endif
