/* Stage names and the mapping of CRM stage values onto ours. HubSpot's
 * lifecycle stage internal values are from its "Contacts > lifecyclestage"
 * property; Salesforce's are the default Lead Status picklist. */
#include <string.h>

#include "core/text.h"
#include "touchpoint/stage.h"

static const char *const names[] = {
#define TP__STAGE_NAME(e, s) s,
	TP_STAGE_MAP(TP__STAGE_NAME)
#undef TP__STAGE_NAME
};

const char *tp_stage_name(tp_stage s)
{
	return (unsigned)s < TP_STAGE__COUNT ? names[s] : "?";
}

int tp_stage_from_name(const char *name, tp_stage *out)
{
	for (int i = 0; i < TP_STAGE__COUNT; i++)
		if (tp__ieq(name, names[i])) {
			*out = (tp_stage)i;
			return 0;
		}
	return -1;
}

int tp_stage_from_crm(const char *value, tp_stage *out)
{
	static const struct {
		const char *crm;
		tp_stage stage;
	} table[] = {
		/* HubSpot lifecycle stages: internal values, then labels */
		{"subscriber", TP_STAGE_LEAD},
		{"lead", TP_STAGE_LEAD},
		{"marketingqualifiedlead", TP_STAGE_MQL},
		{"marketing qualified lead", TP_STAGE_MQL},
		{"salesqualifiedlead", TP_STAGE_SQL},
		{"sales qualified lead", TP_STAGE_SQL},
		{"opportunity", TP_STAGE_OPPORTUNITY},
		{"customer", TP_STAGE_CUSTOMER},
		{"evangelist", TP_STAGE_CUSTOMER},
		{"other", TP_STAGE_LEAD},
		/* Salesforce Lead Status (default picklist) */
		{"open - not contacted", TP_STAGE_MQL},
		{"working - contacted", TP_STAGE_SAL},
		{"closed - converted", TP_STAGE_SQL},
		{"closed - not converted", TP_STAGE_DISQUALIFIED},
		/* common abbreviations */
		{"mql", TP_STAGE_MQL}, {"sal", TP_STAGE_SAL}, {"sql", TP_STAGE_SQL},
		{"raw lead", TP_STAGE_LEAD}, {"prospect", TP_STAGE_SAL},
	};
	if (tp_stage_from_name(value, out) == 0)
		return 0;
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
		if (tp__ieq(value, table[i].crm)) {
			*out = table[i].stage;
			return 0;
		}
	return -1;
}
