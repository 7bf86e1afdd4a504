/* Lifecycle stages (DESIGN §4). Names are what the store and JSON carry. */
#ifndef TOUCHPOINT_STAGE_H
#define TOUCHPOINT_STAGE_H

#include "touchpoint/api.h"

#define TP_STAGE_MAP(X)                          \
	X(TP_STAGE_VISITOR,      "visitor")      \
	X(TP_STAGE_LEAD,         "lead")         \
	X(TP_STAGE_MQL,          "mql")          \
	X(TP_STAGE_SAL,          "sal")          \
	X(TP_STAGE_SQL,          "sql")          \
	X(TP_STAGE_OPPORTUNITY,  "opportunity")  \
	X(TP_STAGE_CUSTOMER,     "customer")     \
	X(TP_STAGE_DISQUALIFIED, "disqualified") \
	X(TP_STAGE_RECYCLED,     "recycled")     \
	X(TP_STAGE_CHURNED,      "churned")

typedef enum tp_stage {
#define TP__STAGE_ENUM(e, s) e,
	TP_STAGE_MAP(TP__STAGE_ENUM)
#undef TP__STAGE_ENUM
	TP_STAGE__COUNT
} tp_stage;

TP_API const char *tp_stage_name(tp_stage s);
/* Our own stage names only; returns 0 and sets *out, or -1. */
TP_API int tp_stage_from_name(const char *name, tp_stage *out);
/* A CRM's value: ours, HubSpot lifecycle stages ("marketingqualifiedlead",
 * "Marketing Qualified Lead") and Salesforce Lead Status ("Working -
 * Contacted"); the table is in docs/STAGES.md. Returns 0 or -1. */
TP_API int tp_stage_from_crm(const char *value, tp_stage *out);

#endif
