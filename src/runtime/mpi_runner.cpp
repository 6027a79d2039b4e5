// The MPI batch runner: one experiment over the ranks of `mpirun -np N neuroevo run CONFIG`.
//
// Scheduling: rank 0 owns the batch's next-candidate counter and hands out ranges of indices on request
// (guided self-scheduling: a rank with t of the job's T threads gets ceil(remaining * t / 2T) candidates,
// at least min(t, remaining)), so fast ranks take more work and the tail is split finely. Rank 0 serves
// requests from its main thread while its own worker threads evaluate too. A rank asks for the next range
// while its threads still have <= 2t candidates queued, which hides the round trip (two polls of 0.5 ms)
// once a candidate takes a millisecond or more. Point-to-point messages
// were chosen over an MPI one-sided fetch-and-add counter because passive-target progress over TCP needs
// the target to enter MPI anyway, and the request/grant pair doubles as a liveness signal.
//
// Exchange: when its work is done a rank sends rank 0 its ranges, its busy time and the compact results
// (result_codec.hpp, ~12 bytes each); rank 0 then broadcasts all results in candidate order, so every rank
// calls tell() with the same data. Nothing else travels: genomes are rebuilt from the shared strategy state.
//
// Faults: the communicator returns MPI errors instead of aborting silently; every wait polls with
// heartbeats (rank 0 <-> workers, once a second) and stops the job with MPI_Abort and a message when a
// peer has been silent for the timeout. mpirun itself ends the job when a rank process dies.
//
// Only the main thread calls MPI (MPI_THREAD_FUNNELED); worker threads only evaluate.
#include <mpi.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <mutex>
#include <thread>
#include <utility>

#include "mpi_runner.hpp"
#include "neuroevo/core/error.hpp"
#include "neuroevo/runtime/result_codec.hpp"

namespace neuroevo {

namespace {

double now_s() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

enum Tag : int { kRequest = 101, kGrant = 102, kResults = 103, kHeartbeat = 104 };
constexpr double kHeartbeatEvery = 1.0;                   // seconds between heartbeats to a peer
constexpr auto kPollWait = std::chrono::microseconds(500);  // main-thread sleep between MPI polls

// Rank 0's setup failure, replayed quietly on the other ranks (rank 0 prints it).
struct RootFailed {
  int code;
};

// The worker threads of one rank: the main thread adds ranges of candidates, the threads evaluate them.
class LocalPool {
 public:
  explicit LocalPool(size_t threads) {
    for (size_t w = 0; w < threads; ++w) workers_.emplace_back([this, w] { work(w); });
  }
  ~LocalPool() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    wake_.notify_all();
  }
  size_t threads() const { return workers_.size(); }
  void start(const std::function<void(size_t, size_t)>& fn) {
    std::lock_guard lock(mu_);
    fn_ = &fn;
    error_ = nullptr;
  }
  void add(size_t begin, size_t end) {
    if (begin == end) return;
    {
      std::lock_guard lock(mu_);
      ranges_.push_back({begin, end});
      queued_ += end - begin;
    }
    wake_.notify_all();
  }
  size_t queued() {
    std::lock_guard lock(mu_);
    return queued_;
  }
  bool idle() {
    std::lock_guard lock(mu_);
    return queued_ == 0 && running_ == 0;
  }
  bool failed() {
    std::lock_guard lock(mu_);
    return error_ != nullptr;
  }
  // Sleeps until a candidate finishes or the poll interval passes.
  void wait() {
    std::unique_lock lock(mu_);
    const uint64_t seen = finished_;
    event_.wait_for(lock, kPollWait, [&] { return finished_ != seen || stop_; });
  }
  // Ends a batch (the pool must be idle): rethrows the first exception of fn.
  void finish() {
    std::lock_guard lock(mu_);
    fn_ = nullptr;
    if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
  }
  double take_busy() {
    std::lock_guard lock(mu_);
    return std::exchange(busy_, 0.0);
  }
  double busy() {
    std::lock_guard lock(mu_);
    return busy_;
  }

 private:
  void work(size_t w) {
    std::unique_lock lock(mu_);
    for (;;) {
      wake_.wait(lock, [&] { return stop_ || queued_ > 0; });
      if (stop_) return;
      auto& r = ranges_.front();
      const size_t i = r.first++;
      if (r.first == r.second) ranges_.pop_front();
      --queued_;
      ++running_;
      const auto* fn = fn_;
      lock.unlock();
      const double t0 = now_s();
      std::exception_ptr err;
      try {
        (*fn)(i, w);
      } catch (...) {
        err = std::current_exception();
      }
      const double dt = now_s() - t0;
      lock.lock();
      busy_ += dt;
      --running_;
      ++finished_;
      if (err && !error_) {
        error_ = err;
        ranges_.clear();  // stop handing out work; the main thread stops the job
        queued_ = 0;
      }
      event_.notify_all();
    }
  }

  std::mutex mu_;
  std::condition_variable wake_, event_;
  const std::function<void(size_t, size_t)>* fn_ = nullptr;
  std::deque<std::pair<size_t, size_t>> ranges_;
  size_t queued_ = 0, running_ = 0;
  uint64_t finished_ = 0;
  double busy_ = 0.0;
  bool stop_ = false;
  std::exception_ptr error_;
  std::vector<std::jthread> workers_;  // last: joined before the state above goes away
};

class MpiRunner final : public BatchRunner {
 public:
  MpiRunner(int threads, double timeout_s);
  ~MpiRunner() override;
  size_t threads() const override { return pool_->threads(); }
  int rank() const override { return rank_; }
  int ranks() const override { return size_; }
  bool distributed() const override { return true; }
  void evaluate(std::span<Result> results, const std::function<void(size_t, size_t)>& fn) override;
  std::string from_root(const std::function<std::string()>& make) override;
  RunnerStats take_stats() override;
  int guard(const std::function<int()>& body) override;

 private:
  [[noreturn]] void fail(const std::string& message, int code) const;
  void check(int rc, const char* what) const;
  // One polling step shared by every wait: consume heartbeats, send due ones, stop on a silent peer.
  void keep_alive(const char* waiting_for);
  void reset_clocks();
  void wait(MPI_Request& request, const char* waiting_for);
  void send_bytes(const std::vector<uint8_t>& data, int dest, int tag, MPI_Request& req);
  std::vector<uint8_t> receive_bytes(const MPI_Status& st);
  void broadcast(std::vector<uint8_t>& data, const char* waiting_for);
  size_t chunk(int r, size_t remaining) const;
  void evaluate_root(std::span<Result> results);
  void evaluate_worker(std::span<Result> results);

  MPI_Comm comm_ = MPI_COMM_NULL;
  int rank_ = 0, size_ = 1;
  double timeout_;
  std::unique_ptr<LocalPool> pool_;
  std::vector<int> threads_of_;
  int total_threads_ = 0;
  bool started_ = false;
  std::vector<double> last_heard_, last_sent_;
  std::vector<char> watched_;  // peers whose silence stops the job in the current wait
  // Statistics since take_stats() (complete on rank 0).
  uint64_t bytes_ = 0, individuals_ = 0;
  std::vector<double> busy_of_;
  double since_ = 0.0;
};

MpiRunner::MpiRunner(int threads, double timeout_s) : timeout_(timeout_s) {
  int provided = 0;
  if (MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS)
    throw std::runtime_error("MPI_Init_thread failed");
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  check(MPI_Comm_dup(MPI_COMM_WORLD, &comm_), "MPI_Comm_dup");
  MPI_Comm_set_errhandler(comm_, MPI_ERRORS_RETURN);
  MPI_Comm_rank(comm_, &rank_);
  MPI_Comm_size(comm_, &size_);
  if (provided < MPI_THREAD_FUNNELED) fail("the MPI library does not support MPI_THREAD_FUNNELED", 1);
  if (threads <= 0) {  // the node's cores shared by the ranks on it
    MPI_Comm node;
    check(MPI_Comm_split_type(comm_, MPI_COMM_TYPE_SHARED, rank_, MPI_INFO_NULL, &node), "MPI_Comm_split_type");
    int local = 1;
    MPI_Comm_size(node, &local);
    MPI_Comm_free(&node);
    threads = std::max(1, static_cast<int>(std::max(1u, std::thread::hardware_concurrency())) / local);
  }
  pool_ = std::make_unique<LocalPool>(static_cast<size_t>(threads));
  last_heard_.assign(size_, now_s());
  last_sent_.assign(size_, now_s());
  watched_.assign(size_, 0);
  threads_of_.assign(size_, 0);
  busy_of_.assign(size_, 0.0);
  MPI_Request req;
  check(MPI_Iallgather(&threads, 1, MPI_INT, threads_of_.data(), 1, MPI_INT, comm_, &req), "MPI_Iallgather");
  wait(req, "the thread counts of all ranks");
  for (int t : threads_of_) total_threads_ += t;
  since_ = now_s();
}

MpiRunner::~MpiRunner() {
  // Every rank leaves together; a rank that never arrives stops the job after the timeout.
  MPI_Request req;
  if (MPI_Ibarrier(comm_, &req) == MPI_SUCCESS) wait(req, "all ranks to finish");
  pool_.reset();
  MPI_Comm_free(&comm_);
  MPI_Finalize();
}

void MpiRunner::fail(const std::string& message, int code) const {
  std::fprintf(stderr,
               "error (MPI rank %d of %d): %s\nneuroevo: stopping all %d ranks; the run's last checkpoint "
               "resumes it: mpirun -np N neuroevo run --resume RUN_DIR\n",
               rank_, size_, message.c_str(), size_);
  std::fflush(stderr);
  MPI_Abort(comm_ != MPI_COMM_NULL ? comm_ : MPI_COMM_WORLD, code);
  std::_Exit(code);
}

void MpiRunner::check(int rc, const char* what) const {
  if (rc == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING];
  int len = 0;
  MPI_Error_string(rc, text, &len);
  fail(std::string(what) + " failed: " + std::string(text, static_cast<size_t>(len)) +
           " (a rank died or the network failed)",
       1);
}

void MpiRunner::reset_clocks() {
  const double t = now_s();
  std::fill(last_heard_.begin(), last_heard_.end(), t);
}

void MpiRunner::keep_alive(const char* waiting_for) {
  int flag = 1;
  while (flag) {
    MPI_Status st;
    check(MPI_Iprobe(MPI_ANY_SOURCE, kHeartbeat, comm_, &flag, &st), "MPI_Iprobe");
    if (!flag) break;
    check(MPI_Recv(nullptr, 0, MPI_BYTE, st.MPI_SOURCE, kHeartbeat, comm_, MPI_STATUS_IGNORE), "MPI_Recv");
    last_heard_[st.MPI_SOURCE] = now_s();
  }
  const double t = now_s();
  for (int p = 0; p < size_; ++p) {
    if (p == rank_ || (rank_ != 0 && p != 0)) continue;  // a star: rank 0 <-> every other rank
    if (t - last_sent_[p] >= kHeartbeatEvery) {
      MPI_Request req;
      check(MPI_Isend(nullptr, 0, MPI_BYTE, p, kHeartbeat, comm_, &req), "MPI_Isend");
      MPI_Request_free(&req);
      last_sent_[p] = t;
    }
    if (watched_[p] && t - last_heard_[p] > timeout_) {
      char msg[256];
      std::snprintf(msg, sizeof msg, "no message from rank %d for %.0f s while waiting for %s (rank %d died, hung or "
                    "the network failed; --mpi-timeout sets the limit)", p, timeout_, waiting_for, p);
      fail(msg, 1);
    }
  }
}

void MpiRunner::wait(MPI_Request& request, const char* waiting_for) {
  reset_clocks();
  for (int p = 0; p < size_; ++p) watched_[p] = p != rank_ && (rank_ == 0 || p == 0);
  for (;;) {
    int done = 0;
    check(MPI_Test(&request, &done, MPI_STATUS_IGNORE), waiting_for);
    if (done) return;
    keep_alive(waiting_for);
    std::this_thread::sleep_for(kPollWait);
  }
}

void MpiRunner::send_bytes(const std::vector<uint8_t>& data, int dest, int tag, MPI_Request& req) {
  check(MPI_Isend(data.data(), static_cast<int>(data.size()), MPI_BYTE, dest, tag, comm_, &req), "MPI_Isend");
  last_sent_[dest] = now_s();
  bytes_ += data.size();
}

std::vector<uint8_t> MpiRunner::receive_bytes(const MPI_Status& st) {
  int count = 0;
  MPI_Get_count(&st, MPI_BYTE, &count);
  std::vector<uint8_t> data(static_cast<size_t>(count));
  check(MPI_Recv(data.data(), count, MPI_BYTE, st.MPI_SOURCE, st.MPI_TAG, comm_, MPI_STATUS_IGNORE), "MPI_Recv");
  last_heard_[st.MPI_SOURCE] = now_s();
  return data;
}

// Rank 0's `data` reaches every rank: its length first, then the bytes.
void MpiRunner::broadcast(std::vector<uint8_t>& data, const char* waiting_for) {
  uint64_t n = data.size();
  MPI_Request req;
  check(MPI_Ibcast(&n, 1, MPI_UINT64_T, 0, comm_, &req), "MPI_Ibcast");
  wait(req, waiting_for);
  data.resize(n);
  if (n) {
    check(MPI_Ibcast(data.data(), static_cast<int>(n), MPI_BYTE, 0, comm_, &req), "MPI_Ibcast");
    wait(req, waiting_for);
  }
  if (rank_ == 0) bytes_ += (sizeof n + n) * static_cast<uint64_t>(size_ - 1);
}

std::string MpiRunner::from_root(const std::function<std::string()>& make) {
  std::vector<uint8_t> msg;
  std::exception_ptr error;
  if (rank_ == 0) {
    std::string text;
    uint8_t code = 0;
    try {
      text = make();
    } catch (const UsageError& e) {
      code = 2, text = e.what(), error = std::current_exception();
    } catch (const std::exception& e) {
      code = 1, text = e.what(), error = std::current_exception();
    }
    msg.push_back(code);
    msg.insert(msg.end(), text.begin(), text.end());
  }
  broadcast(msg, "rank 0 to read the run directory");
  bytes_ = 0;  // setup traffic is not part of any generation
  if (error) std::rethrow_exception(error);
  if (msg.empty()) fail("empty setup message from rank 0", 1);
  if (msg[0] != 0) throw RootFailed{msg[0]};
  return std::string(msg.begin() + 1, msg.end());
}

int MpiRunner::guard(const std::function<int()>& body) {
  try {
    return body();
  } catch (const RootFailed& f) {
    return f.code;  // rank 0 prints the message
  } catch (const UsageError& e) {
    // Before the first batch every rank builds the same setup from the same text, so they all fail
    // alike: rank 0 reports, the others end quietly with the same code.
    // Rank 0 prints here, before the exit barrier: mpirun kills the job as soon as any rank has exited
    // with an error, which could cut off the message if it were printed by main() after the barrier.
    if (!started_) {
      if (rank_ == 0) {
        std::fprintf(stderr, "error: %s\n", e.what());
        std::fflush(stderr);
      }
      return 2;
    }
    fail(e.what(), 2);
  } catch (const std::exception& e) {
    fail(e.what(), 1);
  }
}

size_t MpiRunner::chunk(int r, size_t remaining) const {
  const size_t t = static_cast<size_t>(threads_of_[r]);
  const size_t guided = (remaining * t + 2 * total_threads_ - 1) / (2 * static_cast<size_t>(total_threads_));
  return std::min(remaining, std::max(guided, t));
}

void MpiRunner::evaluate(std::span<Result> results, const std::function<void(size_t, size_t)>& fn) {
  if (!started_) since_ = now_s();  // setup time is nobody's idle time
  started_ = true;
  pool_->start(fn);
  if (rank_ == 0) evaluate_root(results);
  else evaluate_worker(results);
  individuals_ += results.size();
}

void MpiRunner::evaluate_root(std::span<Result> results) {
  const size_t n = results.size();
  const size_t mine = static_cast<size_t>(threads_of_[0]);
  size_t next = 0;
  int waiting = size_ - 1;  // workers whose results have not arrived
  reset_clocks();
  for (int p = 1; p < size_; ++p) watched_[p] = 1;
  std::vector<MPI_Request> grants;
  std::vector<std::vector<uint8_t>> grant_data;
  while (true) {
    if (pool_->failed()) break;
    if (next < n && pool_->queued() <= mine) {  // rank 0 schedules itself from the same counter
      const size_t c = chunk(0, n - next);
      pool_->add(next, next + c);
      next += c;
    }
    for (const int tag : {kRequest, kResults}) {  // keep_alive() consumes heartbeats
      for (int flag = 1; flag;) {
        MPI_Status st;
        check(MPI_Iprobe(MPI_ANY_SOURCE, tag, comm_, &flag, &st), "MPI_Iprobe");
        if (!flag) break;
        const int src = st.MPI_SOURCE;
        std::vector<uint8_t> data = receive_bytes(st);
        if (st.MPI_TAG == kRequest) {
          const size_t c = next < n ? chunk(src, n - next) : 0;
          std::vector<uint8_t>& g = grant_data.emplace_back();
          ByteWriter w(g);
          w.varint(next);
          w.varint(next + c);
          next += c;
          send_bytes(g, src, kGrant, grants.emplace_back());
        } else if (st.MPI_TAG == kResults) {
          bytes_ += data.size();
          ByteReader in(data);
          try {
            busy_of_[src] = in.f64();
            for (uint64_t k = in.varint(); k > 0; --k) {
              const uint64_t b = in.varint(), e = in.varint();
              if (b > e || e > n) throw std::runtime_error("candidate range out of the batch");
              for (uint64_t i = b; i < e; ++i) results[i] = decode_result(in);
            }
            if (!in.done()) throw std::runtime_error("trailing bytes");
          } catch (const std::exception& e) {
            fail("corrupt results from rank " + std::to_string(src) + ": " + e.what(), 1);
          }
          watched_[src] = 0;
          --waiting;
        }
      }
    }
    if (next == n && waiting == 0 && pool_->idle()) break;
    keep_alive("the results of the other ranks");
    pool_->wait();
  }
  if (pool_->failed()) {
    while (!pool_->idle()) pool_->wait();
    pool_->finish();  // rethrows; guard() stops the job
  }
  pool_->finish();
  for (auto& g : grants) wait(g, "a work grant to be delivered");
  busy_of_[0] = pool_->busy();
  std::vector<uint8_t> all;
  ByteWriter w(all);
  for (const Result& r : results) encode_result(r, w);
  broadcast(all, "the broadcast of all results");
}

void MpiRunner::evaluate_worker(std::span<Result> results) {
  const size_t n = results.size();
  const size_t mine = static_cast<size_t>(threads_of_[rank_]);
  std::vector<std::pair<uint64_t, uint64_t>> ranges;
  bool asked = false, no_more = false;
  std::vector<uint8_t> empty;
  MPI_Request request = MPI_REQUEST_NULL;
  reset_clocks();
  watched_[0] = 1;
  while (true) {
    if (pool_->failed()) break;
    if (!no_more && !asked && pool_->queued() <= 2 * mine) {
      if (request != MPI_REQUEST_NULL) wait(request, "a work request to be delivered");
      send_bytes(empty, 0, kRequest, request);
      asked = true;
    }
    for (int flag = 1; flag;) {
      MPI_Status st;
      check(MPI_Iprobe(0, kGrant, comm_, &flag, &st), "MPI_Iprobe");
      if (!flag) break;
      std::vector<uint8_t> data = receive_bytes(st);
      ByteReader in(data);
      uint64_t b = 0, e = 0;
      try {
        b = in.varint(), e = in.varint();
      } catch (const std::exception& ex) {
        fail(std::string("corrupt work grant from rank 0: ") + ex.what(), 1);
      }
      if (b > e || e > n) fail("work grant out of the batch from rank 0", 1);
      asked = false;
      if (b == e) no_more = true;
      else {
        ranges.push_back({b, e});
        pool_->add(b, e);
      }
    }
    if (no_more && pool_->idle()) break;
    keep_alive("work from rank 0");
    pool_->wait();
  }
  if (pool_->failed()) {
    while (!pool_->idle()) pool_->wait();
    pool_->finish();
  }
  pool_->finish();
  if (request != MPI_REQUEST_NULL) wait(request, "a work request to be delivered");
  std::vector<uint8_t> msg;
  ByteWriter w(msg);
  w.f64(pool_->busy());
  w.varint(ranges.size());
  for (const auto& [b, e] : ranges) {
    w.varint(b);
    w.varint(e);
    for (uint64_t i = b; i < e; ++i) encode_result(results[i], w);
  }
  send_bytes(msg, 0, kResults, request);
  wait(request, "rank 0 to take the results");
  std::vector<uint8_t> all;
  broadcast(all, "the broadcast of all results");
  ByteReader in(all);
  try {
    for (Result& r : results) r = decode_result(in);
    if (!in.done()) throw std::runtime_error("trailing bytes");
  } catch (const std::exception& e) {
    fail(std::string("corrupt result broadcast from rank 0: ") + e.what(), 1);
  }
}

RunnerStats MpiRunner::take_stats() {
  const double t = now_s(), wall = t - since_;
  RunnerStats s;
  s.ranks = size_;
  s.bytes_sent = bytes_;
  s.individuals = individuals_;
  busy_of_[rank_] = pool_->take_busy();
  for (int r = 0; r < size_; ++r)
    s.rank_util.push_back(wall > 0 ? busy_of_[r] / (wall * threads_of_[r]) : 0.0);
  std::fill(busy_of_.begin(), busy_of_.end(), 0.0);
  bytes_ = individuals_ = 0;
  since_ = t;
  return s;
}

}  // namespace

std::unique_ptr<BatchRunner> make_mpi_runner(int threads, double timeout_s) {
  return std::make_unique<MpiRunner>(threads, timeout_s);
}

}  // namespace neuroevo
