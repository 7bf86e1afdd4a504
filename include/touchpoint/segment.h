/* Parser for Segment-spec calls (segment.com/docs/connections/spec):
 * identify, track, page, screen, group, alias, and {"batch": [...]}. One
 * JSON Lines record in, typed touchpoints out. No I/O, no storage. */
#ifndef TOUCHPOINT_SEGMENT_H
#define TOUCHPOINT_SEGMENT_H

#include <stddef.h>
#include <stdint.h>

#include "touchpoint/ctx.h"
#include "touchpoint/event.h"

typedef struct tp_segment_parser tp_segment_parser;

/* One call of a record. When status is not TP_OK, `field` names the
 * offending field ("timestamp", "traits.email") and `message` says why;
 * `ev` is then unusable. Strings borrowed from the parser until its next call. */
typedef struct tp_parse_item {
	tp_status status;
	const char *field;
	const char *message;
	tp_event ev;
} tp_parse_item;

/* Returns new — free with tp_segment_parser_destroy(); NULL when out of memory. */
TP_API tp_segment_parser *tp_segment_parser_create(void);
TP_API void tp_segment_parser_destroy(tp_segment_parser *p);

/* Parses json[0..len). `now_ms` is used when a call has no timestamp
 * (Segment's receivedAt). On TP_OK, *items holds *n_items calls (1 unless a
 * batch), each with its own status. Fails (message on ctx) when the record as
 * a whole cannot be used: not JSON (TP_ERR_PARSE), not an object, an empty or
 * too large batch. */
TP_API tp_status tp_segment_parse(tp_segment_parser *p, tp_ctx *ctx, const char *json,
                                  size_t len, int64_t now_ms,
                                  const tp_parse_item **items, size_t *n_items);

/* As tp_segment_parse, for a call that arrives now over HTTP (Segment's
 * /v1/track, /v1/batch...). `call` is the endpoint's call type (a tp_call),
 * which a call may omit and must not contradict; -1 for /v1/batch, where
 * each call names its own. A call with neither messageId nor any time gets
 * a messageId from its content and now_ms (see docs/EVENTS.md). */
TP_API tp_status tp_segment_parse_live(tp_segment_parser *p, tp_ctx *ctx, const char *json,
                                       size_t len, int64_t now_ms, int call,
                                       const tp_parse_item **items, size_t *n_items);

#endif
