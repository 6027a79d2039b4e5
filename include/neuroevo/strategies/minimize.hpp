// Moved to neuroevo/drivers/minimize.hpp (drivers/, above strategies: docs/layers.md); kept so that code written
// against the old place still compiles. New code includes the new header.
#pragma once
#include "neuroevo/drivers/minimize.hpp"
