// The compact wire form of evaluation results for distributed runs: what travels between MPI ranks
// instead of parameter vectors. A plain result (no behaviour descriptor, no observation statistics) costs
// 1 flag byte + 8 bytes of fitness + varint episodes + varint steps: 12 bytes for up to 16,383 steps.
// Doubles travel as their raw IEEE bytes, so a decoded Result is bit-identical to the encoded one.
#pragma once
#include <cstdint>
#include <span>
#include <vector>

#include "neuroevo/tasks/task.hpp"

namespace neuroevo {

// Appends to a byte buffer.
class ByteWriter {
 public:
  explicit ByteWriter(std::vector<uint8_t>& out) : out_(out) {}
  void u8(uint8_t v) { out_.push_back(v); }
  void varint(uint64_t v);  // LEB128: 7 bits a byte
  void f64(double v);       // raw little-endian IEEE-754 bytes
 private:
  std::vector<uint8_t>& out_;
};

// Reads what ByteWriter wrote; throws std::runtime_error on truncated or malformed input.
class ByteReader {
 public:
  explicit ByteReader(std::span<const uint8_t> in) : in_(in) {}
  uint8_t u8();
  uint64_t varint();
  double f64();
  bool done() const { return pos_ == in_.size(); }
 private:
  std::span<const uint8_t> in_;
  size_t pos_ = 0;
};

void encode_result(const Result& r, ByteWriter& out);
Result decode_result(ByteReader& in);

}  // namespace neuroevo
