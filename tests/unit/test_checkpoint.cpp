#include "ionbath/app/checkpoint.hpp"
#include "ionbath/core/error.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>

using ionbath::app::Checkpoint;

TEST(Checkpoint, RoundTripIsBitwise) {
  Checkpoint c;
  const std::vector<double> state{M_PI, -1e-300, std::numeric_limits<double>::denorm_min(),
                                  0.1,  -0.0,    123456.789};
  c.set_doubles("state", state);
  c.set_int("step", 599999);
  c.set("config_hash", "abc123");
  std::vector<double> big(100001);
  for (std::size_t i = 0; i < big.size(); ++i)
    big[i] = std::sin(double(i)) * 1e-3 + double(i);
  c.set_array("positions", big);
  const Checkpoint back = Checkpoint::parse(c.serialize(), "mem");
  const auto restored = back.get_doubles("state");
  ASSERT_EQ(restored.size(), state.size());
  EXPECT_EQ(std::memcmp(restored.data(), state.data(), state.size() * sizeof(double)), 0);
  EXPECT_EQ(back.get_int("step"), 599999);
  ASSERT_EQ(back.get_array("positions").size(), big.size());
  EXPECT_EQ(std::memcmp(back.get_array("positions").data(), big.data(), big.size() * 8), 0);
  std::string cut = c.serialize();
  cut.resize(cut.size() - 8); // a payload cut short is refused
  EXPECT_THROW(Checkpoint::parse(cut, "cut"), ionbath::InputError);
  EXPECT_NO_THROW(back.require_config("abc123", "mem"));
  EXPECT_THROW(back.require_config("other", "mem"), ionbath::InputError);
}

TEST(Checkpoint, TruncatedFileFallsBackToPrevious) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("ionbath_ckpt_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const std::string path = (dir / "run.ckpt").string();
  Checkpoint a, b;
  a.set_int("step", 100);
  b.set_int("step", 200);
  a.write(path);
  b.write(path); // a becomes run.ckpt.prev
  EXPECT_EQ(Checkpoint::read(path)->get_int("step"), 200);
  {
    std::ofstream damage(path, std::ios::trunc);
    damage << "# ionbath checkpoint v1\nstep = 2"; // cut mid-write
  }
  EXPECT_EQ(Checkpoint::read(path)->get_int("step"), 100);
  EXPECT_FALSE(Checkpoint::read((dir / "missing.ckpt").string()).has_value());
  fs::remove_all(dir);
}
