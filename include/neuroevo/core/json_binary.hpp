// JSON with a binary section: the payload of a checkpoint file.
//
// A state may hold large numeric arrays (a full covariance matrix at D = 4,610 is 21 million doubles,
// 570 MB as JSON text and slow to print and parse). Such arrays are JSON binary values in memory
// (nlohmann::json::binary, with a subtype naming the element type, see schema.hpp) and are written as
//
//   payload = JSON text, a NUL byte, the binary section
//
// where each binary value in the JSON text is replaced by the reference object
// {"$binary": {"offset": O, "size": S, "subtype": T}} (O and S in bytes, relative to the start of the
// binary section; the blobs follow each other in document order). JSON text never contains a raw NUL
// (control characters are escaped), so the first NUL ends it. A payload without a NUL is plain JSON:
// checkpoints written before the binary section existed read unchanged. The checked container
// (files.hpp) puts its size and checksum over the whole payload, binary section included.
#pragma once
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace neuroevo {

// The payload of `j`: its JSON text, then (when `j` holds binary values) a NUL and the binary section.
std::string pack_json_binary(const nlohmann::json& j);

// The document of a payload written by pack_json_binary (or of plain JSON text). Throws UsageError
// naming `where` for malformed JSON, a reference outside the binary section, overlapping or unused
// bytes, or a malformed reference object.
nlohmann::json unpack_json_binary(std::string_view payload, const std::string& where);

}  // namespace neuroevo
