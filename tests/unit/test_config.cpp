// Configuration: defaults, unit conversions, round trip, and messages for bad input.
#include "ionbath/io/config.hpp"

#include "ionbath/core/error.hpp"
#include "ionbath/core/units.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <string>

#include <unistd.h>

using namespace ionbath;
using namespace ionbath::io;

namespace {
// Parsing `text` must throw an InputError whose message contains every fragment.
void expect_input_error(const std::string &text, std::initializer_list<std::string> fragments) {
  try {
    parse_config(text, "job.toml");
    ADD_FAILURE() << "no error for:\n" << text;
  } catch (const InputError &e) {
    const std::string message = e.what();
    EXPECT_TRUE(message.starts_with("job.toml")) << message;
    for (const auto &f : fragments)
      EXPECT_NE(message.find(f), std::string::npos)
          << "message lacks '" << f << "':\n  " << message << "\nfor input:\n"
          << text;
  }
}
} // namespace

TEST(Config, EmptyFileGivesTheSeed002Defaults) {
  const auto c = parse_config("", "empty.toml");
  EXPECT_EQ(c, default_config());
  EXPECT_EQ(c.lattice.a, 3.0);
  EXPECT_EQ(c.lattice.mass, 3.5);
  EXPECT_EQ(c.lattice.k1, 520.0);
  EXPECT_EQ(c.lattice.k2, 170.0);
  EXPECT_EQ(c.lattice.bz_grid, (GridShape{20, 20, 20}));
  EXPECT_EQ(c.ion.mass, 0.7);
  EXPECT_EQ(c.interaction.kind, InteractionKind::yukawa);
  EXPECT_EQ(c.interaction.U0, 4000.0);
  EXPECT_EQ(c.interaction.lambda, 0.5);
  EXPECT_EQ(c.interaction.extent, 1);
  EXPECT_EQ(c.run.method, RunMethod::time_local);
  EXPECT_EQ(c.run.kT_meV, (std::vector<double>{10, 15, 20, 25, 30, 40, 50}));
  EXPECT_EQ(c.run.dt, 0.005);
  EXPECT_EQ(c.run.steps, 600000);
  EXPECT_EQ(c.run.trajectories, 1);
  EXPECT_EQ(c.run.seed, 1);
  EXPECT_EQ(c.run.output, "results.h5");
  EXPECT_EQ(c.run.trajectory_stride, 0);
  EXPECT_EQ(c.msd.segments, 250);
  EXPECT_EQ(c.msd.fit_from_ps, 1.0);
  EXPECT_EQ(c.parallel.ranks_per_trajectory, 1);
  EXPECT_EQ(c.phonons.green_grid, 160);
  EXPECT_EQ(c.phonons.covariance_grid, 64);
  EXPECT_EQ(c.phonons.w_range, 7);
  EXPECT_EQ(c.phonons.drag_rtol, 1e-8);
  EXPECT_EQ(c.phonons.wt_t_max_ps, 2.0);
  EXPECT_EQ(c.phonons.wt_points, 201);
  EXPECT_EQ(c.phonons.dos_grid, 48);
  EXPECT_EQ(c.phonons.dos_bins, 200);
  EXPECT_EQ(c.phonons.output, "phonons.h5");
}

TEST(Config, ReadsEveryKey) {
  const auto c = parse_config(R"(
[lattice]
a = 2.5
mass = 4
k1 = 15
k2 = 5.5
bz_grid = [8, 10, 12]
[ion]
mass = 1.25
[interaction]
kind = "gaussian"
U0 = -150.0
lambda = 1
extent = 2
[run]
method = "full"
kT_meV = [25, 50.5]
dt = 0.002
steps = 10000
trajectories = 4
seed = 77
output = "out/sweep.h5"
trajectory_stride = 10
[msd]
segments = 10
fit_from_ps = 0.5
[parallel]
ranks_per_trajectory = 2
[phonons]
green_grid = 64
w_range = 3
drag_rtol = 1e-6
wt_t_max_ps = 1.5
wt_points = 51
dos_grid = 16
dos_bins = 40
output = "ph.h5"
)",
                              "all.toml");
  EXPECT_EQ(c.lattice.a, 2.5);
  EXPECT_EQ(c.lattice.mass, 4.0);
  EXPECT_EQ(c.lattice.k2, 5.5);
  EXPECT_EQ(c.lattice.bz_grid, (GridShape{8, 10, 12}));
  EXPECT_EQ(c.ion.mass, 1.25);
  EXPECT_EQ(c.interaction.kind, InteractionKind::gaussian);
  EXPECT_EQ(c.interaction.U0, -150.0);
  EXPECT_EQ(c.interaction.lambda, 1.0);
  EXPECT_EQ(c.interaction.extent, 2);
  EXPECT_EQ(c.run.method, RunMethod::full);
  EXPECT_EQ(c.run.kT_meV, (std::vector<double>{25, 50.5}));
  EXPECT_EQ(c.run.dt, 0.002);
  EXPECT_EQ(c.run.steps, 10000);
  EXPECT_EQ(c.run.trajectories, 4);
  EXPECT_EQ(c.run.seed, 77);
  EXPECT_EQ(c.run.output, "out/sweep.h5");
  EXPECT_EQ(c.run.trajectory_stride, 10);
  EXPECT_EQ(c.msd.segments, 10);
  EXPECT_EQ(c.msd.fit_from_ps, 0.5);
  EXPECT_EQ(c.parallel.ranks_per_trajectory, 2);
  EXPECT_EQ(c.phonons.green_grid, 64);
  EXPECT_EQ(c.phonons.w_range, 3);
  EXPECT_EQ(c.phonons.drag_rtol, 1e-6);
  EXPECT_EQ(c.phonons.wt_t_max_ps, 1.5);
  EXPECT_EQ(c.phonons.wt_points, 51);
  EXPECT_EQ(c.phonons.dos_grid, 16);
  EXPECT_EQ(c.phonons.dos_bins, 40);
  EXPECT_EQ(c.phonons.output, "ph.h5");
}

TEST(Config, ConvertsDaltonAndKelvin) {
  const auto c = parse_config(R"(
[lattice]
mass_Da = 33.8
[ion]
mass_Da = 9.648533212
[run]
temperature_K = [300, 116.0452]
)",
                              "units.toml");
  EXPECT_DOUBLE_EQ(c.lattice.mass, 33.8 / 9.648533212);
  EXPECT_NEAR(c.lattice.mass, 3.503, 1e-3); // the seed 002 value, "mass_Da = 33.8"
  EXPECT_DOUBLE_EQ(c.ion.mass, 1.0);
  ASSERT_EQ(c.run.kT_meV.size(), 2u);
  EXPECT_DOUBLE_EQ(c.run.kT_meV[0], 300 * units::kB_meV_per_K);
  EXPECT_NEAR(c.run.kT_meV[1], 10.0, 1e-5);
}

TEST(Config, RoundTripThroughTomlIsExact) {
  auto c = default_config();
  EXPECT_EQ(parse_config(to_toml(c), "resolved.toml"), c);
  c.lattice.mass = units::dalton_to_mass(33.8);
  c.run.kT_meV = {units::kelvin_to_meV(300), 0.1 + 0.2, 1e-3};
  c.run.output = "dir with \"quotes\"\\and\ttab.h5";
  c.interaction.kind = InteractionKind::gaussian;
  c.interaction.U0 = -1.0 / 3.0;
  c.run.method = RunMethod::full;
  c.phonons.drag_rtol = 1.2345678901234567e-9;
  c.lattice.bz_grid = {4, 5, 6};
  c.msd.fit_from_ps = 0.0;
  const auto text = to_toml(c);
  const auto back = parse_config(text, "resolved.toml");
  EXPECT_EQ(back, c) << text;
  EXPECT_EQ(to_toml(back), text);
}

TEST(Config, HashIsStableAndSensitive) {
  const auto c = default_config();
  EXPECT_EQ(config_hash(c), config_hash(parse_config("[run]\nseed = 1\n", "x.toml")));
  EXPECT_EQ(config_hash(c).size(), 16u);
  auto d = c;
  d.run.seed = 2;
  EXPECT_NE(config_hash(c), config_hash(d));
  // The same physics written in other units hashes the same once resolved.
  EXPECT_EQ(config_hash(parse_config("[run]\nkT_meV = [10.0, 15, 20, 25, 30, 40, 50]", "y.toml")),
            config_hash(c));
}

TEST(Config, LoadConfigReadsFilesAndNamesMissingOnes) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("ionbath_cfg_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto path = (dir / "job.toml").string();
  std::ofstream(path) << "[lattice]\nk2 = 0.0\n";
  try {
    load_config(path);
    ADD_FAILURE() << "k2 = 0 accepted";
  } catch (const InputError &e) {
    EXPECT_NE(std::string(e.what()).find(path + ":2:"), std::string::npos) << e.what();
  }
  std::ofstream(path) << "[lattice]\nk2 = 17\n";
  EXPECT_EQ(load_config(path).lattice.k2, 17.0);
  const auto missing = (dir / "nope.toml").string();
  try {
    load_config(missing);
    ADD_FAILURE() << "missing file accepted";
  } catch (const InputError &e) {
    EXPECT_NE(std::string(e.what()).find(missing), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("no such file"), std::string::npos) << e.what();
  }
  EXPECT_THROW(load_config(dir.string()), InputError); // a directory
  std::filesystem::remove_all(dir);
}

TEST(ConfigErrors, MalformedTomlGivesLineAndColumn) {
  expect_input_error("[lattice]\na = 3.0\nk1 = = 5\n", {"job.toml:3:", "invalid TOML"});
  expect_input_error("[run\nsteps = 1\n", {"job.toml:1:", "invalid TOML"});
}

TEST(ConfigErrors, UnknownKeysAndSections) {
  expect_input_error("[interaction]\nlamda = 0.5\n",
                     {"interaction.lamda = 0.5", "unknown key", "did you mean 'lambda'?"});
  expect_input_error("[latice]\na = 3.0\n", {"[latice]", "unknown section", "'lattice'"});
  expect_input_error("[lattice]\ncolor = \"red\"\n", {"lattice.color = \"red\"", "unknown key"});
  expect_input_error("[run]\nsegments = 3\n", {"run.segments = 3", "belongs in section [msd]"});
  expect_input_error("a = 3.0\n", {"a = 3.0", "outside any section", "[lattice]"});
  expect_input_error("[run]\nkT = [10]\n", {"run.kT = [", "did you mean 'kT_meV'?"});
}

TEST(ConfigErrors, WrongTypes) {
  expect_input_error("[lattice]\nk1 = \"520\"\n", {"lattice.k1 = \"520\"", "got a string"});
  expect_input_error("[run]\nsteps = 1000.5\n", {"run.steps = 1000.5", "integer", "got a float"});
  expect_input_error("[run]\nkT_meV = 25\n", {"run.kT_meV = 25", "array", "got an integer"});
  expect_input_error("[lattice]\nbz_grid = 20\n", {"lattice.bz_grid = 20", "array of 3 integers"});
  expect_input_error("[lattice]\nbz_grid = [20, 20]\n", {"lattice.bz_grid", "2 elements"});
  expect_input_error("[lattice]\nbz_grid = [20, 20.0, 20]\n",
                     {"lattice.bz_grid[1] = 20.0", "got a float"});
  expect_input_error("[run]\nkT_meV = [10, \"hot\"]\n",
                     {"run.kT_meV[1] = \"hot\"", "got a string"});
  expect_input_error("lattice = 3\n", {"lattice = 3", "must be a section"});
  expect_input_error("[run]\noutput = 5\n", {"run.output = 5", "must be a string"});
}

TEST(ConfigErrors, NonPositiveAndNonFiniteValues) {
  expect_input_error("[lattice]\nk2 = 0.0\n", {"lattice.k2 = 0.0", "> 0.0", "meV/A^2"});
  expect_input_error("[lattice]\na = -3\n", {"lattice.a = -3", "> 0.0"});
  expect_input_error("[interaction]\nlambda = nan\n", {"interaction.lambda = nan", "finite"});
  expect_input_error("[ion]\nmass = inf\n", {"ion.mass = inf", "finite"});
  expect_input_error("[interaction]\nU0 = -4000\n", {"interaction.U0 = -4000", "repulsive"});
  expect_input_error("[interaction]\nkind = \"gaussian\"\nU0 = 0\n",
                     {"interaction.U0 = 0", "non-zero"});
  expect_input_error("[run]\nkT_meV = [10, -5]\n", {"run.kT_meV[1] = -5", "> 0.0 (meV)"});
  expect_input_error("[run]\ntemperature_K = [0]\n", {"run.temperature_K[0] = 0", "(K)"});
  expect_input_error("[lattice]\nmass_Da = -1\n", {"lattice.mass_Da = -1", "Da"});
}

TEST(ConfigErrors, IntegerRangesAndRunLength) {
  expect_input_error("[run]\nsteps = 0\n", {"run.steps = 0", ">= 1"});
  expect_input_error("[run]\ntrajectory_stride = -1\n", {"run.trajectory_stride = -1", ">= 0"});
  expect_input_error("[run]\nsteps = 100\ntrajectory_stride = 200\n",
                     {"run.trajectory_stride = 200", "run.steps = 100"});
  expect_input_error("[run]\ndt = 0.5\n", {"run.dt = 0.5", "(0.0, 0.1]", "ps"});
  expect_input_error("[run]\ndt = 0\n", {"run.dt = 0", "(0.0, 0.1]"});
  expect_input_error("[run]\nseed = -3\n", {"run.seed = -3", ">= 0"});
  expect_input_error("[run]\ntrajectories = 0\n", {"run.trajectories = 0", "[1, 1000000]"});
  expect_input_error("[msd]\nsegments = 0\n", {"msd.segments = 0", ">= 1"});
  expect_input_error("[run]\nsteps = 100\n[msd]\nsegments = 250\n",
                     {"msd.segments = 250", "run.steps = 100"});
  expect_input_error("[msd]\nfit_from_ps = 20\n", {"msd.fit_from_ps = 20", "12.0 ps"});
  expect_input_error("[msd]\nfit_from_ps = -1.0\n", {"msd.fit_from_ps = -1.0", ">= 0.0"});
  expect_input_error("[interaction]\nextent = 0\n", {"interaction.extent = 0", "[1, 2]"});
  expect_input_error("[parallel]\nranks_per_trajectory = 0\n",
                     {"parallel.ranks_per_trajectory = 0", "[1, 65536]"});
  expect_input_error("[phonons]\nw_range = 21\n", {"phonons.w_range = 21", "[1, 20]"});
  expect_input_error("[phonons]\nwt_points = 1\n", {"phonons.wt_points = 1", "[2, 1000000]"});
  expect_input_error("[phonons]\ndrag_rtol = 0.5\n", {"phonons.drag_rtol = 0.5", "[1e-14, 0.01]"});
}

TEST(ConfigErrors, GridSizes) {
  expect_input_error("[lattice]\nbz_grid = [20, 0, 20]\n", {"lattice.bz_grid[1] = 0", ">= 1"});
  expect_input_error("[lattice]\nbz_grid = [-4, 20, 20]\n", {"lattice.bz_grid[0] = -4"});
  expect_input_error("[lattice]\nbz_grid = [1, 1, 1]\n", {"lattice.bz_grid = [1, 1, 1]", "2 grid"});
  expect_input_error("[lattice]\nbz_grid = [2000, 2000, 2000]\n",
                     {"lattice.bz_grid = [2000, 2000, 2000]", "would need 983 GiB", "8 GiB"});
  expect_input_error("[phonons]\ngreen_grid = 56\n", {"phonons.green_grid = 56", ">= 64"});
  expect_input_error("[phonons]\ngreen_grid = 68\n", {"phonons.green_grid = 68", "multiple of 8"});
  expect_input_error("[phonons]\ngreen_grid = 1024\n",
                     {"phonons.green_grid = 1024", "would need 48 GiB"});
  expect_input_error("[phonons]\ncovariance_grid = 60\n", {"phonons.covariance_grid = 60"});
  expect_input_error("[phonons]\ndos_grid = 100000\n", {"phonons.dos_grid = 100000", "GiB"});
}

TEST(ConfigErrors, ConflictingAlternativesAndEnums) {
  expect_input_error("[lattice]\nmass = 3.5\nmass_Da = 33.8\n",
                     {"lattice.mass_Da = 33.8", "lattice.mass = 3.5", "only one"});
  expect_input_error("[ion]\nmass = 0.7\nmass_Da = 6.75\n", {"ion.mass_Da = 6.75", "ion.mass"});
  expect_input_error("[run]\nkT_meV = [10]\ntemperature_K = [300]\n",
                     {"run.temperature_K = [300]", "run.kT_meV", "only one"});
  expect_input_error("[interaction]\nkind = \"coulomb\"\n",
                     {"interaction.kind = \"coulomb\"", "\"yukawa\", \"gaussian\""});
  expect_input_error("[run]\nmethod = \"exact\"\n",
                     {"run.method = \"exact\"", "\"time-local\", \"full\""});
  expect_input_error("[run]\nkT_meV = []\n", {"run.kT_meV = []", "at least one"});
  expect_input_error("[run]\noutput = \"\"\n", {"run.output = \"\"", "non-empty"});
  expect_input_error("[phonons]\noutput = \"  \"\n", {"phonons.output = \"  \"", "non-empty"});
}

TEST(Config, BathAndAblationSwitches) {
  using namespace ionbath::io;
  const Config d = default_config();
  EXPECT_EQ(d.run.bath, BathStatistics::quantum);
  EXPECT_TRUE(d.run.drag);
  EXPECT_TRUE(d.run.relaxation);
  const Config c = parse_config("[run]\nbath = \"none\"\ndrag = false\nrelaxation = false\n", "t");
  EXPECT_EQ(c.run.bath, BathStatistics::none);
  EXPECT_FALSE(c.run.drag);
  EXPECT_FALSE(c.run.relaxation);
  EXPECT_EQ(parse_config(to_toml(c), "round trip"), c);
  expect_input_error("[run]\nbath = \"hot\"\n",
                     {"run.bath = \"hot\"", "\"quantum\", \"classical\", \"none\""});
  expect_input_error("[run]\ndrag = 1\n", {"run.drag = 1", "true or false"});
}

// Issue 10: a key the user did not write never makes a reasonable run fail. The MSD segments and
// fit start follow the run length; written values are kept and checked.
TEST(Config, UnwrittenMsdSettingsAreDerivedFromTheRunLength) {
  const auto c40k = parse_config("[run]\nsteps = 40000\n", "job.toml");
  EXPECT_EQ(c40k.msd.segments, 250);
  // 160 steps of 0.005 ps per segment = 0.8 ps < 1 ps: the fit starts at half a segment.
  EXPECT_DOUBLE_EQ(c40k.msd.fit_from_ps, 0.4);
  const auto c100 = parse_config("[run]\nsteps = 100\n", "job.toml");
  EXPECT_EQ(c100.msd.segments, 2); // fewer than 250 steps: 2 segments
  EXPECT_DOUBLE_EQ(c100.msd.fit_from_ps, 0.125);
  EXPECT_EQ(parse_config("[run]\nsteps = 1\n", "job.toml").msd.segments, 1);
  // Every run the seed 002 settings fit keeps them (results and hashes unchanged).
  for (const char *run : {"steps = 1000000", "steps = 20000\ndt = 0.05"}) {
    const auto c = parse_config(std::string("[run]\n") + run + "\n", "job.toml");
    EXPECT_EQ(c.msd, default_config().msd) << run;
  }
  // Written values are the user's, and a derived fit start follows written segments.
  const auto written = parse_config("[run]\nsteps = 40000\n[msd]\nsegments = 20\n", "job.toml");
  EXPECT_EQ(written.msd.segments, 20);
  EXPECT_EQ(written.msd.fit_from_ps, 1.0); // segments of 10 ps
  // The resolved form is a fixed point: it parses to the same configuration.
  EXPECT_EQ(parse_config(to_toml(c40k), "resolved.toml"), c40k);
}

// The key tables list every key the parser accepts, once, with its section.
// [lattice] kind = "phonopy": the files are found from the configuration's directory and stored
// absolute (the canonical form reads the same files wherever it is parsed again); the simple
// cubic keys are left out of the canonical form, and refused when written.
TEST(Config, PhonopyFilesAreReadFromTheConfigurationsDirectory) {
  namespace fs = std::filesystem;
  const fs::path dir =
      fs::temp_directory_path() / ("ionbath_phonopy_" + std::to_string(::getpid()));
  fs::create_directories(dir / "job");
  std::ofstream(dir / "job" / "phonopy.yaml") << "unit_cell:\n"; // read when the crystal is built
  std::ofstream(dir / "job" / "FC") << "1 1\n";
  const auto path = (dir / "job" / "phonons.toml").string();
  std::ofstream(path) << "[lattice]\nkind = \"phonopy\"\nfile = \"phonopy.yaml\"\n"
                         "force_constants = \"../job/FC\"\nbz_grid = [4, 4, 4]\n";
  const Config c = load_config(path);
  EXPECT_EQ(c.lattice.kind, LatticeKind::phonopy);
  EXPECT_EQ(c.lattice.file, (dir / "job" / "phonopy.yaml").string());
  EXPECT_EQ(c.lattice.force_constants, (dir / "job" / "FC").string());
  const std::string text = to_toml(c);
  EXPECT_EQ(parse_config(text, "elsewhere/resolved.toml"), c) << text;
  const std::string lattice = text.substr(0, text.find("[ion]"));
  for (const char *key : {"\na = ", "\nmass = ", "\nk1 = ", "\nk2 = "})
    EXPECT_EQ(lattice.find(key), std::string::npos) << key << " in\n" << lattice;
  const std::string file = (dir / "job" / "phonopy.yaml").string();
  expect_input_error("[lattice]\nkind = \"phonopy\"\nfile = \"" + file + "\"\nk2 = 1.0\n",
                     {"lattice.k2 = 1.0", "does not apply"});
  expect_input_error("[lattice]\nkind = \"phonopy\"\nfile = \"" + file + "x\"\n",
                     {"lattice.file", file + "x: no such file"});
  expect_input_error("[lattice]\nforce_constants = \"FC\"\n",
                     {"lattice.force_constants", "only a phonopy crystal"});
  fs::remove_all(dir);
}

TEST(Config, KeyTablesListEveryAcceptedKey) {
  const std::string tables = config_keys_markdown();
  for (const char *row : {"| **[lattice]** |", "| `mass` / `mass_Da` |", "| `bz_grid` |",
                          "| `kT_meV` / `temperature_K` |", "| `fit_from_ps` |", "| `lattice_n` |",
                          "| **[validate]** |"})
    EXPECT_NE(tables.find(row), std::string::npos) << row << "\n" << tables;
  // Every key of the canonical form has a row.
  const auto toml = to_toml(default_config());
  std::size_t rows = 0;
  for (std::size_t at = 0; (at = tables.find("\n| `", at)) != std::string::npos; ++at)
    ++rows;
  std::size_t keys = 0;
  for (std::size_t at = 0; (at = toml.find(" = ", at)) != std::string::npos; ++at)
    ++keys;
  // The canonical default omits [units] system, lattice kind, file, force_constants,
  // confinement, k_parallel, k_perp, phonons path and path_subdivisions (9 keys), the 17 keys of
  // [loss], the 21 of [chain], run.decompose, the 16 of [decompose], the 15 of [ions],
  // validate.ions_kT_meV, ion.site and interaction.cutoff (left out at their defaults, so that the
  // canonical form of earlier configurations is unchanged); alternatives share their key's row.
  EXPECT_EQ(rows, keys + 9 + 17 + 21 + 1 + 16 + 15 + 1 + 2);
  EXPECT_EQ(toml.find("[ions]"), std::string::npos);
  EXPECT_EQ(toml.find("[loss]"), std::string::npos);
  EXPECT_EQ(toml.find("[chain]"), std::string::npos);
  EXPECT_EQ(toml.find("[decompose]"), std::string::npos);
}
