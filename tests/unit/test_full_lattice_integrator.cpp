// physics.md §4 (seed 002 Eqs. 2–3): stencil = dense V (§4.2.5), FFT thermal state = direct sum
// (§2.5 fact 6), lattice reproduces r_H(t) (§4.2.4), energy (§4.2.1), momentum (§4.2.2), plane
// wave at Ω_qu (§4.2.3), interaction-list variants (§4.1).
#include "ionbath/bath/lattice_thermal_motion.hpp"
#include "ionbath/bath/reference_bath_field.hpp"
#include "ionbath/crystal/dynamical_matrix.hpp"
#include "ionbath/dynamics/full_lattice_integrator.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

using namespace ionbath;
using namespace ionbath::dynamics;

namespace {
constexpr double a = 3.0; // Å
const crystal::Crystal kCubic = crystal::Crystal::simple_cubic(a, 3.5, 520.0, 170.0);
const Yukawa kU(4000.0, 0.5);
const Vec3 kFree = Vec3::Constant(1 / 0.7); // ion inverse mass, all components free
const Vec3 kFarAway(1e6, 1e6, 1e6);         // ion position without any interaction (U = 0)

// The simple cubic crystal plus a (2,1,0) bond with a general (non-symmetric) block, Φ_{-d} = Φ_dᵀ.
crystal::Crystal general_crystal() {
  std::vector<crystal::Bond> bonds = kCubic.bonds();
  Mat3 phi;
  phi << -11.0, 3.0, -2.0, 5.0, -7.0, 1.5, 0.5, -4.0, -9.0;
  bonds.push_back({Cell(2, 1, 0), phi});
  bonds.push_back({Cell(-2, -1, 0), phi.transpose()});
  return crystal::Crystal(a * Mat3::Identity(), 3.5, bonds, "general");
}

// Dense V (3N × 3N) with V_{n, wrap(n+d)} += Φ_d (physics.md §1.1).
Eigen::MatrixXd dense_V(const crystal::Crystal &crystal, GridShape g) {
  const int n = static_cast<int>(grid_points(g));
  Eigen::MatrixXd V = Eigen::MatrixXd::Zero(3 * n, 3 * n);
  auto lin = [&](int x, int y, int z) {
    auto w = [](int i, int m) { return ((i % m) + m) % m; };
    return w(x, g[0]) + g[0] * (w(y, g[1]) + g[1] * w(z, g[2]));
  };
  for (int z = 0; z < g[2]; ++z)
    for (int y = 0; y < g[1]; ++y)
      for (int x = 0; x < g[0]; ++x) {
        const int i = lin(x, y, z);
        V.block<3, 3>(3 * i, 3 * i) += crystal.onsite_block();
        for (const auto &b : crystal.bonds())
          V.block<3, 3>(3 * i, 3 * lin(x + b.offset.x(), y + b.offset.y(), z + b.offset.z())) +=
              b.phi;
      }
  return V;
}

std::vector<double> random_field(std::int64_t n, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(-0.1, 0.1);
  std::vector<double> f(static_cast<std::size_t>(3 * n));
  for (auto &x : f)
    x = u(rng);
  return f;
}

double max_abs_difference(const std::vector<double> &x, const std::vector<double> &y) {
  double d = 0;
  for (std::size_t i = 0; i < x.size(); ++i)
    d = std::max(d, std::abs(x[i] - y[i]));
  return d;
}
} // namespace

TEST(LatticeStencil, EqualsDenseForceConstantMatrix) {
  // §4.2.5. N1 = 13 exercises the register-blocked interior and the wrapped ends; N = 2 folds ±d.
  for (const auto &crystal : {kCubic, general_crystal()})
    for (const GridShape g : {GridShape{13, 4, 3}, GridShape{5, 2, 6}, GridShape{1, 3, 4}}) {
      const std::int64_t n = grid_points(g);
      const auto V = dense_V(crystal, g);
      const auto r = random_field(n, 7);
      const Eigen::VectorXd expected = -V * Eigen::Map<const Eigen::VectorXd>(r.data(), 3 * n);
      std::vector<double> soa(r.size()), out(r.size());
      for (std::int64_t s = 0; s < n; ++s)
        for (int c = 0; c < 3; ++c)
          soa[c * n + s] = r[3 * s + c];
      LatticeStencil stencil(crystal, g);
      stencil.apply({soa.data(), soa.data() + n, soa.data() + 2 * n},
                    {out.data(), out.data() + n, out.data() + 2 * n});
      double err = 0;
      for (std::int64_t s = 0; s < n; ++s)
        for (int c = 0; c < 3; ++c)
          err = std::max(err, std::abs(out[c * n + s] - expected[3 * s + c]));
      EXPECT_LT(err, 1e-11 * (1 + expected.cwiseAbs().maxCoeff()))
          << crystal.name() << " " << g[0] << "×" << g[1] << "×" << g[2];
    }
}

TEST(LatticeThermalMotion, FftEqualsDirectModeSum) {
  // §2.5 fact 6: one backward DFT per component equals the direct sum r_H(t), ṙ_H(t).
  const GridShape g{4, 5, 3};
  const crystal::ModeSet modes(kCubic, g);
  const bath::ThermalBath bath(modes, {.kT_meV = 25.0, .seed = 3});
  bath::ReferenceBathField reference(bath, 0.005);
  std::vector<Cell> sites;
  for (int z = 0; z < g[2]; ++z)
    for (int y = 0; y < g[1]; ++y)
      for (int x = 0; x < g[0]; ++x)
        sites.emplace_back(x, y, z);
  std::vector<bath::SiteMotion> direct(sites.size());
  for (const std::int64_t quarter : {0, 37}) {
    reference.evaluate(sites, quarter, direct);
    const auto fft = bath::lattice_thermal_motion(bath, reference.time_ps(quarter));
    double err_r = 0, err_v = 0;
    for (std::size_t s = 0; s < sites.size(); ++s)
      for (int c = 0; c < 3; ++c) {
        err_r = std::max(err_r, std::abs(fft.r_A[3 * s + c] - direct[s].r[c]));
        err_v = std::max(err_v, std::abs(fft.v_A_per_ps[3 * s + c] - direct[s].v[c]));
      }
    EXPECT_LT(err_r, 1e-12);
    EXPECT_LT(err_v, 1e-11);
  }
}

TEST(FullLatticeIntegrator, LatticeReproducesThermalFieldOverThousandSteps) {
  // §4.2.4: no interaction (ion far away); RK5 with δt = 2e-3 ps (ΩmaxΔt = 0.063) over 10³ steps
  // tracks r_H(t) of the direct sum to ≤ 1e-8 Å.
  const GridShape g{6, 6, 6};
  const double dt = 2e-3;
  const crystal::ModeSet modes(kCubic, g);
  const bath::ThermalBath bath(modes, {.kT_meV = 25.0, .seed = 5});
  const auto start = bath::lattice_thermal_motion(bath);
  FullLatticeIntegrator full(kCubic, g, kU, kFree, FixedSites{{Cell(0, 0, 0)}}, dt);
  full.set_lattice_state(start.r_A, start.v_A_per_ps);
  full.set_ion_state(kFarAway, Vec3::Zero());
  full.advance(1000);

  bath::ReferenceBathField reference(bath, dt);
  std::vector<Cell> sites;
  for (int z = 0; z < g[2]; ++z)
    for (int y = 0; y < g[1]; ++y)
      for (int x = 0; x < g[0]; ++x)
        sites.emplace_back(x, y, z);
  std::vector<bath::SiteMotion> direct(sites.size());
  reference.evaluate(sites, 4 * 1000, direct);
  double err_r = 0, err_v = 0, scale = 0;
  for (std::size_t s = 0; s < sites.size(); ++s) {
    err_r = std::max(err_r, (full.displacement_A(sites[s]) - direct[s].r).cwiseAbs().maxCoeff());
    err_v =
        std::max(err_v, (full.velocity_A_per_ps(sites[s]) - direct[s].v).cwiseAbs().maxCoeff());
    scale = std::max(scale, direct[s].r.cwiseAbs().maxCoeff());
  }
  RecordProperty("max_error_A", std::to_string(err_r));
  EXPECT_GT(scale, 0.01); // a real thermal field
  EXPECT_LT(err_r, 1e-8);
  EXPECT_LT(err_v, 1e-7);
}
