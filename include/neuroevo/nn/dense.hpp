// The dense layer of the MLP policy, y = act(b + x W) with W input-major ([in][out]), in several
// instruction-set versions that give the same bits: every output is summed as ((b + x_0 w_0) + x_1 w_1)
// + ... in input order with separate IEEE multiplies and adds (no FMA: the build has -ffp-contract=off),
// and tanh_approx and relu are element-wise, so the vector width only changes how many outputs are
// computed at once. The widest version the CPU supports is picked at run time.
#pragma once
#include <cstddef>
#include <vector>

namespace neuroevo {

enum class DenseIsa { Portable, Avx2, Avx512 };  // 4-, 8- and 16-wide float vectors

// The versions this CPU can run, Portable first; and the widest of them.
std::vector<DenseIsa> available_dense_isas();
DenseIsa best_dense_isa();
const char* dense_isa_name(DenseIsa isa);

// One layer: y[k] = act(bias[k] + sum_i x[i] w[i * out + k]) with bias = w + in * out; hidden layers
// apply tanh_approx (relu when `relu`), the output layer none. Throws std::invalid_argument for an ISA
// the CPU lacks.
void dense_layer(DenseIsa isa, const float* x, size_t in, const float* w, size_t out, float* y, bool hidden, bool relu);

// The same layer for lockstep lanes, each lane with its own weights, with the lanes as the vector
// dimension. The K lanes are split into groups (dense_lanes_group: 16, 8 or 4 lanes as the version's
// vectors allow, or 1); a group of `width` lanes keeps its parameters together, value p of a lane's
// layer (dense_layer's layout) at dense_lanes_param_index(in, out, width, p) + the lane's index in the
// group, in the order the kernel reads them. x[i * xk + lane] and y[o * xk + lane] point at the group's
// first lane (xk: the stride of all K lanes). Every lane gets dense_layer's bits (the same sums in the
// same order, element-wise activations).
inline constexpr size_t kDenseLanesTile = 8;  // outputs per register tile
size_t dense_lanes_group(DenseIsa isa, size_t lanes);
size_t dense_lanes_param_index(size_t in, size_t out, size_t width, size_t p);
void dense_lanes(DenseIsa isa, const float* x, size_t xk, size_t in, const float* w, size_t out, size_t width, float* y,
                 bool hidden, bool relu);

}  // namespace neuroevo
