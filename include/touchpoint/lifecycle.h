/* The lifecycle stage machine (DESIGN §4): visitor → lead → mql → sal → sql →
 * opportunity → customer, forward only; disqualified, recycled and churned
 * are side states reached only with a reason. Every move is stored with
 * from, to, time, actor and reason. docs/STAGES.md has the table. */
#ifndef TOUCHPOINT_LIFECYCLE_H
#define TOUCHPOINT_LIFECYCLE_H

#include "touchpoint/ctx.h"
#include "touchpoint/score.h"
#include "touchpoint/stage.h"
#include "touchpoint/store.h"

typedef enum tp_move_kind {
	TP_MOVE_ILLEGAL,      /* not allowed from here */
	TP_MOVE_FORWARD,      /* along the funnel */
	TP_MOVE_SIDE          /* disqualify, recycle, churn: needs a reason */
} tp_move_kind;

TP_API tp_move_kind tp_stage_move_kind(tp_stage from, tp_stage to);
/* "sql, opportunity, customer; with a reason: disqualified, recycled" into
 * buf: what tp_stage_move_kind allows from `from`. */
TP_API const char *tp_stage_legal_moves(tp_stage from, char *buf, size_t cap);

/* Moves a contact (not one merged into another) to `to` at time `at`,
 * checking the move. A side move without a reason is refused (field
 * "reason"); an illegal one fails with TP_ERR_CONFLICT and says which moves
 * are legal. Entering mql assigns an owner by `cfg`'s rules when the contact
 * has none (cfg may be NULL: no assignment). The caller holds the transaction. */
TP_API tp_status tp_lifecycle_move(tp_ctx *ctx, tp_store *s, const tp_score_config *cfg,
                                   int64_t contact_id, tp_stage to, int64_t at,
                                   const char *actor, const char *reason);

/* The owner `cfg` assigns to a contact (country, account size or round
 * robin, whose turn is kept in the workspace's settings). *owner = NULL when
 * the rules give none. Strings are static or from cfg. */
TP_API tp_status tp_assign_owner(tp_ctx *ctx, tp_store *s, const tp_score_config *cfg,
                                 const tp_contact *c, const char **owner);

/* Changes made by a person (CLI, JSON API), each one transaction with the
 * scores it changes (src/lifecycle/contacts.c). */

/* Creates or updates the contact known by traits->email (tp_identity_upsert:
 * `overwrite` replaces given fields, else only fills gaps) and rescores it. */
TP_API tp_status tp_contact_save(tp_ctx *ctx, tp_store *s, const tp_traits *traits, int stage,
                                 int overwrite, const char *actor, int64_t *contact_id,
                                 int *created);
/* Merges loser into winner (tp_identity_merge, rule "manual"); rescores. */
TP_API tp_status tp_contact_merge(tp_ctx *ctx, tp_store *s, int64_t winner, int64_t loser,
                                  const char *reason, int64_t *merge_id);
/* Undoes the merge that made `contact` part of another; rescores both. */
TP_API tp_status tp_contact_unmerge(tp_ctx *ctx, tp_store *s, int64_t contact,
                                    int64_t *restored);
/* Erases the person: the contact and every contact merged into it lose what
 * identifies them (store op contact_erase); *erased = contacts erased. */
TP_API tp_status tp_contact_erase(tp_ctx *ctx, tp_store *s, int64_t contact, int64_t *erased);
/* tp_lifecycle_move by a person, now. */
TP_API tp_status tp_contact_move(tp_ctx *ctx, tp_store *s, int64_t contact, tp_stage to,
                                 const char *actor, const char *reason);

#endif
