// Task types: what `[task] type = "..."` selects. The default, "rl", is a policy acting in an environment
// (the [env] and [policy] tables, rl_task.hpp) and is built by the run's set-up itself, because it also
// owns the observation normaliser and the policy a champion file records. Every other task type is one
// file and one line in task_type_registry(): a factory that reads its keys from the [task] table and
// returns the task with the spaces its candidates live in.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "neuroevo/core/param_space.hpp"
#include "neuroevo/core/space.hpp"
#include "neuroevo/tasks/task.hpp"

namespace neuroevo {

class ConfigSection;

// What a task type builds from its [task] table.
struct TaskSpec {
  std::unique_ptr<Task> task;
  // The fixed-vector parameter space (its size and a starting point); null when the task evaluates
  // structured candidates only (a GP program, for example).
  std::shared_ptr<const ParamSpace> space;
  // What a structured genome maps from and to (a formula's variables and its one output, say); the
  // strategy gets them in StrategyContext as the observation and action spaces.
  Space inputs, outputs;
  // Sample inputs, column-major (x[v * rows + r]), for StrategyContext::probe; may be empty.
  std::vector<double> probe;
  // A short name for messages, summary.json and the report ("bbob_f001_i01_d10", a data file...).
  std::string name;
};

struct TaskTypeInfo {
  std::string name;
  std::string description;
  // Reads the type's keys from `task` (through the checked getters: unknown keys are reported by the
  // caller afterwards) and builds the task; `seed` is the run seed, for tasks that draw data.
  std::function<TaskSpec(ConfigSection& task, uint64_t seed)> make;
};

// The task types besides "rl".
const std::vector<TaskTypeInfo>& task_type_registry();
// Throws UsageError with a suggestion for an unknown name ("rl" is known but has no entry). `extra`:
// task types a caller adds for one run (the Python package's user-defined problems), looked up first.
const TaskTypeInfo& find_task_type(const std::string& name, std::span<const TaskTypeInfo> extra = {});

}  // namespace neuroevo
