// The SIMD instruction sets of the run-time dispatched kernels (the MLP's dense layers, the batched
// environments). Every version gives the same bits (separate IEEE multiplies and adds, lane-wise
// operations), so the choice only changes speed; NEUROEVO_ISA=portable|avx2|avx512 caps it, to check
// that identity on one machine (bench/golden.sh under each value gives the same hashes).
#pragma once
#include <string>
#include <vector>

namespace neuroevo {

enum class SimdIsa { Portable, Avx2, Avx512 };  // 128-, 256- and 512-bit vectors

// The versions this CPU can run, Portable first.
std::vector<SimdIsa> available_simd_isas();
// The widest available version, or the one NEUROEVO_ISA names (read once per process). Throws
// UsageError naming NEUROEVO_ISA for an unknown name or an instruction set this CPU lacks.
SimdIsa best_simd_isa();
const char* simd_isa_name(SimdIsa isa);
// Parses a name of simd_isa_name(); throws UsageError naming `what` otherwise.
SimdIsa parse_simd_isa(const std::string& name, const std::string& what);

}  // namespace neuroevo
