#pragma once
#include <Eigen/Dense>
#include <array>
#include <cstdint>

namespace ionbath {

using Vec3 = Eigen::Vector3d;
using Mat3 = Eigen::Matrix3d;
using CVec3 = Eigen::Vector3cd;
using Cell = Eigen::Vector3i; // integer lattice (cell) index n, equilibrium position A n
using GridShape = std::array<int, 3>;

inline std::int64_t grid_points(const GridShape &g) {
  return std::int64_t(g[0]) * g[1] * g[2];
}

} // namespace ionbath
