/* What the event import needs from identity beyond the public API: the
 * visitor records it keeps the visit (session) state on. */
#ifndef TP_IDENTITY_INT_H
#define TP_IDENTITY_INT_H

#include "touchpoint/identity.h"

/* The visitor of an anonymous id, loaded or created; owned by `id`. */
tp_status tp__identity_visitor(tp_identity *id, tp_ctx *ctx, const char *anon, int64_t at,
                               tp_visitor **out);
/* tp_identity_resolve for a call whose visitor the caller has from
 * tp__identity_visitor (NULL: looked up here): the import asks for it
 * first, to place the call in its visit. */
tp_status tp__identity_resolve_visitor(tp_identity *id, tp_ctx *ctx, const tp_event *ev,
                                       tp_visitor *known, const char *actor, const char *channel,
                                       tp_resolution *out);
/* A hint that the visitor of anon is asked for soon. */
void tp__identity_prefetch(tp_identity *id, const char *anon);
/* The second hint, a record later: its key and its visitor. */
void tp__identity_prefetch_visitor(tp_identity *id, const char *anon);
/* Marks a visitor handed out in a tp_resolution as changed, so that
 * tp_identity_flush() writes it. */
tp_status tp__identity_visitor_changed(tp_identity *id, tp_ctx *ctx, tp_visitor *v);
/* Copies s into the identity's arena, where visitor strings must live. */
const char *tp__identity_keep(tp_identity *id, const char *s);
/* As tp__identity_keep, one copy per distinct text: for a visit's source,
 * medium and campaign, a few hundred texts over millions of visits. */
const char *tp__identity_intern(tp_identity *id, const char *s);
/* The bytes the caches hold (their texts, tables and entries): they grow
 * with what the caches learn (visitors, contacts' keys), not with the
 * calls made. */
size_t tp__identity_held_bytes(const tp_identity *id);

#endif
