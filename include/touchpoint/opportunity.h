/* The sales pipeline: opportunities with an account, a primary contact, an
 * amount, a stage and its probability. Opening one moves its contact to
 * `opportunity`; winning moves the contact to `customer` and marks the
 * account a customer. Stages: qualify, meeting, proposal, negotiation, won,
 * lost, with default probabilities 10/20/50/80/100/0 (editable per
 * workspace). */
#ifndef TOUCHPOINT_OPPORTUNITY_H
#define TOUCHPOINT_OPPORTUNITY_H

#include "touchpoint/ctx.h"
#include "touchpoint/store.h"

#define TP_OPP_STAGE_MAP(X)            \
	X(TP_OPP_QUALIFY,     "qualify",     10)  \
	X(TP_OPP_MEETING,     "meeting",     20)  \
	X(TP_OPP_PROPOSAL,    "proposal",    50)  \
	X(TP_OPP_NEGOTIATION, "negotiation", 80)  \
	X(TP_OPP_WON,         "won",         100) \
	X(TP_OPP_LOST,        "lost",        0)

typedef enum tp_opp_stage {
#define TP__OPP_ENUM(e, s, p) e,
	TP_OPP_STAGE_MAP(TP__OPP_ENUM)
#undef TP__OPP_ENUM
	TP_OPP__COUNT
} tp_opp_stage;

TP_API const char *tp_opp_stage_name(tp_opp_stage s);
TP_API int tp_opp_stage_from_name(const char *name, tp_opp_stage *out);

/* The workspace's probability per stage (setting "opportunity.probabilities",
 * "qualify=10,meeting=20,..."; unnamed stages keep their defaults). */
TP_API tp_status tp_opp_probabilities(tp_ctx *ctx, tp_store *s, int out[TP_OPP__COUNT]);
/* Validates and stores "stage=percent,..." (0..100). */
TP_API tp_status tp_opp_probabilities_set(tp_ctx *ctx, tp_store *s, const char *spec);

/* Opens an opportunity. Needs account_id or contact_id (the account is the
 * contact's when not given), amount >= 0, currency (ISO 4217, three
 * letters), an open stage; probability < 0 takes the stage's. The primary
 * contact moves to opportunity (when that is forward for it). Sets r->id.
 * The caller holds the transaction. */
TP_API tp_status tp_opportunity_open(tp_ctx *ctx, tp_store *s, tp_opportunity_row *r);

/* Changes an open opportunity: fields that are set in `change` (strings not
 * NULL, amount >= 0, probability >= 0, stage not NULL) replace the stored
 * ones. Moving to won closes it and makes the contact and account
 * customers; lost needs lost_reason. A closed opportunity cannot change. */
TP_API tp_status tp_opportunity_update(tp_ctx *ctx, tp_store *s, int64_t id,
                                       const tp_opportunity_row *change);

/* tp_opportunity_open and tp_opportunity_update, each in a transaction of
 * its own (a person's change: the CLI, the JSON API). */
TP_API tp_status tp_opportunity_add(tp_ctx *ctx, tp_store *s, tp_opportunity_row *r);
TP_API tp_status tp_opportunity_change(tp_ctx *ctx, tp_store *s, int64_t id,
                                       const tp_opportunity_row *change);

#endif
