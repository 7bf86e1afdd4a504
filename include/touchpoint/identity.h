/* Identity resolution: who did this? Links anonymous visitors to contacts,
 * deduplicates contacts by normalized email and user id, matches accounts by
 * email domain (free-mail excepted) and group calls, and merges contacts
 * reversibly, with lineage. The rules are in docs/IDENTITY.md.
 *
 * A tp_identity caches what it has seen of the store; the caller runs it
 * inside the store's transaction and calls tp_identity_flush() before each
 * commit and tp_identity_reset() after a rollback. */
#ifndef TOUCHPOINT_IDENTITY_H
#define TOUCHPOINT_IDENTITY_H

#include "touchpoint/ctx.h"
#include "touchpoint/event.h"
#include "touchpoint/model.h"
#include "touchpoint/store.h"

typedef struct tp_identity tp_identity;

typedef struct tp_resolution {
	int64_t contact_id;         /* whom the event belongs to now; 0 = anonymous */
	int64_t origin_contact_id;  /* the contact whose identifier matched (kept for unmerge) */
	tp_visitor *visitor;        /* the event's visitor, owned by the tp_identity; may be NULL */
	int contact_created;
	int64_t merged_away;        /* the contact this call merged into contact_id; 0 none */
	int conflict;               /* a shared-browser or identifier conflict was logged */
	int64_t adopted;            /* earlier anonymous events moved to the contact */
} tp_resolution;

/* Borrows `store` for its lifetime. Returns new — free with
 * tp_identity_destroy(); NULL when out of memory. */
TP_API tp_identity *tp_identity_create(tp_store *store);
TP_API void tp_identity_destroy(tp_identity *id);
/* Forgets every cached row (after a rollback, an unmerge, or when another
 * writer may have changed the store). */
TP_API void tp_identity_reset(tp_identity *id);

/* Resolves `ev` (any call), creating, updating, linking or merging contacts,
 * visitors and accounts as the rules say. `actor` names who acts in the
 * stage history ("import", "api"); `channel` (may be NULL) is the channel of
 * this touch, kept as a new contact's source channel when its visitor has none. */
TP_API tp_status tp_identity_resolve(tp_identity *id, tp_ctx *ctx, const tp_event *ev,
                                     const char *actor, const char *channel,
                                     tp_resolution *out);

/* Writes the visitors changed since the last flush. Call before commit. */
TP_API tp_status tp_identity_flush(tp_identity *id, tp_ctx *ctx);

/* Creates or updates the contact known by traits->email (a CSV row, a lead
 * form). Empty fields are filled; with `overwrite`, given fields replace
 * stored ones. `stage` (-1 = leave) sets the stage of a new contact, or moves
 * an existing one forward. */
TP_API tp_status tp_identity_upsert(tp_identity *id, tp_ctx *ctx, const tp_traits *traits,
                                    int stage, const char *actor, int overwrite,
                                    int64_t *contact_id, int *created);

/* Merges `loser` into `winner` (both must be contacts of their own): the
 * loser's touches move to the winner, its fields stay on its own row and show
 * through where the winner has none. Recorded with rule and detail. */
TP_API tp_status tp_identity_merge(tp_identity *id, tp_ctx *ctx, int64_t winner, int64_t loser,
                                   const char *rule, const char *detail, int64_t *merge_id);

/* Undoes the merge that made `contact` part of another: it and everything
 * merged into it get their touches back. *restored = events moved back. */
TP_API tp_status tp_identity_unmerge(tp_identity *id, tp_ctx *ctx, int64_t contact,
                                     int64_t *restored);

/* The contact `contact` resolves to after merges (itself if not merged). */
TP_API tp_status tp_identity_root(tp_identity *id, tp_ctx *ctx, int64_t contact, int64_t *root);

/* The person as shown: the contact's own fields, with gaps filled from the
 * contacts merged into it (nearest first). Merging never copies fields, so an
 * unmerge gives everyone back exactly their own. Strings are owned by `id`
 * until its next reset. */
TP_API tp_status tp_identity_profile(tp_identity *id, tp_ctx *ctx, int64_t contact,
                                     tp_contact *out);

/* Finds a contact by id ("42"), email or user id. *contact = 0 when none. */
TP_API tp_status tp_identity_lookup(tp_identity *id, tp_ctx *ctx, const char *key,
                                    int64_t *contact);

#endif
