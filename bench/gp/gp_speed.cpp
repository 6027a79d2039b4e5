// GP evaluation speed in GPops/s (node evaluations per second, Langdon & Banzhaf 2019) with Operon's
// protocol (Burlacu, Kronberger & Kommenda, "Operon C++", GECCO 2020 companion): 1,000 random trees of
// at most 100 nodes evaluated over a 10,000 x 10 dataset of uniform random inputs, on one thread. Each
// tree has a length drawn uniformly in [1, 100] (the nearest odd length when every function is binary)
// and random shape (functions uniform, argument sizes split uniformly); the function set is
// {+, -, *, %} (`--functions arith`) or Koza's {+, -, *, %, sin, cos, exp, rlog} (`--functions koza`).
//
// The "arithmetic limit" printed beside it is what the same block layout gives with nothing but the
// arithmetic: out[k] = a[k] + b[k] over blocks of GpProgram::kBlock doubles held in L1, one such loop
// per node, i.e. an upper bound for tree evaluation by blocks on this core and with these compiler
// flags. Times are process CPU time (the machine is shared).
//
//   build/bench/gp_speed [--trees 1000] [--rows 10000] [--repeats 3] [--functions arith|koza] [--json]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>

#include "neuroevo/core/rng.hpp"
#include "neuroevo/genomes/gp_program.hpp"

using namespace neuroevo;

namespace {

// A random tree of exactly `len` nodes in prefix order (len must be reachable with the function set).
void sized_tree(const GpPrimitives& prim, size_t len, Stream& rng, std::vector<GpNode>& out) {
  bool unary = false;
  for (GpOp op : prim.functions) unary = unary || gp_arity(op) == 1;
  auto reachable = [&](size_t n) { return n == 1 || (n >= 2 && unary) || (n >= 3 && n % 2 == 1); };
  if (len == 1) {
    out.push_back(prim.terminal(rng));
    return;
  }
  for (;;) {
    const GpNode f = prim.function(rng);
    const int a = gp_arity(f.op);
    if (a == 1) {
      out.push_back(f);
      sized_tree(prim, len - 1, rng, out);
      return;
    }
    if (len < 3) continue;
    const size_t left = 1 + rng.below(len - 2), right = len - 1 - left;
    if (!reachable(left) || !reachable(right)) continue;
    out.push_back(f);
    sized_tree(prim, left, rng, out);
    sized_tree(prim, right, rng, out);
    return;
  }
}

double cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

}  // namespace

int main(int argc, char** argv) {
  size_t trees = 1000, rows = 10000, repeats = 3;
  std::string functions = "arith";
  bool json = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "gp_speed: %s needs a value\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--trees") trees = std::stoul(next());
    else if (a == "--rows") rows = std::stoul(next());
    else if (a == "--repeats") repeats = std::stoul(next());
    else if (a == "--functions") functions = next();
    else if (a == "--json") json = true;
    else {
      std::fprintf(stderr, "gp_speed: unknown option %s\n", a.c_str());
      return 2;
    }
  }
  if (functions != "arith" && functions != "koza") {
    std::fprintf(stderr, "gp_speed: --functions must be arith or koza\n");
    return 2;
  }
  GpPrimitives prim;
  prim.variables = 10;
  prim.constants = true;
  prim.functions = {GpOp::Add, GpOp::Sub, GpOp::Mul, GpOp::Div};
  if (functions == "koza")
    for (GpOp op : {GpOp::Sin, GpOp::Cos, GpOp::Exp, GpOp::Log}) prim.functions.push_back(op);

  Stream rng(1, 0, 0, Purpose::Init);
  std::vector<GpProgram> pop;
  size_t nodes = 0;
  const bool unary = functions == "koza";
  while (pop.size() < trees) {
    size_t len = 1 + rng.below(100);
    if (!unary && len % 2 == 0) len -= 1;
    std::vector<GpNode> t;
    sized_tree(prim, len, rng, t);
    nodes += t.size();
    pop.emplace_back(std::move(t), prim.variables);
  }
  std::vector<double> x(prim.variables * rows), out(rows);
  for (double& v : x) v = rng.uniform(-1.0, 1.0);

  double sink = 0;
  const double t0 = cpu_seconds();
  for (size_t r = 0; r < repeats; ++r)
    for (const auto& p : pop) {
      p.evaluate(x, rows, out);
      sink += out[rows / 2];
    }
  const double t_trees = cpu_seconds() - t0;
  const double ops = static_cast<double>(nodes) * static_cast<double>(rows) * static_cast<double>(repeats);
  const double gpops = ops / t_trees;

  // The arithmetic limit: one add loop over a block per node, blocks in L1, as many node-rows as above.
  constexpr size_t B = GpProgram::kBlock;
  std::vector<double> a(B), b(B), c(B);
  for (size_t k = 0; k < B; ++k) {
    a[k] = rng.uniform();
    b[k] = rng.uniform();
  }
  const size_t loops = static_cast<size_t>(ops / static_cast<double>(B));
  const double t1 = cpu_seconds();
  for (size_t l = 0; l < loops; ++l) {
    double* __restrict out_p = (l & 1) ? c.data() : a.data();
    const double* __restrict u = (l & 1) ? a.data() : c.data();
    for (size_t k = 0; k < B; ++k) out_p[k] = u[k] + b[k];
    asm volatile("" : : "r"(out_p) : "memory");  // keep every loop
  }
  const double t_limit = cpu_seconds() - t1;
  sink += a[0] + c[0];
  const double limit = static_cast<double>(loops * B) / t_limit;

  if (json) {
    std::printf("{\"trees\":%zu,\"mean_size\":%.2f,\"rows\":%zu,\"repeats\":%zu,\"functions\":\"%s\",\"cpu_s\":%.3f,"
                "\"gpops_per_s\":%.4g,\"limit_gpops_per_s\":%.4g,\"ratio\":%.3f,\"sink\":%g}\n",
                trees, static_cast<double>(nodes) / trees, rows, repeats, functions.c_str(), t_trees, gpops, limit,
                limit / gpops, sink);
  } else {
    std::printf("%zu trees (mean %.1f nodes), %zu rows x 10 variables, %zu repeats, functions %s\n", trees,
                static_cast<double>(nodes) / trees, rows, repeats, functions.c_str());
    std::printf("GPops/s: %.3g (%.2f s CPU)\narithmetic limit (block add loop): %.3g node-rows/s; limit / GPops = %.2f\n",
                gpops, t_trees, limit, limit / gpops);
    std::printf("(checksum %g)\n", sink);
  }
  return 0;
}
