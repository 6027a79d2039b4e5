// Walker2d-v4: a planar biped (Erez, Tassa & Todorov 2011; Gymnasium's Walker2d-v4), as specified in
// docs/reference/mujoco.md. Model (models/walker2d.xml) written from the published body plan, in local
// coordinates: the hopper's torso (capsule 0.4, radius 0.05, at height 1.25) with two identical legs, each a
// thigh (0.45, r 0.05), a leg (0.5, r 0.04) and a foot (0.2 forward of the ankle, r 0.06); thigh and leg
// joints in [-150, 0] degrees, feet in [-45, 45]; armature 0.01, damping 0.1 (root joints 0); friction 0.7
// 0.1 0.1 by default, 0.9 for torso and legs, 0.9 (right) and 1.9 (left) for the feet as published; density
// 1000; 6 motors of gear 100; timestep 0.002 with RK4.
#include "locomotion.hpp"
#include "neuroevo_mjcf_models.hpp"

// Gymnasium Walker2d-v4: frame skip 4, 17 observations (qpos without root x, qvel clipped to +-10), reset
// noise uniform(+-5e-3), control cost 1e-3, healthy reward 1; healthy iff 0.8 < z < 2 and |angle| < 1.
const neuroevo::LocomotionSpec neuroevo::kWalker2dV4 = {
    "Walker2d-v4", mjcf::walker2d, 4, 17, 5e-3, MjEnv::VelocityNoise::Uniform, 5e-3, 1e-3,
    HealthRule{1.0, 0.8, 2.0, -1.0, 1.0, 0.0}, 1, 10.0};
