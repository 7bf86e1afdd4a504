/* Status codes of libtouchpoint: one X-macro table generates the enum, the
 * names and tp_strerror(), so the three can never disagree. Codes are
 * appended, never renumbered: scripts and the JSON API rely on them. */
#ifndef TOUCHPOINT_STATUS_H
#define TOUCHPOINT_STATUS_H

#include "touchpoint/api.h"

/*        name               code  meaning */
#define TP_STATUS_MAP(X)                                                       \
	X(TP_OK,               0,  "success")                                   \
	X(TP_ERR_NOMEM,        1,  "out of memory")                             \
	X(TP_ERR_IO,           2,  "input/output error")                        \
	X(TP_ERR_INVALID,      3,  "invalid input")                             \
	X(TP_ERR_PARSE,        4,  "malformed JSON or CSV")                     \
	X(TP_ERR_TOO_BIG,      5,  "input over a configured limit")            \
	X(TP_ERR_NOT_FOUND,    6,  "not found")                                 \
	X(TP_ERR_CONFLICT,     7,  "conflicts with stored data")               \
	X(TP_ERR_STORE,        8,  "storage error")                             \
	X(TP_ERR_SCHEMA,       9,  "database schema is newer than this binary") \
	X(TP_ERR_USAGE,        10, "wrong usage")                               \
	X(TP_ERR_UNSUPPORTED,  11, "not supported")                             \
	X(TP_DUPLICATE,        12, "already stored (duplicate messageId)")       \
	X(TP_ERR_AUTH,         13, "missing, unknown or revoked key")           \
	X(TP_ERR_FORBIDDEN,    14, "this key may not do that")

typedef enum tp_status {
#define TP__STATUS_ENUM(name, code, text) name = code,
	TP_STATUS_MAP(TP__STATUS_ENUM)
#undef TP__STATUS_ENUM
} tp_status;

/* Returns a static English description of `status`; never NULL. */
TP_API const char *tp_strerror(tp_status status);

/* Returns the enum's name ("TP_ERR_INVALID"); never NULL. */
TP_API const char *tp_status_name(tp_status status);

#endif
