// Trajectory observers (issue 10): each checkpoints its own state and continues bitwise after a
// restore; the position log keeps no samples beyond its checkpoint after a crash (the scratch file
// is truncated), and the hop counter counts cell changes of every particle.
#include "ionbath/app/observers.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include <unistd.h>

using namespace ionbath;
using namespace ionbath::app;
namespace fs = std::filesystem;

namespace {
std::vector<Vec3> walk(int k) { // two particles
  return {Vec3(0.3 * k, std::sin(0.1 * k), 1.0), Vec3(-0.7 * k, 2.0, std::cos(0.2 * k))};
}

void feed(TrajectoryObserver &o, int from, int to) {
  for (int k = from; k < to; ++k) {
    const auto R = walk(k);
    const std::vector<Vec3> V(2, Vec3::Zero());
    o.observe({k, R, V});
  }
}
} // namespace

TEST(Observers, PositionLogResumesAtItsCheckpointAfterACrash) {
  const auto path =
      (fs::temp_directory_path() / ("ionbath_poslog_" + std::to_string(::getpid()))).string();
  Checkpoint c;
  {
    PositionLog log(path, 2, nullptr);
    feed(log, 0, 40);
    log.save(c);
    feed(log, 40, 55); // written after the checkpoint, then "killed"
  }
  PositionLog resumed(path, 2, &c);
  feed(resumed, 40, 100);
  for (std::size_t i = 0; i < 2; ++i) {
    const auto R = resumed.read_particle(i);
    ASSERT_EQ(R.size(), 100u);
    for (int k = 0; k < 100; ++k)
      EXPECT_EQ(R[std::size_t(k)], walk(k)[i]) << "particle " << i << " sample " << k;
  }
  resumed.remove();
  EXPECT_FALSE(fs::exists(path));
}

TEST(Observers, SegmentMsdAndHopsContinueBitwiseFromTheirCheckpoint) {
  analysis::SegmentMsdParams p;
  p.segments = 4;
  p.samples_per_segment = 25;
  p.dt_ps = 0.01;
  const Mat3 A = 3.0 * Mat3::Identity();
  const auto R0 = walk(0);
  SegmentMsdObserver straight(p, {0, 0}, {1.0}, nullptr);
  HopCounter hops_straight(A, R0, nullptr);
  feed(straight, 0, 100);
  feed(hops_straight, 0, 100);

  SegmentMsdObserver first(p, {0, 0}, {1.0}, nullptr);
  HopCounter hops_first(A, R0, nullptr);
  feed(first, 0, 37);
  feed(hops_first, 0, 37);
  Checkpoint c;
  first.save(c);
  hops_first.save(c);
  SegmentMsdObserver second(p, {0, 0}, {1.0}, &c);
  HopCounter hops_second(A, walk(36), &c);
  feed(second, 37, 100);
  feed(hops_second, 37, 100);
  // The ions' tracer average, their collective sum and the charge displacement (§11.4).
  EXPECT_EQ(second.msd().tracer(0).d_A2, straight.msd().tracer(0).d_A2);
  EXPECT_EQ(second.msd().collective(0).d_A2, straight.msd().collective(0).d_A2);
  EXPECT_EQ(second.msd().charge().d_A2, straight.msd().charge().d_A2);
  EXPECT_EQ(straight.msd().serialize().size(), 4u); // two ions, X, Q
  EXPECT_EQ(hops_second.hops(), hops_straight.hops());
  // Particle 0 moves 0.3 Å per sample along x through cells of 3 Å: 99 · 0.3 / 3 ≈ 9 crossings;
  // particle 1 moves −0.7 Å per sample: 23 crossings; y and z stay in their cells except the
  // sine/cosine ones, which cross 0 (a cell boundary) a few times.
  EXPECT_GE(hops_straight.hops(), 9 + 23);
}
