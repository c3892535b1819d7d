#include "ionbath/dissipation/chain_engines.hpp"

#include "ionbath/bath/thermal_bath.hpp"
#include "ionbath/core/error.hpp"
#include "ionbath/core/units.hpp"

#include <algorithm>
#include <cmath>
#include <fftw3.h>
#include <fmt/format.h>
#include <memory>
#include <new>
#include <span>
#include <stdexcept>
#include <utility>

namespace ionbath::dissipation {
using units::pi;

namespace {

constexpr double kForceFloor = 1e-20; // the authors skip the scatter of smaller forces (§7.3)

void require(bool ok, const char *what, double value) {
  if (!ok)
    throw InputError(fmt::format("chain engine: {} (got {})", what, value));
}

void validate(const ChainModel &m) {
  require(m.band.omega_fast > 1 && std::isfinite(m.band.omega_fast), "omega_fast must exceed 1",
          m.band.omega_fast);
  require(m.alpha > 0 && std::isfinite(m.alpha), "alpha must be positive", m.alpha);
  require(m.lambda > 0 && std::isfinite(m.lambda), "lambda must be positive", m.lambda);
  require(m.mu > 0 && std::isfinite(m.mu), "mu must be positive", m.mu);
  require(m.n_chain > 0, "n_chain must be positive", m.n_chain);
  require(std::isfinite(m.Phi0), "Phi0 must be finite", m.Phi0);
  require(std::isfinite(m.bias), "bias must be finite", m.bias);
}

void validate(const ChainRun &r) {
  require(r.speed0 > 0 && std::isfinite(r.speed0), "speed0 must be positive", r.speed0);
  require(r.duration > 0 && std::isfinite(r.duration), "duration must be positive", r.duration);
  require(r.steps_per_period > 0, "steps_per_period must be positive", r.steps_per_period);
  require(r.memory_cutoff > 0, "memory_cutoff must be positive", r.memory_cutoff);
  require(r.record_every >= 1, "record_every must be at least 1", r.record_every);
  require(r.direct_padding >= 0, "direct_padding must be ≥ 0", r.direct_padding);
  require(std::isfinite(r.sigma0), "sigma0 must be finite", r.sigma0);
  if (r.thermal) {
    const double omega_T = r.thermal->omega_T;
    require(omega_T >= 0 && std::isfinite(omega_T), "thermal omega_T must be finite and ≥ 0",
            omega_T);
    // πδω_j < π/d ≤ π/4: every mode inside the Verlet stability limit 2πδω < 2.
    require(r.steps_per_period >= 4, "a thermal chain needs steps_per_period ≥ 4",
            r.steps_per_period);
  }
  if (r.particle_only)
    require(!r.record_chain && !r.record_energy && !r.thermal,
            "particle_only keeps σ only: no record_chain, record_energy or thermal start", 1);
}

// Steps n of the run: τ_k = kδ for k = 0..n, τ_n ≤ duration (up to rounding of duration/δ).
std::int64_t step_count(double duration, double dt) {
  const auto n = static_cast<std::int64_t>(std::floor(duration / dt * (1 + 1e-12)));
  require(n >= 1, "duration must be at least one time step", duration);
  return n;
}

// Φ0 e^{−u²/2λ²} of mass g, u = αg + ρ_g − σ, and its derivative ∂Φ/∂ρ_g (seed 003 Eq. 4).
struct GaussianCoupling {
  double alpha, Phi0, lambda;
  double separation(int g, double rho, double sigma) const { return alpha * g + rho - sigma; }
  double potential(int g, double rho, double sigma) const {
    const double u = separation(g, rho, sigma);
    return Phi0 * std::exp(-u * u / (2 * lambda * lambda));
  }
  double force_on_mass(int g, double rho, double sigma) const { // ∂Φ/∂ρ_g = −∂Φ_g/∂σ
    const double u = separation(g, rho, sigma);
    return -u / (lambda * lambda) * Phi0 * std::exp(-u * u / (2 * lambda * lambda));
  }
};

GaussianCoupling coupling_of(const ChainModel &m) {
  return {m.alpha, m.Phi0, m.lambda};
}

// The kept steps of a run, written as the engines produce them.
class TrajectoryRecorder {
public:
  TrajectoryRecorder(const ChainModel &m, const ChainRun &r, std::int64_t n_steps, double dt)
      : every_(r.record_every), record_chain_(r.record_chain), speed0_(r.speed0) {
    out_.dt = dt;
    out_.n_chain = m.n_chain;
    const auto kept = std::size_t(n_steps / every_ + 1);
    out_.tau.reserve(kept);
    out_.sigma.reserve(kept);
    out_.speed.reserve(kept);
    if (m.n_chain >= 6)
      out_.mass_six.reserve(kept);
    if (record_chain_)
      out_.chain.reserve(kept * std::size_t(m.n_chain));
    if (r.record_energy)
      out_.energy.reserve(kept);
  }
  bool kept(std::int64_t k) const { return k % every_ == 0; }
  // Step k: σ_k, σ_{k−1} (unused at k = 0) and the displacement ρ_g of mass g = 1..n_chain.
  template <class Displacement>
  void record(std::int64_t k, double sigma, double previous_sigma, Displacement rho) {
    out_.tau.push_back(double(k) * out_.dt);
    out_.sigma.push_back(sigma);
    out_.speed.push_back(k == 0 ? speed0_ : (sigma - previous_sigma) / out_.dt);
    if (out_.n_chain >= 6)
      out_.mass_six.push_back(rho(6));
    if (record_chain_)
      for (int g = 1; g <= out_.n_chain; ++g)
        out_.chain.push_back(rho(g));
  }
  void record_energy(double e) { out_.energy.push_back(e); }
  ChainTrajectory take() { return std::move(out_); }

private:
  int every_;
  bool record_chain_;
  double speed0_;
  ChainTrajectory out_;
};

// ---- memory engine (physics.md §7.3) ----

// K = min(max(⌊cutoff/δ⌋, 1), n) columns of the kernel (cutoff = ∞: the whole run).
std::int64_t memory_columns(double cutoff, double dt, std::int64_t n_steps) {
  if (!std::isfinite(cutoff) || cutoff / dt >= double(n_steps))
    return n_steps;
  return std::max<std::int64_t>(static_cast<std::int64_t>(std::floor(cutoff / dt)), 1);
}

// ρ_{g,k} of every interacting mass at every step of the run, row g − 1 holding k = 0..n: the
// future displacements that the impulse scatter fills in.
class FutureDisplacements {
public:
  FutureDisplacements(int n_chain, std::int64_t n_steps)
      : stride_(std::size_t(n_steps + 1)), values_(std::size_t(n_chain) * stride_, 0.0) {}
  double *row(int g) { return values_.data() + std::size_t(g - 1) * stride_; }
  double operator()(int g, std::int64_t k) const {
    return values_[std::size_t(g - 1) * stride_ + std::size_t(k)];
  }

private:
  std::size_t stride_;
  std::vector<double> values_;
};

// seed 003 Eq. (2) by impulse scatter: the force f_n at step c moves every later step,
// ρ_{g,c+k} −= 2πδ Γ_{g−n}(kδ) f_n, k = 1..k_max. This is the rectangle rule of the convolution
// with the sample at τ′ = cδ; since Γ(0) = 0 (no same-step term) and the pass starts with
// f ≈ 0, it coincides with the trapezoid rule. The inner loop runs along k, contiguous in both
// the table row |g − n| and the displacement row g.
void scatter_impulse(FutureDisplacements &rho, const MemoryKernelTable &gamma, int n_chain, int n,
                     double impulse, std::int64_t c, std::int64_t k_max) {
  const std::size_t stride = std::size_t(gamma.steps + 1);
  for (int g = 1; g <= n_chain; ++g) {
    const double *__restrict kernel = gamma.values.data() + std::size_t(std::abs(g - n)) * stride;
    double *__restrict future = rho.row(g) + c;
    for (std::int64_t k = 1; k <= k_max; ++k)
      future[k] -= impulse * kernel[k];
  }
}

void check_table(const MemoryKernelTable &gamma, const ChainModel &m, double dt,
                 std::int64_t columns) {
  require(std::abs(gamma.dt - dt) <= 1e-12 * dt, "the kernel table has another time step",
          gamma.dt);
  require(gamma.l_max >= m.n_chain - 1, "the kernel table has too few masses", gamma.l_max + 1);
  require(gamma.steps >= columns, "the kernel table has too few columns", double(gamma.steps));
}

ChainTrajectory run_memory_engine(const ChainModel &m, const ChainRun &r,
                                  const MemoryKernelTable &gamma) {
  const double dt = chain_time_step(m, r.steps_per_period);
  const std::int64_t n_steps = step_count(r.duration, dt);
  const std::int64_t columns = memory_columns(r.memory_cutoff, dt, n_steps);
  check_table(gamma, m, dt, columns);
  const GaussianCoupling phi = coupling_of(m);
  const double kick = std::pow(2 * pi * dt, 2) / m.mu; // (2πδ)²/μ

  // Labels: sigma[k] = σ(kδ), k = 0 the initial state (the authors' arrays start at k = 1).
  FutureDisplacements rho(m.n_chain, n_steps);
  std::vector<double> sigma(std::size_t(n_steps + 1));
  sigma[0] = r.sigma0;
  sigma[1] = r.sigma0 + dt * r.speed0;
  for (std::int64_t c = 1; c < n_steps; ++c) {
    double push = m.bias / m.alpha; // −∂Φ/∂σ + β/α, seed 003 Eq. (4)
    for (int n = 1; n <= m.n_chain; ++n) {
      const double f = phi.force_on_mass(n, rho(n, c), sigma[std::size_t(c)]);
      push += f;
      if (std::abs(f) > kForceFloor)
        scatter_impulse(rho, gamma, m.n_chain, n, 2 * pi * dt * f, c,
                        std::min(columns, n_steps - c));
    }
    sigma[std::size_t(c + 1)] = 2 * sigma[std::size_t(c)] - sigma[std::size_t(c - 1)] + kick * push;
  }

  TrajectoryRecorder out(m, r, n_steps, dt);
  for (std::int64_t k = 0; k <= n_steps; k += r.record_every)
    out.record(k, sigma[std::size_t(k)], k > 0 ? sigma[std::size_t(k - 1)] : 0.0,
               [&](int g) { return rho(g, k); });
  return out.take();
}

// ---- direct engine ----

// ρ at steps k − 1, k, k + 1 of the padded chain: masses g = 1 − P..n_chain + P at indices
// 1..N (g = i − P), the fixed ends ρ = 0 at indices 0 and N + 1.
struct PaddedChain {
  int padding, masses;
  std::vector<double> older, now, newer;
  PaddedChain(int n_chain, int p)
      : padding(p), masses(n_chain + 2 * p), older(std::size_t(masses + 2), 0.0), now(older),
        newer(older) {}
  std::size_t index(int g) const { return std::size_t(g + padding); }
  void rotate() {
    std::swap(older, now);
    std::swap(now, newer);
  }
};

// The masses whose force can be nonzero: e^{−u²/2λ²} underflows to exactly 0 beyond |u| = 40λ,
// so masses farther than 40λ + α/2 from σ feel none while |ρ_g| < α/2 (a chain that holds
// together; a thermal chain has rms |ρ_g| ≤ sqrt(omega_T + ½) ≪ α/2 = 20 at α = 40). Skipping them
// changes no bit and makes long chains (Figs. 2 and 4) cheap.
std::pair<int, int> masses_within_reach(const ChainModel &m, double sigma) {
  const double reach = 40 * m.lambda + 0.5 * m.alpha;
  const double first = std::ceil((sigma - reach) / m.alpha),
               last = std::floor((sigma + reach) / m.alpha);
  return {int(std::clamp(first, 1.0, double(m.n_chain) + 1)),
          int(std::clamp(last, 0.0, double(m.n_chain)))};
}

// Störmer–Verlet for the free chain, ρ_{k+1} = 2ρ_k − ρ_{k−1} − (2πδ)² Dρ_k (seed 003 Eq. 3
// without Φ; the coupling is added by the caller).
// Only the indices first..last are advanced: the caller's wave front (the rest is at rest).
void free_chain_step(PaddedChain &chain, double coupling, double h2, int first, int last) {
  const double *__restrict now = chain.now.data();
  const double *__restrict older = chain.older.data();
  double *__restrict newer = chain.newer.data();
  const double diagonal = 1 + 2 * coupling;
  for (int i = first; i <= last; ++i)
    newer[i] =
        2 * now[i] - older[i] - h2 * (diagonal * now[i] - coupling * (now[i - 1] + now[i + 1]));
}

// seed 003 Eqs. (3)–(4) at step c: the kick −(2πδ)² ∂Φ/∂ρ_g on the masses within reach of σ
// (added to ρ_{c+1}); returns the particle's push −∂Φ/∂σ + β/α.
double apply_coupling(PaddedChain &chain, const ChainModel &m, double sigma, double h2) {
  const GaussianCoupling phi = coupling_of(m);
  const auto [g_first, g_last] = masses_within_reach(m, sigma);
  double push = m.bias / m.alpha;
  for (int g = g_first; g <= g_last; ++g) {
    const std::size_t i = chain.index(g);
    const double f = phi.force_on_mass(g, chain.now[i], sigma);
    chain.newer[i] -= h2 * f;
    push += f;
  }
  return push;
}

// Σ ρ̇²/8π² + ½ρ·Dρ at step k, ρ̇ by central differences; ½ρ·Dρ = ½Σρ² + ½κΣ_bonds(Δρ)².
double chain_energy(const PaddedChain &chain, double coupling, double dt) {
  double kinetic = 0, potential = 0;
  for (int i = 1; i <= chain.masses; ++i) {
    const double v = (chain.newer[std::size_t(i)] - chain.older[std::size_t(i)]) / (2 * dt);
    const double x = chain.now[std::size_t(i)];
    kinetic += v * v;
    potential += x * x;
  }
  double bonds = 0;
  for (int i = 0; i <= chain.masses; ++i) {
    const double stretch = chain.now[std::size_t(i + 1)] - chain.now[std::size_t(i)];
    bonds += stretch * stretch;
  }
  return kinetic / (8 * pi * pi) + 0.5 * potential + 0.5 * coupling * bonds;
}

// E at k = 0 of a chain at rest by the same central differences, through the Verlet step back
// to k = −1: the start σ_1 = σ0 + δ speed0, ρ_1 = ρ_0 = 0 makes speed0 and 0 the half-step
// velocities, so σ̇_0 = speed0 − δσ̈_0/2 and ρ̇_g,0 = −δρ̈_g,0/2 = 2π²δ ∂_{ρ_g}Φ (seed 003
// Eqs. 3–4 at ρ = 0).
double initial_energy(const ChainModel &m, const ChainRun &r, double coupling_energy) {
  const GaussianCoupling phi = coupling_of(m);
  const double half_step = 2 * pi * pi * chain_time_step(m, r.steps_per_period); // 2π²δ
  double push = m.bias / m.alpha, chain_kinetic = 0;
  for (int g = 1; g <= m.n_chain; ++g) {
    const double f = phi.force_on_mass(g, 0.0, r.sigma0);
    push += f;
    chain_kinetic += std::pow(half_step * f, 2);
  }
  const double speed = r.speed0 - half_step / m.mu * push;
  return (chain_kinetic + m.mu * speed * speed) / (8 * pi * pi) + coupling_energy;
}

// ---- thermal chain (physics.md §7.3 "Thermal chains", §2.1; ChainThermalState) ----

// Σ_j c_j ψ_j(i), i = 1..M, in place for each row c of `rows` (mode j at index j − 1), by
// FFTW's DST-I: RODFT00 gives Y_{i−1} = 2 Σ_j c_j sin(πji/(M+1)), so Σ_j c_j ψ_j(i) =
// Y_{i−1}/sqrt(2(M+1)). O(M log M) where the sum is O(M²).
void synthesize_from_modes(std::span<std::vector<double> *const> rows) {
  const int masses = int(rows.front()->size()), count = int(rows.size());
  const std::unique_ptr<double, decltype(&fftw_free)> buffer(
      fftw_alloc_real(std::size_t(masses) * std::size_t(count)), &fftw_free);
  if (!buffer)
    throw std::bad_alloc();
  const fftw_r2r_kind kind = FFTW_RODFT00;
  fftw_plan plan = fftw_plan_many_r2r(1, &masses, count, buffer.get(), nullptr, 1, masses,
                                      buffer.get(), nullptr, 1, masses, &kind, FFTW_ESTIMATE);
  if (!plan)
    throw std::runtime_error("chain engine: FFTW planning of the DST-I failed");
  for (int c = 0; c < count; ++c)
    std::ranges::copy(*rows[std::size_t(c)], buffer.get() + std::size_t(c) * std::size_t(masses));
  fftw_execute(plan);
  fftw_destroy_plan(plan);
  const double norm = 1 / std::sqrt(2.0 * (masses + 1));
  for (int c = 0; c < count; ++c)
    for (int i = 0; i < masses; ++i)
      (*rows[std::size_t(c)])[std::size_t(i)] =
          norm * buffer.get()[std::size_t(c) * std::size_t(masses) + std::size_t(i)];
}

// The thermal state's mode coordinates at steps 0 and 1 on the scheme's own orbit of mode j,
// x_j,k = Re(ζ_j e^{−ikθ_j}), sin(θ_j/2) = πδω_j: Störmer–Verlet x_{k+1} = (2 − (2πδω_j)²) x_k −
// x_{k−1} has the exact solutions e^{∓ikθ_j}, so every mode keeps |ζ_j| forever.
void thermal_mode_coordinates(const ChainThermalState &s, double omega_fast, double dt,
                              std::vector<double> &x0, std::vector<double> &x1) {
  bath::ThermalBathParams streams; // key (seed, temperature_index), counter (trajectory, 2, j)
  streams.seed = s.seed;
  streams.temperature_index = s.temperature_index;
  streams.trajectory_id = s.trajectory_id;
  const int masses = int(x0.size());
  for (int j = 1; j <= masses; ++j) {
    const double sine = std::sin(pi * j / (2.0 * (masses + 1)));
    const double omega = std::sqrt(1 + (omega_fast * omega_fast - 1) * sine * sine); // ω_j
    const auto u = bath::stream_uniforms(streams, bath::StreamPurpose::chain_mode,
                                         static_cast<std::uint64_t>(j));
    bath::ModeDraw draw;
    try {
      draw = bath::draw_mode(omega, s.omega_T, 1.0, s.statistics, u); // ħ = 1: ħΩ_slow units
    } catch (const InputError &e) {
      throw InputError(fmt::format("chain engine: thermal chain mode {}: {}", j, e.what()));
    }
    const double turn = 2 * std::asin(pi * dt * omega); // θ_j
    x0[std::size_t(j - 1)] = draw.zeta.real();
    x1[std::size_t(j - 1)] = draw.zeta.real() * std::cos(turn) + draw.zeta.imag() * std::sin(turn);
  }
}

// ρ_0 (chain.older) and ρ_1 (chain.now) of the thermal start, ρ_k = Σ_j ψ_j x_j,k.
void start_thermal_chain(PaddedChain &chain, const ChainThermalState &s, double omega_fast,
                         double dt) {
  std::vector<double> rho0(std::size_t(chain.masses)), rho1(rho0.size());
  thermal_mode_coordinates(s, omega_fast, dt, rho0, rho1);
  std::vector<double> *rows[] = {&rho0, &rho1};
  synthesize_from_modes(rows);
  std::ranges::copy(rho0, chain.older.begin() + 1);
  std::ranges::copy(rho1, chain.now.begin() + 1);
}

// E at k = 0 of a thermal start by the same central differences as every other step, through
// the Verlet step back to k = −1: for the chain that step is the forward step with ρ_0 and ρ_1
// exchanged (time reversal); for σ it gives initial_energy's σ̇_0 = speed0 − 2π²δ push/μ.
// At rest this is initial_energy up to rounding.
double thermal_initial_energy(PaddedChain &chain, const ChainModel &m, const ChainRun &r,
                              double spring, double h2, double coupling_energy) {
  const double dt = chain_time_step(m, r.steps_per_period);
  std::swap(chain.older, chain.now); // now = ρ_0, older = ρ_1
  free_chain_step(chain, spring, h2, 1, chain.masses);
  const double push = apply_coupling(chain, m, r.sigma0, h2); // newer = ρ_{−1}
  const double half_step = 2 * pi * pi * dt;                  // 2π²δ
  const double speed = r.speed0 - half_step / m.mu * push;
  const double e =
      chain_energy(chain, spring, dt) + m.mu * speed * speed / (8 * pi * pi) + coupling_energy;
  std::swap(chain.older, chain.now);
  return e;
}

// The athermal chain's wave front: masses farther than 1.1 v_max t + 64 from every mass forced
// so far are at rest to the precursor bound of direct_chain_padding (the same margin), so they
// are not advanced; the front only grows, so a skipped mass is exactly 0 when it joins.
// particle_only: also not the masses outside the backward cone of the particle's reach, farther
// than (v_σ/α + 1.1 v_max)(τ_end − τ) + 64 sites plus the reach of Φ from σ(τ), with v_σ the
// particle_speed_bound: what they do can no longer reach a position the particle can take before
// the run ends (the window only shrinks, so a dropped mass is never needed again).
class WaveFront {
public:
  WaveFront(const ChainModel &m, const ChainRun &r, double dt, std::int64_t n_steps)
      : model_(m), dt_(dt), v_max_(pi * (m.band.omega_fast - 1)), first_(m.n_chain + 1),
        n_steps_(n_steps), particle_only_(r.particle_only),
        particle_sites_(particle_speed_bound(m, r.speed0, r.duration).speed / m.alpha) {}
  // Free step c → c + 1 of the masses inside the front, σ = σ_c.
  void advance(PaddedChain &chain, double spring, double h2, std::int64_t c, double sigma) {
    const auto [g_first, g_last] = masses_within_reach(model_, sigma);
    if (g_first <= g_last) {
      first_ = std::min(first_, g_first);
      last_ = std::max(last_, g_last);
    }
    if (first_ > last_)
      return; // nothing forced yet: the whole chain is at rest
    const int front = int(std::ceil(1.1 * v_max_ * double(c) * dt_)) + 64;
    int lo = std::max(1, int(chain.index(first_)) - front);
    int hi = std::min(chain.masses, int(chain.index(last_)) + front);
    if (particle_only_) {
      const double remaining = double(n_steps_ + 1 - c) * dt_;
      const double cone = (particle_sites_ + 1.1 * v_max_) * remaining + 64 +
                          (40 * model_.lambda + 0.5 * model_.alpha) / model_.alpha;
      const double at = sigma / model_.alpha + chain.padding;
      lo = std::max(lo, int(std::floor(at - cone)));
      hi = std::min(hi, int(std::ceil(at + cone)));
    }
    if (lo <= hi)
      free_chain_step(chain, spring, h2, lo, hi);
  }

private:
  const ChainModel &model_;
  double dt_, v_max_;
  int first_, last_ = 0; // the masses forced so far
  std::int64_t n_steps_;
  bool particle_only_;
  double particle_sites_; // particle speed bound in sites per period
};

ChainTrajectory run_direct_engine(const ChainModel &m, const ChainRun &r) {
  const double dt = chain_time_step(m, r.steps_per_period);
  const std::int64_t n_steps = step_count(r.duration, dt);
  const int padding = r.direct_padding > 0 ? r.direct_padding : direct_chain_padding(m, r.duration);
  const GaussianCoupling phi = coupling_of(m);
  const double h2 = std::pow(2 * pi * dt, 2);                               // (2πδ)²
  const double spring = 0.25 * (m.band.omega_fast * m.band.omega_fast - 1); // ¼(ω_fast² − 1)

  PaddedChain chain(m.n_chain, padding); // ρ_0 in older, ρ_1 in now: at rest, or thermal
  if (r.thermal)
    start_thermal_chain(chain, *r.thermal, m.band.omega_fast, dt);
  double sigma_older = r.sigma0, sigma_now = r.sigma0 + dt * r.speed0;
  const auto displacement = [&](int g) { return chain.now[chain.index(g)]; };
  const auto coupling_energy = [&](const std::vector<double> &rho, double sigma) {
    double e = -(m.bias / m.alpha) * sigma;
    for (int g = 1; g <= m.n_chain; ++g)
      e += phi.potential(g, rho[chain.index(g)], sigma);
    return e;
  };

  TrajectoryRecorder out(m, r, n_steps, dt);
  out.record(0, r.sigma0, 0.0, [&](int g) { return chain.older[chain.index(g)]; });
  if (r.record_energy) {
    const double coupling0 = coupling_energy(chain.older, r.sigma0);
    out.record_energy(r.thermal ? thermal_initial_energy(chain, m, r, spring, h2, coupling0)
                                : initial_energy(m, r, coupling0));
  }
  // Step c → c + 1 for c = 1..n; step n + 1 only gives the central-difference velocity at n.
  // A thermal chain moves everywhere, so all of it is advanced; at rest only the wave front.
  WaveFront front(m, r, dt, n_steps);
  for (std::int64_t c = 1; c <= n_steps; ++c) {
    if (r.thermal)
      free_chain_step(chain, spring, h2, 1, chain.masses);
    else
      front.advance(chain, spring, h2, c, sigma_now);
    const double push = apply_coupling(chain, m, sigma_now, h2); // seed 003 Eqs. (3)–(4)
    const double sigma_newer = 2 * sigma_now - sigma_older + h2 / m.mu * push;
    if (out.kept(c)) {
      out.record(c, sigma_now, sigma_older, displacement);
      if (r.record_energy) {
        const double v = (sigma_newer - sigma_older) / (2 * dt);
        out.record_energy(chain_energy(chain, spring, dt) + m.mu * v * v / (8 * pi * pi) +
                          coupling_energy(chain.now, sigma_now));
      }
    }
    chain.rotate();
    sigma_older = sigma_now;
    sigma_now = sigma_newer;
  }
  ChainTrajectory t = out.take();
  t.padding = padding;
  return t;
}

// Index of the kept step whose σ is closest to the midpoint past mass 6 on the moving chain,
// 6α + ρ_6(τ) + α/2 (physics.md §7.4).
std::size_t step_at_next_midpoint(const ChainTrajectory &t, double alpha) {
  std::size_t best = 0;
  double best_distance = std::numeric_limits<double>::infinity();
  for (std::size_t k = 0; k < t.sigma.size(); ++k) {
    const double distance = std::abs(t.sigma[k] - (6.5 * alpha + t.mass_six[k]));
    if (distance < best_distance) {
      best_distance = distance;
      best = k;
    }
  }
  return best;
}

} // namespace

double chain_time_step(const ChainModel &model, int steps_per_period) {
  return 1.0 / (model.band.omega_fast * steps_per_period);
}

ParticleBound particle_speed_bound(const ChainModel &m, double speed0, double duration) {
  const double phi_max = std::abs(m.Phi0) * (1 + std::sqrt(2 * pi) * m.lambda / m.alpha);
  const double a = speed0 * speed0 + 16 * pi * pi * phi_max / m.mu;
  const double b = 8 * pi * pi * std::abs(m.bias) / (m.alpha * m.mu);
  const double distance = std::sqrt(a) * duration + b * duration * duration / 4;
  return {std::sqrt(a + b * distance), distance};
}

// The kernel is negligible outside the sound cone |n| ≤ v_max τ, v_max = π(ω_fast − 1) sites per
// unit τ (physics.md §7.2): a reflection off a fixed end P sites away returns after 2P/v_max, so
// 2P must exceed v_max τ. The precursor ahead of the cone is an Airy tail whose width grows like
// τ^{1/3}; for ω_fast = 10, |Γ_n(τ)| at n = v_max τ + m is 5e-9 (m = 40) and 9e-15 (m = 60) at
// τ = 8.8, 1e-10 (m = 60) and 5e-15 (m = 80) at τ = 20. The round trip 2P − v_max τ =
// 0.1 v_max τ + 64 of this rule clears those widths at every τ (64 sites at short runs, the
// linear 10 % at long ones), and also covers the slightly faster waves of the discrete scheme.
int direct_chain_padding(const ChainModel &model, double duration) {
  require(model.band.omega_fast > 1, "omega_fast must exceed 1", model.band.omega_fast);
  require(duration > 0 && std::isfinite(duration), "duration must be positive", duration);
  const double v_max = pi * (model.band.omega_fast - 1);
  return static_cast<int>(std::ceil(1.1 * v_max * duration / 2)) + 32;
}

MemoryKernelTable memory_engine_table(const ChainModel &model, const ChainRun &run) {
  validate(model);
  validate(run);
  const double dt = chain_time_step(model, run.steps_per_period);
  const std::int64_t columns = memory_columns(run.memory_cutoff, dt, step_count(run.duration, dt));
  return tabulate_memory_kernel(model.band, model.n_chain - 1, dt, columns);
}

ChainTrajectory run_chain(const ChainModel &model, const ChainRun &run, ChainEngine engine,
                          const MemoryKernelTable *gamma) {
  validate(model);
  validate(run);
  if (engine == ChainEngine::direct)
    return run_direct_engine(model, run);
  if (run.thermal)
    throw InputError("chain engine: thermal chains need engine = \"direct\" (the memory engine "
                     "integrates the response of a chain at rest)");
  return gamma ? run_memory_engine(model, run, *gamma)
               : run_memory_engine(model, run, memory_engine_table(model, run));
}

ChainRun single_pass_run(const ChainModel &model, double speed0, int steps_per_period) {
  require(speed0 > 0 && std::isfinite(speed0), "speed0 must be positive", speed0);
  ChainRun run;
  run.sigma0 = 5.5 * model.alpha; // midway between masses 5 and 6
  run.speed0 = speed0;
  run.duration = 2.2 * model.alpha / speed0;
  run.steps_per_period = steps_per_period;
  run.record_every = 1;
  return run;
}

ChainPassLoss chain_single_pass(ChainModel model, double speed0, int steps_per_period,
                                ChainEngine engine, const MemoryKernelTable *gamma) {
  model.n_chain = 10;
  const ChainTrajectory t =
      run_chain(model, single_pass_run(model, speed0, steps_per_period), engine, gamma);
  const double final_speed = t.speed[step_at_next_midpoint(t, model.alpha)];
  return {model.mu * (speed0 * speed0 - final_speed * final_speed) / (8 * pi * pi), final_speed};
}

} // namespace ionbath::dissipation
