#include "ionbath/crystal/dynamical_matrix.hpp"

#include <Eigen/Eigenvalues>
#include <cmath>
#include <fmt/format.h>
#include <stdexcept>

namespace ionbath::crystal {

namespace {

void require_one_atom(const Crystal &c, const char *what) {
  if (c.n_basis() != 1)
    throw std::logic_error(fmt::format("{}: crystal '{}' has {} atoms per cell (one-atom path)",
                                       what, c.name(), c.n_basis()));
}

} // namespace

DynamicalMatrix::DynamicalMatrix(const Crystal &crystal) : crystal_(crystal) {}

Mat3 DynamicalMatrix::force_constant_matrix(const Vec3 &q) const {
  require_one_atom(crystal_, "DynamicalMatrix::force_constant_matrix");
  Mat3 phi = crystal_.onsite_block();
  for (const auto &b : crystal_.bonds())
    phi += b.phi * std::cos(q.dot(b.offset.cast<double>()));
  return 0.5 * (phi + phi.transpose());
}

Mat3 DynamicalMatrix::operator()(const Vec3 &q) const {
  return force_constant_matrix(q) / crystal_.mass();
}

// physics.md §12.2.
Eigen::MatrixXcd DynamicalMatrix::hermitian(const Vec3 &q) const {
  const int n = 3 * crystal_.n_basis();
  Eigen::MatrixXcd d = Eigen::MatrixXcd::Zero(n, n);
  for (int b = 0; b < crystal_.n_basis(); ++b)
    d.block<3, 3>(3 * b, 3 * b) += crystal_.onsite_block(b).cast<std::complex<double>>();
  for (const auto &bond : crystal_.bonds()) {
    const Vec3 x = bond.offset.cast<double>() + crystal_.fractional_position(bond.to) -
                   crystal_.fractional_position(bond.from);
    const double arg = q.dot(x);
    d.block<3, 3>(3 * bond.from, 3 * bond.to) +=
        bond.phi.cast<std::complex<double>>() * std::complex<double>(std::cos(arg), std::sin(arg));
  }
  const Eigen::VectorXd inv_sqrt_m = crystal_.sqrt_masses().cwiseInverse();
  d = inv_sqrt_m.asDiagonal() * d * inv_sqrt_m.asDiagonal();
  return 0.5 * (d + d.adjoint());
}

DynamicalMatrix::Branches DynamicalMatrix::branches(const Vec3 &q) const {
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXcd> es(hermitian(q));
  return {es.eigenvalues(), es.eigenvectors()};
}

Vec3 DynamicalMatrix::reduced(const Vec3 &q_phys) const {
  return crystal_.lattice_vectors().transpose() * q_phys;
}

// One atom: physics.md §1.5. Several: S = Uᵀ D₂ U − (H₁U)ᵀ D₀⁺ (H₁U) with D(q n̂) = D₀ + i q H₁ + q²
// D₂ + …, U the acoustic vectors √(m_b/M) δ_αβ, D₀⁺ the pseudo-inverse on the optical space
// (second-order perturbation theory for the acoustic eigenvalues; physics.md §12.3).
Mat3 DynamicalMatrix::long_wave(const Vec3 &n) const {
  if (crystal_.n_basis() == 1) {
    Mat3 d1 = Mat3::Zero();
    for (const auto &b : crystal_.bonds()) {
      const double proj = n.dot(crystal_.equilibrium_position(b.offset));
      d1 -= b.phi * (proj * proj);
    }
    d1 /= 2.0 * crystal_.mass();
    return 0.5 * (d1 + d1.transpose());
  }
  const int dim = 3 * crystal_.n_basis();
  Eigen::MatrixXd d0 = Eigen::MatrixXd::Zero(dim, dim), h1 = d0, d2 = d0;
  for (int b = 0; b < crystal_.n_basis(); ++b)
    d0.block<3, 3>(3 * b, 3 * b) += crystal_.onsite_block(b);
  for (const auto &bond : crystal_.bonds()) {
    const double proj = n.dot(crystal_.equilibrium_position(bond.offset, bond.to) -
                              crystal_.equilibrium_position(Cell::Zero(), bond.from));
    d0.block<3, 3>(3 * bond.from, 3 * bond.to) += bond.phi;
    h1.block<3, 3>(3 * bond.from, 3 * bond.to) += bond.phi * proj;
    d2.block<3, 3>(3 * bond.from, 3 * bond.to) -= 0.5 * bond.phi * (proj * proj);
  }
  const Eigen::VectorXd inv_sqrt_m = crystal_.sqrt_masses().cwiseInverse();
  for (Eigen::MatrixXd *m : {&d0, &h1, &d2})
    *m = inv_sqrt_m.asDiagonal() * (*m) * inv_sqrt_m.asDiagonal();
  Eigen::MatrixXd u = Eigen::MatrixXd::Zero(dim, 3);
  const double total = crystal_.total_mass();
  for (int b = 0; b < crystal_.n_basis(); ++b)
    u.block<3, 3>(3 * b, 0) =
        std::sqrt(crystal_.basis()[static_cast<std::size_t>(b)].mass / total) * Mat3::Identity();
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(0.5 * (d0 + d0.transpose()));
  const double cut = 1e-10 * es.eigenvalues().cwiseAbs().maxCoeff();
  Eigen::VectorXd inv = es.eigenvalues();
  for (int i = 0; i < dim; ++i)
    inv(i) = inv(i) > cut ? 1.0 / inv(i) : 0.0;
  const Eigen::MatrixXd pinv = es.eigenvectors() * inv.asDiagonal() * es.eigenvectors().transpose();
  const Eigen::MatrixXd h1u = h1 * u;
  const Mat3 s = u.transpose() * d2 * u - h1u.transpose() * pinv * h1u;
  return 0.5 * (s + s.transpose());
}

Vec3 DynamicalMatrix::sound_speeds(const Vec3 &n) const {
  Eigen::SelfAdjointEigenSolver<Mat3> es(long_wave(n), Eigen::EigenvaluesOnly);
  return es.eigenvalues().cwiseMax(0.0).cwiseSqrt();
}

Mat3 DynamicalMatrix::acoustic_polarizations(const Vec3 &n) const {
  return Eigen::SelfAdjointEigenSolver<Mat3>(long_wave(n)).eigenvectors();
}

Vec3 DynamicalMatrix::sound_speeds_richardson(const Vec3 &n, double epsilon) const {
  auto speeds = [&](double e) {
    const Eigen::VectorXd w2 = branches(reduced(e * n)).omega2;
    return Vec3(w2.head<3>().cwiseMax(0.0).cwiseSqrt() / e);
  };
  const Vec3 v1 = speeds(epsilon), v2 = speeds(epsilon / 2), v4 = speeds(epsilon / 4);
  const Vec3 r1 = (4 * v2 - v1) / 3, r2 = (4 * v4 - v2) / 3; // cancel O(ε²)
  return (16 * r2 - r1) / 15;                                // cancel O(ε⁴)
}

DynamicalMatrix::Modes DynamicalMatrix::modes(const Vec3 &q) const {
  Eigen::SelfAdjointEigenSolver<Mat3> es((*this)(q));
  return {es.eigenvalues(), es.eigenvectors()};
}

ForceConstantsOnGrid::ForceConstantsOnGrid(const Crystal &crystal, GridShape grid,
                                           bool half_shifted)
    : crystal_(crystal), grid_(grid), shift_(half_shifted ? 0.5 : 0.0),
      reach_(crystal.stencil_reach()) {
  require_one_atom(crystal, "ForceConstantsOnGrid");
  const int width = 2 * reach_ + 1;
  for (int axis = 0; axis < 3; ++axis) {
    phase_[axis].resize(static_cast<std::size_t>(grid_[axis]) * width);
    for (int n = 0; n < grid_[axis]; ++n)
      for (int d = -reach_; d <= reach_; ++d) {
        const double arg = 2.0 * M_PI * (n + shift_) / grid_[axis] * d;
        phase_[axis][static_cast<std::size_t>(n) * width + (d + reach_)] = {std::cos(arg),
                                                                            std::sin(arg)};
      }
  }
}

Vec3 ForceConstantsOnGrid::q(int nx, int ny, int nz) const {
  return {2.0 * M_PI * (nx + shift_) / grid_[0], 2.0 * M_PI * (ny + shift_) / grid_[1],
          2.0 * M_PI * (nz + shift_) / grid_[2]};
}

Mat3 ForceConstantsOnGrid::operator()(int nx, int ny, int nz) const {
  const int width = 2 * reach_ + 1;
  const auto *px = &phase_[0][static_cast<std::size_t>(nx) * width + reach_];
  const auto *py = &phase_[1][static_cast<std::size_t>(ny) * width + reach_];
  const auto *pz = &phase_[2][static_cast<std::size_t>(nz) * width + reach_];
  Mat3 phi = crystal_.onsite_block();
  for (const auto &b : crystal_.bonds()) {
    const double c = (px[b.offset.x()] * py[b.offset.y()] * pz[b.offset.z()]).real();
    phi += b.phi * c;
  }
  return 0.5 * (phi + phi.transpose());
}

} // namespace ionbath::crystal
