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

namespace {

// Σ_i c_i R(N/2^i) over the grid levels with the weights that cancel `orders`, and the error
// estimate |R_K − R_{K−1}| (physics.md §1.6).
StaticResponseTable richardson_combine(const std::vector<StaticResponseTable> &grids,
                                       std::span<const int> orders) {
  const int levels = static_cast<int>(orders.size());
  const Eigen::VectorXd full = richardson_weights(orders);
  const Eigen::VectorXd reduced = richardson_weights(orders.first(orders.size() - 1));
  StaticResponseTable result;
  result.range = grids[0].range;
  result.n_basis = grids[0].n_basis;
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

// The plain sum on `fine` with the change from the half grid as its error (analytic integrands).
StaticResponseTable with_half_grid_error(StaticResponseTable fine,
                                         const StaticResponseTable &coarse) {
  for (std::size_t b = 0; b < fine.blocks.size(); ++b)
    fine.error_estimate =
        std::max(fine.error_estimate, (fine.blocks[b] - coarse.blocks[b]).cwiseAbs().maxCoeff());
  return fine;
}

} // namespace

// physics.md §1.6: Richardson extrapolation in the spacing of half-shifted grids.
namespace {

// A gapped (confined) crystal has no singularity at Γ: the half-shifted sum on N³ is the answer
// and its change from (N/2)³ bounds the error (exponential convergence).
StaticResponseTable smooth_zone_average(const Crystal &crystal, int grid_n, int range,
                                        const ZoneFunction &f) {
  const int half = grid_n / 2;
  return with_half_grid_error(zone_grid_average(crystal, {grid_n, grid_n, grid_n}, true, range, f),
                              zone_grid_average(crystal, {half, half, half}, true, range, f));
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
  return richardson_combine(grids, error_orders);
}

namespace {

// F(q) = M^{-1/2} E diag(w(Ω²)) E^† M^{-1/2} from the branches of D(q); the three lowest (the zero
// modes) get no weight when drop_zero_modes (Γ of an unconfined crystal, physics.md §12.2).
Eigen::MatrixXcd branch_function(const DynamicalMatrix &dyn, const Eigen::VectorXd &inv_sqrt_m,
                                 const Vec3 &q, bool drop_zero_modes, const ModeWeight &w) {
  const DynamicalMatrix::Branches br = dyn.branches(q);
  Eigen::VectorXd weight(br.omega2.size());
  for (Eigen::Index u = 0; u < weight.size(); ++u)
    weight(u) = drop_zero_modes && u < 3 ? 0.0 : w(std::max(br.omega2(u), 0.0));
  const Eigen::MatrixXcd e = inv_sqrt_m.asDiagonal() * br.e;
  return e * weight.asDiagonal() * e.adjoint();
}

struct FftwComplexFree {
  void operator()(fftw_complex *p) const { fftw_free(p); }
};
using FftwComplexArray = std::unique_ptr<fftw_complex[], FftwComplexFree>;

// One pass of mode_zone_grid_average: the 9 n_b components of rows b ∈ [first, last) on the grid,
// e^{-iq·(f_b' − f_b)} F_bb'(q), transformed and read out at every |L|∞ ≤ range.
class BasisZonePass {
public:
  BasisZonePass(const Crystal &crystal, GridShape grid, bool half_shifted, int first, int last)
      : crystal_(crystal), grid_(grid), shift_(half_shifted ? 0.5 : 0.0), first_(first),
        last_(last), nb_(crystal.n_basis()), points_(grid_points(grid)) {
    comp_.resize(std::size_t(last - first) * nb_ * 9);
    for (auto &c : comp_) {
      c.reset(static_cast<fftw_complex *>(fftw_malloc(sizeof(fftw_complex) * points_)));
      if (!c)
        throw std::bad_alloc();
    }
  }

  void fill(const ModeWeight &w) {
    const DynamicalMatrix dyn(crystal_);
    const Eigen::VectorXd inv_sqrt_m = crystal_.sqrt_masses().cwiseInverse();
    const auto [n1, n2, n3] = grid_;
    for (int x = 0; x < n1; ++x)
      for (int y = 0; y < n2; ++y)
        for (int z = 0; z < n3; ++z) {
          const Vec3 q(2 * M_PI * (x + shift_) / n1, 2 * M_PI * (y + shift_) / n2,
                       2 * M_PI * (z + shift_) / n3);
          const bool gamma = shift_ == 0.0 && x == 0 && y == 0 && z == 0 && !crystal_.confined();
          const Eigen::MatrixXcd f = branch_function(dyn, inv_sqrt_m, q, gamma, w);
          store((std::size_t(x) * n2 + y) * n3 + z, q, f);
        }
  }

  void transform() {
    const auto [n1, n2, n3] = grid_;
    FftwComplexArray scratch(
        static_cast<fftw_complex *>(fftw_malloc(sizeof(fftw_complex) * points_)));
    const fftw_plan plan =
        fftw_plan_dft_3d(n1, n2, n3, scratch.get(), scratch.get(), FFTW_FORWARD, FFTW_ESTIMATE);
    for (auto &c : comp_)
      fftw_execute_dft(plan, c.get(), c.get());
    fftw_destroy_plan(plan);
  }

  // result(L) = Re e^{-2πi s Σ L_j/N_j} G_L / N (FFTW forward: G_K = Σ_n F_n e^{-2πi n·K/N}).
  void read_out(StaticResponseTable &table) const {
    const auto [n1, n2, n3] = grid_;
    const int r = table.range;
    for (int b = first_; b < last_; ++b)
      for (int b2 = 0; b2 < nb_; ++b2)
        for (int lz = -r; lz <= r; ++lz)
          for (int ly = -r; ly <= r; ++ly)
            for (int lx = -r; lx <= r; ++lx) {
              const std::size_t at =
                  (std::size_t(wrap(lx, n1)) * n2 + wrap(ly, n2)) * n3 + wrap(lz, n3);
              const double theta =
                  -2.0 * M_PI * shift_ * (double(lx) / n1 + double(ly) / n2 + double(lz) / n3);
              const std::complex<double> phase(std::cos(theta), std::sin(theta));
              Mat3 &block = table.blocks[table.index(b, Cell(lx, ly, lz), b2)];
              for (int i = 0; i < 3; ++i)
                for (int j = 0; j < 3; ++j) {
                  const fftw_complex &g = comp_[component(b, b2, i, j)][at];
                  block(i, j) = (phase * std::complex<double>(g[0], g[1])).real() / double(points_);
                }
            }
  }

private:
  std::size_t component(int b, int b2, int i, int j) const {
    return (std::size_t(b - first_) * nb_ + b2) * 9 + 3 * i + j;
  }
  void store(std::size_t at, const Vec3 &q, const Eigen::MatrixXcd &f) {
    for (int b = first_; b < last_; ++b)
      for (int b2 = 0; b2 < nb_; ++b2) {
        const double arg =
            -q.dot(crystal_.fractional_position(b2) - crystal_.fractional_position(b));
        const std::complex<double> phase(std::cos(arg), std::sin(arg));
        for (int i = 0; i < 3; ++i)
          for (int j = 0; j < 3; ++j) {
            const std::complex<double> v = phase * f(3 * b + i, 3 * b2 + j);
            comp_[component(b, b2, i, j)][at][0] = v.real();
            comp_[component(b, b2, i, j)][at][1] = v.imag();
          }
      }
  }

  const Crystal &crystal_;
  GridShape grid_;
  double shift_;
  int first_, last_, nb_;
  std::int64_t points_;
  std::vector<FftwComplexArray> comp_;
};

} // namespace

// physics.md §12.3.
StaticResponseTable mode_zone_grid_average(const Crystal &crystal, GridShape grid,
                                           bool half_shifted, int range, const ModeWeight &w) {
  if (grid[0] < 1 || grid[1] < 1 || grid[2] < 1 || range < 0)
    throw std::invalid_argument(
        fmt::format("mode_zone_grid_average: invalid grid {}x{}x{} or range {}", grid[0], grid[1],
                    grid[2], range));
  const int nb = crystal.n_basis();
  const std::size_t row_bytes = std::size_t(9) * nb * grid_points(grid) * sizeof(fftw_complex);
  if (row_bytes > kMaxZoneGridBytes)
    throw std::invalid_argument(fmt::format(
        "mode_zone_grid_average: the {}x{}x{} grid of a {}-atom cell needs {:.2f} GiB per basis "
        "atom, more than the {:.2f} GiB limit",
        grid[0], grid[1], grid[2], nb, double(row_bytes) / (1 << 30),
        double(kMaxZoneGridBytes) / (1 << 30)));
  const int rows_per_pass =
      static_cast<int>(std::min<std::size_t>(nb, kMaxZoneGridBytes / row_bytes));
  StaticResponseTable table;
  table.range = range;
  table.n_basis = nb;
  table.blocks.assign(std::size_t(nb) * nb * table.cells(), Mat3::Zero());
  for (int first = 0; first < nb; first += rows_per_pass) {
    BasisZonePass pass(crystal, grid, half_shifted, first, std::min(nb, first + rows_per_pass));
    pass.fill(w);
    pass.transform();
    pass.read_out(table);
  }
  return table;
}

StaticResponseTable mode_zone_average(const Crystal &crystal, GridShape grid, int range,
                                      const ModeWeight &w, std::span<const int> error_orders) {
  const int levels = static_cast<int>(error_orders.size());
  const int divisor = 1 << levels;
  const double coarsest_per_atom = double(crystal.n_basis()) * (grid[0] / divisor) *
                                   (grid[1] / divisor) * double(grid[2] / divisor);
  if (error_orders.empty() || grid[0] % divisor || grid[1] % divisor || grid[2] % divisor ||
      coarsest_per_atom < 512.0)
    throw std::invalid_argument(fmt::format(
        "mode_zone_average: grid {}x{}x{} must be a multiple of {} on every axis, and the coarsest "
        "of its {} halvings must hold at least 8³ wave vectors per atom of the cell",
        grid[0], grid[1], grid[2], divisor, levels));
  auto level = [&](int i) { return GridShape{grid[0] >> i, grid[1] >> i, grid[2] >> i}; };
  if (crystal.confined())
    return with_half_grid_error(mode_zone_grid_average(crystal, grid, true, range, w),
                                mode_zone_grid_average(crystal, level(1), true, range, w));
  std::vector<StaticResponseTable> grids;
  for (int i = 0; i <= levels; ++i)
    grids.push_back(mode_zone_grid_average(crystal, level(i), true, range, w));
  return richardson_combine(grids, error_orders);
}

} // namespace ionbath::crystal
