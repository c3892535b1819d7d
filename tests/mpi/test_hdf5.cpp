// Parallel HDF5 output: collective writes read back exactly, units and attributes, commit/rename
// semantics, extendible datasets. Runs at 1 and 2 ranks; data sizes follow the rank count.
#include "ionbath/core/error.hpp"
#include "ionbath/io/config.hpp"
#include "ionbath/io/hdf5.hpp"
#include "ionbath/parallel/comm.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <stdexcept>
#include <string>

#include <unistd.h>

using namespace ionbath;
using namespace ionbath::io;
using parallel::Communicator;
namespace fs = std::filesystem;

namespace {
// A fresh directory per test, named on root and shared with every rank.
class Hdf5Test : public ::testing::Test {
protected:
  void SetUp() override {
    if (world.is_root()) {
      dir = (fs::temp_directory_path() /
             ("ionbath_h5_" + std::to_string(::getpid()) + "_" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name()))
                .string();
      fs::remove_all(dir);
      fs::create_directories(dir);
    }
    world.broadcast(dir);
  }
  void TearDown() override {
    world.barrier();
    if (world.is_root())
      fs::remove_all(dir);
  }
  std::string file(const std::string &name) const { return dir + "/" + name; }
  // The sorted names of the files in the directory, seen by every rank between two barriers (no
  // rank changes the directory while another one lists it).
  std::vector<std::string> listing() const {
    world.barrier();
    std::vector<std::string> names;
    for (const auto &e : fs::directory_iterator(dir))
      names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    world.barrier();
    return names;
  }
  const Communicator world = Communicator::world();
  std::string dir;
};

double value_at(std::int64_t row, std::int64_t col) {
  return 1000.0 * row + col + 0.25;
}
} // namespace

TEST_F(Hdf5Test, CollectiveRowBlocksReadBackExactly) {
  const std::int64_t cols = 5;
  // Rank r owns r + 2 rows: uneven blocks.
  std::int64_t first = 0, total = 0;
  for (int r = 0; r < world.size(); ++r) {
    if (r < world.rank())
      first += r + 2;
    total += r + 2;
  }
  const std::int64_t mine = world.rank() + 2;
  std::vector<double> local;
  std::vector<std::int64_t> ids;
  for (std::int64_t i = first; i < first + mine; ++i) {
    for (std::int64_t c = 0; c < cols; ++c)
      local.push_back(value_at(i, c));
    ids.push_back(-7 * i);
  }
  const auto path = file("rows.h5");
  {
    H5Output out(path, world);
    EXPECT_EQ(out.temporary_path(), path + ".tmp");
    out.write_rows("/sweep/T_0/msd", local, first, total, cols, "A^2");
    out.write_rows("/sweep/T_0/id", std::span<const std::int64_t>(ids), first, total, 1, "1");
    // Ranks that own no rows still take part.
    const std::vector<double> only_last =
        world.rank() == world.size() - 1 ? std::vector<double>{1.5, 2.5} : std::vector<double>{};
    out.write_rows("/last", only_last, 0, 1, 2, "ps");
    EXPECT_EQ(listing(), std::vector<std::string>{"rows.h5.tmp"});
    out.commit();
    EXPECT_TRUE(out.committed());
    EXPECT_EQ(listing(), std::vector<std::string>{"rows.h5"});
  }
  EXPECT_EQ(listing(), std::vector<std::string>{"rows.h5"}); // destruction keeps committed files
  const H5Input in(path);
  const auto msd = in.read_double("/sweep/T_0/msd");
  ASSERT_EQ(msd.shape, (Shape{total, cols}));
  for (std::int64_t i = 0; i < total; ++i)
    for (std::int64_t c = 0; c < cols; ++c)
      ASSERT_EQ(msd.values[i * cols + c], value_at(i, c)) << "row " << i << " col " << c;
  EXPECT_EQ(in.read_attribute_string("/sweep/T_0/msd", "unit"), "A^2");
  const auto id = in.read_int64("/sweep/T_0/id");
  ASSERT_EQ(id.shape, (Shape{total, 1}));
  for (std::int64_t i = 0; i < total; ++i)
    EXPECT_EQ(id.values[i], -7 * i);
  EXPECT_EQ(in.read_attribute_string("/sweep/T_0/id", "unit"), "1");
  EXPECT_EQ(in.read_double("/last").values, (std::vector<double>{1.5, 2.5}));
}

TEST_F(Hdf5Test, RootDataAttributesAndStrings) {
  const auto path = file("root.h5");
  const auto config_text = to_toml(default_config());
  {
    H5Output out(path, world);
    // Only root's data count; the other ranks pass nothing (or something else).
    std::vector<double> cube(24);
    for (std::size_t i = 0; i < cube.size(); ++i)
      cube[i] = world.is_root() ? 0.5 * double(i) : -1.0;
    out.write("/phonons/W0", cube, world.is_root() ? Shape{2, 3, 4} : Shape{}, "A^2/meV");
    const std::vector<std::int64_t> grid{20, 20, 21};
    out.write("/phonons/grid",
              world.is_root() ? std::span<const std::int64_t>(grid)
                              : std::span<const std::int64_t>(),
              "1");
    out.write("/phonons/sound_speed", 47.03, "A/ps");
    out.write_string("/parameters/config", world.is_root() ? config_text : "not root");
    out.write_string("/parameters/empty", "");
    out.write_attribute("/", "creator", "ionbath");
    out.write_attribute("/h5md", "version",
                        std::span<const std::int64_t>(std::vector<std::int64_t>{1, 1}));
    out.write_attribute("/parameters", "seed", 42);
    out.write_attribute("/parameters", "kT", 2.5);
    out.write_attribute("/parameters", "kT", 3.5); // replaced
    out.write_attribute("/phonons/W0", "L_max", std::int64_t{7});
    out.write_attribute("/phonons/W0", "axes",
                        std::span<const double>(std::vector<double>{0.5, 1.5}));
    out.create_group("/sweep/T_3");
    out.create_group("/sweep/T_3"); // already there: no error
    out.commit();
  }
  const H5Input in(path);
  const auto w0 = in.read_double("/phonons/W0");
  EXPECT_EQ(w0.shape, (Shape{2, 3, 4}));
  for (std::size_t i = 0; i < w0.values.size(); ++i)
    EXPECT_EQ(w0.values[i], 0.5 * double(i));
  EXPECT_EQ(in.read_attribute_string("/phonons/W0", "unit"), "A^2/meV");
  EXPECT_EQ(in.read_int64("/phonons/grid").values, (std::vector<std::int64_t>{20, 20, 21}));
  const auto speed = in.read_double("/phonons/sound_speed");
  EXPECT_TRUE(speed.shape.empty());
  EXPECT_EQ(speed.values, std::vector<double>{47.03});
  EXPECT_EQ(in.read_attribute_string("/phonons/sound_speed", "unit"), "A/ps");
  const auto stored = in.read_string("/parameters/config");
  EXPECT_EQ(stored, config_text);
  EXPECT_EQ(parse_config(stored, "stored"), default_config());
  EXPECT_EQ(in.read_string("/parameters/empty"), "");
  EXPECT_EQ(in.read_attribute_string("/", "creator"), "ionbath");
  EXPECT_EQ(in.read_attribute_int64s("/h5md", "version"), (std::vector<std::int64_t>{1, 1}));
  EXPECT_EQ(in.read_attribute_int64("/parameters", "seed"), 42);
  EXPECT_EQ(in.read_attribute_double("/parameters", "kT"), 3.5);
  EXPECT_EQ(in.read_attribute_int64("/phonons/W0", "L_max"), 7);
  EXPECT_EQ(in.read_attribute_doubles("/phonons/W0", "axes"), (std::vector<double>{0.5, 1.5}));
  EXPECT_TRUE(in.exists("/sweep/T_3"));
  EXPECT_FALSE(in.exists("/sweep/T_4"));
  EXPECT_FALSE(in.exists("/nothing/here"));
  EXPECT_TRUE(in.has_attribute("/parameters", "seed"));
  EXPECT_FALSE(in.has_attribute("/parameters", "missing"));
}

TEST_F(Hdf5Test, UncommittedOutputLeavesNothing) {
  {
    H5Output out(file("abandoned.h5"), world);
    out.write("/x", std::vector<double>{1, 2, 3}, "1");
    EXPECT_EQ(listing(), std::vector<std::string>{"abandoned.h5.tmp"});
  }
  EXPECT_TRUE(listing().empty());
  // The same when an exception unwinds through the writer on every rank.
  try {
    H5Output out(file("failed.h5"), world);
    out.write("/x", std::vector<double>{1, 2, 3}, "1");
    EXPECT_EQ(listing(), std::vector<std::string>{"failed.h5.tmp"});
    throw std::runtime_error("simulated failure");
  } catch (const std::runtime_error &) {
  }
  EXPECT_TRUE(listing().empty());
}

TEST_F(Hdf5Test, AppendRowsInRankOrder) {
  const auto path = file("traj.h5");
  {
    H5Output out(path, world);
    out.create_extendible_double("/particles/ion/position/value", 3, "A", 4);
    out.create_extendible_int64("/particles/ion/position/step", 1, "1", 4);
    std::int64_t expected_rows = 0;
    for (int round = 0; round < 3; ++round) {
      // Round 1: only root contributes; otherwise rank r contributes r + 1 rows.
      const int mine = round == 1 ? (world.is_root() ? 2 : 0) : world.rank() + 1;
      std::vector<double> rows;
      for (int i = 0; i < mine; ++i)
        for (int c = 0; c < 3; ++c)
          rows.push_back(100.0 * round + 10.0 * world.rank() + i + 0.1 * c);
      const auto n = out.append_rows("/particles/ion/position/value", rows);
      const std::int64_t step = round;
      const std::vector<std::int64_t> steps(std::size_t(mine), step);
      out.append_rows("/particles/ion/position/step", std::span<const std::int64_t>(steps));
      expected_rows += round == 1 ? 2 : std::int64_t(world.size()) * (world.size() + 1) / 2;
      EXPECT_EQ(n, expected_rows);
    }
    // Appending nothing anywhere changes nothing.
    EXPECT_EQ(out.append_rows("/particles/ion/position/value", std::vector<double>{}),
              expected_rows);
    out.commit();
  }
  const H5Input in(path);
  const auto pos = in.read_double("/particles/ion/position/value");
  const auto step = in.read_int64("/particles/ion/position/step");
  ASSERT_EQ(pos.shape[1], 3);
  std::vector<double> expected;
  std::vector<std::int64_t> expected_steps;
  for (int round = 0; round < 3; ++round)
    for (int r = 0; r < world.size(); ++r) {
      const int n = round == 1 ? (r == 0 ? 2 : 0) : r + 1;
      for (int i = 0; i < n; ++i) {
        for (int c = 0; c < 3; ++c)
          expected.push_back(100.0 * round + 10.0 * r + i + 0.1 * c);
        expected_steps.push_back(round);
      }
    }
  EXPECT_EQ(pos.shape[0], std::int64_t(expected.size() / 3));
  EXPECT_EQ(pos.values, expected);
  EXPECT_EQ(step.values, expected_steps);
  EXPECT_EQ(in.read_attribute_string("/particles/ion/position/value", "unit"), "A");
}

TEST_F(Hdf5Test, ErrorsNameTheFileAndObject) {
  const auto path = file("errors.h5");
  H5Output out(path, world);
  out.write("/a/b", std::vector<double>{1.0}, "1");
  try {
    out.write("/a/b", std::vector<double>{2.0}, "1");
    ADD_FAILURE() << "dataset written twice";
  } catch (const Hdf5Error &e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("/a/b"), std::string::npos) << what;
    EXPECT_NE(what.find("errors.h5.tmp"), std::string::npos) << what;
  }
  EXPECT_THROW(out.write("/no_unit", std::vector<double>{1.0}, ""), std::invalid_argument);
  EXPECT_THROW(out.write_rows("/bad_rows", std::vector<double>{1, 2, 3}, 0, 1, 2, "1"),
               std::invalid_argument);
  EXPECT_THROW(out.write("/bad_shape", std::vector<double>{1, 2, 3}, Shape{2, 2}, "1"),
               std::invalid_argument);
  EXPECT_THROW(H5Output(file("missing_dir/x.h5"), world), InputError);
  out.commit();
  EXPECT_THROW(out.write("/late", std::vector<double>{1.0}, "1"), std::logic_error);

  EXPECT_THROW(H5Input(file("nope.h5")), InputError);
  const H5Input in(path);
  try {
    in.read_double("/a/c");
    ADD_FAILURE() << "missing dataset read";
  } catch (const Hdf5Error &e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("/a/c"), std::string::npos) << what;
    EXPECT_NE(what.find(path), std::string::npos) << what;
  }
  EXPECT_THROW(in.read_string("/a/b"), Hdf5Error); // not a string
}

TEST(H5Output, ScatteredRowSetsFromEveryRank) {
  const auto world = ionbath::parallel::Communicator::world();
  std::string path = "row_set_" + std::to_string(::getpid()) + ".h5";
  world.broadcast(path);
  const std::int64_t total = 7, cols = 3;
  std::vector<std::int64_t> mine;
  std::vector<double> local;
  for (std::int64_t r = world.rank(); r < total; r += world.size()) { // round robin, like tasks
    mine.push_back(r);
    for (std::int64_t c = 0; c < cols; ++c)
      local.push_back(100.0 * r + c);
  }
  {
    ionbath::io::H5Output out(path, world);
    out.write_row_set("/rows", mine, local, total, cols, "1");
    out.commit();
  }
  world.barrier();
  const auto back = ionbath::io::H5Input(path).read_double("/rows");
  ASSERT_EQ(back.shape, (ionbath::io::Shape{total, cols}));
  for (std::int64_t r = 0; r < total; ++r)
    for (std::int64_t c = 0; c < cols; ++c)
      EXPECT_EQ(back.values[r * cols + c], 100.0 * r + c);
  world.barrier();
  if (world.is_root())
    std::remove(path.c_str());
}
