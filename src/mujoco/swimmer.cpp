// Swimmer-v4: a three-segment swimmer in a viscous fluid (Coulom 2002; Gymnasium's Swimmer-v4), as specified
// in docs/reference/mujoco.md. Model (models/swimmer.xml) written from the published body plan: three
// capsules of length 1 and radius 0.1 (density 1000) joined by two hinges limited to +-100 degrees, root =
// two slides and a free hinge, two motors of gear 150; timestep 0.01 with RK4; fluid density 4000 and
// viscosity 0.1; joint armature 0.1; no contacts (contype/conaffinity 0).
#include "locomotion.hpp"
#include "neuroevo_mjcf_models.hpp"

// Gymnasium Swimmer-v4: frame skip 4, 8 observations (qpos without the root x and y), reset noise
// uniform(+-0.1) on qpos and qvel, control cost 1e-4, no termination; the reward is the root slide's x velocity.
const neuroevo::LocomotionSpec neuroevo::kSwimmerV4 = {
    "Swimmer-v4", mjcf::swimmer, 4, 8, 0.1, MjEnv::VelocityNoise::Uniform, 0.1, 1e-4,
    std::nullopt, 2, 0.0};
