/* Export control: only symbols marked TP_API leave libtouchpoint
 * (the library is built with -fvisibility=hidden). */
#ifndef TOUCHPOINT_API_H
#define TOUCHPOINT_API_H

#if defined(__GNUC__)
#define TP_API __attribute__((visibility("default")))
#define TP_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define TP_API
#define TP_PRINTF(fmt, args)
#endif

/* Helpers that unit tests must reach stay `static` in production builds. */
#ifdef TP_TESTING
#define TP_STATIC
#else
#define TP_STATIC static
#endif

#endif
