#include "ionbath/crystal/zone_average.hpp"

#include "ionbath/crystal/dynamical_matrix.hpp"

#include <array>
#include <cmath>
#include <complex>
#include <fftw3.h>
#include <fmt/format.h>
#include <memory>
#include <stdexcept>
#include <vector>

namespace ionbath::crystal {
namespace {

struct FftwFree {
  void operator()(double *p) const { fftw_free(p); }
};
using FftwArray = std::unique_ptr<double[], FftwFree>;

struct FftwPlan {
  fftw_plan plan;
  ~FftwPlan() { fftw_destroy_plan(plan); }
};

constexpr std::array<std::array<int, 2>, 6> kComponents{
    {{0, 0}, {1, 1}, {2, 2}, {0, 1}, {0, 2}, {1, 2}}};

int wrap(int l, int n) {
  const int r = l % n;
  return r < 0 ? r + n : r;
}

} // namespace

// physics.md §1.6: e^{i q·L} = e^{2πi s Σ_j L_j/N_j} e^{2πi n·L/N} on the grid q_j = 2π(n_j+s)/N_j.
StaticResponseTable zone_grid_average(const Crystal &crystal, GridShape grid, bool half_shifted,
                                      int range, const ZoneFunction &f) {
  const auto [n1, n2, n3] = grid;
  if (n1 < 1 || n2 < 1 || n3 < 1 || range < 0)
    throw std::invalid_argument(
        fmt::format("zone_grid_average: invalid grid {}x{}x{} or range {}", n1, n2, n3, range));
  const std::size_t padded_z = 2 * (static_cast<std::size_t>(n3) / 2 + 1);
  const std::size_t stride = static_cast<std::size_t>(n1) * n2 * padded_z;
  const std::size_t bytes = kComponents.size() * stride * sizeof(double);
  if (bytes > kMaxZoneGridBytes)
    throw std::invalid_argument(fmt::format(
        "zone_grid_average: the {}x{}x{} grid needs {:.2f} GiB, more than the {:.2f} GiB limit", n1,
        n2, n3, double(bytes) / (1 << 30), double(kMaxZoneGridBytes) / (1 << 30)));

  std::array<FftwArray, 6> comp;
  for (auto &c : comp) {
    c.reset(static_cast<double *>(fftw_malloc(stride * sizeof(double))));
    if (!c)
      throw std::bad_alloc();
  }
  const ForceConstantsOnGrid phi_grid(crystal, grid, half_shifted);
  for (int x = 0; x < n1; ++x)
    for (int y = 0; y < n2; ++y)
      for (int z = 0; z < n3; ++z) {
        const std::size_t at = (static_cast<std::size_t>(x) * n2 + y) * padded_z + z;
        // Γ dropped where its modes are the zero modes (physics.md §1.3, §12.2)
        if (!half_shifted && !crystal.confined() && x == 0 && y == 0 && z == 0) {
          for (auto &c : comp)
            c[at] = 0.0;
          continue;
        }
        const Mat3 value = f(phi_grid.q(x, y, z), phi_grid(x, y, z));
        for (std::size_t k = 0; k < kComponents.size(); ++k) {
          const auto [i, j] = kComponents[k];
          comp[k][at] = 0.5 * (value(i, j) + value(j, i));
        }
      }

  FftwPlan plan{fftw_plan_dft_r2c_3d(
      n1, n2, n3, comp[0].get(), reinterpret_cast<fftw_complex *>(comp[0].get()), FFTW_ESTIMATE)};
  for (auto &c : comp)
    fftw_execute_dft_r2c(plan.plan, c.get(), reinterpret_cast<fftw_complex *>(c.get()));

  StaticResponseTable table;
  table.range = range;
  const int width = 2 * range + 1;
  table.blocks.assign(static_cast<std::size_t>(width) * width * width, Mat3::Zero());
  const double shift = half_shifted ? 0.5 : 0.0;
  const double inv_cells = 1.0 / (double(n1) * n2 * n3);
  for (int lz = -range; lz <= range; ++lz)
    for (int ly = -range; ly <= range; ++ly)
      for (int lx = -range; lx <= range; ++lx) {
        // FFTW's forward transform G_K = Σ_n F_n e^{-2πi n·K/N}; the wanted sum is conj(G_L) =
        // G_{-L} (F real); only half of the last axis is stored, use whichever of ±L is there.
        Cell k(wrap(lx, n1), wrap(ly, n2), wrap(lz, n3));
        bool conjugate = true;
        if (k.z() > n3 / 2) {
          k = Cell(wrap(-lx, n1), wrap(-ly, n2), wrap(-lz, n3));
          conjugate = false;
        }
        const std::size_t at =
            (static_cast<std::size_t>(k.x()) * n2 + k.y()) * (padded_z / 2) + k.z();
        const double theta =
            2.0 * M_PI * shift * (double(lx) / n1 + double(ly) / n2 + double(lz) / n3);
        const std::complex<double> phase(std::cos(theta), std::sin(theta));
        Mat3 &block = table.blocks[StaticResponseTable::index(Cell(lx, ly, lz), range)];
        for (std::size_t c = 0; c < kComponents.size(); ++c) {
          const auto *g = reinterpret_cast<const std::complex<double> *>(comp[c].get());
          const std::complex<double> sum = conjugate ? std::conj(g[at]) : g[at];
          const double value = (phase * sum).real() * inv_cells;
          const auto [i, j] = kComponents[c];
          block(i, j) = value;
          block(j, i) = value;
        }
      }
  return table;
}

namespace {
// Weights c_i of Σ_i c_i W(N/2^i), i = 0..k, that keep the integral and cancel the error terms
// h^p, p ∈ orders (h = 2π/N): Σ_i c_i = 1, Σ_i c_i 2^{i p} = 0.
Eigen::VectorXd richardson_weights(std::span<const int> orders) {
  const auto k = static_cast<Eigen::Index>(orders.size());
  Eigen::MatrixXd a(k + 1, k + 1);
  Eigen::VectorXd rhs = Eigen::VectorXd::Zero(k + 1);
  for (Eigen::Index i = 0; i <= k; ++i) {
    a(0, i) = 1.0;
    for (Eigen::Index r = 0; r < k; ++r)
      a(r + 1, i) = std::pow(2.0, double(i * orders[r]));
  }
  rhs(0) = 1.0;
  return a.fullPivLu().solve(rhs);
}
} // namespace

// physics.md §1.6: Richardson extrapolation in the spacing of half-shifted grids.
namespace {

// A gapped (confined) crystal has no singularity at Γ: the half-shifted sum on N³ is the answer
// and its change from (N/2)³ bounds the error (exponential convergence).
StaticResponseTable smooth_zone_average(const Crystal &crystal, int grid_n, int range,
                                        const ZoneFunction &f) {
  StaticResponseTable fine = zone_grid_average(crystal, {grid_n, grid_n, grid_n}, true, range, f);
  const int half = grid_n / 2;
  const StaticResponseTable coarse = zone_grid_average(crystal, {half, half, half}, true, range, f);
  for (std::size_t b = 0; b < fine.blocks.size(); ++b)
    fine.error_estimate =
        std::max(fine.error_estimate, (fine.blocks[b] - coarse.blocks[b]).cwiseAbs().maxCoeff());
  return fine;
}

} // namespace

StaticResponseTable zone_average(const Crystal &crystal, int grid_n, int range,
                                 const ZoneFunction &f, std::span<const int> error_orders) {
  const int levels = static_cast<int>(error_orders.size()); // grids N, N/2, ..., N/2^levels
  const int divisor = 1 << levels;
  if (error_orders.empty() || grid_n < 8 * divisor || grid_n % divisor != 0)
    throw std::invalid_argument(
        fmt::format("zone_average: grid {}³ must be a multiple of {} and at least {} (Richardson "
                    "over {} halvings down to a grid of at least 8³)",
                    grid_n, divisor, 8 * divisor, levels));
  if (crystal.confined()) // analytic periodic integrand: the grid sum converges exponentially
    return smooth_zone_average(crystal, grid_n, range, f);
  std::vector<StaticResponseTable> grids;
  for (int i = 0; i <= levels; ++i) {
    const int n = grid_n >> i;
    grids.push_back(zone_grid_average(crystal, {n, n, n}, true, range, f));
  }
  const Eigen::VectorXd full = richardson_weights(error_orders);
  const Eigen::VectorXd reduced = richardson_weights(error_orders.first(error_orders.size() - 1));
  StaticResponseTable result;
  result.range = range;
  result.blocks.assign(grids[0].blocks.size(), Mat3::Zero());
  double error = 0;
  for (std::size_t b = 0; b < result.blocks.size(); ++b) {
    Mat3 lower = Mat3::Zero();
    for (int i = 0; i <= levels; ++i)
      result.blocks[b] += full(i) * grids[i].blocks[b];
    for (int i = 0; i < levels; ++i)
      lower += reduced(i) * grids[i].blocks[b];
    error = std::max(error, (result.blocks[b] - lower).cwiseAbs().maxCoeff());
  }
  result.error_estimate = error;
  return result;
}

} // namespace ionbath::crystal
