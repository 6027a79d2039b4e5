// Counter-based random streams.
//
// Every random number in a run comes from a Stream keyed by (run seed, generation, individual, purpose),
// never from a shared mutable generator, so results do not depend on thread count or scheduling
// (see docs/design.md, "Determinism"). A stream is SplitMix64 started at a key derived by hashing
// the four coordinates; SplitMix64 is itself a counter-based generator (Steele et al., "Fast splittable
// pseudorandom number generators", OOPSLA 2014).
#pragma once
#include <cmath>
#include <cstdint>
#include <numbers>

namespace neuroevo {

// What a stream is used for; part of its key so two purposes never share numbers.
enum class Purpose : uint64_t {
  Init = 1,        // initial parameters of a network
  Mutation = 2,    // seeds of Deep GA mutations / ES perturbations
  Episode = 3,     // environment reset seeds of training rollouts
  Elite = 4,       // environment seeds of elite re-evaluation episodes
  ObsStat = 5,     // whether a rollout contributes to observation statistics
  Selection = 6,   // parent choice in the GA
  FinalEval = 7,   // episodes of the final / `eval` champion evaluation
  Policy = 8,      // randomness inside a policy (the random policy)
  NoiseTable = 9,  // the shared noise table
  Strategy = 10,   // other strategy randomness
};

// SplitMix64 finaliser: a bijective 64-bit mixer.
constexpr uint64_t mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

constexpr uint64_t stream_key(uint64_t seed, uint64_t generation, uint64_t individual, Purpose purpose) {
  uint64_t k = mix64(seed + 0x9e3779b97f4a7c15ULL);
  k = mix64(k ^ (generation + 0x632be59bd9b4e019ULL));
  k = mix64(k ^ (individual + 0x8cb92ba72f3d8dd7ULL));
  return mix64(k ^ (static_cast<uint64_t>(purpose) * 0xd6e8feb86659fd93ULL));
}

class Stream {
 public:
  explicit Stream(uint64_t key) : state_(key) {}
  Stream(uint64_t seed, uint64_t generation, uint64_t individual, Purpose purpose)
      : state_(stream_key(seed, generation, individual, purpose)) {}

  uint64_t next_u64() {
    state_ += 0x9e3779b97f4a7c15ULL;
    return mix64(state_);
  }
  uint32_t next_u32() { return static_cast<uint32_t>(next_u64() >> 32); }
  // Uniform in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  // Uniform integer in [0, n) by Lemire's multiply-shift (bias below 2^-32 for n < 2^32).
  uint64_t below(uint64_t n) {
    return static_cast<uint64_t>((static_cast<unsigned __int128>(next_u64()) * n) >> 64);
  }
  // Standard normal by Box-Muller; both values of a pair are used.
  double normal() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    double u1 = 0.0;
    while (u1 <= 0.0) u1 = uniform();
    const double u2 = uniform();
    const double r = std::sqrt(-2.0 * std::log(u1));
    const double a = 2.0 * std::numbers::pi * u2;
    spare_ = r * std::sin(a);
    has_spare_ = true;
    return r * std::cos(a);
  }

 private:
  uint64_t state_;
  double spare_ = 0.0;
  bool has_spare_ = false;
};

}  // namespace neuroevo
