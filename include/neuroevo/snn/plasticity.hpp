// Plasticity rules of the spiking core: pair-based STDP with exponential traces and the NALSM astrocyte
// that sets the STDP depression rate (Ivanov & Michmizos 2021, "Increasing liquid state machine
// performance with edge-of-chaos dynamics organized by astrocyte-modulated plasticity", NeurIPS).
#pragma once
#include <algorithm>
#include <cmath>

namespace neuroevo::snn {

// Pair-based STDP (all-to-all pairing through traces). Every source keeps a trace x and every neuron a
// trace y; both decay exactly, x <- x exp(-dt / tau_plus), y <- y exp(-dt / tau_minus), and grow by 1
// after each of its spikes. On a postsynaptic spike w += eta_plus * x_pre; on a presynaptic spike
// w -= eta_minus * y_post; then w is clipped to [w_min, w_max]. Spikes of one step see the traces of
// earlier steps only, so a pre spike at step s1 and a post spike at s2 > s1 change w by
// eta_plus exp(-(s2 - s1) dt / tau_plus), and a post at s1 then a pre at s2 by
// -eta_minus exp(-(s2 - s1) dt / tau_minus) (tests/test_snn.cpp checks both).
struct StdpParams {
  double tau_plus = 20.0;   // ms
  double tau_minus = 20.0;  // ms
  double eta_plus = 0.01;
  double eta_minus = 0.01;  // replaced by the astrocyte's A when one is attached
  double w_min = 0.0;
  double w_max = 1.0;
};

// NALSM astrocyte, one update per simulation step:
//   A <- A + (w_A (liquid spikes - input spikes) + b_A - A) / tau_A
// with tau_A = 100 steps, b_A = 0.15, w_A = 0.015 for a 1000-neuron liquid (0.0075 for 8000): the
// constants of the paper as given in docs/reference/brain_inspired.md. A, floored at 0 (and times an
// optional learning-rate scale lr), is the STDP depression rate.
struct AstrocyteParams {
  double tau_a = 100.0;  // steps
  double b_a = 0.15;
  double w_a = 0.015;
  double a0 = 0.15;      // initial A
  double lr = 1.0;       // learning-rate scale: the depression rate is lr * max(A, 0)
  // w_A for a liquid of n neurons: 0.015 at 1000 and 0.0075 at 8000, interpolated on log(n) between and
  // beyond (w_A halves when the liquid grows eightfold).
  static double w_a_for(double n) { return 0.015 * std::pow(n / 1000.0, -1.0 / 3.0); }
};

struct Astrocyte {
  AstrocyteParams p;
  double a = 0.15;
  void update(double liquid_spikes, double input_spikes) {
    a += (p.w_a * (liquid_spikes - input_spikes) + p.b_a - a) / p.tau_a;
  }
  double depression_rate() const { return p.lr * std::max(a, 0.0); }
};

}  // namespace neuroevo::snn
