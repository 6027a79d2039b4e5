// Leaky integrate-and-fire neurons: parameters and the one-step Euler update shared by the network
// simulator (src/snn/network.cpp) and the spiking policy (src/nn/snn_policy.cpp).
//
// Units: milliseconds and millivolts. Conductances are in units of the leak conductance (dimensionless),
// currents in mV (current times membrane resistance), as in the COBA benchmark of Vogels & Abbott (2005)
// and Brette et al. (2007). One step of length dt, in Brian2's order (state update, threshold, reset):
//   conductance-based: dv/dt = (ge (E_exc - v) + gi (E_inh - v) - (v - E_L) + I) / tau_m
//   current-based:     dv/dt = (ge - gi - (v - E_L) + I) / tau_m
//   dge/dt = -ge / tau_e, dgi/dt = -gi / tau_i (exponential synapses; a spike adds its weight)
// A neuron spikes when v > threshold (+ theta, the adaptive part) and is not refractory; v is then set
// to v_reset and held there for refractory_steps = round(t_ref / dt) steps (the spike step included:
// integration resumes at step s + refractory_steps, as Brian2's `(unless refractory)` does).
// Adaptive threshold (optional, theta_inc > 0): theta += theta_inc at each spike, dtheta/dt = -theta / tau_theta.
#pragma once
#include <cmath>
#include <cstdint>

namespace neuroevo::snn {

struct LifParams {
  bool conductance = true;  // conductance-based (COBA) or current-based (CUBA) synapses
  double tau_m = 20.0;      // ms
  double v_rest = -60.0;    // E_L, mV
  double v_reset = -60.0;   // mV
  double v_thresh = -50.0;  // mV
  double t_ref = 5.0;       // ms
  double e_exc = 0.0;       // mV
  double e_inh = -80.0;     // mV
  double tau_e = 5.0;       // ms
  double tau_i = 10.0;      // ms
  double i_ext = 0.0;       // constant drive, mV
  double theta_inc = 0.0;   // adaptive threshold increment per spike, mV (0: off)
  double tau_theta = 100.0; // ms
};

// Per-step constants derived from LifParams and dt (computed once, so the inner loop has no divisions).
struct LifStep {
  bool conductance = true;
  double dt_over_tau_m = 0, ge_keep = 0, gi_keep = 0, theta_keep = 1;
  double v_rest = 0, v_reset = 0, v_thresh = 0, e_exc = 0, e_inh = 0, theta_inc = 0;
  int32_t refractory_steps = 0;

  LifStep() = default;
  LifStep(const LifParams& p, double dt)
      : conductance(p.conductance),
        dt_over_tau_m(dt / p.tau_m),
        ge_keep(1.0 - dt / p.tau_e),  // Euler: ge <- ge - dt ge / tau_e
        gi_keep(1.0 - dt / p.tau_i),
        theta_keep(1.0 - dt / p.tau_theta),
        v_rest(p.v_rest),
        v_reset(p.v_reset),
        v_thresh(p.v_thresh),
        e_exc(p.e_exc),
        e_inh(p.e_inh),
        theta_inc(p.theta_inc),
        refractory_steps(static_cast<int32_t>(std::lround(p.t_ref / dt))) {}
};

// The state of one neuron.
struct LifState {
  double v = -60.0, ge = 0.0, gi = 0.0, theta = 0.0;
  int32_t refractory = 0;  // steps left during which v is held at reset
};

// One Euler step with input current `i` (mV); returns true on a spike.
inline bool lif_step(const LifStep& k, double i, double& v, double& ge, double& gi, double& theta, int32_t& refractory) {
  if (refractory > 0) {
    --refractory;
  } else {
    const double drive = k.conductance ? ge * (k.e_exc - v) + gi * (k.e_inh - v) : ge - gi;
    v += k.dt_over_tau_m * (drive - (v - k.v_rest) + i);
  }
  ge *= k.ge_keep;
  gi *= k.gi_keep;
  theta *= k.theta_keep;
  if (refractory == 0 && v > k.v_thresh + theta) {
    v = k.v_reset;
    refractory = k.refractory_steps > 0 ? k.refractory_steps - 1 : 0;
    theta += k.theta_inc;
    return true;
  }
  return false;
}

}  // namespace neuroevo::snn
