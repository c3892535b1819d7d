// Seed 001 Fig. 6: a particle trapped between 8 collinear atoms, full lattice against the
// time-local EOM of Eq. 26 (physics.md §6.4–6.5).
#include "ionbath/core/units.hpp"
#include "ionbath/crystal/builders.hpp"
#include "ionbath/crystal/drag_matrix.hpp"
#include "ionbath/dissipation/trapped_particle.hpp"
#include "ionbath/dynamics/time_local_integrator.hpp"

#include <cmath>
#include <gtest/gtest.h>

using namespace ionbath;
using namespace ionbath::dissipation;
using ionbath::units::pi;

namespace {
constexpr double kEnergy = 4.0 * pi * pi; // 1 ħΩ in seed-001 internal units

struct Fig6 {
  crystal::Crystal cubic = crystal::seed001_cubic(15.0, 5.0);
  dynamics::Gaussian potential{kEnergy * 1.0, 0.5};
  PassLayout layout = pass_layout(cubic, PassGeometry::line8, 0.0, 0.5);
  crystal::StaticResponseTable response = crystal::static_response_fft(cubic, 160, 7);
  Mat3 drag = crystal::drag_matrix(cubic);
};

const Fig6 &fig6() {
  static const Fig6 f;
  return f;
}

std::vector<Vec3> positions(const Fig6 &f) {
  std::vector<Vec3> x;
  for (const auto &a : f.layout.atoms)
    x.push_back(f.cubic.equilibrium_position(a.cell, a.basis));
  return x;
}

Eigen::MatrixXd coupling(const Fig6 &f) {
  std::vector<Cell> cells;
  for (const auto &a : f.layout.atoms)
    cells.push_back(a.cell);
  return dynamics::static_response_coupling(f.response, cells);
}

// U − f gᵀ W g, the softened potential of Eq. 26.
double softened_potential(const Fig6 &f, const Eigen::MatrixXd &W, double softening,
                          const Vec3 &R) {
  const auto x = positions(f);
  Eigen::VectorXd g(3 * Eigen::Index(x.size()));
  double U = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const auto t = f.potential.terms(R - x[i]);
    U += t.value;
    g.segment<3>(3 * Eigen::Index(i)) = t.gradient;
  }
  return U - softening * g.dot(W * g);
}
} // namespace

// Without drag the Eq. 26 force is minus the gradient of the softened potential (central
// differences, 3D, off the axis).
TEST(TrappedParticle, ForceIsTheGradientOfTheSoftenedPotential) {
  const Fig6 &f = fig6();
  const auto W = coupling(f);
  const auto x = positions(f);
  const Vec3 R(0.13, -0.07, 6.6);
  for (const double softening : {0.5, 1.0}) {
    const Vec3 F =
        softened_time_local_force(f.potential, x, W, Mat3::Zero(), softening, R, Vec3::Zero());
    for (int c = 0; c < 3; ++c) {
      const double h = 1e-5;
      const Vec3 d = h * Vec3::Unit(c);
      const double numeric = -(softened_potential(f, W, softening, R + d) -
                               softened_potential(f, W, softening, R - d)) /
                             (2 * h);
      EXPECT_NEAR(F[c], numeric, 1e-6 * F.norm()) << c;
    }
  }
}

// The drag term only removes energy: with 𝓛 = 0 the softened energy is conserved to RK5
// accuracy; with 𝓛 the crossing speeds decay monotonically.
TEST(TrappedParticle, TimeLocalEnergyAndDecay) {
  const Fig6 &f = fig6();
  TrappedSettings s;
  s.start_z = 3.5 * 2.0;
  s.duration = 10;
  s.record_every = 1;
  const auto free = trapped_time_local(f.cubic, f.potential, f.layout, f.response, Mat3::Zero(), s);
  const auto W = coupling(f);
  const auto energy = [&](std::size_t i) {
    return 0.5 * free.velocity[i] * free.velocity[i] +
           softened_potential(f, W, s.softening_factor, Vec3(0, 0, free.z[i]));
  };
  const double e0 = energy(0);
  for (std::size_t i = 0; i < free.time.size(); i += 97)
    EXPECT_NEAR(energy(i), e0, 1e-9 * e0);
  const auto damped = trapped_time_local(f.cubic, f.potential, f.layout, f.response, f.drag, s);
  const auto envelope = decay_envelope(damped);
  ASSERT_GE(envelope.speed.size(), 5u);
  for (std::size_t i = 1; i < envelope.speed.size(); ++i)
    EXPECT_LT(envelope.speed[i], envelope.speed[i - 1]);
  EXPECT_LT(envelope.speed.back(), 0.99 * s.speed);
}

// Full lattice vs time-local over the first oscillation (≈ 3 crossings) on a lattice whose echo
// has not returned: the trajectories agree to 0.06 l of an amplitude of ≈ 0.85 l (measured 0.05;
// the difference is a slowly growing phase lag), and better with the softening ½ of the
// relaxation energy than with the script's 1 (measured 0.15; physics.md §6.4).
TEST(TrappedParticle, FullAgreesWithTimeLocal) {
  const Fig6 &f = fig6();
  TrappedSettings s;
  s.start_z = 3.5 * 2.0;
  s.duration = 1.0; // the echo returns after ≈ 1.0 on 32³ (echo_check)
  s.lattice = {32, 32, 32};
  const auto full = *trapped_full(f.cubic, f.potential, f.layout, s);
  const auto half = trapped_time_local(f.cubic, f.potential, f.layout, f.response, f.drag, s);
  s.softening_factor = 1.0;
  const auto one = trapped_time_local(f.cubic, f.potential, f.layout, f.response, f.drag, s);
  ASSERT_EQ(full.z.size(), half.z.size());
  double dev_half = 0, dev_one = 0;
  for (std::size_t i = 0; i < full.z.size(); ++i) {
    dev_half = std::max(dev_half, std::abs(full.z[i] - half.z[i]));
    dev_one = std::max(dev_one, std::abs(full.z[i] - one.z[i]));
  }
  RecordProperty("max_dev_half", std::to_string(dev_half));
  RecordProperty("max_dev_one", std::to_string(dev_one));
  std::printf("max |z_full - z_tl|: f = 1/2: %.4g, f = 1: %.4g\n", dev_half, dev_one);
  EXPECT_LT(dev_half, 0.06);
  EXPECT_LT(dev_half, dev_one);
  // The decay envelopes (the speed at each crossing of the trap's centre) agree crossing by
  // crossing: the speeds to 1 %, the kinetic energy lost since the start, v0² − v², to 15 %
  // (measured: 11 % less in the time-local model at both crossings on 32³).
  const auto e_full = decay_envelope(full), e_half = decay_envelope(half);
  ASSERT_EQ(e_full.speed.size(), e_half.speed.size());
  ASSERT_GE(e_full.speed.size(), 2u);
  const double v0 = s.speed;
  for (std::size_t i = 0; i < e_full.speed.size(); ++i) {
    EXPECT_DOUBLE_EQ(e_half.time[i], e_full.time[i]) << i;
    EXPECT_NEAR(e_half.speed[i], e_full.speed[i], 0.01 * e_full.speed[i]) << i;
    const double lost_full = v0 * v0 - e_full.speed[i] * e_full.speed[i];
    const double lost_half = v0 * v0 - e_half.speed[i] * e_half.speed[i];
    EXPECT_NEAR(lost_half, lost_full, 0.15 * lost_full) << i;
  }
}

// A full run stopped by its hook and resumed from the snapshot gives the uninterrupted trace bit
// for bit (the checkpoints of `ionbath loss` for geometry line8).
TEST(TrappedParticle, FullRunResumesBitwise) {
  const Fig6 &f = fig6();
  TrappedSettings s;
  s.start_z = 7.0;
  s.duration = 0.2;
  s.lattice = {8, 8, 8};
  const auto whole = *trapped_full(f.cubic, f.potential, f.layout, s);
  FullTrapState saved;
  int samples = 0;
  const auto stopped = trapped_full(f.cubic, f.potential, f.layout, s, [&](const auto &snapshot) {
    if (++samples < 7)
      return true;
    saved = snapshot();
    return false;
  });
  ASSERT_FALSE(stopped.has_value());
  EXPECT_EQ(saved.step, 60);
  const auto resumed = *trapped_full(f.cubic, f.potential, f.layout, s, {}, &saved);
  EXPECT_EQ(resumed.time, whole.time);
  EXPECT_EQ(resumed.z, whole.z);
  EXPECT_EQ(resumed.velocity, whole.velocity);
}
