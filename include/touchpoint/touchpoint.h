/* libtouchpoint: the B2B lead engine under the `touchpoint` command.
 * Include this header for the whole public API. */
#ifndef TOUCHPOINT_H
#define TOUCHPOINT_H

#define TOUCHPOINT_VERSION "0.1.0"

#include "touchpoint/api.h"
#include "touchpoint/attribution.h"
#include "touchpoint/channel.h"
#include "touchpoint/csv.h"
#include "touchpoint/ctx.h"
#include "touchpoint/demo.h"
#include "touchpoint/email.h"
#include "touchpoint/event.h"
#include "touchpoint/form.h"
#include "touchpoint/funnel.h"
#include "touchpoint/identity.h"
#include "touchpoint/import.h"
#include "touchpoint/keys.h"
#include "touchpoint/kpi.h"
#include "touchpoint/leadads.h"
#include "touchpoint/lifecycle.h"
#include "touchpoint/nurture.h"
#include "touchpoint/limits.h"
#include "touchpoint/model.h"
#include "touchpoint/money.h"
#include "touchpoint/pixel.h"
#include "touchpoint/opportunity.h"
#include "touchpoint/pipeline.h"
#include "touchpoint/predict.h"
#include "touchpoint/revenue.h"
#include "touchpoint/score.h"
#include "touchpoint/scorer.h"
#include "touchpoint/segment.h"
#include "touchpoint/server.h"
#include "touchpoint/stage.h"
#include "touchpoint/status.h"
#include "touchpoint/store.h"
#include "touchpoint/time.h"
#include "touchpoint/views.h"

#endif
