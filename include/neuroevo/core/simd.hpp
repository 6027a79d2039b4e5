// Function multi-versioning for hot element-wise loops.
//
// NEUROEVO_SIMD_CLONES builds an AVX2 clone of a function next to the baseline x86-64 one; the loader
// picks the clone the CPU supports. It keeps results bit-identical across machines only for loops whose
// floating-point operations are element-wise: the build never reassociates (no -ffast-math, so GCC does
// not vectorise floating-point reductions) and never contracts to FMA (-ffp-contract=off; "avx2" does not
// enable FMA). Do not put it on functions whose results would change with the instruction set.
// Not under GCC's ThreadSanitizer: the loader runs the clones' ifunc resolver before the TSan runtime is
// initialised, and the instrumented resolver crashes every binary at start-up (GCC 12).
#pragma once

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(__SANITIZE_THREAD__)
#define NEUROEVO_SIMD_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define NEUROEVO_SIMD_CLONES
#endif
