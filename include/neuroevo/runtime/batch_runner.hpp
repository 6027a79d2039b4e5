// Batch evaluation: runs fn(i, worker) for every candidate of a batch and leaves every Result on every
// process, in candidate order. LocalRunner uses this process's threads; the MPI runner (mpi_runner.cpp,
// built with NEUROEVO_WITH_MPI) spreads the candidates over the ranks of `mpirun -np N neuroevo run` and
// their threads, and exchanges only indices and compact results (result_codec.hpp).
//
// Every rank builds the same strategy from the same config and calls ask()/tell() identically, so the
// experiment loop is the same code on every rank; only rank 0 (root()) writes files and prints.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "neuroevo/tasks/task.hpp"

namespace neuroevo {

// Counters since the previous take_stats() (one generation in the experiment loop). Complete on rank 0.
struct RunnerStats {
  int ranks = 1;
  uint64_t bytes_sent = 0;         // MPI payload bytes sent by all ranks (a broadcast counts once per receiver)
  uint64_t individuals = 0;        // candidates evaluated
  std::vector<double> rank_util;   // per rank: busy thread-seconds / (threads * wall seconds)
  double bytes_per_individual() const { return individuals ? double(bytes_sent) / double(individuals) : 0.0; }
};

class BatchRunner {
 public:
  virtual ~BatchRunner() = default;
  // Worker threads of this process: fn's `worker` argument is below it (one workspace each).
  virtual size_t threads() const = 0;
  virtual int rank() const { return 0; }
  virtual int ranks() const { return 1; }
  bool root() const { return rank() == 0; }
  // True under mpirun: metrics get the ranks / bytes / utilisation columns.
  virtual bool distributed() const { return false; }

  // Calls fn(i, worker) for every i in [0, results.size()) on some rank; fn writes results[i] of that
  // rank. On return every rank's results holds every Result. Rethrows the first exception of fn.
  virtual void evaluate(std::span<Result> results, const std::function<void(size_t, size_t)>& fn) = 0;
  // The same in groups of up to `group` consecutive candidates: fn(first, count, worker) writes
  // results[first .. first + count) (lockstep rollouts, Task::evaluate_many). The default hands out
  // single candidates (count 1): the MPI runner distributes candidates one by one, which gives the same
  // results since a lockstep evaluation equals the one-by-one evaluation bit for bit.
  virtual void evaluate_groups(std::span<Result> results, size_t group,
                               const std::function<void(size_t, size_t, size_t)>& fn);

  // Rank 0 runs make(); every rank gets its text. If make() throws, rank 0 rethrows and the other ranks
  // end quietly (guard() returns the same exit code there).
  virtual std::string from_root(const std::function<std::string()>& make) { return make(); }

  // Counters since the previous call; resets them.
  virtual RunnerStats take_stats() = 0;

  // Runs a whole command. Under MPI an error raised once the ranks work together stops every rank with
  // a message naming the rank; errors all ranks raise alike during setup end them with the same code.
  virtual int guard(const std::function<int()>& body) { return body(); }
};

// An MPI runner when this process was started by mpirun/srun (and neuroevo was built with MPI),
// otherwise a LocalRunner. threads <= 0: all cores (under MPI: the cores of the node divided by the ranks
// on it). timeout_s: how long an MPI rank waits for a silent peer before stopping the job.
std::unique_ptr<BatchRunner> make_batch_runner(int threads, double timeout_s);

// True when the environment says this process is one rank of an MPI job (OpenMPI, MPICH/Hydra, PMIx).
bool launched_by_mpi();

class Evaluator;
// The thread pool of one process, with busy-time accounting for the utilisation column.
class LocalRunner : public BatchRunner {
 public:
  explicit LocalRunner(int threads);
  ~LocalRunner() override;
  size_t threads() const override;
  void evaluate(std::span<Result> results, const std::function<void(size_t, size_t)>& fn) override;
  void evaluate_groups(std::span<Result> results, size_t group,
                       const std::function<void(size_t, size_t, size_t)>& fn) override;
  RunnerStats take_stats() override;

 private:
  std::unique_ptr<Evaluator> pool_;
  std::vector<double> busy_;  // seconds per worker since take_stats()
  uint64_t individuals_ = 0;
  double since_ = 0.0;        // steady-clock seconds at the last take_stats()
  bool started_ = false;
};

}  // namespace neuroevo
