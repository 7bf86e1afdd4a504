/* The demo world's people, accounts and journeys, built from a seed; shared
 * by the event writer and the business-row writer so both see one world. */
#ifndef TP_DEMO_WORLD_H
#define TP_DEMO_WORLD_H

#include <stdint.h>

#include "touchpoint/demo.h"

enum { REACH_VISITOR, REACH_LEAD, REACH_MQL, REACH_SAL, REACH_SQL, REACH_OPPORTUNITY,
       REACH_CUSTOMER };
enum { VIA_WEB, VIA_LEAD_AD, VIA_WEBINAR, VIA_EVENT, VIA_NEVER };
enum { DEAL_NONE, DEAL_OPEN, DEAL_WON, DEAL_LOST };

typedef struct demo_account {
	char name[48], domain[64];
	uint8_t industry, country;
	int32_t employees;
	int64_t deal_amount;       /* minor units, when it has a deal */
	uint8_t deal;              /* DEAL_* */
	int64_t opp_at, close_at;
	int32_t champion;          /* person index of the deal's contact, -1 none */
	uint8_t deal_channel;      /* first-touch channel of the champion */
} demo_account;

typedef struct demo_person {
	int32_t account;           /* -1: works at no account we know (free-mail) */
	uint16_t first, last, title;
	uint8_t seniority, freemail, via, reach, first_channel, trial;
	double intent;
	int64_t start, identified_at, stage_at[REACH_CUSTOMER + 1];
} demo_person;

typedef struct demo_world {
	tp_demo_opts opts;
	int64_t start_ms, end_ms;
	demo_account *accounts;
	int32_t n_accounts;
	demo_person *people;       /* known people first, then anonymous-only visitors */
	int32_t n_people, n_known;
} demo_world;

/* Builds the world; returns 0, or -1 when out of memory. */
int tp__demo_world_build(demo_world *w, const tp_demo_opts *opts);
void tp__demo_world_free(demo_world *w);
/* "ana.nguyen@novalogix.com" into buf. */
void tp__demo_email(const demo_world *w, int32_t person, char *buf, size_t cap);

/* Name tables, shared with the event writer. */
extern const char *const tp__demo_first[];
extern const char *const tp__demo_last[];
extern const char *const tp__demo_titles[];
extern const uint8_t tp__demo_title_seniority[];
extern const char *const tp__demo_industries[];
extern const char *const tp__demo_countries[];
extern const int tp__demo_n_first, tp__demo_n_last, tp__demo_n_titles;

/* The arrival channels of the demo and the UTM each one carries. */
typedef struct demo_channel {
	const char *name;          /* our channel name, for business rows */
	const char *source, *medium, *campaign, *referrer;
	int paid;
	double weight;             /* share of arrivals */
	double quality;            /* how likely its people convert */
} demo_channel;
extern const demo_channel tp__demo_channels[];
extern const int tp__demo_n_channels;

/* splitmix64: small, fast, and the same on every platform. */
typedef struct demo_rng {
	uint64_t s;
} demo_rng;
uint64_t tp__demo_next(demo_rng *r);
double tp__demo_unit(demo_rng *r);           /* [0, 1) */
int tp__demo_pick(demo_rng *r, int n);       /* 0..n-1 */

#endif
