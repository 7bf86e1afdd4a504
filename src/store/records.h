/* Copies of the records a store hands out, whose texts live only until the
 * next call on the store, for callers that keep them longer. */
#ifndef TP_STORE_RECORDS_H
#define TP_STORE_RECORDS_H

#include <stddef.h>

#include "core/arena.h"
#include "touchpoint/model.h"

/* A contact's texts, as the slots that hold them: the one list of them for
 * every copy of a contact record. */
enum { TP__CONTACT_TEXTS = 11 };
void tp__contact_text_slots(tp_contact *c, const char **slots[TP__CONTACT_TEXTS]);

/* A visitor's texts, as the slots that hold them: first its own (the
 * anonymous id, landing URL and click ids), then its visit's source,
 * medium and campaign, which many visitors share. */
enum { TP__VISITOR_OWN_TEXTS = 2 + TP_CLICK__COUNT, TP__VISITOR_TEXTS = TP__VISITOR_OWN_TEXTS + 3 };
void tp__visitor_text_slots(tp_visitor *v, const char **slots[TP__VISITOR_TEXTS]);

/* Copies the contact's texts into the arena, in place. Returns the bytes
 * copied, or -1 when out of memory (some texts then still point where they
 * did). */
ptrdiff_t tp__contact_copy_texts(tp_arena *a, tp_contact *c);

#endif
