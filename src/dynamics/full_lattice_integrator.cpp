#include "ionbath/dynamics/full_lattice_integrator.hpp"

#include "ionbath/core/error.hpp"
#include "ionbath/dynamics/rk5.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <utility>
#ifdef _OPENMP
#include <omp.h>
#endif

namespace ionbath::dynamics {

namespace {
using T = ButcherRk5;
constexpr int S = T::stages;

// For ẍ = g(x) the RK5 of §0.4 applied to y = (x, ẋ) collapses to stage accelerations g_k alone:
// stage position x + c_i δt ẋ + δt² Σ_k ā_ik g_k, stage velocity ẋ + δt Σ_k a_ik g_k, and the
// update x + δt ẋ + δt² Σ_k b̄_k g_k, ẋ + δt Σ_k b_k g_k, with ā = a·a and b̄ = b·a (same numbers
// as the first-order form up to rounding; no stage velocities need storing).
struct SecondOrderRk5 {
  std::array<std::array<double, S>, S> abar{};
  std::array<double, S> bbar{};
  constexpr SecondOrderRk5() {
    for (int i = 0; i < S; ++i)
      for (int k = 0; k < S; ++k)
        for (int j = k + 1; j < i; ++j)
          abar[i][k] += T::a[i][j] * T::a[j][k];
    for (int k = 0; k < S; ++k)
      for (int i = k + 1; i < S; ++i)
        bbar[k] += T::b[i] * T::a[i][k];
  }
};
constexpr SecondOrderRk5 rk2{};
static_assert(rk2.bbar[S - 1] == 0.0, "the last stage enters the position only through b");

// out[s] = first[s] + Σ_t weight[t] · from[t][s] for s < n, the terms added in order (out may be
// first, never one of from).
template <int Terms>
__attribute__((always_inline)) inline void combine_terms(int n, double *out, const double *first,
                                                         const double *const *from,
                                                         const double *weight) {
  std::array<const double *, Terms + 1> f;
  std::array<double, Terms + 1> w;
  for (int t = 0; t < Terms; ++t) {
    f[t] = from[t];
    w[t] = weight[t];
  }
  for (int s = 0; s < n; ++s) {
    double x = first[s];
#pragma GCC unroll 8
    for (int t = 0; t < Terms; ++t)
      x += w[t] * f[t][s];
    out[s] = x;
  }
}

using CombineFunction = void (*)(int, double *, const double *, const double *const *,
                                 const double *);
template <int Terms>
void combine_sse2(int n, double *out, const double *first, const double *const *from,
                  const double *weight) {
  combine_terms<Terms>(n, out, first, from, weight);
}
#if defined(__GNUC__) && defined(__x86_64__)
template <int Terms>
__attribute__((target("avx2,fma"))) void combine_avx2(int n, double *out, const double *first,
                                                      const double *const *from,
                                                      const double *weight) {
  combine_terms<Terms>(n, out, first, from, weight);
}
#endif
template <int... Terms>
std::array<CombineFunction, sizeof...(Terms)> select_combine(std::integer_sequence<int, Terms...>) {
#if defined(__GNUC__) && defined(__x86_64__)
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
    return {combine_avx2<Terms>...};
#endif
  return {combine_sse2<Terms>...};
}
// Up to ṙ plus every stage acceleration.
const std::array<CombineFunction, S + 2> combine_table =
    select_combine(std::make_integer_sequence<int, S + 2>{});
void combine(int terms, int n, double *out, const double *first, const double *const *from,
             const double *weight) {
  combine_table[terms](n, out, first, from, weight);
}

int resolve_threads(int requested) {
#ifdef _OPENMP
  return requested > 0 ? requested : omp_get_max_threads();
#else
  (void)requested;
  return 1;
#endif
}

// f(line, thread) for every line, OpenMP-parallel over lines when threads > 1.
template <class F> void for_each_line(int lines, int threads, F &&f) {
#ifdef _OPENMP
#pragma omp parallel for schedule(static) num_threads(threads) if (threads > 1)
  for (int l = 0; l < lines; ++l)
    f(l, omp_get_thread_num());
#else
  (void)threads;
  for (int l = 0; l < lines; ++l)
    f(l, 0);
#endif
}
} // namespace

FullLatticeIntegrator::FullLatticeIntegrator(const crystal::Crystal &crystal, GridShape lattice,
                                             const PairPotential &potential,
                                             const Vec3 &ion_inverse_mass,
                                             FullInteraction interaction, double dt_ps,
                                             FullLatticeOptions options)
    : potential_(potential), stencil_(crystal, lattice, 1.0 / crystal.mass()),
      lattice_vectors_(crystal.lattice_vectors()),
      inverse_lattice_vectors_(crystal.lattice_vectors().inverse()), mass_(crystal.mass()),
      ion_inverse_mass_(ion_inverse_mass), interaction_(std::move(interaction)), dt_(dt_ps),
      options_(options), threads_(resolve_threads(options.threads)) {
  if (!(dt_ > 0))
    throw InputError(fmt::format("full EOM: time step must be positive, got {} ps", dt_));
  if (!((ion_inverse_mass_.array() >= 0).all() && ion_inverse_mass_.allFinite()))
    throw InputError("full EOM: ion inverse masses must be finite and ≥ 0");
  if (options.threads < 0)
    throw InputError(fmt::format("full EOM: threads must be ≥ 0, got {}", options.threads));
  if (std::holds_alternative<FixedSites>(interaction_) &&
      std::get<FixedSites>(interaction_).sites.empty())
    throw InputError("full EOM: the fixed interaction list is empty");
  if (std::holds_alternative<PeriodicCorners>(interaction_))
    for (int axis = 0; axis < 3; ++axis)
      if (lattice[axis] < 2)
        throw InputError("full EOM: the 8-corner list needs at least 2 cells along every axis");
  if (const auto *cut = std::get_if<PeriodicCutoff>(&interaction_)) {
    if (!(cut->radius_A > 0))
      throw InputError(
          fmt::format("full EOM: cutoff radius must be positive, got {} Å", cut->radius_A));
    // Cells that can hold an atom within the radius of R (one cell of margin for displacements).
    std::array<int, 3> reach{};
    for (int axis = 0; axis < 3; ++axis) {
      reach[axis] =
          static_cast<int>(std::ceil(cut->radius_A * inverse_lattice_vectors_.row(axis).norm())) +
          1;
      if (2 * reach[axis] + 2 > lattice[axis])
        throw InputError(fmt::format("full EOM: cutoff {} Å needs at least {} cells along axis {}",
                                     cut->radius_A, 2 * reach[axis] + 2, axis + 1));
    }
    for (int z = -reach[2] - 1; z <= reach[2]; ++z)
      for (int y = -reach[1] - 1; y <= reach[1]; ++y)
        for (int x = -reach[0] - 1; x <= reach[0]; ++x)
          candidate_offsets_.emplace_back(x, y, z);
  }

  const std::int64_t field_size = 3 * stencil_.padded_sites();
  // RK5: r, ṙ, stage accelerations 1 … S − 4, stage positions 2 … S; Verlet: r, ṙ,
  // acceleration.
  const bool rk5 = options_.scheme == FullScheme::rk5;
  const int accelerations = rk5 ? S - 4 : 1;
  const int positions = rk5 ? S - 1 : 0;
  storage_.assign(static_cast<std::size_t>((2 + accelerations + positions) * field_size), 0.0);
  r_ = {0};
  v_ = {field_size};
  for (int k = 0; k < accelerations; ++k)
    stage_acceleration_.push_back({(2 + k) * field_size});
  for (int k = 0; k < positions; ++k)
    stage_position_.push_back({(2 + accelerations + k) * field_size});
  line_scratch_.assign(static_cast<std::size_t>(threads_) * 6 * stencil_.line_buffer_length(), 0.0);
}

FieldView FullLatticeIntegrator::field(Field f) {
  double *p = storage_.data() + f.offset;
  const std::int64_t n = stencil_.padded_sites();
  return {p, p + n, p + 2 * n};
}

ConstFieldView FullLatticeIntegrator::field(Field f) const {
  const double *p = storage_.data() + f.offset;
  const std::int64_t n = stencil_.padded_sites();
  return {p, p + n, p + 2 * n};
}

Cell FullLatticeIntegrator::wrap(const Cell &n) const {
  Cell w;
  for (int axis = 0; axis < 3; ++axis) {
    const int m = n[axis] % lattice()[axis];
    w[axis] = m < 0 ? m + lattice()[axis] : m;
  }
  return w;
}

std::int64_t FullLatticeIntegrator::lin(const Cell &w) const {
  return w.x() + std::int64_t(lattice()[0]) * (w.y() + std::int64_t(lattice()[1]) * w.z());
}

std::int64_t FullLatticeIntegrator::slot(std::int64_t lin) const {
  const int n1 = lattice()[0], n2 = lattice()[1];
  return stencil_.padded_index(static_cast<int>(lin % n1), static_cast<int>(lin / n1 % n2),
                               static_cast<int>(lin / (std::int64_t(n1) * n2)));
}

Vec3 FullLatticeIntegrator::minimum_image(const Vec3 &s) const {
  Vec3 f = inverse_lattice_vectors_ * s;
  for (int axis = 0; axis < 3; ++axis) {
    const double n = lattice()[axis];
    f[axis] -= n * std::floor(f[axis] / n + 0.5); // f ∈ [−N/2, N/2)
  }
  return lattice_vectors_ * f;
}

double FullLatticeIntegrator::interact(ConstFieldView r, const Vec3 &R,
                                       std::vector<SiteForce> &forces, Vec3 &ion_force) const {
  forces.clear();
  ion_force.setZero();
  double energy = 0;
  auto displacement = [&](std::int64_t l) {
    const std::int64_t s = slot(l);
    return Vec3(r[0][s], r[1][s], r[2][s]);
  };
  // One pair term: force −∇U(s) on the atom, +∇U(s) on the ion (s = x_n − R).
  auto add = [&](std::int64_t l, const Vec3 &s) {
    const Vec3 g = potential_.gradient(s);
    energy += potential_.value(s);
    forces.push_back({l, -g});
    ion_force += g;
  };
  std::visit(
      [&](const auto &list) {
        using L = std::decay_t<decltype(list)>;
        if constexpr (std::is_same_v<L, FixedSites>) {
          for (const Cell &n : list.sites) {
            const std::int64_t l = lin(wrap(n));
            add(l, lattice_vectors_ * n.cast<double>() + displacement(l) - R);
          }
        } else {
          const Vec3 f = inverse_lattice_vectors_ * R;
          const Cell p(static_cast<int>(std::ceil(f.x())), static_cast<int>(std::ceil(f.y())),
                       static_cast<int>(std::ceil(f.z())));
          auto pair_separation = [&](const Cell &n, std::int64_t &l) {
            const Cell w = wrap(n);
            l = lin(w);
            return minimum_image(lattice_vectors_ * w.cast<double>() + displacement(l) - R);
          };
          if constexpr (std::is_same_v<L, PeriodicCorners>) {
            for (int o = 0; o < 8; ++o) {
              const Cell n = p - Cell(1 - (o & 1), 1 - (o >> 1 & 1), 1 - (o >> 2 & 1));
              std::int64_t l;
              const Vec3 s = pair_separation(n, l);
              add(l, s);
            }
          } else {
            const double radius2 = list.radius_A * list.radius_A;
            for (const Cell &o : candidate_offsets_) {
              std::int64_t l;
              const Vec3 s = pair_separation(p + o, l);
              if (s.squaredNorm() < radius2)
                add(l, s);
            }
          }
        }
      },
      interaction_);
  std::sort(forces.begin(), forces.end(),
            [](const SiteForce &a, const SiteForce &b) { return a.lin < b.lin; });
  return energy;
}

void FullLatticeIntegrator::add_site_accelerations(const std::vector<SiteForce> &forces, int line,
                                                   FieldView out) const {
  const std::int64_t first = std::int64_t(line) * stencil_.line_length();
  const std::int64_t last = first + stencil_.line_length();
  auto it = std::lower_bound(forces.begin(), forces.end(), first,
                             [](const SiteForce &f, std::int64_t l) { return f.lin < l; });
  for (; it != forces.end() && it->lin < last; ++it)
    for (int c = 0; c < 3; ++c)
      out[c][it->lin - first] += it->force[c] / mass_;
}

void FullLatticeIntegrator::set_lattice_state(std::span<const double> r_A,
                                              std::span<const double> rdot_A_per_ps) {
  const std::int64_t n = atoms();
  if (static_cast<std::int64_t>(r_A.size()) != 3 * n ||
      static_cast<std::int64_t>(rdot_A_per_ps.size()) != 3 * n)
    throw InputError(fmt::format("full EOM: lattice state needs 3N = {} values", 3 * n));
  auto r = field(r_);
  auto v = field(v_);
  for (std::int64_t i = 0; i < n; ++i)
    for (int c = 0; c < 3; ++c) {
      r[c][slot(i)] = r_A[3 * i + c];
      v[c][slot(i)] = rdot_A_per_ps[3 * i + c];
    }
  stencil_.fill_halo(r[0]);
  verlet_acceleration_valid_ = false;
  second_stage_valid_ = false;
}

void FullLatticeIntegrator::set_ion_state(const Vec3 &R_A, const Vec3 &Rdot_A_per_ps) {
  R_ = R_A;
  Rdot_ = Rdot_A_per_ps;
  verlet_acceleration_valid_ = false;
}

void FullLatticeIntegrator::step() {
  if (options_.scheme == FullScheme::rk5)
    step_rk5();
  else
    step_verlet();
  ++step_index_;
}

void FullLatticeIntegrator::advance(std::int64_t steps) {
  for (std::int64_t s = 0; s < steps; ++s)
    step();
}

// One RK5 step in S/2 passes over the lattice, each computing two stages. Stage j's position
// r + c_j δt ṙ + δt² Σ_k ā_jk A_k never involves A_{j−1} (ā_{j,j−1} = 0), so the positions of
// stages i and i + 1 are both known before the pass for stages (i, i + 1): that pass applies the
// stencil to both (plus the ion forces of S, evaluated beforehand), then writes the positions of
// stages i + 2 and i + 3 of the line, or at the end the final update and the next step's
// second-stage positions r + c_2 δt ṙ.
void FullLatticeIntegrator::step_rk5() {
  static_assert(S % 2 == 0 && S >= 4, "stages are done in pairs");
  const double h = dt_;
  const int n1 = stencil_.line_length();
  const int buffer = stencil_.line_buffer_length();
  auto r = field(r_);
  auto v = field(v_);
  // Stage accelerations read in a later pass (by the positions of the last pass that writes
  // any); the others stay line-local.
  constexpr int stored = S - 4;
  std::array<FieldView, stored> A;
  for (int k = 0; k < stored; ++k)
    A[k] = field(stage_acceleration_[k]);
  std::array<FieldView, S> P; // stage positions (P_0 = r)
  P[0] = r;
  for (int k = 1; k < S; ++k)
    P[k] = field(stage_position_[k - 1]);
  if (!second_stage_valid_) {
    // The same combine() as the last pass of a step, so a restarted run (fresh stage-2
    // positions) is bitwise identical to a continuing one.
    for_each_line(stencil_.lines(), threads_, [&](int l, int) {
      const std::int64_t o = stencil_.line_start(l);
      const double w = h * T::c[1];
      for (int c = 0; c < 3; ++c) {
        const double *vc = v[c] + o;
        combine(1, n1, P[1][c] + o, r[c] + o, &vc, &w);
      }
    });
    stencil_.fill_halo(P[1][0]);
    second_stage_valid_ = true;
  }
  std::array<Vec3, S> ion_acceleration;

  // Terms of a line combination: weight and source (−1: ṙ, k ≥ 0: stage acceleration k).
  struct Terms {
    std::array<double, S + 1> weight{};
    std::array<int, S + 1> source{};
    int count = 0;
    void add(double w, int k) {
      if (w != 0.0) {
        weight[count] = w;
        source[count++] = k;
      }
    }
  };
  for (int i = 0; i < S; i += 2) {
    for (int j = i; j < i + 2; ++j) {
      Vec3 R_stage = R_ + (T::c[j] * h) * Rdot_;
      for (int k = 0; k + 1 < j; ++k)
        R_stage += (h * h * rk2.abar[j][k]) * ion_acceleration[k];
      interact({P[j][0], P[j][1], P[j][2]}, R_stage, site_forces_[j - i], ion_force_);
      ion_acceleration[j] = ion_inverse_mass_.cwiseProduct(ion_force_);
    }
    const bool last = i + 2 == S;
    // Line combinations of this pass, in order: the positions of stages i + 2 and i + 3 (from r);
    // once no later position needs r and ṙ (i + 4 ≥ S), the update r += δt ṙ + δt² Σ_k b̄_k A_k,
    // ṙ += δt Σ_k b_k A_k over the accelerations known so far (in place); the last pass adds the
    // rest.
    struct Combination {
      Terms terms;
      int target; // stage position j ≥ 2, or −1: r, −2: ṙ
    };
    std::array<Combination, 4> combinations;
    int count = 0;
    for (int j = i + 2; j < std::min(i + 4, S); ++j) {
      Combination &p = combinations[count++];
      p.target = j;
      p.terms.add(h * T::c[j], -1);
      for (int k = 0; k + 1 < j; ++k)
        p.terms.add(h * h * rk2.abar[j][k], k);
    }
    if (i + 4 >= S) {
      const int first = last ? i : 0, end = last ? S : i + 2;
      Combination &dr = combinations[count++];
      Combination &dv = combinations[count++];
      dr.target = -1;
      dv.target = -2;
      if (!last)
        dr.terms.add(h, -1);
      for (int k = first; k < end; ++k) {
        dr.terms.add(h * h * rk2.bbar[k], k);
        dv.terms.add(h * T::b[k], k);
      }
    }
    for_each_line(stencil_.lines(), threads_, [&](int l, int thread) {
      const std::int64_t o = stencil_.line_start(l);
      double *scratch = line_scratch_.data() + std::int64_t(thread) * 6 * buffer;
      // Accelerations of stages i and i + 1 on this line: straight into A_j if a later pass
      // needs them, else into line buffers.
      std::array<FieldView, 2> g;
      for (int q = 0; q < 2; ++q) {
        const int j = i + q;
        double *line = scratch + 3 * q * buffer;
        g[q] = j < stored ? FieldView{A[j][0] + o, A[j][1] + o, A[j][2] + o}
                          : FieldView{line, line + buffer, line + 2 * buffer};
        stencil_.line(l, P[j][0], g[q]);
        add_site_accelerations(site_forces_[q], l, g[q]);
      }
      for (int c = 0; c < 3; ++c) {
        auto source = [&](int k) -> const double * {
          if (k < 0)
            return v[c] + o;
          return k < i ? A[k][c] + o : g[k - i][c];
        };
        std::array<const double *, S + 1> from;
        for (int m = 0; m < count; ++m) {
          const Combination &p = combinations[m];
          for (int t = 0; t < p.terms.count; ++t)
            from[t] = source(p.terms.source[t]);
          double *out = (p.target == -1 ? r[c] : p.target == -2 ? v[c] : P[p.target][c]) + o;
          combine(p.terms.count, n1, out, p.target >= 0 ? r[c] + o : out, from.data(),
                  p.terms.weight.data());
        }
        if (last) {
          const double *vc = v[c] + o;
          const double w = h * T::c[1];
          combine(1, n1, P[1][c] + o, r[c] + o, &vc, &w);
        }
      }
    });
    if (last) {
      stencil_.fill_halo(r[0]);
      stencil_.fill_halo(P[1][0]);
    } else {
      for (int j = i + 2; j < std::min(i + 4, S); ++j)
        stencil_.fill_halo(P[j][0]);
    }
  }
  Vec3 dR = h * Rdot_;
  Vec3 dRdot = Vec3::Zero();
  for (int k = 0; k < S; ++k) {
    dR += (h * h * rk2.bbar[k]) * ion_acceleration[k];
    dRdot += (h * T::b[k]) * ion_acceleration[k];
  }
  R_ += dR;
  Rdot_ += dRdot;
}

void FullLatticeIntegrator::verlet_acceleration_and_kick(double kick_ps) {
  const int n1 = stencil_.line_length();
  auto r = field(r_);
  auto v = field(v_);
  auto A = field(stage_acceleration_[0]);
  const ConstFieldView position{r[0], r[1], r[2]};
  interact(position, R_, site_forces_[0], ion_force_);
  verlet_ion_acceleration_ = ion_inverse_mass_.cwiseProduct(ion_force_);
  Rdot_ += kick_ps * verlet_ion_acceleration_;
  for_each_line(stencil_.lines(), threads_, [&](int l, int) {
    const std::int64_t o = stencil_.line_start(l);
    const FieldView g{A[0] + o, A[1] + o, A[2] + o};
    stencil_.line(l, r[0], g);
    add_site_accelerations(site_forces_[0], l, g);
    for (int c = 0; c < 3; ++c)
      for (int s = 0; s < n1; ++s)
        v[c][o + s] += kick_ps * g[c][s];
  });
  verlet_acceleration_valid_ = true;
}

// Velocity Verlet: half kick and drift in one streaming pass, then the new acceleration and the
// second half kick in one stencil pass.
void FullLatticeIntegrator::step_verlet() {
  if (!verlet_acceleration_valid_)
    verlet_acceleration_and_kick(0.0);
  const double h = dt_;
  const int n1 = stencil_.line_length();
  auto r = field(r_);
  auto v = field(v_);
  auto A = field(stage_acceleration_[0]);
  for_each_line(stencil_.lines(), threads_, [&](int l, int) {
    const std::int64_t o = stencil_.line_start(l);
    for (int c = 0; c < 3; ++c)
      for (int s = 0; s < n1; ++s) {
        v[c][o + s] += 0.5 * h * A[c][o + s];
        r[c][o + s] += h * v[c][o + s];
      }
  });
  stencil_.fill_halo(r[0]);
  Rdot_ += (0.5 * h) * verlet_ion_acceleration_;
  R_ += h * Rdot_;
  verlet_acceleration_and_kick(0.5 * h);
}

std::vector<double> FullLatticeIntegrator::lattice_displacements_A() const {
  const auto r = field(r_);
  std::vector<double> out(static_cast<std::size_t>(3 * atoms()));
  for (std::int64_t i = 0; i < atoms(); ++i)
    for (int c = 0; c < 3; ++c)
      out[3 * i + c] = r[c][slot(i)];
  return out;
}

std::vector<double> FullLatticeIntegrator::lattice_velocities_A_per_ps() const {
  const auto v = field(v_);
  std::vector<double> out(static_cast<std::size_t>(3 * atoms()));
  for (std::int64_t i = 0; i < atoms(); ++i)
    for (int c = 0; c < 3; ++c)
      out[3 * i + c] = v[c][slot(i)];
  return out;
}

Vec3 FullLatticeIntegrator::displacement_A(const Cell &n) const {
  const auto r = field(r_);
  const std::int64_t s = slot(lin(wrap(n)));
  return {r[0][s], r[1][s], r[2][s]};
}

Vec3 FullLatticeIntegrator::velocity_A_per_ps(const Cell &n) const {
  const auto v = field(v_);
  const std::int64_t s = slot(lin(wrap(n)));
  return {v[0][s], v[1][s], v[2][s]};
}

FullEnergy FullLatticeIntegrator::energy() const {
  const int n1 = stencil_.line_length();
  const int buffer = stencil_.line_buffer_length();
  const auto r = field(r_);
  const auto v = field(v_);
  std::vector<double> scratch(static_cast<std::size_t>(3 * buffer));
  const FieldView g{scratch.data(), scratch.data() + buffer, scratch.data() + 2 * buffer};
  FullEnergy e;
  for (int l = 0; l < stencil_.lines(); ++l) {
    stencil_.line(l, r[0], g);
    const std::int64_t o = stencil_.line_start(l);
    for (int c = 0; c < 3; ++c)
      for (int s = 0; s < n1; ++s) {
        e.lattice_kinetic += 0.5 * mass_ * v[c][o + s] * v[c][o + s];
        e.lattice_potential -= 0.5 * mass_ * r[c][o + s] * g[c][s]; // g = −V r / m
      }
  }
  for (int c = 0; c < 3; ++c)
    if (ion_inverse_mass_[c] > 0)
      e.ion_kinetic += 0.5 * Rdot_[c] * Rdot_[c] / ion_inverse_mass_[c];
  std::vector<SiteForce> forces;
  Vec3 ion_force;
  e.interaction = interact(r, R_, forces, ion_force);
  return e;
}

Vec3 FullLatticeIntegrator::total_momentum() const {
  const int n1 = stencil_.line_length();
  const auto v = field(v_);
  Vec3 p = Vec3::Zero();
  for (int c = 0; c < 3; ++c) {
    double sum = 0;
    for (int l = 0; l < stencil_.lines(); ++l)
      for (int s = 0; s < n1; ++s)
        sum += v[c][stencil_.line_start(l) + s];
    p[c] = mass_ * sum + (ion_inverse_mass_[c] > 0 ? Rdot_[c] / ion_inverse_mass_[c] : 0.0);
  }
  return p;
}

std::vector<Cell> FullLatticeIntegrator::interaction_sites() const {
  std::vector<SiteForce> forces;
  Vec3 ion_force;
  interact(field(r_), R_, forces, ion_force);
  std::vector<Cell> sites;
  for (const auto &f : forces) {
    const int nx = lattice()[0], ny = lattice()[1];
    sites.emplace_back(static_cast<int>(f.lin % nx), static_cast<int>(f.lin / nx % ny),
                       static_cast<int>(f.lin / (std::int64_t(nx) * ny)));
  }
  return sites;
}

} // namespace ionbath::dynamics
