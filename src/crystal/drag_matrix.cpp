#include "ionbath/crystal/drag_matrix.hpp"

#include "ionbath/crystal/dynamical_matrix.hpp"

#include <Eigen/Eigenvalues>
#include <cmath>
#include <cubature.h>
#include <fmt/format.h>
#include <stdexcept>
#include <vector>

namespace ionbath::crystal {
namespace {

Vec3 direction(double theta, double phi) {
  return {std::cos(phi) * std::sin(theta), std::sin(phi) * std::sin(theta), std::cos(theta)};
}

// A^{-3/2} of a symmetric positive-definite matrix through its eigendecomposition.
Mat3 inverse_three_halves_power(const Mat3 &a) {
  const Eigen::SelfAdjointEigenSolver<Mat3> es(a);
  if (!(es.eigenvalues().minCoeff() > 0))
    throw std::domain_error("drag matrix: the long-wave matrix D1(n̂) is not positive definite "
                            "(a zero sound speed makes the drag integral diverge)");
  const Vec3 p = es.eigenvalues().array().pow(-1.5);
  return es.eigenvectors() * p.asDiagonal() * es.eigenvectors().transpose();
}

int sphere_integrand(unsigned, const double *x, void *data, unsigned, double *out) {
  const auto &dyn = *static_cast<const DynamicalMatrix *>(data);
  const Mat3 v = inverse_three_halves_power(dyn.long_wave(direction(x[0], x[1]))) * std::sin(x[0]);
  out[0] = v(0, 0);
  out[1] = v(1, 1);
  out[2] = v(2, 2);
  out[3] = v(0, 1);
  out[4] = v(0, 2);
  out[5] = v(1, 2);
  return 0;
}

// ∮ dΩ D1(n̂)^{-3/2} by hcubature, Å^{-3} ps³.
Mat3 sphere_integral(const DynamicalMatrix &dyn, double rel_tol) {
  const double lo[2] = {0.0, 0.0}, hi[2] = {M_PI, 2.0 * M_PI};
  double val[6], err[6];
  if (hcubature(6, sphere_integrand, const_cast<DynamicalMatrix *>(&dyn), 2, lo, hi, 0, 0, rel_tol,
                ERROR_L2, val, err) != 0)
    throw std::runtime_error("drag matrix: hcubature failed");
  Mat3 m;
  m << val[0], val[3], val[4], val[3], val[1], val[5], val[4], val[5], val[2];
  return m;
}

// Gauss–Legendre nodes and weights on [-1, 1] (Newton iteration on P_n).
void gauss_legendre(int n, std::vector<double> &x, std::vector<double> &w) {
  x.resize(n);
  w.resize(n);
  for (int i = 0; i < n; ++i) {
    double z = std::cos(M_PI * (i + 0.75) / (n + 0.5)), dp = 0;
    for (int iter = 0; iter < 100; ++iter) {
      double p0 = 1.0, p1 = z; // P_0, P_1; after the loop p1 = P_n, p0 = P_{n-1}
      for (int k = 2; k <= n; ++k) {
        const double pk = ((2.0 * k - 1.0) * z * p1 - (k - 1.0) * p0) / k;
        p0 = p1;
        p1 = pk;
      }
      dp = n * (z * p1 - p0) / (z * z - 1.0);
      const double dz = p1 / dp;
      z -= dz;
      if (std::abs(dz) < 1e-16)
        break;
    }
    x[i] = z;
    w[i] = 2.0 / ((1.0 - z * z) * dp * dp);
  }
}

} // namespace

// physics.md §1.7, seed 002 Eq. (15).
Mat3 drag_matrix(const Crystal &crystal, double rel_tol) {
  const DynamicalMatrix dyn(crystal);
  return sphere_integral(dyn, rel_tol) / (16.0 * M_PI * M_PI * crystal.density());
}

// physics.md §1.7: Gauss–Legendre in cosθ × Gauss–Legendre in φ.
Mat3 drag_matrix_gauss_legendre(const Crystal &crystal, int n_theta, int n_phi) {
  if (n_theta < 1 || n_phi < 1)
    throw std::invalid_argument(fmt::format(
        "drag_matrix_gauss_legendre: need n_theta, n_phi ≥ 1, got {}, {}", n_theta, n_phi));
  const DynamicalMatrix dyn(crystal);
  std::vector<double> xt, wt, xp, wp;
  gauss_legendre(n_theta, xt, wt);
  gauss_legendre(n_phi, xp, wp);
  Mat3 sum = Mat3::Zero();
  for (int i = 0; i < n_theta; ++i) {
    const double theta = std::acos(xt[i]);
    for (int j = 0; j < n_phi; ++j) {
      const double phi = M_PI * (xp[j] + 1.0);
      sum +=
          (wt[i] * M_PI * wp[j]) * inverse_three_halves_power(dyn.long_wave(direction(theta, phi)));
    }
  }
  return sum / (16.0 * M_PI * M_PI * crystal.density());
}

// physics.md §1.7, seed 001 Eq. (23) as the seed-001 scripts evaluate it; ρ = Σ m_b / V_cell.
Mat3 loss_matrix_dimensionless(const Crystal &dimensionless_crystal, double rel_tol) {
  for (const BasisAtom &atom : dimensionless_crystal.basis())
    if (std::abs(atom.mass - 1.0) > 1e-12)
      throw std::invalid_argument(fmt::format(
          "loss_matrix_dimensionless: seed 001 units have framework mass 1, got {}", atom.mass));
  const DynamicalMatrix dyn(dimensionless_crystal);
  // S = m D1 / a² with m = 1 and a³ = V_cell / n_b = 1/ρ: ∮ S^{-3/2} = ∮ D1^{-3/2} / ρ.
  const double inverse_density =
      dimensionless_crystal.cell_volume_A3() / dimensionless_crystal.total_mass();
  return inverse_density * sphere_integral(dyn, rel_tol) / (32.0 * M_PI * M_PI * M_PI);
}

} // namespace ionbath::crystal
