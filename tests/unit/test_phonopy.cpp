// phonopy's files into Crystal (io/phonopy.hpp, crystal/force_constants.hpp; physics.md §12.4):
// scripts/phonopy_examples.py writes spring-model force constants with phonopy's own writers and
// records phonopy's frequencies and thermal displacement matrices from those files. The crystals
// read here must reproduce them, equal ionbath's built-in crystals of the same springs, and not
// depend on the file format; malformed copies must fail naming the file, key and value.
//
// Constants: phonopy 2.17 uses older CODATA values (AMU, EV, Hbar, Kb in phonopy/units.py) than
// ionbath (units.hpp). Its frequencies are √(eigenvalue of Φ/m in eV/Å²/AMU) × its factor, ours the
// same eigenvalue with our constants, so Ω_ours × r_ω = 2π ν_phonopy with r_ω = factor_phonopy /
// factor_ours (r_ω − 1 ≈ −1.2e-7, more than the 1e-8 compared). The thermal matrices are compared
// the same way: our mode sum with phonopy's ħω/k_BT per mode (k_BT mapped) and phonopy's ħ/mω.
#include "ionbath/io/phonopy.hpp"

#include "ionbath/core/error.hpp"
#include "ionbath/core/units.hpp"
#include "ionbath/crystal/builders.hpp"
#include "ionbath/crystal/dynamical_matrix.hpp"
#include "ionbath/crystal/mode_set.hpp"
#include "ionbath/crystal/thermal_covariance.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <sstream>
#include <unistd.h>

namespace ionbath::io {
namespace {

namespace fs = std::filesystem;
using crystal::Crystal;

constexpr const char *kExamples[] = {"simple_cubic", "rocksalt_fcc", "rocksalt_cubic"};

bool run(const std::string &command) {
  return std::system(command.c_str()) == 0;
}

std::string read_text(const fs::path &path) {
  std::stringstream s;
  s << std::ifstream(path).rdbuf();
  return s.str();
}

void write_text(const fs::path &path, const std::string &text) {
  std::ofstream(path) << text;
}

// The generator's output, cached in the temporary directory under the hash of the script (ctest
// runs every test in a process of its own), made atomically (parallel ctest may race for it).
class Phonopy : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    root_ = fs::temp_directory_path() / fmt::format("ionbath_phonopy_{}", ::getpid());
    fs::remove_all(root_);
    fs::create_directories(root_);
    const fs::path script = fs::path(IONBATH_SOURCE_DIR) / "scripts" / "phonopy_examples.py";
    examples_ =
        fs::temp_directory_path() / fmt::format("ionbath_phonopy_examples_{:016x}",
                                                std::hash<std::string>{}(read_text(script)));
    have_phonopy_ = fs::is_directory(examples_) ||
                    run("/usr/bin/python3 -c 'import phonopy, h5py' > /dev/null 2>&1");
    if (!have_phonopy_ || fs::is_directory(examples_))
      return;
    const fs::path scratch = root_ / "examples";
    const bool generated = run(fmt::format("/usr/bin/python3 {} {} > {} 2>&1", script.string(),
                                           scratch.string(), (root_ / "generator.log").string()));
    std::error_code ec; // another process may have been first: its copy is as good
    if (generated)
      fs::rename(scratch, examples_, ec);
  }
  static void TearDownTestSuite() {
    if (!root_.empty())
      fs::remove_all(root_);
  }
  void SetUp() override {
    if (!have_phonopy_)
      GTEST_SKIP() << "phonopy is not importable by /usr/bin/python3 (install python3-phonopy: "
                      "scripts/setup.sh --for-tests)";
    ASSERT_TRUE(fs::is_directory(examples_)) << "scripts/phonopy_examples.py failed:\n"
                                             << read_text(root_ / "generator.log");
  }

  static fs::path example(const std::string &name) { return examples_ / name; }
  // A fresh copy of some of an example's files, for one bad-input case.
  static fs::path copy(const std::string &name, std::initializer_list<const char *> files) {
    const auto *info = ::testing::UnitTest::GetInstance()->current_test_info();
    const fs::path dir = root_ / fmt::format("{}_{}_{}", info->name(), name, counter_++);
    fs::create_directories(dir);
    for (const char *f : files)
      fs::copy_file(example(name) / f, dir / f);
    return dir;
  }

  static inline bool have_phonopy_ = false;
  static inline fs::path root_, examples_;
  static inline int counter_ = 0;
};

// ------------------------------------------------------------------------------------------------
// Unit conversions between phonopy's constants and ours (see the top of the file).
struct Conversion {
  double omega_ratio; // r_ω = ω_phonopy / ω_ours for the same Φ and masses
  double hbar_phonopy_meV_ps, kB_phonopy_meV_per_K;
};

Conversion conversion(const YAML::Node &reference) {
  const YAML::Node c = reference["constants"];
  const double ours = std::sqrt(units::meV_per_eV / units::dalton_in_mass_unit) / (2 * units::pi);
  return {c["frequency_factor_THz"].as<double>() / ours, c["Hbar_eV_s"].as<double>() * 1e15,
          c["Kb_eV_per_K"].as<double>() * units::meV_per_eV};
}

Vec3 vec3(const YAML::Node &n) {
  return {n[0].as<double>(), n[1].as<double>(), n[2].as<double>()};
}

// Signed frequencies (phonopy's convention: negative for Ω² < 0), ascending.
Eigen::VectorXd omegas(const crystal::DynamicalMatrix &d, const Vec3 &q) {
  const Eigen::VectorXd w2 = d.branches(q).omega2;
  return w2.unaryExpr([](double x) { return std::copysign(std::sqrt(std::abs(x)), x); });
}

// Largest |ΔΩ| / max_u |Ω_u(q)| over the reference q-points (ratio = 1: without the mapping).
// The Ω = 0 modes at Γ are square roots of rounding noise on both sides (phonopy's are ~1e-7 THz):
// they only have to be zero to 1e-6 of the scale. At Γ of a one-atom crystal, where every mode is
// zero, the scale is the largest frequency of all the q-points.
double frequency_deviation(const Crystal &c, const YAML::Node &ref, double ratio) {
  const crystal::DynamicalMatrix d(c);
  const std::size_t n_q = ref["q_reduced"].size();
  std::vector<Eigen::VectorXd> ours(n_q), theirs(n_q);
  double top = 0;
  for (std::size_t k = 0; k < n_q; ++k) {
    const Vec3 q = 2 * units::pi * vec3(ref["q_reduced"][k]); // phonopy: phase 2π q·x
    ours[k] = ratio * omegas(d, q);
    const auto nu = ref["frequencies_THz"][k].as<std::vector<double>>();
    theirs[k] = 2 * units::pi *
                Eigen::Map<const Eigen::VectorXd>(nu.data(), Eigen::Index(nu.size())); // Ω = 2π ν
    top = std::max(top, theirs[k].cwiseAbs().maxCoeff());
  }
  double worst = 0;
  for (std::size_t k = 0; k < n_q; ++k) {
    EXPECT_EQ(theirs[k].size(), ours[k].size());
    double scale = theirs[k].cwiseAbs().maxCoeff();
    scale = scale > 1e-3 * top ? scale : top;
    for (Eigen::Index u = 0; u < ours[k].size(); ++u) {
      if (std::abs(theirs[k][u]) < 1e-6 * scale) {
        EXPECT_LT(std::abs(ours[k][u]), 1e-6 * scale) << "a zero mode at q " << k;
        continue;
      }
      worst = std::max(worst, std::abs(ours[k][u] - theirs[k][u]) / scale);
    }
  }
  return worst;
}

TEST_F(Phonopy, FrequenciesEqualPhonopysAtGeneralQ) {
  for (const char *name : kExamples) {
    const PhonopyData data = read_phonopy((example(name) / "phonopy_params.yaml").string());
    const Crystal c = phonopy_crystal(data);
    const YAML::Node ref = YAML::LoadFile((example(name) / "reference.json").string());
    ASSERT_GE(ref["q_reduced"].size(), 20u);
    const Conversion conv = conversion(ref);
    const double mapped = frequency_deviation(c, ref, conv.omega_ratio);
    const double raw = frequency_deviation(c, ref, 1.0);
    std::printf("%s: max relative frequency deviation %.2e (raw, without phonopy's constants "
                "%.2e)\n",
                name, mapped, raw);
    EXPECT_LT(mapped, 1e-8) << name;
    EXPECT_TRUE(data.warnings.empty()) << name;
  }
}

// ------------------------------------------------------------------------------------------------
double max_difference(const Crystal &a, const Crystal &b, int samples, unsigned seed) {
  const crystal::DynamicalMatrix da(a), db(b);
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> angle(-units::pi, units::pi);
  double worst = 0;
  for (int k = 0; k < samples; ++k) {
    const Vec3 q(angle(rng), angle(rng), angle(rng));
    const Eigen::MatrixXcd x = da.hermitian(q), y = db.hermitian(q);
    worst = std::max(worst, (x - y).cwiseAbs().maxCoeff() / y.cwiseAbs().maxCoeff());
  }
  return worst;
}

// physics.md §12.4 fact 1: the seed lattice from phonopy's 4×4×4 supercell is ionbath's
// Crystal::simple_cubic (a = 3 Å, k1 = 520, k2 = 170 meV/Å²). phonopy's yaml prints masses with six
// decimals (33.769866 AMU for 3.5 meV ps²/Å²), so the built-in crystal takes the file's mass.
TEST_F(Phonopy, SimpleCubicIsTheBuiltInLattice) {
  const PhonopyData data = read_phonopy((example("simple_cubic") / "phonopy_params.yaml").string());
  const Crystal c = phonopy_crystal(data);
  const double mass = c.mass();
  EXPECT_NEAR(mass, 3.5, 3.5e-7);
  const Crystal built = Crystal::simple_cubic(3.0, mass, 520.0, 170.0);
  EXPECT_EQ(c.stencil_reach(), 1); // the 4×4×4 supercell's zero blocks are left out
  EXPECT_EQ(c.bonds().size(), built.bonds().size());
  const double dev = max_difference(c, built, 40, 11);
  std::printf("simple cubic: max relative |ΔD(q)| against Crystal::simple_cubic %.2e\n", dev);
  EXPECT_LT(dev, 1e-10);
}

// Two masses on rocksalt as the fcc primitive cell: ionbath's rocksalt builder.
TEST_F(Phonopy, RocksaltIsTheBuiltInRocksalt) {
  const PhonopyData data = read_phonopy((example("rocksalt_fcc") / "phonopy_params.yaml").string());
  const Crystal c = phonopy_crystal(data);
  ASSERT_EQ(c.n_basis(), 2);
  EXPECT_EQ(c.basis()[0].species, "Na");
  EXPECT_EQ(c.basis()[1].species, "Cl");
  EXPECT_NEAR(c.basis()[1].mass, 35.45 * units::dalton_in_mass_unit, 1e-12);
  const Crystal built =
      crystal::rocksalt(2.82, c.basis()[0].mass, c.basis()[1].mass, 1200.0, 150.0);
  const double dev = max_difference(c, built, 40, 12);
  std::printf("rocksalt fcc: max relative |ΔD(q)| against crystal::rocksalt %.2e\n", dev);
  EXPECT_LT(dev, 1e-10);
}

// ------------------------------------------------------------------------------------------------
// Largest element difference between the bond lists (same order) over the largest element.
double bond_difference(const Crystal &a, const Crystal &b) {
  EXPECT_EQ(a.bonds().size(), b.bonds().size());
  if (a.bonds().size() != b.bonds().size())
    return 1.0;
  double worst = 0, scale = 0;
  for (std::size_t k = 0; k < a.bonds().size(); ++k) {
    const auto &x = a.bonds()[k], &y = b.bonds()[k];
    EXPECT_TRUE(x.from == y.from && x.to == y.to && x.offset == y.offset);
    worst = std::max(worst, (x.phi - y.phi).cwiseAbs().maxCoeff());
    scale = std::max(scale, y.phi.cwiseAbs().maxCoeff());
  }
  for (int atom = 0; atom < a.n_basis(); ++atom)
    worst = std::max(worst, (a.onsite_block(atom) - b.onsite_block(atom)).cwiseAbs().maxCoeff());
  return worst / scale;
}

TEST_F(Phonopy, FullCompactTextAndHdf5GiveTheSameCrystal) {
  for (const char *name : kExamples) {
    const fs::path dir = example(name);
    const auto load = [&](const char *yaml, const char *fc = "") {
      const std::string fc_path = *fc ? (dir / fc).string() : "";
      return phonopy_crystal(read_phonopy((dir / yaml).string(), fc_path));
    };
    const Crystal yaml_full = load("phonopy_params.yaml");
    const Crystal yaml_compact = load("phonopy_params_compact.yaml");
    const Crystal text_full = load("phonopy.yaml"); // FORCE_CONSTANTS found beside it
    const Crystal text_compact = load("phonopy.yaml", "FORCE_CONSTANTS_compact");
    const Crystal hdf5_full = load("phonopy.yaml", "force_constants.hdf5");
    const Crystal hdf5_compact = load("phonopy.yaml", "force_constants_compact.hdf5");
    // Full and compact of one format hold the same printed numbers: bitwise equal.
    EXPECT_EQ(bond_difference(yaml_full, yaml_compact), 0.0) << name;
    EXPECT_EQ(bond_difference(text_full, text_compact), 0.0) << name;
    EXPECT_EQ(bond_difference(hdf5_full, hdf5_compact), 0.0) << name;
    // Text (15 decimals) against binary doubles.
    const double text_vs_hdf5 = bond_difference(text_full, hdf5_full);
    const double yaml_vs_hdf5 = bond_difference(yaml_full, hdf5_full);
    std::printf("%s: full = compact bitwise; text vs hdf5 %.2e, yaml vs hdf5 %.2e\n", name,
                text_vs_hdf5, yaml_vs_hdf5);
    EXPECT_LT(text_vs_hdf5, 1e-14) << name;
    EXPECT_LT(yaml_vs_hdf5, 1e-14) << name;
  }
}

TEST_F(Phonopy, ConversionsAndRepresentativesAreReported) {
  const PhonopyData data =
      read_phonopy((example("rocksalt_fcc") / "phonopy.yaml").string(),
                   (example("rocksalt_fcc") / "FORCE_CONSTANTS_compact").string());
  EXPECT_EQ(data.force_constants_format, "compact");
  EXPECT_EQ(data.force_constants_path,
            (example("rocksalt_fcc") / "FORCE_CONSTANTS_compact").string());
  EXPECT_EQ(data.mass_factor, units::dalton_in_mass_unit);
  EXPECT_EQ(data.force_constant_factor, 1000.0);
  EXPECT_EQ(data.supercell_atoms(), 54);
  EXPECT_EQ(data.force_constants.phi.rows(), 3 * 54); // expanded to the full form
  EXPECT_EQ(data.force_constants.representatives, (std::vector<int>{0, 27}));
  EXPECT_TRUE(data.supercell_matrix.isApprox(3 * Eigen::Matrix3i::Identity()));
}

// The acoustic sum rule holds in the spring files to rounding; the folded bonds are symmetric.
TEST_F(Phonopy, SumRuleAndSymmetryCorrectionsAreSmall) {
  for (const char *name : kExamples)
    for (const char *yaml : {"phonopy_params.yaml", "phonopy.yaml"}) {
      const Crystal c = phonopy_crystal(read_phonopy((example(name) / yaml).string()));
      double largest = 0;
      for (const auto &b : c.bonds())
        largest = std::max(largest, b.phi.cwiseAbs().maxCoeff());
      EXPECT_LT(c.sum_rule_correction(), 1e-12 * largest) << name << " " << yaml;
      EXPECT_LT(c.symmetry_correction(), 1e-12 * largest) << name << " " << yaml;
    }
  // The self terms were read (and replaced): one per basis atom among the folded bonds.
  for (const char *name : kExamples) {
    const PhonopyData data = read_phonopy((example(name) / "phonopy.yaml").string());
    int self_terms = 0;
    for (const auto &b : crystal::folded_bonds(data.force_constants))
      self_terms += b.from == b.to && b.offset.isZero() && !b.phi.isZero();
    EXPECT_EQ(self_terms, data.unit_cell_atoms()) << name;
  }
}

// physics.md §12.4 fact 3: ⟨u_b u_bᵀ⟩ = (ħ/N m_b) Σ_{q,u} e e† (n + ½)/Ω on the Γ-centred mesh
// (mode_covariance at L = 0; phonopy's thermal_displacement_matrices, zero modes at Γ left out).
TEST_F(Phonopy, ThermalDisplacementMatricesEqualPhonopys) {
  for (const char *name : kExamples) {
    const Crystal c =
        phonopy_crystal(read_phonopy((example(name) / "phonopy_params.yaml").string()));
    const YAML::Node ref = YAML::LoadFile((example(name) / "reference.json").string());
    const Conversion conv = conversion(ref);
    const YAML::Node mesh = ref["mesh"];
    const crystal::ModeSet modes(c, {mesh[0].as<int>(), mesh[1].as<int>(), mesh[2].as<int>()});
    const double hbar = c.units().hbar;
    double mapped = 0, raw = 0;
    for (std::size_t t = 0; t < ref["temperatures_K"].size(); ++t) {
      const double T = ref["temperatures_K"][t].as<double>();
      // Same ħω/k_BT per mode as phonopy: k_BT' = k_BT_phonopy (ħ_ours/ħ_phonopy) / r_ω.
      const double kT_mapped =
          conv.kB_phonopy_meV_per_K * T * (hbar / conv.hbar_phonopy_meV_ps) / conv.omega_ratio;
      const double scale = conv.hbar_phonopy_meV_ps / hbar * conv.omega_ratio; // ħ/mω
      for (int b = 0; b < c.n_basis(); ++b) {
        Mat3 theirs;
        for (int i = 0; i < 3; ++i)
          theirs.row(i) = vec3(ref["thermal_displacement_matrices_A2"][t][std::size_t(b)][i]);
        const double norm = theirs.cwiseAbs().maxCoeff();
        const Mat3 ours = mode_covariance(modes, kT_mapped, b, Cell::Zero(), b).displacement;
        const Mat3 plain =
            mode_covariance(modes, units::kelvin_to_meV(T), b, Cell::Zero(), b).displacement;
        mapped = std::max(mapped, (scale * ours - theirs).cwiseAbs().maxCoeff() / norm);
        raw = std::max(raw, (plain - theirs).cwiseAbs().maxCoeff() / norm);
      }
    }
    std::printf("%s: max relative thermal displacement deviation %.2e (raw, with ionbath's "
                "constants %.2e)\n",
                name, mapped, raw);
    EXPECT_LT(mapped, 1e-6) << name;
    EXPECT_LT(raw, 1e-5) << name; // the constants alone differ by ~1e-6
  }
}

TEST_F(Phonopy, BornFileBesideTheYamlIsAWarning) {
  const fs::path dir = copy("rocksalt_fcc", {"phonopy_params.yaml"});
  write_text(dir / "BORN", "14.4\n1 0 0 0 1 0 0 0 1\n1 0 0 0 1 0 0 0 1\n");
  const PhonopyData data = read_phonopy((dir / "phonopy_params.yaml").string());
  ASSERT_EQ(data.warnings.size(), 1u);
  EXPECT_NE(data.warnings[0].find((dir / "BORN").string()), std::string::npos);
  EXPECT_NE(data.warnings[0].find("non-analytic"), std::string::npos);
}

// ------------------------------------------------------------------------------------------------
// shortest_images against a brute-force search over a large box, in a strongly skewed supercell,
// for random vectors and for vectors halfway along supercell translations (multiplicity ≥ 2).
std::vector<Cell> brute_force_images(const Vec3 &v, const Mat3 &s, double symprec_A) {
  std::vector<std::pair<double, Cell>> all;
  double shortest = 1e300;
  for (int x = -9; x <= 9; ++x)
    for (int y = -9; y <= 9; ++y)
      for (int z = -9; z <= 9; ++z) {
        const double length = (v + s * Vec3(x, y, z)).norm();
        shortest = std::min(shortest, length);
        all.emplace_back(length, Cell(x, y, z));
      }
  std::vector<Cell> images;
  for (const auto &[length, T] : all)
    if (length - shortest < symprec_A)
      images.push_back(T);
  return images;
}

TEST(SupercellFolding, ShortestImagesMatchABruteForceSearch) {
  Mat3 s; // columns: a skewed supercell
  s << 6.0, 5.2, 0.3, 0.0, 2.0, 0.4, 0.1, 0.0, 3.0;
  std::mt19937 rng(5);
  std::uniform_real_distribution<double> coordinate(-12.0, 12.0);
  std::vector<Vec3> vectors;
  for (int k = 0; k < 150; ++k)
    vectors.emplace_back(coordinate(rng), coordinate(rng), coordinate(rng));
  for (const Vec3 &half : {Vec3(0.5, 0, 0), Vec3(0.5, 0.5, 0), Vec3(0, 0.5, 0.5), Vec3(2.5, -1, 0)})
    vectors.push_back(s * half);
  int multiple = 0;
  for (const Vec3 &v : vectors) {
    const auto expected = brute_force_images(v, s, 1e-5);
    auto got = crystal::shortest_images(v, s, 1e-5);
    ASSERT_EQ(got.size(), expected.size()) << v.transpose();
    for (const Cell &T : expected)
      EXPECT_NE(std::find(got.begin(), got.end(), T), got.end()) << T.transpose();
    multiple += expected.size() > 1;
  }
  EXPECT_GE(multiple, 4); // the halfway vectors
}

// ------------------------------------------------------------------------------------------------
// Bad input: each case a modified copy of a valid file.

// The InputError message of reading (and folding) yaml with fc ("" if none).
std::string input_error(const fs::path &yaml, const fs::path &fc = {}) {
  try {
    phonopy_crystal(read_phonopy(yaml.string(), fc.string()));
  } catch (const InputError &e) {
    return e.what();
  }
  return "";
}

// Replaces the first `from` after `anchor` by `to` in a text file.
void edit(const fs::path &path, const std::string &from, const std::string &to,
          const std::string &anchor = "") {
  std::string text = read_text(path);
  const auto at = text.find(from, text.find(anchor));
  ASSERT_NE(at, std::string::npos) << from;
  text.replace(at, from.size(), to);
  write_text(path, text);
}

void expect_error(const std::string &message, std::initializer_list<std::string> parts) {
  ASSERT_FALSE(message.empty()) << "no InputError";
  for (const auto &p : parts)
    EXPECT_NE(message.find(p), std::string::npos) << "'" << p << "' not in: " << message;
}

void h5py_edit(const fs::path &file, const std::string &python) {
  ASSERT_TRUE(
      run(fmt::format("/usr/bin/python3 -c \"import h5py, numpy as np\nwith h5py.File('{}', "
                      "'r+') as f:\n    {}\"",
                      file.string(), python)));
}

TEST_F(Phonopy, MissingFiles) {
  const fs::path dir = copy("simple_cubic", {"phonopy.yaml"});
  expect_error(input_error(dir / "phonopy_disp.yaml"),
               {(dir / "phonopy_disp.yaml").string(), "no such file"});
  expect_error(input_error(dir / "phonopy.yaml"),
               {(dir / "phonopy.yaml").string(), "no force constants", "FORCE_CONSTANTS"});
  expect_error(input_error(dir / "phonopy.yaml", dir / "fc.hdf5"),
               {(dir / "fc.hdf5").string(), "no such file"});
}

TEST_F(Phonopy, ForceConstantsOfAnotherSupercell) {
  const fs::path dir = copy("simple_cubic", {"phonopy.yaml"});
  fs::copy_file(example("rocksalt_fcc") / "FORCE_CONSTANTS", dir / "FORCE_CONSTANTS");
  expect_error(input_error(dir / "phonopy.yaml"),
               {(dir / "FORCE_CONSTANTS").string(), "(54, 54)", "64 supercell atoms"});
  fs::copy_file(example("rocksalt_fcc") / "force_constants_compact.hdf5", dir / "fc.hdf5");
  expect_error(input_error(dir / "phonopy.yaml", dir / "fc.hdf5"),
               {(dir / "fc.hdf5").string(), "(2, 54)", "64 supercell atoms"});
}

TEST_F(Phonopy, MalformedForceConstantsLines) {
  const fs::path dir = copy("simple_cubic", {"phonopy.yaml", "FORCE_CONSTANTS"});
  const fs::path fc = dir / "FORCE_CONSTANTS";
  const std::string good = read_text(fc);
  // Line 4 is the second row of block (1, 1).
  edit(fc, "-0.000000000000000     1.720000000000000", "-0.000000000000000     1.72.0");
  expect_error(input_error(dir / "phonopy.yaml"),
               {fc.string(), "line 4", "block (1, 1)", "1.72.0"});
  write_text(fc, good);
  edit(fc, "1 2\n", "1 3\n"); // line 6: the header of block (1, 2)
  expect_error(input_error(dir / "phonopy.yaml"), {fc.string(), "line 6", "'1 3'"});
  write_text(fc, good);
  edit(fc, "  64   64", "  64   sixty-four");
  expect_error(input_error(dir / "phonopy.yaml"), {fc.string(), "line 1", "sixty-four"});
  write_text(fc, good.substr(0, good.rfind('\n', good.size() / 2) + 1));
  expect_error(input_error(dir / "phonopy.yaml"), {fc.string(), "truncated"});
}

TEST_F(Phonopy, NonFiniteForceConstants) {
  const fs::path dir =
      copy("simple_cubic", {"phonopy.yaml", "FORCE_CONSTANTS", "phonopy_params_compact.yaml",
                            "force_constants.hdf5"});
  edit(dir / "FORCE_CONSTANTS", "-0.520000000000000", "nan");
  expect_error(input_error(dir / "phonopy.yaml"),
               {(dir / "FORCE_CONSTANTS").string(), "line 7", "non-finite", "nan"});
  edit(dir / "phonopy_params_compact.yaml", "-0.520000000000000", ".inf", "elements:");
  expect_error(input_error(dir / "phonopy_params_compact.yaml"),
               {(dir / "phonopy_params_compact.yaml").string(), "force_constants.elements[1]",
                ".inf", "not a finite number"});
  h5py_edit(dir / "force_constants.hdf5", "f['force_constants'][3, 5, 1, 2] = np.nan");
  expect_error(input_error(dir / "phonopy.yaml", dir / "force_constants.hdf5"),
               {(dir / "force_constants.hdf5").string(), "(4, 6, 2, 3)", "nan"});
}

TEST_F(Phonopy, WrongHdf5ShapeAndP2sMap) {
  const fs::path dir = copy("rocksalt_fcc", {"phonopy.yaml", "force_constants_compact.hdf5"});
  const fs::path fc = dir / "force_constants_compact.hdf5";
  h5py_edit(fc, "f['p2s_map'][1] = 999");
  expect_error(input_error(dir / "phonopy.yaml", fc), {fc.string(), "p2s_map[1] = 999", "outside"});
  h5py_edit(fc, "f['p2s_map'][1] = 1");
  expect_error(input_error(dir / "phonopy.yaml", fc),
               {fc.string(), "p2s_map[1] = 1", "unit-cell atom 1, not 2"});
  h5py_edit(fc, "d = f['force_constants'][:, :, :, :2]; del f['force_constants']; "
                "f['force_constants'] = d");
  expect_error(input_error(dir / "phonopy.yaml", fc), {fc.string(), "shape (2, 54, 3, 2)"});
}

TEST_F(Phonopy, NonDiagonalSupercellMatrix) {
  const fs::path dir = copy("simple_cubic", {"phonopy_params_compact.yaml"});
  const fs::path yaml = dir / "phonopy_params_compact.yaml";
  edit(yaml, "- [   4,   0,   0 ]", "- [   4,   1,   0 ]", "supercell_matrix:");
  expect_error(input_error(yaml),
               {yaml.string(), "`supercell_matrix`", "[[4, 1, 0], [0, 4, 0]", "diagonal"});
}

TEST_F(Phonopy, PrimitiveMatrixOtherThanIdentity) {
  const fs::path dir = copy("rocksalt_cubic", {"phonopy_params_compact.yaml"});
  const fs::path yaml = dir / "phonopy_params_compact.yaml";
  edit(yaml, "supercell_matrix:",
       "primitive_matrix:\n- [ 0, 0.5, 0.5 ]\n- [ 0.5, 0, 0.5 ]\n- [ 0.5, 0.5, 0 ]\n\n"
       "supercell_matrix:");
  expect_error(input_error(yaml), {yaml.string(), "`primitive_matrix`", "0.5", "identity"});
}

TEST_F(Phonopy, NonPositiveMass) {
  const fs::path dir = copy("rocksalt_fcc", {"phonopy_params_compact.yaml"});
  const fs::path yaml = dir / "phonopy_params_compact.yaml";
  edit(yaml, "mass: 35.450000", "mass: -35.450000", "unit_cell:");
  expect_error(input_error(yaml),
               {yaml.string(), "`unit_cell.points[1].mass` = -35.450000", "positive"});
}

TEST_F(Phonopy, MissingKeys) {
  const fs::path dir = copy("rocksalt_fcc", {"phonopy.yaml", "FORCE_CONSTANTS"});
  const fs::path yaml = dir / "phonopy.yaml";
  const std::string good = read_text(yaml);
  edit(yaml, "  points:", "  atoms:", "supercell:");
  expect_error(input_error(yaml), {yaml.string(), "missing key `supercell.points`"});
  write_text(yaml, good);
  edit(yaml, "supercell_matrix:", "supercell_multiplier:");
  expect_error(input_error(yaml), {yaml.string(), "missing key `supercell_matrix`"});
  write_text(yaml, good);
  edit(yaml, "    mass: 22.990000\n", "", "unit_cell:");
  expect_error(input_error(yaml), {yaml.string(), "missing key `unit_cell.points[0].mass`"});
}

TEST_F(Phonopy, InconsistentCellsAndUnits) {
  const fs::path dir = copy("rocksalt_fcc", {"phonopy.yaml", "FORCE_CONSTANTS"});
  const fs::path yaml = dir / "phonopy.yaml";
  const std::string good = read_text(yaml);
  edit(yaml, "- [   3,   0,   0 ]", "- [   2,   0,   0 ]", "supercell_matrix:");
  expect_error(input_error(yaml), {yaml.string(), "`supercell.lattice`", "supercell_matrix"});
  write_text(yaml, good);
  edit(yaml, "  atomic_mass: \"AMU\"", "  atomic_mass: \"AMU\"\n  length: \"au\"");
  expect_error(input_error(yaml), {yaml.string(), "`physical_unit.length` = au", "unsupported"});
  write_text(yaml, good);
  // A supercell atom moved off its lattice site.
  edit(yaml, "coordinates: [  0.000000000000000,  0.000000000000000,  0.333333333333333 ]",
       "coordinates: [  0.000000000000000,  0.000000000000000,  0.340000000000000 ]", "supercell:");
  expect_error(input_error(yaml),
               {yaml.string(), "supercell.points", "supercell atom", "0 unit-cell"});
  write_text(yaml, good);
  edit(yaml, "  points:", "  points: [", "unit_cell:");
  expect_error(input_error(yaml), {yaml.string(), "invalid YAML"});
}

} // namespace
} // namespace ionbath::io
