#include "neuroevo/tasks/registry.hpp"

#include "neuroevo/core/error.hpp"
#include "neuroevo/core/suggest.hpp"

namespace neuroevo {

TaskSpec make_bbob_task(ConfigSection& task, uint64_t seed);
TaskSpec make_symbolic_regression_task(ConfigSection& task, uint64_t seed);

const std::vector<TaskTypeInfo>& task_type_registry() {
  static const std::vector<TaskTypeInfo> registry = {
      {"bbob", "one BBOB function instance (task.function, task.instance, task.dim); fitness -(f(x) - f_opt)",
       make_bbob_task},
      {"symbolic_regression", "fit a formula (GP programs) to a named problem (task.problem) or a CSV (task.data, task.target); fitness -RMSE",
       make_symbolic_regression_task},
  };
  return registry;
}

const TaskTypeInfo& find_task_type(const std::string& name, std::span<const TaskTypeInfo> extra) {
  std::vector<std::string> names{"rl"};
  for (const auto& t : extra) {
    if (t.name == name) return t;
    names.push_back(t.name);
  }
  for (const auto& t : task_type_registry()) {
    if (t.name == name) return t;
    names.push_back(t.name);
  }
  // The Python package's task types (python/user_tasks.cpp) exist only inside neuroevo.run().
  if (name == "python_function" || name == "python_env")
    throw UsageError("task type '" + name + "' evaluates Python code; run it from Python with neuroevo.run(config, " +
                     (name == "python_function" ? "fitness=f" : "env=EnvClass") + ") (docs/python.md)");
  throw UsageError(unknown_name_message("task type", name, names));
}

}  // namespace neuroevo
