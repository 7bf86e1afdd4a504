/* Scoring over the store: keeps each contact's score current as events are
 * ingested (O(1) per event), rebuilds scores from history, explains them,
 * and moves a lead to mql when its score crosses the threshold. */
#ifndef TOUCHPOINT_SCORER_H
#define TOUCHPOINT_SCORER_H

#include "touchpoint/ctx.h"
#include "touchpoint/score.h"
#include "touchpoint/store.h"

/* The workspace's configuration: its setting "score.config", else the
 * defaults. Returns new — free with tp_score_config_free(). */
TP_API tp_status tp_score_config_load(tp_ctx *ctx, tp_store *s, tp_score_config **out);
/* Validates `json` and stores it as the workspace's configuration (NULL
 * goes back to the defaults). The caller holds the transaction. */
TP_API tp_status tp_score_config_save(tp_ctx *ctx, tp_store *s, const char *json);

/* A stored event as the rules see it. */
TP_API void tp_score_event_of_record(const tp_touch_record *t, tp_score_event *out);
TP_API void tp_score_event_of_event(const tp_event *ev, tp_channel channel, tp_score_event *out);
/* A contact (and its account) as fit rules see it; strings copied into buf.
 * `stage` (may be NULL) gets the contact's stage, read in the same lookup
 * (lead when there is no such contact). */
TP_API tp_status tp_fit_input_of_contact(tp_ctx *ctx, tp_store *s, int64_t contact_id,
                                         tp_fit_input *out, char *buf, size_t cap,
                                         tp_stage *stage);

typedef struct tp_scorer tp_scorer;

/* Borrows store and cfg. With `auto_mql`, a lead or recycled contact whose
 * total reaches cfg->mql_threshold (with fit >= mql_min_fit) becomes mql at
 * the time of the event that took it there. */
TP_API tp_status tp_scorer_create(tp_ctx *ctx, tp_store *s, const tp_score_config *cfg,
                                  int auto_mql, tp_scorer **out);
TP_API void tp_scorer_destroy(tp_scorer *sc);
/* One event just stored for `contact_id`. A call that carries traits
 * (identify, group, a form with an email) reads the contact's fit again. */
TP_API tp_status tp_scorer_event(tp_scorer *sc, tp_ctx *ctx, int64_t contact_id,
                                 const tp_event *ev, tp_channel channel);
/* The contact's history changed wholesale (adopted anonymous touches, a
 * merge, an unmerge): it is rebuilt from the store at the next flush. */
TP_API tp_status tp_scorer_rebuild(tp_scorer *sc, tp_ctx *ctx, int64_t contact_id);
/* The contact was merged into another: its score row goes. */
TP_API tp_status tp_scorer_forget(tp_scorer *sc, tp_ctx *ctx, int64_t contact_id);
/* When most contacts will replay at the next flush (after a bulk load into
 * an empty event table), on makes it read the workspace's events in one
 * sequential pass (and sort theirs in memory) rather than with a query per
 * contact. */
TP_API void tp_scorer_replay_in_one_pass(tp_scorer *sc, int on);
/* Writes changed scores and makes the MQL moves. Call before commit. */
TP_API tp_status tp_scorer_flush(tp_scorer *sc, tp_ctx *ctx);
/* Forgets what is cached (after a rollback). */
TP_API void tp_scorer_reset(tp_scorer *sc);
/* The bytes its cache holds: it grows with the contacts scored. */
TP_API size_t tp_scorer_held_bytes(const tp_scorer *sc);
/* Contacts moved to mql so far. */
TP_API int64_t tp_scorer_mql_moves(const tp_scorer *sc);

typedef struct tp_recompute_stats {
	int64_t contacts, events, mql_moves;
} tp_recompute_stats;

/* Rebuilds every contact's score from its stored history at `now` (the
 * caller holds the transaction). */
TP_API tp_status tp_score_recompute(tp_ctx *ctx, tp_store *s, const tp_score_config *cfg,
                                    int auto_mql, tp_recompute_stats *stats);

/* Replays one contact's fit and history into an explainer; finish it at the
 * time wanted. Returns new — free with tp_explainer_free(). */
TP_API tp_status tp_score_explain(tp_ctx *ctx, tp_store *s, const tp_score_config *cfg,
                                  int64_t contact_id, tp_explainer **out);

/* The stored score row brought to `now` (engagement decayed, total and grade
 * recomputed). *found = 0 when the contact has never been scored. */
TP_API tp_status tp_score_now(tp_ctx *ctx, tp_store *s, const tp_score_config *cfg,
                              int64_t contact_id, int64_t now, tp_score_row *out, int *found);

#endif
