// HalfCheetah-v4: a planar cheetah-like runner (Wawrzynski 2009; Gymnasium's HalfCheetah-v4), as specified in
// docs/reference/mujoco.md. Model (models/half_cheetah.xml) written from the published body plan: torso
// capsule from x = -0.5 to 0.5 (radius 0.046) with a head capsule, back thigh / shin / foot and front thigh /
// shin / foot hinges about y with their published ranges, stiffness and damping; total mass 14; friction 0.4
// 0.1 0.1; joint armature 0.1; motor gears 120, 90, 60 (back) and 120, 60, 30 (front); timestep 0.01 with
// MuJoCo's default (Euler) integrator.
#include "locomotion.hpp"
#include "neuroevo_mjcf_models.hpp"

// Gymnasium HalfCheetah-v4: frame skip 5, 17 observations (qpos without root x), reset noise
// uniform(+-0.1) on qpos and 0.1 * N(0, 1) on qvel, control cost 0.1, never terminates.
const neuroevo::LocomotionSpec neuroevo::kHalfCheetahV4 = {
    "HalfCheetah-v4", mjcf::half_cheetah, 5, 17, 0.1, MjEnv::VelocityNoise::Normal, 0.1, 0.1,
    std::nullopt, 1, 0.0};
