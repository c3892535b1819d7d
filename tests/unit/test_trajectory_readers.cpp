// Trajectory readers (io/trajectory_reader.hpp) on files written by independent programs:
// LAMMPS (lmp), ASE (python3-ase), h5py in the layouts of LAMMPS `dump h5md` and MDAnalysis,
// and our own H5MD writer; bad files must fail with messages naming the file and the value.
#include "ionbath/io/trajectory_reader.hpp"

#include "ionbath/core/error.hpp"
#include "ionbath/io/h5md.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <zlib.h>

#include <array>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace ionbath::io {
namespace {

namespace fs = std::filesystem;

// A fresh directory per test.
fs::path temp_dir() {
  const auto *info = ::testing::UnitTest::GetInstance()->current_test_info();
  const auto dir = fs::temp_directory_path() / fmt::format("ionbath_readers_{}_{}_{}", ::getpid(),
                                                           info->test_suite_name(), info->name());
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

void write_text(const fs::path &path, const std::string &text) {
  std::ofstream(path) << text;
}

std::string read_text(const fs::path &path) {
  std::stringstream s;
  s << std::ifstream(path).rdbuf();
  return s.str();
}

// Runs a command; false if it fails.
bool run(const std::string &command) {
  return std::system(command.c_str()) == 0;
}

bool have(const char *program) {
  return run(fmt::format("command -v {} > /dev/null 2>&1", program));
}

// Every frame of a trajectory, read in chunks of `chunk` frames.
TrajectoryChunk read_all(TrajectoryReader &reader, std::int64_t chunk = 7) {
  TrajectoryChunk all;
  all.particles = reader.particles();
  for (;;) {
    auto c = reader.read_chunk(chunk);
    if (c.frames == 0)
      return all;
    EXPECT_EQ(c.first_frame, all.frames);
    EXPECT_LE(c.frames, chunk);
    all.frames += c.frames;
    all.positions.insert(all.positions.end(), c.positions.begin(), c.positions.end());
    all.times_ps.insert(all.times_ps.end(), c.times_ps.begin(), c.times_ps.end());
    all.steps.insert(all.steps.end(), c.steps.begin(), c.steps.end());
    all.cells.insert(all.cells.end(), c.cells.begin(), c.cells.end());
  }
}

// The message of the InputError that opening and reading `path` throws ("" if none).
std::string input_error(const fs::path &path, TrajectoryOptions options = {}) {
  try {
    auto reader = open_trajectory(path.string(), options);
    read_all(reader);
  } catch (const InputError &e) {
    return e.what();
  }
  return "";
}

// Free flight (pair_style zero): r(t) = r0 + v t. Atom 2 moves differently from 1 and 3.
constexpr std::array<std::array<double, 3>, 3> kStart{{{1, 1, 1}, {5, 4, 3}, {8, 7, 6}}};
constexpr std::array<std::array<double, 3>, 3> kVelocity{
    {{23, -17, 11}, {-31, 7, -13}, {23, -17, 11}}};
constexpr double kTimestep = 0.002; // ps
constexpr int kFrames = 51;         // steps 0, 10, ..., 500

// A LAMMPS run of three free atoms in `region` (block or prism), dumped in several styles.
fs::path run_lammps(const std::string &region) {
  if (!have("lmp"))
    ADD_FAILURE() << "lmp not found: install the Debian package lammps (scripts/setup.sh "
                     "--for-tests)";
  const fs::path dir = temp_dir();
  std::string input = fmt::format(R"(units metal
atom_style atomic
boundary p p p
region box {} units box
create_box 2 box
mass * 10.0
)",
                                  region);
  for (int i = 0; i < 3; ++i)
    input += fmt::format("create_atoms {} single {} {} {} units box\n", i == 1 ? 2 : 1,
                         kStart[i][0], kStart[i][1], kStart[i][2]);
  input += "pair_style zero 3.0\npair_coeff * *\n";
  for (int i = 0; i < 3; ++i)
    input += fmt::format("group g{0} id {0}\nvelocity g{0} set {1} {2} {3} units box\n", i + 1,
                         kVelocity[i][0], kVelocity[i][1], kVelocity[i][2]);
  input += fmt::format("fix 1 all nve\ntimestep {}\n", kTimestep);
  const char *dumps[][2] = {{"images", "id type x y z ix iy iz"},
                            {"unwrapped", "id type xu yu zu"},
                            {"wrapped", "id type x y z"},
                            {"scaled", "id type element xs ys zs"}};
  for (const auto &[name, columns] : dumps)
    input += fmt::format("dump {0} all custom 10 {0}.dump {1}\n"
                         "dump_modify {0} format float %20.15g sort 3\n",
                         name, columns); // sorted by x: the id order changes from frame to frame
  input += "dump_modify scaled element Li O\nrun 500\n";
  write_text(dir / "in.free", input);
  EXPECT_TRUE(run(fmt::format("cd {} && env -i PATH=/usr/bin:/bin HOME={} lmp -in in.free -log "
                              "log.lammps -screen none",
                              dir.string(), dir.string())))
      << "lmp failed; see " << (dir / "log.lammps");
  return dir;
}

void expect_straight_lines(const TrajectoryChunk &c, double tolerance) {
  ASSERT_EQ(c.frames, kFrames);
  ASSERT_EQ(c.particles, 3);
  for (std::int64_t f = 0; f < c.frames; ++f) {
    EXPECT_EQ(c.steps[f], 10 * f);
    EXPECT_NEAR(c.times_ps[f], 10 * f * kTimestep, 1e-12);
    for (int p = 0; p < 3; ++p)
      for (int k = 0; k < 3; ++k)
        ASSERT_NEAR(c.position(f, p, k), kStart[p][k] + kVelocity[p][k] * c.times_ps[f], tolerance)
            << "frame " << f << " particle " << p << " axis " << k;
  }
}

void check_lammps_run(const fs::path &dir, const CellMatrix &cell) {
  for (const char *name : {"images", "unwrapped", "wrapped", "scaled"}) {
    SCOPED_TRACE(name);
    auto reader =
        open_trajectory((dir / (std::string(name) + ".dump")).string(), {.timestep_ps = kTimestep});
    EXPECT_EQ(reader.format(), "lammps-dump");
    EXPECT_EQ(reader.ids(), (std::vector<std::int64_t>{1, 2, 3}));
    EXPECT_EQ(reader.types(), (std::vector<std::int64_t>{1, 2, 1}));
    EXPECT_TRUE(reader.periodic());
    const auto c = read_all(reader);
    expect_straight_lines(c, 1e-9);
    for (std::int64_t f = 0; f < c.frames; ++f)
      for (int k = 0; k < 9; ++k)
        EXPECT_NEAR(c.cell(f)[k], cell[k], 1e-12);
  }
  // The element column names the species; select by name and by type number.
  auto oxygen =
      open_trajectory((dir / "scaled.dump").string(), {.species = {"O"}, .timestep_ps = kTimestep});
  EXPECT_EQ(oxygen.ids(), std::vector<std::int64_t>{2});
  EXPECT_EQ(oxygen.species(), std::vector<std::string>{"O"});
  auto type1 =
      open_trajectory((dir / "images.dump").string(), {.types = {1}, .timestep_ps = kTimestep});
  EXPECT_EQ(type1.ids(), (std::vector<std::int64_t>{1, 3}));
  EXPECT_EQ(read_all(type1, 100).positions.size(), std::size_t(kFrames * 2 * 3));
}

TEST(LammpsDumpReader, OrthogonalBoxUnwrapsToStraightLines) {
  const auto dir = run_lammps("block 0 10 0 9 0 8");
  check_lammps_run(dir, {10, 0, 0, 0, 9, 0, 0, 0, 8});
}

TEST(LammpsDumpReader, TriclinicBoxUnwrapsToStraightLines) {
  // prism xlo xhi ylo yhi zlo zhi xy xz yz: a = (10,0,0), b = (2,9,0), c = (1,0.5,8).
  const auto dir = run_lammps("prism 0 10 0 9 0 8 2 1 0.5");
  check_lammps_run(dir, {10, 0, 0, 2, 9, 0, 1, 0.5, 8});
}

// A hand-written dump: frames of two atoms, `x0` the x of atom 1 per frame (wrapped, box 10 Å).
std::string small_dump(const std::vector<double> &x0, const std::vector<int> &steps,
                       const std::string &columns = "id type x y z") {
  std::string text;
  for (std::size_t f = 0; f < x0.size(); ++f) {
    text += fmt::format("ITEM: TIMESTEP\n{}\nITEM: NUMBER OF ATOMS\n2\nITEM: BOX BOUNDS pp pp pp\n"
                        "0 10\n0 10\n0 10\nITEM: ATOMS {}\n",
                        steps[f], columns);
    text += fmt::format("2 2 5 5 5\n1 1 {} 1 1\n", x0[f]);
  }
  return text;
}

TEST(LammpsDumpReader, BadFilesGiveClearMessages) {
  const auto dir = temp_dir();
  const TrajectoryOptions dt{.timestep_ps = 0.001};
  write_text(dir / "good.dump", small_dump({1, 2, 3}, {0, 10, 20}));
  EXPECT_EQ(input_error(dir / "good.dump", dt), "");
  EXPECT_NE(input_error(dir / "good.dump").find("timestep_ps"), std::string::npos);

  const std::string good = read_text(dir / "good.dump");
  write_text(dir / "truncated.dump", good.substr(0, good.rfind("1 1 3")));
  auto message = input_error(dir / "truncated.dump", dt);
  EXPECT_NE(message.find("truncated.dump: frame 3 (step 20): truncated: 1 of 2 atom lines"),
            std::string::npos)
      << message;

  write_text(dir / "columns.dump", small_dump({1, 2}, {0, 10}, "id type x y"));
  message = input_error(dir / "columns.dump", dt);
  EXPECT_NE(message.find("missing columns"), std::string::npos) << message;
  EXPECT_NE(message.find("columns.dump"), std::string::npos) << message;

  write_text(dir / "short.dump", small_dump({1, 2}, {0, 10}, "id type x y z vx"));
  message = input_error(dir / "short.dump", dt);
  EXPECT_NE(message.find("line 10: missing columns: 5 values"), std::string::npos) << message;

  write_text(dir / "uneven.dump", small_dump({1, 2, 3, 4}, {0, 10, 20, 40}));
  message = input_error(dir / "uneven.dump", dt);
  EXPECT_NE(message.find("uneven.dump: frame 4 (step 40): uneven frame spacing: 20 steps after 10"),
            std::string::npos)
      << message;

  message = input_error(dir / "good.dump", {.species = {"Na"}, .timestep_ps = 0.001});
  EXPECT_NE(message.find("species 'Na' is not in the trajectory (it has: 1, 2)"), std::string::npos)
      << message;
  message = input_error(dir / "good.dump", {.types = {7}, .timestep_ps = 0.001});
  EXPECT_NE(message.find("atom type 7 is not in the trajectory"), std::string::npos) << message;

  // 1 → 6.5 Å in a 10 Å box: 0.55 of the box, seen by minimum image as -0.45.
  write_text(dir / "jump.dump", small_dump({1, 2, 7.5}, {0, 10, 20}));
  message = input_error(dir / "jump.dump", dt);
  EXPECT_NE(message.find("jump.dump: frame 3 (step 20): particle id 1 moved -0.450 of the cell "
                         "along lattice vector a"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("ambiguous"), std::string::npos) << message;
  // With image flags the same jump is unambiguous.
  std::string imaged = small_dump({1, 2, 7.5}, {0, 10, 20}, "id type x y z ix iy iz");
  for (std::size_t at; (at = imaged.find(" 5 5 5\n")) != std::string::npos;)
    imaged.replace(at, 7, " 5 5 5 0 0 0@");
  for (std::size_t at; (at = imaged.find(" 1 1\n")) != std::string::npos;)
    imaged.replace(at, 5, " 1 1 0 0 0@");
  std::replace(imaged.begin(), imaged.end(), '@', '\n');
  write_text(dir / "jump_images.dump", imaged);
  EXPECT_EQ(input_error(dir / "jump_images.dump", dt), "");

  std::string changing = small_dump({1, 2}, {0, 10});
  changing.replace(changing.rfind("NUMBER OF ATOMS\n2\n"), 18, "NUMBER OF ATOMS\n1\n");
  changing.erase(changing.rfind("2 2 5 5 5\n"), 10);
  write_text(dir / "count.dump", changing);
  message = input_error(dir / "count.dump", dt);
  EXPECT_NE(message.find("count.dump: frame 2 (step 10) has 1 atoms, the first frame had 2"),
            std::string::npos)
      << message;
}

// ASE writes the file; `script` defines `frames`, a list of Atoms.
void ase_write(const fs::path &dir, const std::string &script, const std::string &file,
               const std::string &format) {
  ASSERT_TRUE(run("/usr/bin/python3 -c 'import ase' 2> /dev/null"))
      << "python3-ase not found: install it (scripts/setup.sh --for-tests)";
  write_text(dir / "write.py", script + fmt::format("\nfrom ase.io import write\nwrite('{}', "
                                                    "frames, format='{}')\n",
                                                    (dir / file).string(), format));
  ASSERT_TRUE(run(fmt::format("/usr/bin/python3 {}", (dir / "write.py").string())));
}

// Two Li and one O in a triclinic cell; Li 0 flies across the cell and is wrapped back by ASE.
constexpr const char *kAseFrames = R"(
from ase import Atoms
import numpy as np
cell = np.array([[6.0, 0, 0], [1.0, 5.0, 0], [0.5, 0.8, 7.0]])
frames = []
for k in range(40):
    a = Atoms('Li2O', positions=[[1 + 0.37 * k, 1 - 0.21 * k, 2 + 0.29 * k], [3, 3, 3], [2, 1, 5]],
              cell=cell, pbc=True)
    a.wrap()
    a.info['time'] = 0.05 * k
    frames.append(a)
)";

void expect_ase_line(const TrajectoryChunk &c) {
  ASSERT_EQ(c.frames, 40);
  for (std::int64_t f = 0; f < c.frames; ++f) {
    EXPECT_NEAR(c.times_ps[f], 0.05 * f, 1e-9);
    const double expected[3] = {1 + 0.37 * f, 1 - 0.21 * f, 2 + 0.29 * f};
    for (int k = 0; k < 3; ++k)
      ASSERT_NEAR(c.position(f, 0, k), expected[k], 1e-6) << "frame " << f << " axis " << k;
  }
}

TEST(ExtxyzReader, AseFileUnwrapsInTriclinicCell) {
  const auto dir = temp_dir();
  ase_write(dir, kAseFrames, "traj.xyz", "extxyz");
  auto reader = open_trajectory((dir / "traj.xyz").string(), {.species = {"Li"}});
  EXPECT_EQ(reader.format(), "extxyz");
  EXPECT_EQ(reader.species(), (std::vector<std::string>{"Li", "Li"}));
  const auto c = read_all(reader);
  expect_ase_line(c);
  const CellMatrix cell{6, 0, 0, 1, 5, 0, 0.5, 0.8, 7};
  for (int k = 0; k < 9; ++k)
    EXPECT_NEAR(c.cell(3)[k], cell[k], 1e-12);
}

TEST(ExtxyzReader, UnevenTimesAndDetectionByContent) {
  const auto dir = temp_dir();
  std::string text;
  for (const double t : {0.0, 0.1, 0.3})
    text += fmt::format("1\nLattice=\"5 0 0 0 5 0 0 0 5\" Properties=species:S:1:pos:R:3 "
                        "Time={} pbc=\"T T T\"\nNa 1 2 3\n",
                        t);
  write_text(dir / "trajectory", text); // no extension: the comment line tells the format
  const auto message = input_error(dir / "trajectory");
  EXPECT_NE(message.find("trajectory: frame 3: uneven frame spacing: 0.2 ps after 0.1 ps"),
            std::string::npos)
      << message;
}

TEST(XdatcarReader, AseFileAndGzip) {
  const auto dir = temp_dir();
  ase_write(dir, kAseFrames, "XDATCAR", "vasp-xdatcar");
  // gzip it through zlib
  const std::string text = read_text(dir / "XDATCAR");
  gzFile gz = gzopen((dir / "XDATCAR.gz").c_str(), "wb");
  gzwrite(gz, text.data(), unsigned(text.size()));
  gzclose(gz);
  for (const char *name : {"XDATCAR", "XDATCAR.gz"}) {
    SCOPED_TRACE(name);
    auto reader = open_trajectory((dir / name).string(), {.frame_interval_ps = 0.05});
    EXPECT_EQ(reader.format(), "xdatcar");
    EXPECT_EQ(reader.species(), (std::vector<std::string>{"Li", "Li", "O"}));
    const auto c = read_all(reader);
    EXPECT_EQ(c.steps.front(), 1);
    expect_ase_line(c);
  }
  EXPECT_NE(input_error(dir / "XDATCAR").find("frame_interval_ps"), std::string::npos);
}

TEST(XdatcarReader, VariableCell) {
  // VASP format: the header repeated before every configuration (ISIF = 3); scale 2.
  const auto dir = temp_dir();
  std::string text;
  for (int k = 0; k < 5; ++k) {
    const double a = 2.0 + 0.01 * k; // ×2 → 4 Å + 0.02 Å per frame
    text += fmt::format("LiO\n  2.0\n {} 0 0\n 0 {} 0\n 0 0 3.0\n Li O\n 1 1\n"
                        "Direct configuration= {:5d}\n {:.10f} 0.5 0.5\n 0.0 0.0 0.0\n",
                        a, a, k + 1, std::fmod(0.2 + 0.3 * k, 1.0));
  }
  write_text(dir / "XDATCAR", text);
  auto reader = open_trajectory((dir / "XDATCAR").string(), {.frame_interval_ps = 0.01});
  const auto c = read_all(reader, 2);
  ASSERT_EQ(c.frames, 5);
  for (int k = 0; k < 5; ++k) {
    const double a = 2 * (2.0 + 0.01 * k);
    EXPECT_NEAR(c.cell(k)[0], a, 1e-12);
    EXPECT_NEAR(c.cell(k)[8], 6.0, 1e-12);
    EXPECT_NEAR(c.position(k, 0, 0), (0.2 + 0.3 * k) * a, 1e-9); // unwrapped fraction × a
    EXPECT_NEAR(c.position(k, 0, 1), 0.5 * a, 1e-9);
  }
  write_text(dir / "XDATCAR_cut", text.substr(0, text.rfind(" 0.0 0.0 0.0")));
  EXPECT_NE(input_error(dir / "XDATCAR_cut", {.frame_interval_ps = 0.01})
                .find("XDATCAR_cut: frame 5: truncated: 1 of 2 atom lines"),
            std::string::npos);
}

TEST(H5mdReader, ReadsOurWriter) {
  const auto dir = temp_dir();
  const std::string path = (dir / "ion.h5").string();
  {
    H5mdTrajectoryWriter writer(path, {.config_toml = "", .dt_ps = 0.005}, H5Output::Mode::create,
                                0, /*buffer_frames=*/16);
    for (int f = 0; f < 100; ++f)
      writer.append(4 * f, 0.02 * f, Vec3(0.1 * f, -3.0 * f, 1.5), Vec3(5, -150, 0));
    writer.commit();
  }
  auto reader = open_trajectory(path);
  EXPECT_EQ(reader.format(), "h5md");
  EXPECT_EQ(reader.species(), std::vector<std::string>{"ion"});
  EXPECT_FALSE(reader.periodic());
  const auto c = read_all(reader, 30);
  ASSERT_EQ(c.frames, 100);
  for (int f = 0; f < 100; ++f) {
    EXPECT_EQ(c.steps[f], 4 * f);
    EXPECT_DOUBLE_EQ(c.times_ps[f], 0.02 * f);
    EXPECT_DOUBLE_EQ(c.position(f, 0, 0), 0.1 * f);
    EXPECT_DOUBLE_EQ(c.position(f, 0, 1), -3.0 * f); // far beyond any cell: positions unwrapped
  }
}

// Several particles in a periodic box (issue 10): species labels, ids, wrapped positions with
// image flags. Our reader unwraps them exactly; MDAnalysis (an independent H5MD reader) sees the
// same particles, wrapped positions, times and box.
TEST(H5mdReader, ReadsSeveralParticlesInAPeriodicBox) {
  const auto dir = temp_dir();
  const std::string path = (dir / "ions.h5md").string();
  const Vec3 L(6.0, 7.0, 8.0);
  auto R = [](int f, int i, int axis) { // crosses the box several times
    return 1.0 + 0.5 * i + axis + (i + 1) * (axis == 1 ? -1.3 : 0.9) * f;
  };
  constexpr int frames = 50;
  {
    H5mdTrajectoryInfo info{.config_toml = "", .dt_ps = 0.005};
    info.particles = {"ions", {"Li", "Li", "Na"}, {10, 11, 12}, Mat3(L.asDiagonal())};
    H5mdTrajectoryWriter writer(path, info, H5Output::Mode::create, 0, /*buffer_frames=*/16);
    for (int f = 0; f < frames; ++f) {
      std::vector<double> r, v(9, 0.5);
      for (int i = 0; i < 3; ++i)
        for (int axis = 0; axis < 3; ++axis)
          r.push_back(R(f, i, axis));
      writer.append(4 * f, 0.02 * f, r, v);
    }
    writer.commit();
  }
  auto reader = open_trajectory(path);
  EXPECT_TRUE(reader.periodic());
  EXPECT_EQ(reader.species(), (std::vector<std::string>{"Li", "Li", "Na"}));
  EXPECT_EQ(reader.ids(), (std::vector<std::int64_t>{10, 11, 12}));
  const auto c = read_all(reader, 9);
  ASSERT_EQ(c.frames, frames);
  for (int f = 0; f < frames; ++f)
    for (int i = 0; i < 3; ++i)
      for (int axis = 0; axis < 3; ++axis)
        EXPECT_NEAR(c.position(f, i, axis), R(f, i, axis), 1e-12) << f << " " << i << " " << axis;

  ASSERT_TRUE(run("/usr/bin/python3 -c 'import MDAnalysis' 2> /dev/null"))
      << "python3-mdanalysis not found (scripts/setup.sh --for-tests installs it)";
  write_text(dir / "check.py", fmt::format(R"(
import warnings
warnings.simplefilter("ignore")
import numpy as np
from MDAnalysis.coordinates.H5MD import H5MDReader
r = H5MDReader("{}")
assert r.n_atoms == 3 and r.n_frames == {}, (r.n_atoms, r.n_frames)
L = np.array([6.0, 7.0, 8.0])
for f in (0, 17, 49):
    ts = r[f]
    true = np.array([[1.0 + 0.5 * i + a + (i + 1) * (-1.3 if a == 1 else 0.9) * f
                      for a in range(3)] for i in range(3)])
    assert np.allclose(ts.positions, true - np.floor(true / L) * L, atol=1e-4), ts.positions
    assert np.allclose(ts.dimensions, [6, 7, 8, 90, 90, 90]), ts.dimensions
    assert abs(ts.time - 0.02 * f) < 1e-9, ts.time
)",
                                           path, frames));
  EXPECT_TRUE(run("/usr/bin/python3 " + (dir / "check.py").string()));
}

// A triclinic box (the supercell of a crystal from phonopy, here fcc vectors 8 a_k): positions
// wrapped to fractional coordinates in [0, 1), edges rows the box vectors; our reader unwraps
// them to the written trajectory, and MDAnalysis sees the box's lengths and 60° angles.
TEST(H5mdReader, UnwrapsATriclinicBox) {
  const auto dir = temp_dir();
  const std::string path = (dir / "fcc.h5md").string();
  Mat3 box; // columns: box vectors
  box << 0, 22.56, 22.56, 22.56, 0, 22.56, 22.56, 22.56, 0;
  auto R = [](int f, int i) { // crosses the box faces several times
    return Vec3(3.0 + 7.1 * f - 2 * i, -1.0 + 4.3 * f * (i + 1), 5.0 - 6.7 * f + i);
  };
  constexpr int frames = 30;
  {
    H5mdTrajectoryInfo info{.config_toml = "", .dt_ps = 0.005};
    info.particles = {"ions", {"Li", "Li"}, {}, box};
    H5mdTrajectoryWriter writer(path, info, H5Output::Mode::create, 0, /*buffer_frames=*/8);
    for (int f = 0; f < frames; ++f) {
      std::vector<double> r, v(6, 0.0);
      for (int i = 0; i < 2; ++i)
        for (int c = 0; c < 3; ++c)
          r.push_back(R(f, i)[c]);
      writer.append(f, 0.01 * f, r, v);
    }
    writer.commit();
  }
  auto reader = open_trajectory(path);
  const auto c = read_all(reader, 6);
  ASSERT_EQ(c.frames, frames);
  for (int f = 0; f < frames; ++f)
    for (int i = 0; i < 2; ++i)
      for (int axis = 0; axis < 3; ++axis)
        EXPECT_NEAR(c.position(f, i, axis), R(f, i)[axis], 1e-11) << f << " " << i << " " << axis;
  write_text(dir / "check.py", fmt::format(R"(
import warnings
warnings.simplefilter("ignore")
import numpy as np, h5py
from MDAnalysis.coordinates.H5MD import H5MDReader
r = H5MDReader("{0}")
assert np.allclose(r.ts.dimensions, [22.56 * 2**0.5] * 3 + [60] * 3), r.ts.dimensions
with h5py.File("{0}") as f:
    edges = f["particles/ions/box/edges/value"][0]
    frac = np.linalg.solve(edges.T, f["particles/ions/position/value"][:].reshape(-1, 3).T)
    assert frac.min() >= 0 and frac.max() < 1, (frac.min(), frac.max())
)",
                                           path));
  EXPECT_TRUE(run("/usr/bin/python3 " + (dir / "check.py").string()));
}

// h5py writes H5MD in the layouts of LAMMPS `dump h5md` (Debian's lmp lacks the H5MD package)
// and of MDAnalysis' H5MDWriter: wrapped positions, image flags or none, edges [3] or [3 × 3].
TEST(H5mdReader, ReadsOtherWritersLayouts) {
  const auto dir = temp_dir();
  ASSERT_TRUE(run("/usr/bin/python3 -c 'import h5py' 2> /dev/null")) << "python3-h5py not found";
  write_text(dir / "write.py", fmt::format(R"(
import h5py, numpy as np
F, dt = 30, 0.1
t = dt * np.arange(F)
true = np.stack([[1 + 0.9 * t, 2 - 0.6 * t, 3 + 0.4 * t], [5 + 0 * t, 5 + 0 * t, 5 + 0 * t]])
true = true.transpose(2, 0, 1)  # [F, 2, 3]
L = np.array([4.0, 5.0, 6.0])
def common(f, g, edges, edge_unit, pos_unit, scale):
    f.create_group('h5md').attrs['version'] = [1, 1]
    box = f.create_group(f'/particles/{{g}}/box')
    box.attrs['dimension'] = 3
    box.attrs.create('boundary', [b'periodic'] * 3, dtype='S8')
    e = box.create_group('edges')
    e['value'] = edges
    e['step'] = 10 * np.arange(F)
    p = f.create_group(f'/particles/{{g}}/position')
    return p
with h5py.File('{0}/lammps.h5', 'w') as f:
    p = common(f, 'all', np.tile(L, (F, 1)), None, None, 1)
    image = np.floor(true / L).astype(np.int32)
    p['value'] = true - image * L
    p['step'] = 10 * np.arange(F)
    p['time'] = t
    f['/particles/all/image/value'] = image
    f['/particles/all/species'] = np.array([3, 1], dtype=np.int32)
with h5py.File('{0}/mdanalysis.h5', 'w') as f:
    p = common(f, 'trajectory', np.tile(np.diag(L) / 10, (F, 1, 1)), 'nm', 'nm', 0.1)
    p['value'] = (np.mod(true, L)) / 10
    p['value'].attrs['unit'] = 'nm'
    p['step'] = np.arange(F)
    p['time'] = t * 1000
    p['time'].attrs['unit'] = 'fs'
)",
                                           dir.string()));
  ASSERT_TRUE(run(fmt::format("/usr/bin/python3 {}", (dir / "write.py").string())));
  for (const char *name : {"lammps.h5", "mdanalysis.h5"}) {
    SCOPED_TRACE(name);
    auto reader = open_trajectory((dir / name).string(), {.timestep_ps = 0.01});
    EXPECT_TRUE(reader.periodic());
    const auto c = read_all(reader, 8);
    ASSERT_EQ(c.frames, 30);
    for (int f = 0; f < 30; ++f) {
      const double t = 0.1 * f;
      EXPECT_NEAR(c.times_ps[f], t, 1e-9);
      EXPECT_NEAR(c.cell(f)[4], 5.0, 1e-12);
      EXPECT_NEAR(c.position(f, 0, 0), 1 + 0.9 * t, 1e-9);
      EXPECT_NEAR(c.position(f, 0, 1), 2 - 0.6 * t, 1e-9);
      EXPECT_NEAR(c.position(f, 1, 2), 5.0, 1e-9);
    }
  }
  auto lammps = open_trajectory((dir / "lammps.h5").string(), {.types = {3}});
  EXPECT_EQ(lammps.ids(), std::vector<std::int64_t>{1});
}

} // namespace
} // namespace ionbath::io
