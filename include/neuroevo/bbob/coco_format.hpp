// Moved to neuroevo/drivers/coco_format.hpp (drivers/, above strategies: docs/layers.md); kept so that code written
// against the old place still compiles. New code includes the new header.
#pragma once
#include "neuroevo/drivers/coco_format.hpp"
