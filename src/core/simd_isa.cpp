// Run-time choice of the SIMD version of the dispatched kernels (see core/simd_isa.hpp).
#include "neuroevo/core/simd_isa.hpp"

#include <algorithm>
#include <cstdlib>

#include "neuroevo/core/error.hpp"

namespace neuroevo {

std::vector<SimdIsa> available_simd_isas() {
  std::vector<SimdIsa> v{SimdIsa::Portable};
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
  if (__builtin_cpu_supports("avx2")) v.push_back(SimdIsa::Avx2);
  if (__builtin_cpu_supports("avx512f")) v.push_back(SimdIsa::Avx512);
#endif
  return v;
}

const char* simd_isa_name(SimdIsa isa) {
  switch (isa) {
    case SimdIsa::Avx2: return "avx2";
    case SimdIsa::Avx512: return "avx512";
    default: return "portable";
  }
}

SimdIsa parse_simd_isa(const std::string& name, const std::string& what) {
  for (SimdIsa isa : {SimdIsa::Portable, SimdIsa::Avx2, SimdIsa::Avx512})
    if (name == simd_isa_name(isa)) return isa;
  throw UsageError(what + ": unknown instruction set '" + name + "' (expected portable, avx2 or avx512)");
}

SimdIsa best_simd_isa() {
  // Fixed for the process: the CPU and the environment do not change while it runs.
  static const SimdIsa best = [] {
    const std::vector<SimdIsa> have = available_simd_isas();
    const char* env = std::getenv("NEUROEVO_ISA");
    if (env == nullptr || *env == '\0') return have.back();
    const SimdIsa want = parse_simd_isa(env, "NEUROEVO_ISA");
    if (std::find(have.begin(), have.end(), want) == have.end())
      throw UsageError(std::string("NEUROEVO_ISA: this CPU cannot run the ") + env + " version");
    return want;
  }();
  return best;
}

}  // namespace neuroevo
