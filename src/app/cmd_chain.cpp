// `ionbath chain`: seed 003's particle on the confined chain (physics.md §7) as a run plan: the
// numerical single passes of Fig. 3 with Eq. 7, Eq. 10 on a speed grid with the predicted drift
// speeds, drift runs under bias (Fig. 4) and the chain's displacement map (Fig. 2); results HDF5
// with units and a CSV table.
#include "ionbath/app/commands.hpp"
#include "ionbath/app/run_parts.hpp"
#include "ionbath/app/runtime.hpp"
#include "ionbath/app/sweep.hpp"
#include "ionbath/core/error.hpp"
#include "ionbath/core/units.hpp"
#include "ionbath/dissipation/chain_engines.hpp"
#include "ionbath/io/hdf5.hpp"
#include "ionbath/parallel/fail_together.hpp"
#include "ionbath/parallel/run_plan.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

namespace ionbath::app {

namespace {
using dissipation::ChainEngine;
using io::ChainMode;
using parallel::Communicator;
constexpr double nan = std::numeric_limits<double>::quiet_NaN();
constexpr const char *kLength = "l_slow", *kTime = "period", *kSpeed = "l_slow period-1",
                     *kEnergy = "hbar Omega_slow";

std::string sign_name(double Phi0) {
  return Phi0 > 0 ? "repulsive" : "attractive";
}

bool uses(const io::ChainConfig &ch, ChainMode m) {
  return std::ranges::find(ch.modes, m) != ch.modes.end();
}

dissipation::ChainModel model_of(const io::ChainConfig &ch, double Phi0) {
  dissipation::ChainModel m;
  m.band.omega_fast = ch.omega_fast;
  m.alpha = ch.alpha;
  m.Phi0 = Phi0;
  m.lambda = ch.lambda;
  m.mu = ch.mu;
  m.bias = ch.bias;
  return m;
}

std::vector<double> signs_of(const io::ChainConfig &ch) {
  return ch.both_signs ? std::vector<double>{ch.Phi0, -ch.Phi0} : std::vector<double>{ch.Phi0};
}

// The plan: axis mode (ChainMode), sign (index into signs_of), speed (index into speeds),
// temperature (index into omega_T) and replica (mobility only; 0 otherwise).
parallel::RunPlan chain_plan(const io::ChainConfig &ch) {
  parallel::RunPlan plan({"mode", "sign", "speed", "temperature", "replica"});
  if (uses(ch, ChainMode::steady_state))
    plan.add({std::int64_t(ChainMode::steady_state), 0, 0, 0, 0});
  for (const ChainMode m : {ChainMode::single_pass, ChainMode::drift, ChainMode::heat_map})
    if (uses(ch, m))
      for (std::size_t s = 0; s < signs_of(ch).size(); ++s)
        for (std::size_t v = 0; v < ch.speeds.size(); ++v)
          plan.add({std::int64_t(m), std::int64_t(s), std::int64_t(v), 0, 0});
  if (uses(ch, ChainMode::mobility))
    for (std::size_t s = 0; s < signs_of(ch).size(); ++s)
      for (std::size_t v = 0; v < ch.speeds.size(); ++v)
        for (std::size_t t = 0; t < ch.omega_T.size(); ++t)
          for (int r = 0; r < ch.replicas; ++r)
            plan.add({std::int64_t(ChainMode::mobility), std::int64_t(s), std::int64_t(v),
                      std::int64_t(t), r});
  return plan;
}

// --- steady state (Eq. 10) -------------------------------------------------------------------

std::vector<double> steady_speeds(const io::ChainConfig &ch) {
  const auto &g = ch.steady_speed_range;
  const auto n = std::int64_t(g[2]);
  std::vector<double> v(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i)
    v[std::size_t(i)] = n == 1 ? g[0] : g[0] + (g[1] - g[0]) * double(i) / double(n - 1);
  return v;
}

dissipation::SteadyStatePass steady_pass_of(const io::ChainConfig &ch, double Phi0) {
  dissipation::SteadyStatePass pass;
  pass.band.omega_fast = ch.omega_fast;
  pass.alpha = ch.alpha;
  pass.Phi0 = Phi0;
  pass.lambda = ch.lambda;
  pass.exponent = ch.steady_exponent;
  return pass;
}

// The speeds where Δ̄ = β between grid points (linear interpolation): stable where Δ̄ − β rises
// through zero with σ̇ (a faster particle loses more than it gains), unstable where it falls.
// Appends [n_stable, stable..., n_unstable, unstable...].
void append_drift_speeds(const std::vector<double> &speeds, const std::vector<double> &loss,
                         double bias, std::vector<double> &out) {
  std::vector<double> stable, unstable;
  for (std::size_t i = 1; i < speeds.size(); ++i) {
    const double a = loss[i - 1] - bias, b = loss[i] - bias;
    if (std::isnan(a) || std::isnan(b) || (a < 0) == (b < 0))
      continue;
    const double at = speeds[i - 1] + (speeds[i] - speeds[i - 1]) * a / (a - b);
    (a < 0 ? stable : unstable).push_back(at);
  }
  for (const auto *list : {&stable, &unstable}) {
    out.push_back(double(list->size()));
    out.insert(out.end(), list->begin(), list->end());
  }
}

// The broadened Δ̄ on the grid for one sign of Φ0: Δ̄ tabulated at the grid's step over every
// local speed the passes reach, linearly interpolated (physics.md §7.5).
std::vector<double> broadened_on_grid(const io::ChainConfig &ch, double Phi0,
                                      const std::vector<double> &speeds) {
  const auto pass = steady_pass_of(ch, Phi0);
  const dissipation::BroadenedPass broadened(pass, ch.mu);
  double lo = std::numeric_limits<double>::infinity(), hi = 0;
  for (const double v : speeds)
    if (!std::isnan(broadened.lowest_speed(v))) {
      lo = std::min(lo, broadened.lowest_speed(v));
      hi = std::max(hi, broadened.highest_speed(v));
    }
  std::vector<double> out(speeds.size(), nan);
  if (!(hi > 0))
    return out; // every speed is captured
  const double step = speeds.size() > 1
                          ? (speeds.back() - speeds.front()) / double(speeds.size() - 1)
                          : 1e-3 * speeds.front();
  const auto n = static_cast<std::size_t>(std::ceil((hi - lo) / step)) + 2;
  std::vector<double> table(n);
  for (std::size_t i = 0; i < n; ++i)
    table[i] = dissipation::steady_state_loss(pass, lo + step * double(i)).loss;
  const auto interpolated = [&](double v) {
    const double u = std::clamp((v - lo) / step, 0.0, double(n - 1) - 1e-9);
    const auto i = static_cast<std::size_t>(u);
    return table[i] + (u - double(i)) * (table[i + 1] - table[i]);
  };
  for (std::size_t i = 0; i < speeds.size(); ++i)
    out[i] = broadened.loss(speeds[i], interpolated);
  return out;
}

// Δ̄ on the grid with its drift speeds, then (steady_broadened) per sign of Φ0 the broadened Δ̄
// with its drift speeds. Values: [n, Δ̄..., stable and unstable lists] + per sign [Δ̄_b..., lists].
std::vector<double> steady_state_run(const io::ChainConfig &ch) {
  const auto pass = steady_pass_of(ch, ch.Phi0);
  const auto speeds = steady_speeds(ch);
  std::vector<double> loss(speeds.size());
  for (std::size_t i = 0; i < speeds.size(); ++i)
    loss[i] = dissipation::steady_state_loss(pass, speeds[i]).loss;
  std::vector<double> out{double(speeds.size())};
  out.insert(out.end(), loss.begin(), loss.end());
  append_drift_speeds(speeds, loss, ch.bias, out);
  if (ch.steady_broadened)
    for (const double Phi0 : signs_of(ch)) {
      const auto b = broadened_on_grid(ch, Phi0, speeds);
      out.insert(out.end(), b.begin(), b.end());
      append_drift_speeds(speeds, b, ch.bias, out);
    }
  return out;
}

// --- single passes (Fig. 3) ------------------------------------------------------------------

// One memory-kernel table per rank for every pass of a command (the slowest pass is the
// longest), built on first use.
struct PassTable {
  std::optional<dissipation::MemoryKernelTable> table;
};

const dissipation::MemoryKernelTable *pass_table(const io::ChainConfig &ch, PassTable &cache) {
  auto &table = cache.table;
  if (ch.engine != ChainEngine::memory)
    return nullptr;
  if (!table) {
    const auto model = model_of(ch, ch.Phi0);
    const double slowest = *std::ranges::min_element(ch.speeds);
    table = dissipation::memory_engine_table(
        model, dissipation::single_pass_run(model, slowest, ch.steps_per_period));
  }
  return &*table;
}

// Values: [Δ numeric, σ̇f, Δ Eq. 7].
std::vector<double> single_pass_run(const io::ChainConfig &ch, double Phi0, double speed,
                                    PassTable &cache) {
  const auto model = model_of(ch, Phi0);
  auto pass_model = model;
  pass_model.bias = 0; // Fig. 3 has no bias
  const auto p = dissipation::chain_single_pass(pass_model, speed, ch.steps_per_period, ch.engine,
                                                pass_table(ch, cache));
  return {p.loss, p.final_speed, dissipation::head_on_loss(model.band, Phi0, ch.lambda, speed)};
}

// --- long runs: drift (Fig. 4) and the displacement map (Fig. 2) -----------------------------

// Enough masses for the whole path a run can take (dissipation::particle_speed_bound).
int derived_n_chain(const io::ChainConfig &ch, double speed0, double sigma0) {
  const double distance =
      dissipation::particle_speed_bound(model_of(ch, ch.Phi0), speed0, ch.tau).distance;
  return int(std::ceil((sigma0 + distance + 6 * ch.lambda) / ch.alpha)) + 1;
}

int derived_record_every(const io::ChainConfig &ch) {
  if (ch.record_every > 0)
    return ch.record_every;
  const double steps = ch.tau * ch.omega_fast * ch.steps_per_period;
  return std::max(1, int(std::ceil(steps / 4000.0)));
}

dissipation::ChainRun long_run(const io::ChainConfig &ch, double speed0) {
  dissipation::ChainRun run;
  run.sigma0 = 5.5 * ch.alpha; // midway between masses 5 and 6, as in Figs. 2 and 3
  run.speed0 = speed0;
  run.duration = ch.tau;
  run.steps_per_period = ch.steps_per_period;
  return run;
}

// The far-field speed once per pass: the local maxima of σ̇(τ) for a repulsive Φ0, the minima for
// an attractive one (physics.md §7.6 Fig. 4).
struct FarField {
  std::vector<double> tau, speed;
};
FarField far_field_speeds(const dissipation::ChainTrajectory &t, double Phi0) {
  FarField f;
  const double s = Phi0 > 0 ? 1.0 : -1.0;
  for (std::size_t k = 1; k + 1 < t.speed.size(); ++k)
    if (s * t.speed[k] > s * t.speed[k - 1] && s * t.speed[k] >= s * t.speed[k + 1]) {
      f.tau.push_back(t.tau[k]);
      f.speed.push_back(t.speed[k]);
    }
  return f;
}

// The late-time speed: the mean far-field speed over the last tenth of the run (the last sample
// when there are none there; NaN without passes).
double late_speed(const FarField &f, double tau) {
  double sum = 0;
  int n = 0;
  for (std::size_t i = 0; i < f.tau.size(); ++i)
    if (f.tau[i] >= 0.9 * tau) {
      sum += f.speed[i];
      ++n;
    }
  if (n > 0)
    return sum / n;
  return f.speed.empty() ? nan : f.speed.back();
}

void append(std::vector<double> &out, const std::vector<double> &v) {
  out.push_back(double(v.size()));
  out.insert(out.end(), v.begin(), v.end());
}

std::vector<double> every(const std::vector<double> &v, int stride) {
  std::vector<double> out;
  for (std::size_t k = 0; k < v.size(); k += std::size_t(stride))
    out.push_back(v[k]);
  return out;
}

// Values: [late speed, n_chain, far-field τ, far-field σ̇, sampled τ, σ, σ̇] (each list with its
// length first).
std::vector<double> drift_run(const io::ChainConfig &ch, double Phi0, double speed0) {
  auto model = model_of(ch, Phi0);
  auto run = long_run(ch, speed0);
  model.n_chain = ch.n_chain > 0 ? ch.n_chain : derived_n_chain(ch, speed0, run.sigma0);
  run.particle_only = ch.engine == ChainEngine::direct;         // only σ is kept
  const auto t = dissipation::run_chain(model, run, ch.engine); // every step: exact extrema
  const FarField f = far_field_speeds(t, Phi0);
  const int stride = derived_record_every(ch);
  std::vector<double> out{late_speed(f, ch.tau), double(model.n_chain)};
  append(out, f.tau);
  append(out, f.speed);
  append(out, every(t.tau, stride));
  append(out, every(t.sigma, stride));
  append(out, every(t.speed, stride));
  return out;
}

// Values: [n_chain, sampled τ, σ, displacements (n_kept × n_chain)].
std::vector<double> heat_map_run(const io::ChainConfig &ch, double Phi0, double speed0) {
  auto model = model_of(ch, Phi0);
  auto run = long_run(ch, speed0);
  model.n_chain = ch.n_chain > 0 ? ch.n_chain : derived_n_chain(ch, speed0, run.sigma0);
  run.record_every = derived_record_every(ch);
  run.record_chain = true;
  const auto t = dissipation::run_chain(model, run, ch.engine);
  std::vector<double> out{double(model.n_chain)};
  append(out, t.tau);
  append(out, t.sigma);
  append(out, t.chain);
  return out;
}

// A drift run on a thermal chain (beyond the paper): the chain starts in its thermal state at
// ω_T (run.bath statistics, phases keyed by run.seed, the temperature index and a trajectory id
// per (sign, speed, replica)); the drift speed is the mean over the second half of the run,
// (σ(τ) − σ(τ/2))/(τ/2). Values: [drift speed, 1 if σ left the interacting masses [α, n_chain α]].
std::vector<double> mobility_run(const io::Config &config, const parallel::PlannedRun &planned) {
  const auto &ch = config.chain;
  const auto s = std::size_t(planned.coordinates[1]), v = std::size_t(planned.coordinates[2]),
             t = std::size_t(planned.coordinates[3]);
  const double Phi0 = signs_of(ch)[s], speed0 = ch.speeds[v];
  auto model = model_of(ch, Phi0);
  auto run = long_run(ch, speed0);
  model.n_chain = ch.n_chain > 0 ? ch.n_chain : derived_n_chain(ch, speed0, run.sigma0);
  dissipation::ChainThermalState thermal;
  thermal.omega_T = ch.omega_T[t];
  thermal.statistics = *io::thermal_statistics(config.run.bath);
  thermal.seed = std::uint64_t(config.run.seed);
  thermal.temperature_index = t;
  thermal.trajectory_id = (s * ch.speeds.size() + v) * std::uint64_t(ch.replicas) +
                          std::uint64_t(planned.coordinates[4]);
  run.thermal = thermal;
  run.record_every = std::max(1, int(ch.tau * ch.omega_fast * ch.steps_per_period / 1000));
  const auto traj = dissipation::run_chain(model, run, ChainEngine::direct);
  std::size_t half = 0;
  for (std::size_t k = 0; k < traj.tau.size(); ++k)
    if (std::abs(traj.tau[k] - 0.5 * ch.tau) < std::abs(traj.tau[half] - 0.5 * ch.tau))
      half = k;
  const auto [lowest, highest] = std::ranges::minmax(traj.sigma);
  const bool left = lowest < ch.alpha || highest > ch.alpha * model.n_chain;
  const double drift = (traj.sigma.back() - traj.sigma[half]) / (traj.tau.back() - traj.tau[half]);
  return {drift, left ? 1.0 : 0.0};
}

std::vector<double> compute(const io::Config &config, const parallel::PlannedRun &run,
                            PassTable &cache) {
  const auto &ch = config.chain;
  const auto mode = ChainMode(run.coordinates[0]);
  const double Phi0 = signs_of(ch)[std::size_t(run.coordinates[1])];
  const double speed = ch.speeds[std::size_t(run.coordinates[2])];
  switch (mode) {
  case ChainMode::steady_state:
    return steady_state_run(ch);
  case ChainMode::single_pass:
    return single_pass_run(ch, Phi0, speed, cache);
  case ChainMode::drift:
    return drift_run(ch, Phi0, speed);
  case ChainMode::mobility:
    return mobility_run(config, run);
  case ChainMode::heat_map:
    break;
  }
  return heat_map_run(ch, Phi0, speed);
}

// --- output ----------------------------------------------------------------------------------

// Reads the length-prefixed lists of a run's values.
class ValueReader {
public:
  explicit ValueReader(const std::vector<double> &v) : v_(v) {}
  double scalar() { return v_.at(at_++); }
  std::vector<double> list() {
    const auto n = std::size_t(scalar());
    std::vector<double> out(v_.begin() + std::ptrdiff_t(at_), v_.begin() + std::ptrdiff_t(at_ + n));
    at_ += n;
    return out;
  }

private:
  const std::vector<double> &v_;
  std::size_t at_ = 0;
};

struct CsvRow {
  std::string mode;
  double Phi0 = nan, lambda = nan, speed = nan, eq7 = nan, numeric = nan, eq10 = nan, drift = nan;
  double broadened = nan;
  double omega_T = nan, drift_mean = nan, drift_error = nan, mobility = nan, mobility_error = nan;
};

std::string chain_csv(const std::vector<CsvRow> &rows) {
  std::string csv = "mode,Phi0,lambda,speed,loss_eq7,loss_numeric,loss_eq10,drift_speed_final,"
                    "loss_eq10_broadened,omega_T,drift_speed_mean,sigma_drift_speed,mobility,"
                    "sigma_mobility\n";
  for (const auto &r : rows) {
    csv += r.mode;
    for (const double x :
         {r.Phi0, r.lambda, r.speed, r.eq7, r.numeric, r.eq10, r.drift, r.broadened, r.omega_T,
          r.drift_mean, r.drift_error, r.mobility, r.mobility_error})
      csv += "," + csv_cell(x);
    csv += "\n";
  }
  return csv;
}

struct ChainResults {
  io::H5Output &out;
  const io::ChainConfig &ch;
  std::vector<CsvRow> rows;
};

void write_steady_state(ChainResults &r, const std::vector<double> &values) {
  ValueReader in(values);
  const auto speeds = steady_speeds(r.ch);
  in.scalar();
  const auto read_curve = [&] {
    std::vector<double> loss(speeds.size());
    for (auto &x : loss)
      x = in.scalar();
    return loss;
  };
  const auto loss = read_curve();
  const auto stable = in.list(), unstable = in.list();
  r.out.write("/chain/steady_state/speed", speeds, kSpeed);
  r.out.write("/chain/steady_state/loss_eq10", loss, kEnergy);
  r.out.write("/chain/steady_state/drift_speed_stable", stable, kSpeed);
  r.out.write("/chain/steady_state/drift_speed_unstable", unstable, kSpeed);
  r.out.write_attribute("/chain/steady_state", "exponent", io::to_string(r.ch.steady_exponent));
  for (std::size_t i = 0; i < speeds.size(); ++i)
    r.rows.push_back({"steady_state", r.ch.Phi0, r.ch.lambda, speeds[i], nan, nan, loss[i], nan});
  if (!r.ch.steady_broadened)
    return;
  for (const double Phi0 : signs_of(r.ch)) {
    const auto broadened = read_curve();
    const auto b_stable = in.list(), b_unstable = in.list();
    const std::string group = "/chain/steady_state/broadened/" + sign_name(Phi0);
    r.out.write(group + "/loss", broadened, kEnergy);
    r.out.write(group + "/drift_speed_stable", b_stable, kSpeed);
    r.out.write(group + "/drift_speed_unstable", b_unstable, kSpeed);
    r.out.write_attribute(group, "Phi0", Phi0);
    for (std::size_t i = 0; i < speeds.size(); ++i) {
      CsvRow row{"steady_state_broadened", Phi0, r.ch.lambda, speeds[i]};
      row.broadened = broadened[i];
      r.rows.push_back(row);
    }
  }
}

void write_single_passes(ChainResults &r, const std::vector<std::vector<double>> &runs,
                         const parallel::RunPlan &plan) {
  std::vector<double> Phi0, speed, numeric, final_speed, eq7;
  for (const auto &run : plan.runs()) {
    if (ChainMode(run.coordinates[0]) != ChainMode::single_pass)
      continue;
    const auto &v = runs[std::size_t(run.index)];
    Phi0.push_back(signs_of(r.ch)[std::size_t(run.coordinates[1])]);
    speed.push_back(r.ch.speeds[std::size_t(run.coordinates[2])]);
    numeric.push_back(v[0]);
    final_speed.push_back(v[1]);
    eq7.push_back(v[2]);
    r.rows.push_back({"single_pass", Phi0.back(), r.ch.lambda, speed.back(), v[2], v[0], nan, nan});
  }
  if (Phi0.empty())
    return;
  r.out.write("/chain/single_pass/Phi0", Phi0, kEnergy);
  r.out.write("/chain/single_pass/speed", speed, kSpeed);
  r.out.write("/chain/single_pass/loss_numeric", numeric, kEnergy);
  r.out.write("/chain/single_pass/final_speed", final_speed, kSpeed);
  r.out.write("/chain/single_pass/loss_eq7", eq7, kEnergy);
}

// Per (sign, speed, temperature): the mean drift speed over the replicas with its standard error
// (NaN for one replica) and the mobility ⟨σ̇⟩/β.
void write_mobility(ChainResults &r, const std::vector<std::vector<double>> &runs,
                    const parallel::RunPlan &plan) {
  const auto &ch = r.ch;
  std::vector<double> Phi0, speed0, omega_T, mean, error, mobility, mobility_error, all, left;
  for (const auto &run : plan.runs()) {
    if (ChainMode(run.coordinates[0]) != ChainMode::mobility || run.coordinates[4] != 0)
      continue;
    // The replicas follow each other in the plan, from this run on.
    const auto replica = [&](int k) -> const std::vector<double> & {
      return runs[std::size_t(run.index + k)];
    };
    const double n = ch.replicas;
    double average = 0, squares = 0, n_left = 0;
    for (int k = 0; k < ch.replicas; ++k) {
      average += replica(k)[0] / n;
      all.push_back(replica(k)[0]);
      n_left += replica(k)[1];
    }
    for (int k = 0; k < ch.replicas; ++k)
      squares += std::pow(replica(k)[0] - average, 2);
    Phi0.push_back(signs_of(ch)[std::size_t(run.coordinates[1])]);
    speed0.push_back(ch.speeds[std::size_t(run.coordinates[2])]);
    omega_T.push_back(ch.omega_T[std::size_t(run.coordinates[3])]);
    mean.push_back(average);
    error.push_back(ch.replicas > 1 ? std::sqrt(squares / (n - 1) / n) : nan);
    mobility.push_back(average / ch.bias);
    mobility_error.push_back(error.back() / std::abs(ch.bias));
    left.push_back(n_left);
    CsvRow row{"mobility", Phi0.back(), ch.lambda, speed0.back()};
    row.omega_T = omega_T.back();
    row.drift_mean = average;
    row.drift_error = error.back();
    row.mobility = mobility.back();
    row.mobility_error = mobility_error.back();
    r.rows.push_back(row);
  }
  if (Phi0.empty())
    return;
  constexpr const char *kMobility = "l_slow period-1 (hbar Omega_slow)-1";
  r.out.write("/chain/mobility/Phi0", Phi0, kEnergy);
  r.out.write("/chain/mobility/speed0", speed0, kSpeed);
  r.out.write("/chain/mobility/omega_T", omega_T, kEnergy);
  r.out.write("/chain/mobility/drift_speed_mean", mean, kSpeed);
  r.out.write("/chain/mobility/drift_speed_error", error, kSpeed);
  r.out.write("/chain/mobility/drift_speed_replicas", all, kSpeed);
  r.out.write("/chain/mobility/mobility", mobility, kMobility);
  r.out.write("/chain/mobility/mobility_error", mobility_error, kMobility);
  r.out.write("/chain/mobility/replicas_left_chain", left, "1");
  r.out.write_attribute("/chain/mobility", "replicas", std::int64_t(ch.replicas));
  r.out.write_attribute("/chain/mobility", "bias", ch.bias);
}

void write_long_runs(ChainResults &r, const std::vector<std::vector<double>> &runs,
                     const parallel::RunPlan &plan) {
  std::vector<double> Phi0, speed, late;
  for (const auto &run : plan.runs()) {
    const auto mode = ChainMode(run.coordinates[0]);
    if (mode != ChainMode::drift && mode != ChainMode::heat_map)
      continue;
    const double phi = signs_of(r.ch)[std::size_t(run.coordinates[1])];
    const double v0 = r.ch.speeds[std::size_t(run.coordinates[2])];
    ValueReader in(runs[std::size_t(run.index)]);
    const auto group = fmt::format("/chain/{}/{}_speed_{}", io::to_string(mode), sign_name(phi),
                                   run.coordinates[2]);
    r.out.write_attribute(group, "Phi0", phi);
    r.out.write_attribute(group, "speed0", v0);
    if (mode == ChainMode::drift) {
      Phi0.push_back(phi);
      speed.push_back(v0);
      late.push_back(in.scalar());
      r.out.write_attribute(group, "n_chain", std::int64_t(in.scalar()));
      r.out.write(group + "/far_field_tau", in.list(), kTime);
      r.out.write(group + "/far_field_speed", in.list(), kSpeed);
      r.out.write(group + "/tau", in.list(), kTime);
      r.out.write(group + "/sigma", in.list(), kLength);
      r.out.write(group + "/speed", in.list(), kSpeed);
      r.rows.push_back({"drift", phi, r.ch.lambda, v0, nan, nan, nan, late.back()});
    } else {
      const auto n_chain = std::int64_t(in.scalar());
      const auto tau = in.list();
      r.out.write(group + "/tau", tau, kTime);
      r.out.write(group + "/sigma", in.list(), kLength);
      r.out.write(group + "/displacement", in.list(), {std::int64_t(tau.size()), n_chain}, kLength);
    }
  }
  if (Phi0.empty())
    return;
  r.out.write("/chain/drift/Phi0", Phi0, kEnergy);
  r.out.write("/chain/drift/speed0", speed, kSpeed);
  r.out.write("/chain/drift/drift_speed_final", late, kSpeed);
}

void write_chain(const io::Config &c, const std::string &hash, const parallel::RunPlan &plan,
                 const std::vector<std::vector<double>> &runs, const Communicator &world) {
  const auto &ch = c.chain;
  std::vector<CsvRow> rows;
  {
    io::H5Output out(ch.output, world);
    out.write_string("/parameters/config", io::to_toml(io::canonical(c)));
    out.write_attribute("/parameters", "config_hash", hash);
    out.write_attribute("/parameters", "ionbath_version", IONBATH_VERSION);
    out.write_attribute("/chain", "unit_system", "seed003");
    out.write_attribute("/chain", "energy_unit", kEnergy);
    out.write_attribute("/chain", "dt",
                        dissipation::chain_time_step(model_of(ch, ch.Phi0), ch.steps_per_period));
    out.write_attribute("/chain", "engine", io::to_string(ch.engine));
    ChainResults r{out, ch, {}};
    write_single_passes(r, runs, plan);
    if (uses(ch, ChainMode::steady_state))
      write_steady_state(r, runs[0]);
    write_long_runs(r, runs, plan);
    write_mobility(r, runs, plan);
    out.commit();
    rows = std::move(r.rows);
  }
  if (world.is_root()) {
    const std::string csv = csv_path_of(ch.output);
    atomic_write_text(csv, chain_csv(rows));
    fmt::print("\n  chain results in {}, table in {}\n", ch.output, csv);
    std::fflush(stdout);
  }
}

void print_summary(const io::ChainConfig &ch, const parallel::RunPlan &plan,
                   const std::vector<std::vector<double>> &runs) {
  for (const auto &run : plan.runs()) {
    const auto mode = ChainMode(run.coordinates[0]);
    const auto &v = runs[std::size_t(run.index)];
    const double phi = signs_of(ch)[std::size_t(run.coordinates[1])];
    const double v0 = ch.speeds[std::size_t(run.coordinates[2])];
    if (mode == ChainMode::single_pass)
      Log::info("single pass Φ0 = {:+g}, σ̇0 = {:g}: Δ = {:.5e} (Eq. 7: {:.5e}) ħΩ_slow", phi, v0,
                v[0], v[2]);
    else if (mode == ChainMode::drift)
      Log::info("drift Φ0 = {:+g}, σ̇0 = {:g}: late far-field speed {:.4g}", phi, v0, v[0]);
  }
}

} // namespace

int run_chain(const io::Config &config, const Communicator &world) {
  const auto &ch = config.chain;
  const std::string hash = io::config_hash(io::canonical(config));
  const RunParts parts(ch.output, "chain.output", hash);
  const auto plan = chain_plan(ch);
  parts.prepare(world);
  const parallel::TrajectoryLayout layout(world, 1);
  Log::set_group(true, layout.group_index(), layout.n_groups());
  Log::info("chain: {} run(s), ω_fast {}, α {}, Φ0 {}, λ {}, engine {}, {} rank(s)", plan.size(),
            ch.omega_fast, ch.alpha, ch.Phi0, ch.lambda, io::to_string(ch.engine), world.size());
  StopSignal::install();
  PassTable cache;
  const bool interrupted = parallel::execute(plan, layout, [&](const parallel::PlannedRun &run) {
    return parts.run_once(run.index, [&]() -> std::optional<std::vector<double>> {
      auto values = compute(config, run, cache);
      Log::task("run {}/{} ({}) done", run.index + 1, plan.size(),
                io::to_string(ChainMode(run.coordinates[0])));
      return values;
    });
  });
  if (interrupted) {
    Log::info("interrupted: finished runs are in {}; rerun the same command to resume",
              parts.directory());
    return exit_interrupted;
  }
  const auto runs = parts.gather(plan, layout);
  print_summary(ch, plan, runs);
  write_chain(config, hash, plan, runs, world);
  parts.remove(world);
  return 0;
}

} // namespace ionbath::app
