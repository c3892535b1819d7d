#include "ionbath/crystal/dynamical_matrix.hpp"

#include <Eigen/Eigenvalues>
#include <cmath>

namespace ionbath::crystal {

DynamicalMatrix::DynamicalMatrix(const Crystal &crystal) : crystal_(crystal) {}

Mat3 DynamicalMatrix::force_constant_matrix(const Vec3 &q) const {
  Mat3 phi = crystal_.onsite_block();
  for (const auto &b : crystal_.bonds())
    phi += b.phi * std::cos(q.dot(b.offset.cast<double>()));
  return 0.5 * (phi + phi.transpose());
}

Mat3 DynamicalMatrix::operator()(const Vec3 &q) const {
  return force_constant_matrix(q) / crystal_.mass();
}

Mat3 DynamicalMatrix::long_wave(const Vec3 &n) const {
  Mat3 d1 = Mat3::Zero();
  for (const auto &b : crystal_.bonds()) {
    const double proj = n.dot(crystal_.equilibrium_position(b.offset));
    d1 -= b.phi * (proj * proj);
  }
  d1 /= 2.0 * crystal_.mass();
  return 0.5 * (d1 + d1.transpose());
}

Vec3 DynamicalMatrix::sound_speeds(const Vec3 &n) const {
  Eigen::SelfAdjointEigenSolver<Mat3> es(long_wave(n), Eigen::EigenvaluesOnly);
  return es.eigenvalues().cwiseMax(0.0).cwiseSqrt();
}

DynamicalMatrix::Modes DynamicalMatrix::modes(const Vec3 &q) const {
  Eigen::SelfAdjointEigenSolver<Mat3> es((*this)(q));
  return {es.eigenvalues(), es.eigenvectors()};
}

ForceConstantsOnGrid::ForceConstantsOnGrid(const Crystal &crystal, GridShape grid,
                                           bool half_shifted)
    : crystal_(crystal), grid_(grid), shift_(half_shifted ? 0.5 : 0.0),
      reach_(crystal.stencil_reach()) {
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
