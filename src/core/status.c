/* tp_strerror() and tp_status_name(), generated from TP_STATUS_MAP. */
#include "touchpoint/status.h"

const char *tp_strerror(tp_status status)
{
	switch (status) {
#define TP__STATUS_TEXT(name, code, text) case name: return text;
		TP_STATUS_MAP(TP__STATUS_TEXT)
#undef TP__STATUS_TEXT
	}
	return "unknown status";
}

const char *tp_status_name(tp_status status)
{
	switch (status) {
#define TP__STATUS_NAME(name, code, text) case name: return #name;
		TP_STATUS_MAP(TP__STATUS_NAME)
#undef TP__STATUS_NAME
	}
	return "TP_UNKNOWN";
}
