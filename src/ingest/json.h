/* cJSON glue: routes cJSON's allocations to a per-thread arena while one is
 * set, so that parsing a record costs no malloc/free per value. cJSON's hooks
 * are process-wide; the hook falls back to malloc/free whenever the calling
 * thread has no arena set, so other users of cJSON are unaffected. */
#ifndef TP_INGEST_JSON_H
#define TP_INGEST_JSON_H

#include <cjson/cJSON.h>

#include "core/arena.h"

/* Installs the hooks (once per process) and makes `a` this thread's arena;
 * NULL goes back to malloc. Values parsed under an arena die at its reset:
 * never cJSON_Delete them, and never keep them past the reset. */
void tp__json_use_arena(tp_arena *a);

#endif
