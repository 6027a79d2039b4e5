// Hopper-v4: a planar one-legged hopper (Erez, Tassa & Todorov 2011; Gymnasium's Hopper-v4), as specified in
// docs/reference/mujoco.md. Model (models/hopper.xml) written from the published body plan, in local
// coordinates: torso capsule 0.4 long (radius 0.05) at height 1.25, thigh 0.45 (0.05), leg 0.5 (0.04), foot
// 0.39 (0.06) reaching 0.13 behind and 0.26 in front of the ankle; thigh and leg joints limited to [-150, 0]
// degrees, foot to [-45, 45]; joint armature 1 and damping 1 (root joints 0); friction 0.9 (foot 2.0);
// contact solref 0.02 1, solimp 0.8 0.8 0.01, margin 0.001; 3 motors of gear 200; timestep 0.002 with RK4.
// rootz carries ref 1.25 so that qpos[1] is the torso's height.
#include "locomotion.hpp"
#include "neuroevo_mjcf_models.hpp"

// Gymnasium Hopper-v4: frame skip 4, 11 observations (qpos without root x, qvel clipped to +-10), reset
// noise uniform(+-5e-3), control cost 1e-3, healthy reward 1; healthy iff z > 0.7, |angle| < 0.2 and
// every entry of concat(qpos, qvel)[2:] in (-100, 100).
const neuroevo::LocomotionSpec neuroevo::kHopperV4 = {
    "Hopper-v4", mjcf::hopper, 4, 11, 5e-3, MjEnv::VelocityNoise::Uniform, 5e-3, 1e-3,
    HealthRule{1.0, 0.7, kNoBound, -0.2, 0.2, 100.0}, 1, 10.0};
