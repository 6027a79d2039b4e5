// Task types backed by Python objects, for `neuroevo.run(config, fitness=... / env=...)`:
//
// - "python_function": a fitness function called on a batch, f(X) -> (n,) array, X a (n, dim) float64
//   array of the candidates (the float32 vectors the engine evaluates, converted exactly).
// - "python_env": an environment class (or any callable returning an environment) with the Gymnasium
//   protocol; the [task.policy] table is the policy, run in C++, that acts in it.
//
// Python code needs the GIL, so these tasks evaluate under it: the engine's worker threads take turns
// (evaluation is serial however many threads the run has), and a fitness function gets up to
// `task.batch` candidates per call (lockstep_lanes()). The run itself releases the GIL, so other Python
// threads keep running between callbacks.
//
// An exception raised by user code (or a bad return value, reported as ValueError/TypeError) is kept in
// a PyErrorSlot and a PythonCallbackError unwinds the run; the binding then raises the original Python
// exception with its traceback. The run directory keeps its last checkpoint, so the run can be resumed.
#pragma once
#include <pybind11/pybind11.h>

#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>

#include "neuroevo/tasks/registry.hpp"

namespace neuroevo::python {

// The first Python exception raised during a run (later ones are dropped).
class PyErrorSlot {
 public:
  // Call with the GIL held, from inside a `catch (pybind11::error_already_set&)`.
  void keep(pybind11::error_already_set&& e);
  bool has_error() const;
  // Raises the kept exception in Python (with the GIL held); no-op without one.
  void rethrow();

 private:
  mutable std::mutex mutex_;
  std::optional<pybind11::error_already_set> error_;
};

// Thrown through the engine after a Python exception was kept.
class PythonCallbackError : public std::runtime_error {
 public:
  PythonCallbackError() : std::runtime_error("a Python callback raised an exception") {}
};

// The task types "python_function" (when `fitness` is not None) and "python_env" (when `env` is not
// None). The Python objects are borrowed: the caller keeps them alive for the run (it holds them in its
// frame) and holds the GIL while calling this.
std::vector<TaskTypeInfo> user_task_types(const pybind11::object& fitness, const pybind11::object& env,
                                          std::shared_ptr<PyErrorSlot> errors);

// Builds the Gymnasium-protocol environment `env_factory()` and reads its spaces (GIL held).
struct PyEnvSpaces {
  Space observation, action;
  std::vector<size_t> action_shape;
};
PyEnvSpaces python_env_spaces(const pybind11::object& env_instance);

}  // namespace neuroevo::python
