#include "mj_env.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <mutex>
#include <stdexcept>

#include "neuroevo/core/error.hpp"

namespace neuroevo {

namespace {

// MuJoCo reports warnings through a process-wide hook that by default prints and appends to
// MUJOCO_LOG.TXT in the working directory. The environments read mjData's warning counters instead
// (and runs summarise unstable episodes), so the hook is set once to stay quiet.
void quiet_warning(const char*) {}

struct VfsDeleter {
  void operator()(mjVFS* v) const {
    mj_deleteVFS(v);
    delete v;
  }
};

mjModel* compile(const std::string& key, const std::string& xml) {
  // mjVFS is about 2 MB (fixed-size name table): heap, not stack.
  std::unique_ptr<mjVFS, VfsDeleter> vfs(new mjVFS);
  mj_defaultVFS(vfs.get());
  const std::string file = "model.xml";
  if (mj_makeEmptyFileVFS(vfs.get(), file.c_str(), static_cast<int>(xml.size())) != 0)
    throw std::logic_error("MuJoCo VFS: cannot hold the model of " + key);
  const int idx = mj_findFileVFS(vfs.get(), file.c_str());
  std::memcpy(vfs->filedata[idx], xml.data(), xml.size());
  char error[1000] = "";
  mjModel* m = mj_loadXML(file.c_str(), vfs.get(), error, sizeof error);
  if (m == nullptr) throw std::logic_error("MuJoCo cannot compile the model of " + key + ": " + error);
  return m;
}

}  // namespace

std::shared_ptr<const mjModel> load_mjcf(const std::string& key, const std::function<std::string()>& xml) {
  static std::once_flag hook_once;
  std::call_once(hook_once, [] { mju_user_warning = quiet_warning; });
  // Lazily built, never modified after insertion: the models are immutable and shared by all threads.
  static std::mutex mu;
  static std::map<std::string, std::shared_ptr<const mjModel>> cache;
  std::lock_guard lock(mu);
  auto& slot = cache[key];
  if (!slot) slot = std::shared_ptr<const mjModel>(compile(key, xml()), [](const mjModel* m) {
      mj_deleteModel(const_cast<mjModel*>(m));
    });
  return slot;
}

size_t put(std::span<float> obs, size_t at, const double* values, size_t n) {
  for (size_t k = 0; k < n; ++k) obs[at + k] = static_cast<float>(values[k]);
  return at + n;
}

size_t put_clipped(std::span<float> obs, size_t at, const double* values, size_t n, double limit) {
  for (size_t k = 0; k < n; ++k) obs[at + k] = static_cast<float>(std::clamp(values[k], -limit, limit));
  return at + n;
}

MjEnv::MjEnv(std::string name, std::shared_ptr<const mjModel> model, int frame_skip, size_t obs_dim)
    : name_(std::move(name)),
      model_(std::move(model)),
      data_(mj_makeData(model_.get())),
      frame_skip_(frame_skip),
      obs_space_(Space::box(std::vector<double>(obs_dim, -INFINITY), std::vector<double>(obs_dim, INFINITY))),
      action_(static_cast<size_t>(model_->nu)) {
  if (!data_) throw std::runtime_error(name_ + ": MuJoCo could not allocate its simulation data");
  std::vector<double> lo(model_->nu), hi(model_->nu);
  for (int k = 0; k < model_->nu; ++k) {
    lo[k] = model_->actuator_ctrlrange[2 * k];
    hi[k] = model_->actuator_ctrlrange[2 * k + 1];
  }
  action_space_ = Space::box(std::move(lo), std::move(hi));
}

void MjEnv::check_size(const char* what, size_t got, size_t want) const {
  if (got != want)
    throw UsageError(name_ + ": " + what + " has " + std::to_string(got) + " values, expected " + std::to_string(want));
}

int MjEnv::warnings() const {
  int n = 0;
  for (int k = 0; k < mjNWARNING; ++k)
    if (k != mjWARN_VGEOMFULL) n += data_->warning[k].number;  // visual-only buffer, never used here
  return n;
}

bool MjEnv::state_finite() const {
  for (int k = 0; k < model_->nq; ++k)
    if (!std::isfinite(data_->qpos[k])) return false;
  for (int k = 0; k < model_->nv; ++k)
    if (!std::isfinite(data_->qvel[k])) return false;
  return true;
}

void MjEnv::add_v4_noise(Stream& rng, std::span<double> qpos, std::span<double> qvel, double pos_scale,
                         VelocityNoise kind, double vel_scale) {
  for (double& q : qpos) q += rng.uniform(-pos_scale, pos_scale);
  for (double& v : qvel)
    v += kind == VelocityNoise::Uniform ? rng.uniform(-vel_scale, vel_scale) : vel_scale * rng.normal();
}

size_t MjEnv::observe_qpos_qvel(std::span<float> obs, int skip, double vel_clip) const {
  const size_t at = put(obs, 0, data_->qpos + skip, static_cast<size_t>(model_->nq - skip));
  const auto nv = static_cast<size_t>(model_->nv);
  return vel_clip > 0.0 ? put_clipped(obs, at, data_->qvel, nv, vel_clip) : put(obs, at, data_->qvel, nv);
}

double MjEnv::ctrl_cost(std::span<const double> action, double weight) const {
  double s = 0.0;
  for (double a : action) s += a * a;
  return weight * s;
}

void MjEnv::reset(uint64_t seed, std::span<float> obs) {
  check_size("observation buffer", obs.size(), obs_space_.dim());
  mjData* d = data_.get();
  mj_resetData(model_.get(), d);  // qpos = qpos0, qvel = 0, time 0, warning counters cleared
  Stream rng(seed);               // the caller already derived the seed; qpos noise first, then qvel
  add_reset_noise(rng, std::span(d->qpos, model_->nq), std::span(d->qvel, model_->nv));
  mj_forward(model_.get(), d);  // positions, inertias and velocities of the initial state (as Gymnasium)
  steps_ = 0;
  observe(obs);
}

void MjEnv::set_state(std::span<const double> state, std::span<float> obs) {
  check_size("state", state.size(), state_dim());
  check_size("observation buffer", obs.size(), obs_space_.dim());
  for (size_t i = 0; i < state.size(); ++i)
    if (!std::isfinite(state[i]))
      throw UsageError(name_ + ": state component " + std::to_string(i) + " is not a finite number");
  mjData* d = data_.get();
  mj_resetData(model_.get(), d);
  std::copy_n(state.begin(), model_->nq, d->qpos);
  std::copy_n(state.begin() + model_->nq, model_->nv, d->qvel);
  mj_forward(model_.get(), d);
  steps_ = 0;
  observe(obs);
}

StepResult MjEnv::step(std::span<const float> action, std::span<float> obs) {
  check_size("action", action.size(), action_.size());
  check_size("observation buffer", obs.size(), obs_space_.dim());
  for (size_t k = 0; k < action.size(); ++k) {
    if (!std::isfinite(action[k])) throw UsageError(name_ + ": action " + std::to_string(k) + " is not a finite number");
    action_[k] = action[k];
  }
  mjData* d = data_.get();
  // MuJoCo clamps ctrl to the actuators' ctrlrange; the control cost uses the action as given.
  std::copy(action_.begin(), action_.end(), d->ctrl);
  const int warnings_before = warnings();
  const double before = progress();
  for (int k = 0; k < frame_skip_; ++k) mj_step(model_.get(), d);
  StepResult r;
  if (warnings() != warnings_before || !state_finite() || !std::isfinite(progress())) {
    // MuJoCo resets diverged data itself (and counts a warning); the episode is over either way.
    r.reward = kUnstablePenalty;
    r.terminated = true;
    r.unstable = true;
    observe(obs);
    for (float& v : obs)
      if (!std::isfinite(v)) v = 0.0f;
  } else {
    r = reward(action_, (progress() - before) / dt());
    observe(obs);
  }
  r.truncated = ++steps_ >= limit_;
  return r;
}

}  // namespace neuroevo
