/* E-mail addresses as identity keys. docs/IDENTITY.md explains the choices. */
#ifndef TOUCHPOINT_EMAIL_H
#define TOUCHPOINT_EMAIL_H

#include <stddef.h>

#include "touchpoint/api.h"
#include "touchpoint/limits.h"

/* Normalizes `in` into out[TP_MAX_EMAIL_BYTES + 1]: surrounding white space
 * removed, the whole address lower-cased; "+tags" and dots are kept as they
 * are. Returns 0, or -1 with a reason in *why (static text) when it is not a
 * usable address. */
TP_API int tp_email_normalize(const char *in, char *out, const char **why);

/* Pointer to the domain of a normalized address (after '@'). */
TP_API const char *tp_email_domain(const char *email);

/* Is `domain` a free-mail or consumer provider, which says nothing about the
 * company (gmail.com, qq.com, ...)? */
TP_API int tp_domain_is_freemail(const char *domain);
/* The built-in free-mail list, NULL-terminated. */
TP_API const char *const *tp_freemail_domains(void);

#endif
