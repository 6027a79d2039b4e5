#include "neuroevo/runtime/result_codec.hpp"

#include <bit>
#include <cstring>
#include <stdexcept>

namespace neuroevo {

namespace {

enum Flag : uint8_t { kValid = 1, kUnstable = 2, kBehaviour = 4, kObsStats = 8, kCases = 16, kRefined = 32 };

// Vectors longer than this are a corrupt message, not a real descriptor or observation.
constexpr uint64_t kMaxLength = uint64_t{1} << 24;

void put_doubles(ByteWriter& out, const std::vector<double>& v) {
  out.varint(v.size());
  for (double x : v) out.f64(x);
}

std::vector<double> get_doubles(ByteReader& in) {
  const uint64_t n = in.varint();
  if (n > kMaxLength) throw std::runtime_error("result message: vector of " + std::to_string(n) + " values");
  std::vector<double> v(n);
  for (double& x : v) x = in.f64();
  return v;
}

}  // namespace

void ByteWriter::varint(uint64_t v) {
  while (v >= 0x80) {
    out_.push_back(static_cast<uint8_t>(v | 0x80));
    v >>= 7;
  }
  out_.push_back(static_cast<uint8_t>(v));
}

void ByteWriter::f64(double v) {
  const uint64_t bits = std::bit_cast<uint64_t>(v);
  for (int k = 0; k < 8; ++k) out_.push_back(static_cast<uint8_t>(bits >> (8 * k)));
}

uint8_t ByteReader::u8() {
  if (pos_ >= in_.size()) throw std::runtime_error("result message is truncated");
  return in_[pos_++];
}

uint64_t ByteReader::varint() {
  uint64_t v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    const uint8_t b = u8();
    v |= uint64_t{b & 0x7fu} << shift;
    if (!(b & 0x80)) return v;
  }
  throw std::runtime_error("result message: malformed varint");
}

double ByteReader::f64() {
  uint64_t bits = 0;
  for (int k = 0; k < 8; ++k) bits |= uint64_t{u8()} << (8 * k);
  return std::bit_cast<double>(bits);
}

void encode_result(const Result& r, ByteWriter& out) {
  const bool stats = r.obs_stats.has_value();
  uint8_t flags = 0;
  if (r.valid) flags |= kValid;
  if (r.unstable) flags |= kUnstable;
  if (!r.behaviour.empty()) flags |= kBehaviour;
  if (stats) flags |= kObsStats;
  if (!r.cases.empty()) flags |= kCases;
  if (!r.refined.empty()) flags |= kRefined;
  out.u8(flags);
  out.f64(r.fitness);
  out.varint(r.episodes);
  out.varint(r.steps);
  if (r.unstable) out.varint(r.unstable);
  if (!r.behaviour.empty()) put_doubles(out, r.behaviour);
  if (stats) {
    out.f64(r.obs_stats->count);
    put_doubles(out, r.obs_stats->sum);
    put_doubles(out, r.obs_stats->sumsq);
  }
  if (!r.cases.empty()) put_doubles(out, r.cases);
  if (!r.refined.empty()) put_doubles(out, r.refined);
}

Result decode_result(ByteReader& in) {
  Result r;
  const uint8_t flags = in.u8();
  if (flags & ~uint8_t{kValid | kUnstable | kBehaviour | kObsStats | kCases | kRefined})
    throw std::runtime_error("result message: unknown flags");
  r.valid = flags & kValid;
  r.fitness = in.f64();
  r.episodes = static_cast<uint32_t>(in.varint());
  r.steps = in.varint();
  if (flags & kUnstable) r.unstable = static_cast<uint32_t>(in.varint());
  if (flags & kBehaviour) r.behaviour = get_doubles(in);
  if (flags & kObsStats) {
    ObsStats& stats = r.obs_stats.emplace();
    stats.count = in.f64();
    stats.sum = get_doubles(in);
    stats.sumsq = get_doubles(in);
  }
  if (flags & kCases) r.cases = get_doubles(in);
  if (flags & kRefined) r.refined = get_doubles(in);
  return r;
}

}  // namespace neuroevo
