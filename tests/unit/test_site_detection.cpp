// Sites for the hop decomposition (physics.md §8.2): found from a trajectory's occupation density
// (analysis/site_detection.hpp) on synthetic vibrating particles in cubic, rocksalt-like and
// triclinic cells, and read from site files (io/site_file.hpp), whose every bad case must name
// the file and the line.
#include "ionbath/analysis/site_detection.hpp"

#include "ionbath/core/error.hpp"
#include "ionbath/io/site_file.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <random>
#include <unistd.h>

namespace ionbath::analysis {
namespace {

namespace fs = std::filesystem;
using CellRows = std::array<double, 9>;

// r = f0·a + f1·b + f2·c.
Vec3 cartesian(const CellRows &cell, const Vec3 &f) {
  return Vec3(f[0] * cell[0] + f[1] * cell[3] + f[2] * cell[6],
              f[0] * cell[1] + f[1] * cell[4] + f[2] * cell[7],
              f[0] * cell[2] + f[1] * cell[5] + f[2] * cell[8]);
}

// Minimum-image distance of two fractional points (the shortest of 27 reduced images), Å.
double periodic_distance(const CellRows &cell, const Vec3 &f, const Vec3 &g) {
  Vec3 d = f - g;
  for (int k = 0; k < 3; ++k)
    d[k] -= std::round(d[k]);
  double best = 1e300;
  for (int i = -1; i <= 1; ++i)
    for (int j = -1; j <= 1; ++j)
      for (int k = -1; k <= 1; ++k)
        best = std::min(best, cartesian(cell, d + Vec3(i, j, k)).norm());
  return best;
}

CellRows scaled(const CellRows &cell, double s) {
  CellRows out = cell;
  for (auto &x : out)
    x *= s;
  return out;
}

// `frames` frames of particles vibrating (isotropic Gaussian, σ) around `centres` (fractional),
// each particle in a fixed random lattice image (an unwrapped trajectory).
void push_vibrations(OccupationDensity &density, const std::vector<Vec3> &centres, double sigma_A,
                     int frames, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> noise(0.0, sigma_A);
  std::uniform_int_distribution<int> image(-2, 2);
  std::vector<Vec3> home;
  for (const auto &f : centres)
    home.push_back(cartesian(density.cell(), f + Vec3(image(rng), image(rng), image(rng))));
  std::vector<Vec3> R(home.size());
  for (int t = 0; t < frames; ++t) {
    for (std::size_t i = 0; i < home.size(); ++i)
      R[i] = home[i] + Vec3(noise(rng), noise(rng), noise(rng));
    density.push(R);
  }
}

// Every true site has a detected site within `tolerance_A`, and there are no others.
void expect_sites(const DetectedSites &found, const std::vector<Vec3> &truth, const CellRows &cell,
                  double tolerance_A) {
  ASSERT_EQ(found.fractional.size(), truth.size());
  for (const auto &t : truth) {
    double nearest = 1e300;
    for (const auto &f : found.fractional)
      nearest = std::min(nearest, periodic_distance(cell, f, t));
    EXPECT_LT(nearest, tolerance_A) << "site " << t.transpose();
  }
  for (const auto &f : found.fractional)
    for (int k = 0; k < 3; ++k) {
      EXPECT_GE(f[k], 0.0);
      EXPECT_LT(f[k], 1.0);
    }
}

// Cube centres (c + ½)/n of an n × n × n supercell, fractional.
std::vector<Vec3> cube_centres(int n) {
  std::vector<Vec3> sites;
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j)
      for (int k = 0; k < n; ++k)
        sites.emplace_back((i + 0.5) / n, (j + 0.5) / n, (k + 0.5) / n);
  return sites;
}

TEST(SiteDetection, CubicSupercellFindsEveryCubeCentre) {
  const double a = 3.0, L = 4 * a;
  const CellRows cell{L, 0, 0, 0, L, 0, 0, 0, L};
  OccupationDensity density(cell, {});
  const auto truth = cube_centres(4);
  push_vibrations(density, truth, 0.15, 500, 12345);
  EXPECT_EQ(density.samples(), 500 * 64);

  const DetectedSites found = detect_sites(density);
  expect_sites(found, truth, cell, 0.05);
  ASSERT_EQ(found.class_names, std::vector<std::string>{"class0"});
  for (std::size_t k = 0; k < found.fractional.size(); ++k) {
    EXPECT_EQ(found.site_class[k], 0);
    EXPECT_NEAR(found.occupancy[k], 1.0 / 64, 0.1 / 64); // all but the tail beyond 0.5 Å
  }

  const SiteLattice lattice = site_lattice_from_detection(found, cell);
  EXPECT_EQ(lattice.sites(), 64);
  EXPECT_NEAR(lattice.nearest_site_distance_A, a, 0.1);
}

TEST(SiteDetection, TwoPopulationsGiveTwoClasses) {
  // Rocksalt-like: a 4 × 4 × 4 simple-cubic site grid (2.1 Å), the (i + j + k)-even sublattice
  // hosting three vibrating particles per site, the odd one one: visited 3× as often.
  const int n = 4;
  const double L = n * 2.1;
  const CellRows cell{L, 0, 0, 0, L, 0, 0, 0, L};
  std::vector<Vec3> truth, centres;
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j)
      for (int k = 0; k < n; ++k) {
        truth.emplace_back(double(i) / n, double(j) / n, double(k) / n);
        for (int copies = (i + j + k) % 2 == 0 ? 3 : 1; copies > 0; --copies)
          centres.push_back(truth.back());
      }
  OccupationDensity density(cell, {});
  push_vibrations(density, centres, 0.15, 600, 777);
  const DetectedSites found = detect_sites(density);
  expect_sites(found, truth, cell, 0.05);

  ASSERT_EQ(found.class_names, (std::vector<std::string>{"class0", "class1"}));
  int members[2] = {0, 0};
  double total[2] = {0, 0};
  for (std::size_t s = 0; s < found.fractional.size(); ++s) {
    const Vec3 grid = found.fractional[s] * n;
    const int parity = int(std::lround(grid[0]) + std::lround(grid[1]) + std::lround(grid[2])) % 2;
    EXPECT_EQ(found.site_class[s], parity) << found.fractional[s].transpose();
    ++members[found.site_class[s]];
    total[found.site_class[s]] += found.occupancy[s];
    // All but the tail beyond 0.5 Å (1 %), to the histogram's resolution (a few %).
    const double expected = (parity == 0 ? 3.0 : 1.0) / 128;
    EXPECT_NEAR(found.occupancy[s], expected, 0.08 * expected);
  }
  EXPECT_NEAR(total[0] / total[1], 3.0, 0.05);
  EXPECT_EQ(members[0], 32);
  EXPECT_EQ(members[1], 32);
}

TEST(SiteDetection, TriclinicCell) {
  // A skewed 3 × 3 × 3 supercell with two sites per primitive cell, one near a cell face.
  const CellRows primitive{3.0, 0.0, 0.0, 0.8, 2.9, 0.0, 0.5, 0.6, 3.1};
  const CellRows cell = scaled(primitive, 3);
  std::vector<Vec3> truth;
  for (const Vec3 &basis : {Vec3(0.5, 0.5, 0.5), Vec3(0.1, 0.2, 0.15)})
    for (const Vec3 &c : cube_centres(3))
      truth.push_back((c - Vec3::Constant(0.5 / 3)) + basis / 3);
  OccupationDensity density(cell, {});
  push_vibrations(density, truth, 0.15, 500, 2024);
  const DetectedSites found = detect_sites(density);
  expect_sites(found, truth, cell, 0.05);
  EXPECT_EQ(found.class_names.size(), 1u);

  const SiteLattice lattice = site_lattice_from_detection(found, cell, 0.5);
  EXPECT_EQ(lattice.sites(), 54);
  EXPECT_EQ(lattice.site_radius_A, 0.5);
}

TEST(SiteDetection, StreamsIntoTheGridAndCombines) {
  const double L = 6.0;
  const CellRows cell{L, 0, 0, 0, L, 0, 0, 0, L};
  const auto truth = cube_centres(2);
  OccupationDensity one(cell, {}), first(cell, {}), second(cell, {});
  EXPECT_EQ(one.grid(), (GridShape{30, 30, 30}));
  EXPECT_THROW(detect_sites(one), std::invalid_argument); // no samples

  push_vibrations(one, truth, 0.15, 100, 5);
  push_vibrations(first, truth, 0.15, 100, 5);
  EXPECT_EQ(one.counts().size(), std::size_t(30 * 30 * 30)); // bounded by the grid
  second.add_counts(first.counts(), first.samples());
  EXPECT_EQ(second.samples(), one.samples());
  EXPECT_TRUE(std::equal(one.counts().begin(), one.counts().end(), second.counts().begin()));
  const auto a = detect_sites(one), b = detect_sites(second);
  ASSERT_EQ(a.fractional.size(), 8u);
  for (std::size_t k = 0; k < 8; ++k)
    EXPECT_EQ(a.fractional[k], b.fractional[k]);

  OccupationDensity coarse(CellRows{L, 0, 0, 0, 2 * L, 0, 0, 0, L}, {.grid_spacing_A = 0.5});
  EXPECT_THROW(second.add_counts(coarse.counts(), 1), std::invalid_argument);
  const std::vector<Vec3> bad{Vec3(std::nan(""), 0, 0)};
  EXPECT_THROW(one.push(bad), std::invalid_argument);
}

TEST(SiteDetection, RejectsBadParameters) {
  const CellRows cell{6, 0, 0, 0, 6, 0, 0, 0, 6};
  EXPECT_THROW(OccupationDensity(CellRows{6, 0, 0, 6, 0, 0, 0, 0, 6}, {}), std::invalid_argument);
  EXPECT_THROW(OccupationDensity(cell, {.grid_spacing_A = 0}), std::invalid_argument);
  EXPECT_THROW(OccupationDensity(cell, {.min_separation_A = -1}), std::invalid_argument);
  EXPECT_THROW(OccupationDensity(cell, {.min_peak_fraction = 1}), std::invalid_argument);
  EXPECT_THROW(OccupationDensity(cell, {.class_tolerance = -0.1}), std::invalid_argument);
  EXPECT_THROW(OccupationDensity(scaled(cell, 1000), {}), std::invalid_argument); // grid too big
}

// ---- Site files ----------------------------------------------------------------------------

// A fresh temporary directory per test, removed at the end.
class SiteFile : public ::testing::Test {
protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    const auto *info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           fmt::format("ionbath_sites_{}_{}_{}", ::getpid(), info->name(), counter++);
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write(const std::string &name, const std::string &text) const {
    const fs::path path = dir_ / name;
    std::ofstream(path) << text;
    return path.string();
  }

  fs::path dir_;
};

const CellRows kSkewedCell{5.0, 0.0, 0.0, 1.1, 4.6, 0.0, -0.7, 0.9, 5.3};

// Sites in fractional coordinates, with labels; tet first (classes by first appearance).
const std::vector<std::pair<Vec3, std::string>> kSites{
    {Vec3(0.25, 0.25, 0.25), "tet"}, {Vec3(0.0, 0.0, 0.0), "oct"}, {Vec3(0.5, 0.5, 0.0), "oct"},
    {Vec3(0.75, 0.75, 0.75), "tet"}, {Vec3(0.5, 0.0, 0.5), "oct"}, {Vec3(-0.25, 0.5, 1.25), "tet"}};

TEST_F(SiteFile, FractionalAndCartesianGiveTheSameLattice) {
  std::string fractional = "# rocksalt-like test sites\n\nfractional   # keyword\n";
  std::string cart = "Cartesian\n";
  for (const auto &[f, label] : kSites) {
    fractional += fmt::format("{:.17g} {:.17g} {:.17g} {}  # a site\n", f[0], f[1], f[2], label);
    const Vec3 r = cartesian(kSkewedCell, f);
    cart += fmt::format("  {:.17g}\t{:.17g} {:.17g} {}\n", r[0], r[1], r[2], label);
  }
  const auto from_f = io::site_lattice_from_file(write("f.sites", fractional), kSkewedCell, 0);
  const auto from_c = io::site_lattice_from_file(write("c.sites", cart), kSkewedCell, 0);
  ASSERT_EQ(from_f.sites(), 6);
  ASSERT_EQ(from_c.sites(), 6);
  for (int s = 0; s < 6; ++s) {
    Vec3 expected = kSites[s].first;
    for (int k = 0; k < 3; ++k)
      expected[k] -= std::floor(expected[k]);
    for (int k = 0; k < 3; ++k) {
      EXPECT_NEAR(from_f.fractional[s][k], expected[k], 1e-12) << "site " << s;
      EXPECT_NEAR(from_c.fractional[s][k], from_f.fractional[s][k], 1e-12) << "site " << s;
    }
  }
  EXPECT_EQ(from_c.site_class, from_f.site_class);
  EXPECT_EQ(from_c.class_names, from_f.class_names);

  const auto contents = io::read_site_file((dir_ / "c.sites").string());
  EXPECT_TRUE(contents.cartesian);
  EXPECT_EQ(contents.positions.size(), 6u);
  EXPECT_NEAR((contents.positions[5] - cartesian(kSkewedCell, kSites[5].first)).norm(), 0, 1e-14);
}

TEST_F(SiteFile, LabelsMapToClassesInOrderOfFirstAppearance) {
  std::string text = "fractional\n";
  for (const auto &[f, label] : kSites)
    text += fmt::format("{} {} {} {}\n", f[0], f[1], f[2], label);
  const auto lattice = io::site_lattice_from_file(write("labels.sites", text), kSkewedCell);
  EXPECT_EQ(lattice.class_names, (std::vector<std::string>{"tet", "oct"}));
  EXPECT_EQ(lattice.site_class, (std::vector<int>{0, 1, 1, 0, 1, 0}));

  const auto contents = io::read_site_file((dir_ / "labels.sites").string());
  EXPECT_FALSE(contents.cartesian);
  EXPECT_EQ(contents.labels_per_site,
            (std::vector<std::string>{"tet", "oct", "oct", "tet", "oct", "tet"}));
}

TEST_F(SiteFile, UnlabelledSitesFormOneClass) {
  const auto path = write("plain.sites", "fractional\n0 0 0\n0.5 0.5 0.5\n+0.5 0 0\n");
  const auto lattice = io::site_lattice_from_file(path, kSkewedCell, 0.4);
  EXPECT_EQ(lattice.class_names, std::vector<std::string>{"site"});
  EXPECT_EQ(lattice.site_class, (std::vector<int>{0, 0, 0}));
  EXPECT_EQ(lattice.site_radius_A, 0.4);
  EXPECT_TRUE(io::read_site_file(path).labels_per_site.empty());
}

TEST_F(SiteFile, BadFilesNameTheFileAndLine) {
  struct Case {
    const char *name, *text, *where, *detail;
  };
  const Case cases[] = {
      {"no_keyword", "# sites\n0.1 0.2 0.3\n", "line 2", "0.1 0.2 0.3"},
      {"only_comments", "# nothing\n\n", "line 2", "keyword"},
      {"keyword_and_more", "fractional coordinates\n0 0 0\n", "line 1", "fractional coordinates"},
      {"unknown_keyword", "direct\n0 0 0\n", "line 1", "direct"},
      {"bad_number", "fractional\n0.1 0.2 0.3\n0.1 abc 0.3\n", "line 3", "abc"},
      {"not_finite", "fractional\nnan 0 0\n", "line 2", "nan"},
      {"too_few_columns", "fractional\n\n0.1 0.2\n", "line 3", "0.1 0.2"},
      {"too_many_columns", "fractional\n0.1 0.2 0.3 A B\n", "line 2", "A B"},
      {"label_then_none", "fractional\n0.1 0.2 0.3 A\n0.5 0.5 0.5\n", "line 3", "0.5 0.5 0.5"},
      {"none_then_label", "fractional\n0.1 0.2 0.3\n0.5 0.5 0.5 A\n", "line 3", "0.5 0.5 0.5 A"},
      {"no_sites", "# header\ncartesian\n\n", "line 3", "no sites"},
  };
  for (const Case &c : cases) {
    const std::string path = write(std::string(c.name) + ".sites", c.text);
    try {
      io::site_lattice_from_file(path, kSkewedCell);
      ADD_FAILURE() << c.name << ": no error";
    } catch (const InputError &e) {
      const std::string message = e.what();
      EXPECT_NE(message.find(path), std::string::npos) << c.name << ": " << message;
      EXPECT_NE(message.find(c.where), std::string::npos) << c.name << ": " << message;
      EXPECT_NE(message.find(c.detail), std::string::npos) << c.name << ": " << message;
    }
  }

  // Without a line to name: the file is missing, make_site_lattice refuses the list (coincident
  // sites), or the cell cannot convert Cartesian sites.
  const std::string missing = (dir_ / "missing.sites").string();
  const std::string coincident =
      write("coincident.sites", "fractional\n0.1 0.2 0.3\n1.1 0.2 0.3\n");
  const std::string cartesian_sites = write("cartesian.sites", "cartesian\n1 1 1\n2 2 2\n");
  const CellRows singular{5, 0, 0, 5, 0, 0, 0, 0, 5};
  for (const auto &[path, cell] :
       {std::pair{missing, kSkewedCell}, std::pair{coincident, kSkewedCell},
        std::pair{cartesian_sites, singular}}) {
    try {
      io::site_lattice_from_file(path, cell);
      ADD_FAILURE() << path << ": no error";
    } catch (const InputError &e) {
      EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
    }
  }
  EXPECT_THROW(io::read_site_file(missing), InputError);
}

} // namespace
} // namespace ionbath::analysis
