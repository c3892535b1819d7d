#include "ionbath/crystal/static_response.hpp"

#include "ionbath/crystal/dynamical_matrix.hpp"
#include "ionbath/crystal/zone_average.hpp"

#include <array>
#include <cmath>
#include <cubature.h>
#include <fmt/format.h>
#include <stdexcept>

namespace ionbath::crystal {
namespace {

Mat3 inverse_force_constants(const Vec3 &, const Mat3 &phi) {
  return phi.inverse();
}

double inverse_square(double omega2) {
  return 1.0 / omega2;
}

struct CubatureData {
  const DynamicalMatrix *dyn;
  Vec3 L;
};

// Integrand on the unit cube (u, v, w): the three Duffy pyramids of the octant [0,π]³, each summed
// over the 8 sign patterns that fold [-π,π]³ onto the octant. Six components xx,yy,zz,xy,xz,yz.
int duffy_integrand(unsigned, const double *x, void *data, unsigned, double *out) {
  const auto &d = *static_cast<const CubatureData *>(data);
  const double u = x[0], v = x[1], w = x[2];
  const std::array<Vec3, 3> pyramids{Vec3(u, u * v, u * w), Vec3(u * v, u, u * w),
                                     Vec3(u * v, u * w, u)};
  Mat3 sum = Mat3::Zero();
  for (const Vec3 &p : pyramids)
    for (int s = 0; s < 8; ++s) {
      const Vec3 sign((s & 1) ? -1.0 : 1.0, (s & 2) ? -1.0 : 1.0, (s & 4) ? -1.0 : 1.0);
      const Vec3 q = M_PI * sign.cwiseProduct(p);
      // u² Φ(q)^{-1} is bounded as u → 0: scale Φ by 1/u² before inverting.
      sum += (d.dyn->force_constant_matrix(q) / (u * u)).inverse() * std::cos(q.dot(d.L));
    }
  const double jac = M_PI * M_PI * M_PI / std::pow(2.0 * M_PI, 3); // Jacobian / BZ volume (u² used)
  out[0] = jac * sum(0, 0);
  out[1] = jac * sum(1, 1);
  out[2] = jac * sum(2, 2);
  out[3] = jac * sum(0, 1);
  out[4] = jac * sum(0, 2);
  out[5] = jac * sum(1, 2);
  return 0;
}

} // namespace

StaticResponseTable static_response_fft(const Crystal &crystal, int grid_n, int range) {
  if (crystal.n_basis() > 1)
    return static_response_fft(crystal, GridShape{grid_n, grid_n, grid_n}, range);
  return zone_average(crystal, grid_n, range, inverse_force_constants);
}

// physics.md §12.3: [Φ(q)^{-1}]_bb' from the branch weights 1/Ω².
StaticResponseTable static_response_fft(const Crystal &crystal, GridShape grid, int range) {
  return mode_zone_average(crystal, grid, range, inverse_square);
}

StaticResponseTable static_response_periodic(const Crystal &crystal, GridShape lattice, int range) {
  if (crystal.n_basis() > 1)
    return mode_zone_grid_average(crystal, lattice, false, range, inverse_square);
  return zone_grid_average(crystal, lattice, false, range, inverse_force_constants);
}

Mat3 static_response_cubature(const Crystal &crystal, const Cell &L, double rel_tol) {
  const DynamicalMatrix dyn(crystal); // one-atom crystals (force_constant_matrix)
  CubatureData data{&dyn, L.cast<double>()};
  const double lo[3] = {0, 0, 0}, hi[3] = {1, 1, 1};
  double val[6], err[6];
  if (hcubature(6, duffy_integrand, &data, 3, lo, hi, 0, 0, rel_tol, ERROR_L2, val, err) != 0)
    throw std::runtime_error("static_response_cubature: hcubature failed");
  Mat3 w;
  w << val[0], val[3], val[4], val[3], val[1], val[5], val[4], val[5], val[2];
  return w;
}

} // namespace ionbath::crystal
