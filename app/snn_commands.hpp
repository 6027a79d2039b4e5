// Pieces of `neuroevo snn` shared between app/cmd_snn.cpp and app/cmd_snn_lsm.cpp.
#pragma once
#include <CLI/CLI.hpp>

#include "neuroevo/snn/lsm.hpp"

namespace neuroevo::cli {

void add_lsm_options(CLI::App& cmd, snn::LsmOptions& o);
int run_lsm_cmd(const snn::LsmOptions& o, bool json, const CLI::App& cmd);

}  // namespace neuroevo::cli
