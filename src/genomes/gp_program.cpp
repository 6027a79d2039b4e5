// GP programs in prefix order: encoding, vectorised evaluation, infix output and variation operators.
#include "neuroevo/genomes/gp_program.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <sstream>
#include <stdexcept>

#include "neuroevo/core/error.hpp"
#include "gp_block.hpp"
#include "neuroevo/core/suggest.hpp"

namespace neuroevo {

namespace {

struct OpInfo {
  const char* name;
  int arity;
};
constexpr OpInfo kOps[] = {{"const", 0}, {"var", 0},  {"add", 2},  {"sub", 2},    {"mul", 2},
                           {"div", 2},   {"sin", 1},  {"cos", 1},  {"exp", 1},    {"log", 1},
                           {"sqrt", 1},  {"square", 1}, {"tanh", 1}};
static_assert(std::size(kOps) == static_cast<size_t>(GpOp::Count));

void put(std::vector<uint8_t>& out, uint64_t v, int bytes) {
  for (int k = 0; k < bytes; ++k) out.push_back(static_cast<uint8_t>(v >> (8 * k)));
}

}  // namespace

int gp_arity(GpOp op) { return kOps[static_cast<size_t>(op)].arity; }
const char* gp_op_name(GpOp op) { return kOps[static_cast<size_t>(op)].name; }

GpOp gp_op_from_name(const std::string& name, const std::string& key) {
  std::vector<std::string> names;
  for (size_t k = 2; k < std::size(kOps); ++k) {
    if (name == kOps[k].name) return static_cast<GpOp>(k);
    names.push_back(kOps[k].name);
  }
  throw UsageError("config key '" + key + "': " + unknown_name_message("primitive", name, names));
}

GpNode GpPrimitives::terminal(Stream& rng) const {
  const uint64_t choices = variables + (constants ? 1 : 0);
  const uint64_t k = rng.below(choices);
  if (k < variables) return GpNode{GpOp::Var, static_cast<uint16_t>(k), 0.0};
  return GpNode{GpOp::Const, 0, rng.uniform(const_low, const_high)};
}

GpNode GpPrimitives::function(Stream& rng) const { return GpNode{functions[rng.below(functions.size())], 0, 0.0}; }

std::vector<uint8_t> GpProgram::to_bytes() const {
  std::vector<uint8_t> out;
  out.reserve(8 + 11 * nodes_.size());
  put(out, variables_, 4);
  put(out, nodes_.size(), 4);
  for (const auto& n : nodes_) {
    put(out, static_cast<uint8_t>(n.op), 1);
    put(out, n.var, 2);
    put(out, std::bit_cast<uint64_t>(n.value), 8);
  }
  return out;
}

GpProgram gp_program_from_bytes(std::span<const uint8_t> b) {
  size_t pos = 0;
  auto get = [&](int bytes) {
    if (b.size() - pos < static_cast<size_t>(bytes))
      throw UsageError("gp_program genome bytes truncated at byte " + std::to_string(pos));
    uint64_t v = 0;
    for (int k = 0; k < bytes; ++k) v |= static_cast<uint64_t>(b[pos + k]) << (8 * k);
    pos += static_cast<size_t>(bytes);
    return v;
  };
  const auto vars = get(4);
  const auto count = get(4);
  if (vars == 0 || vars > 65535) throw UsageError("gp_program genome: bad variable count " + std::to_string(vars));
  if (count == 0 || count > (b.size() - pos) / 11) throw UsageError("gp_program genome: bad node count");
  std::vector<GpNode> nodes(count);
  for (auto& n : nodes) {
    const auto op = get(1);
    if (op >= static_cast<uint64_t>(GpOp::Count)) throw UsageError("gp_program genome: unknown operator " + std::to_string(op));
    n.op = static_cast<GpOp>(op);
    n.var = static_cast<uint16_t>(get(2));
    n.value = std::bit_cast<double>(get(8));
    if (n.op == GpOp::Var && n.var >= vars) throw UsageError("gp_program genome: variable index out of range");
  }
  if (pos != b.size()) throw UsageError("gp_program genome: trailing bytes");
  GpProgram p(std::move(nodes), static_cast<uint16_t>(vars));
  try {
    p.check();
  } catch (const std::logic_error& e) {
    throw UsageError(e.what());
  }
  return p;
}

std::unique_ptr<const Candidate> decode_gp_program(std::span<const uint8_t> bytes) {
  return std::make_unique<GpProgram>(gp_program_from_bytes(bytes));
}

void GpProgram::check() const {
  if (nodes_.empty()) throw std::logic_error("gp_program: empty program");
  int64_t open = 1;  // arguments still to fill
  for (size_t i = 0; i < nodes_.size(); ++i) {
    if (open <= 0) throw std::logic_error("gp_program: nodes after the end of the tree");
    if (nodes_[i].op >= GpOp::Count) throw std::logic_error("gp_program: unknown operator");
    if (nodes_[i].op == GpOp::Var && nodes_[i].var >= variables_) throw std::logic_error("gp_program: variable out of range");
    open += gp_arity(nodes_[i].op) - 1;
  }
  if (open != 0) throw std::logic_error("gp_program: incomplete tree");
}

size_t GpProgram::subtree_end(size_t i) const {
  int64_t open = 1;
  while (open > 0) open += gp_arity(nodes_[i++].op) - 1;
  return i;
}

void GpProgram::depths(std::vector<int>& node_depth, std::vector<int>& height) const {
  const size_t n = nodes_.size();
  node_depth.assign(n, 0);
  height.assign(n, 0);
  // Depths forward with a stack of pending argument slots; heights backward over the prefix order.
  std::vector<std::pair<int, int>> slots;  // (depth of the children, children still to come)
  for (size_t i = 0; i < n; ++i) {
    int d = 0;
    if (!slots.empty()) {
      d = slots.back().first;
      if (--slots.back().second == 0) slots.pop_back();
    }
    node_depth[i] = d;
    if (const int a = gp_arity(nodes_[i].op); a > 0) slots.push_back({d + 1, a});
  }
  std::vector<int> stack;
  for (size_t i = n; i-- > 0;) {
    const int a = gp_arity(nodes_[i].op);
    int h = 0;
    for (int k = 0; k < a; ++k) {
      h = std::max(h, stack.back() + 1);
      stack.pop_back();
    }
    height[i] = h;
    stack.push_back(h);
  }
}

int GpProgram::depth() const {
  std::vector<int> d, h;
  depths(d, h);
  return h.empty() ? 0 : h[0];
}

void GpProgram::evaluate(std::span<const double> x, size_t rows, std::span<double> out) const {
  // The stack never holds more than the program's size in blocks; evaluate in reverse prefix order
  // (postfix of the mirrored tree), so at a function node its first argument is on top of the stack.
  const size_t n = nodes_.size();
  size_t need = 0;
  for (size_t i = n, top = 0; i-- > 0;) {
    top += 1 - static_cast<size_t>(gp_arity(nodes_[i].op));
    need = std::max(need, top);
  }
  std::vector<double> buf(need * kBlock);
  for (size_t r0 = 0; r0 < rows; r0 += kBlock) {
    const size_t m = std::min(kBlock, rows - r0);
    size_t top = 0;  // number of blocks on the stack
    for (size_t i = n; i-- > 0;) {
      const GpNode& node = nodes_[i];
      const int a = gp_arity(node.op);
      double* r = nullptr;  // result block
      const double* u = nullptr;
      const double* v = nullptr;
      if (a == 0) {
        r = &buf[top * kBlock];
        ++top;
      } else if (a == 1) {
        r = &buf[(top - 1) * kBlock];
        u = r;
      } else {
        u = &buf[(top - 1) * kBlock];  // the first argument
        v = &buf[(top - 2) * kBlock];
        r = &buf[(top - 2) * kBlock];  // the second argument's block takes the result
      }
      gp_block::apply(node, u, v, r, m, x, rows, r0);
      if (a == 2) --top;
    }
    std::copy_n(buf.data(), m, out.data() + r0);
  }
}

std::string GpProgram::infix(const std::vector<std::string>& names) const {
  std::vector<std::string> stack;
  for (size_t i = nodes_.size(); i-- > 0;) {
    const GpNode& n = nodes_[i];
    std::string s;
    auto pop = [&] {
      std::string t = std::move(stack.back());
      stack.pop_back();
      return t;
    };
    switch (n.op) {
      case GpOp::Const: {
        std::ostringstream os;
        os.precision(17);
        os << n.value;
        s = n.value < 0 ? "(" + os.str() + ")" : os.str();
        break;
      }
      case GpOp::Var: s = n.var < names.size() ? names[n.var] : "x" + std::to_string(n.var); break;
      case GpOp::Add: { auto a = pop(), b = pop(); s = "(" + a + " + " + b + ")"; break; }
      case GpOp::Sub: { auto a = pop(), b = pop(); s = "(" + a + " - " + b + ")"; break; }
      case GpOp::Mul: { auto a = pop(), b = pop(); s = "(" + a + "*" + b + ")"; break; }
      case GpOp::Div: { auto a = pop(), b = pop(); s = "(" + a + "/" + b + ")"; break; }
      case GpOp::Sin: s = "sin(" + pop() + ")"; break;
      case GpOp::Cos: s = "cos(" + pop() + ")"; break;
      case GpOp::Exp: s = "exp(" + pop() + ")"; break;
      case GpOp::Log: s = "log(Abs(" + pop() + "))"; break;
      case GpOp::Sqrt: s = "sqrt(Abs(" + pop() + "))"; break;
      case GpOp::Square: s = "(" + pop() + ")**2"; break;
      case GpOp::Tanh: s = "tanh(" + pop() + ")"; break;
      case GpOp::Count: throw std::logic_error("gp_program: bad operator");
    }
    stack.push_back(std::move(s));
  }
  return stack.empty() ? "" : stack.back();
}

// ---------------------------------------------------------------------------------------------------
// Variation

namespace {

void grow(const GpPrimitives& prim, int depth, int max_depth, bool full, Stream& rng, std::vector<GpNode>& out) {
  // Grow picks among all primitives uniformly until max depth (Koza 1992, sec. 6.2); full picks functions.
  bool terminal = depth >= max_depth || prim.functions.empty();
  if (!terminal && !full) {
    const double terminals = prim.variables + (prim.constants ? 1.0 : 0.0);
    terminal = rng.uniform() < terminals / (terminals + static_cast<double>(prim.functions.size()));
  }
  if (terminal) {
    out.push_back(prim.terminal(rng));
    return;
  }
  const GpNode f = prim.function(rng);
  out.push_back(f);
  for (int k = 0; k < gp_arity(f.op); ++k) grow(prim, depth + 1, max_depth, full, rng, out);
}

}  // namespace

std::vector<GpNode> gp_random_tree(const GpPrimitives& prim, int max_depth, bool full, Stream& rng) {
  std::vector<GpNode> out;
  grow(prim, 0, max_depth, full, rng, out);
  return out;
}

size_t gp_pick_node(const GpProgram& a, Stream& rng) {
  size_t functions = 0;
  for (const auto& n : a.nodes()) functions += gp_arity(n.op) > 0;
  const bool pick_function = functions > 0 && rng.uniform() < 0.9;
  const size_t pool = pick_function ? functions : a.size() - functions;
  size_t k = rng.below(pool);
  for (size_t i = 0; i < a.size(); ++i)
    if ((gp_arity(a.nodes()[i].op) > 0) == pick_function && k-- == 0) return i;
  return 0;
}

namespace {
GpProgram splice(const GpProgram& a, size_t i, std::span<const GpNode> with) {
  const size_t end = a.subtree_end(i);
  std::vector<GpNode> out;
  out.reserve(a.size() - (end - i) + with.size());
  out.insert(out.end(), a.nodes().begin(), a.nodes().begin() + static_cast<std::ptrdiff_t>(i));
  out.insert(out.end(), with.begin(), with.end());
  out.insert(out.end(), a.nodes().begin() + static_cast<std::ptrdiff_t>(end), a.nodes().end());
  return GpProgram(std::move(out), a.variables());
}
}  // namespace

GpProgram gp_crossover(const GpProgram& a, const GpProgram& b, Stream& rng) {
  const size_t i = gp_pick_node(a, rng);
  const size_t j = gp_pick_node(b, rng);
  const std::span<const GpNode> sub(b.nodes().data() + j, b.subtree_end(j) - j);
  return splice(a, i, sub);
}

GpProgram gp_subtree_mutation(const GpProgram& a, const GpPrimitives& prim, int max_depth, Stream& rng) {
  const size_t i = static_cast<size_t>(rng.below(a.size()));  // uniform over nodes, as DEAP's mutUniform
  const std::vector<GpNode> t = gp_random_tree(prim, max_depth, false, rng);
  return splice(a, i, t);
}

GpProgram gp_point_mutation(const GpProgram& a, const GpPrimitives& prim, double p, Stream& rng) {
  GpProgram out = a;
  for (auto& n : out.nodes()) {
    if (rng.uniform() >= p) continue;
    const int arity = gp_arity(n.op);
    if (arity == 0) {
      if (n.op == GpOp::Const && prim.constants) n.value += rng.normal();
      else n = prim.terminal(rng);
      continue;
    }
    std::vector<GpOp> same;
    for (GpOp f : prim.functions)
      if (gp_arity(f) == arity) same.push_back(f);
    n.op = same[rng.below(same.size())];
  }
  return out;
}

GpProgram gp_hoist_mutation(const GpProgram& a, Stream& rng) {
  const size_t i = static_cast<size_t>(rng.below(a.size()));
  const size_t end = a.subtree_end(i);
  return GpProgram(std::vector<GpNode>(a.nodes().begin() + static_cast<std::ptrdiff_t>(i),
                                       a.nodes().begin() + static_cast<std::ptrdiff_t>(end)),
                   a.variables());
}

double gp_mate_distance(const GpProgram& ideal, const GpProgram& candidate) {
  // Keys: the operator, and for variables their index; counts +1 for the ideal, -1 for the candidate.
  std::vector<std::pair<uint32_t, int64_t>> counts;
  auto add = [&](const GpProgram& p, int64_t sign) {
    for (const auto& n : p.nodes()) {
      const uint32_t key = n.op == GpOp::Var ? static_cast<uint32_t>(GpOp::Count) + n.var : static_cast<uint32_t>(n.op);
      auto it = std::find_if(counts.begin(), counts.end(), [&](const auto& c) { return c.first == key; });
      if (it == counts.end()) counts.push_back({key, sign});
      else it->second += sign;
    }
  };
  add(ideal, 1);
  add(candidate, -1);
  double d = 0.0;
  for (const auto& c : counts) d += static_cast<double>(std::abs(c.second));
  return d;
}

}  // namespace neuroevo
