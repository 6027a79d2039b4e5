// Private to the runtime: the MPI batch runner's factory (mpi_runner.cpp, built with NEUROEVO_WITH_MPI).
#pragma once
#include <memory>

#include "neuroevo/runtime/batch_runner.hpp"

namespace neuroevo {

// Initialises MPI (finalised when the runner is destroyed); one runner per process.
std::unique_ptr<BatchRunner> make_mpi_runner(int threads, double timeout_s);

}  // namespace neuroevo
