// Moved to neuroevo/core/genome.hpp (a Genome is a plain value every layer may hold: docs/layers.md); kept so
// that code written against the old place still compiles.
#pragma once
#include "neuroevo/core/genome.hpp"
