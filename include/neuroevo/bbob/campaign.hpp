// Moved to neuroevo/drivers/campaign.hpp (drivers/, above strategies: docs/layers.md); kept so that code written
// against the old place still compiles. New code includes the new header.
#pragma once
#include "neuroevo/drivers/campaign.hpp"
