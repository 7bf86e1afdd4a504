/* Types a parsed call as a touchpoint (DESIGN §1): page views get a page
 * category, searches their term, downloads their asset, videos their
 * progress. The event-name table is in docs/EVENTS.md. */
#ifndef TP_INGEST_TOUCH_H
#define TP_INGEST_TOUCH_H

#include "core/arena.h"
#include "ingest/jtok.h"
#include "touchpoint/event.h"

/* Sets ev->touch and the detail fields from ev->call, ev->name, ev->path and
 * the object `props` of d (-1: none); texts it keeps are copied to the arena.
 * Returns 0, or -1 with *field naming an unreadable property. */
int tp__touch_classify(tp_event *ev, const tp_jtok *d, int props, tp_arena *arena,
                       const char **field);

/* A name for comparing event names: case folded, "_", "-" and blanks alike
 * (one space between words, none at the ends); truncated to cap - 1. */
void tp__name_fold(const char *in, char *out, size_t cap);

/* Page category of a path ("/pricing/enterprise" → "pricing"); static text. */
const char *tp__page_category(const char *path);

#endif
