// `ionbath loss`: seed 001's single-pass energy loss (physics.md §6) over speeds × λ × offsets as a
// run plan, or the trapped particle of Fig. 6 (geometry line8); results HDF5 with units and a CSV.
#include "ionbath/app/checkpoint.hpp"
#include "ionbath/app/commands.hpp"
#include "ionbath/app/run_parts.hpp"
#include "ionbath/app/runtime.hpp"
#include "ionbath/app/sweep.hpp"
#include "ionbath/core/error.hpp"
#include "ionbath/core/units.hpp"
#include "ionbath/crystal/drag_matrix.hpp"
#include "ionbath/crystal/static_response.hpp"
#include "ionbath/dissipation/chain_loss.hpp"
#include "ionbath/dissipation/low_speed_loss.hpp"
#include "ionbath/dissipation/simulated_pass.hpp"
#include "ionbath/dissipation/trapped_particle.hpp"
#include "ionbath/dissipation/zone_loss.hpp"
#include "ionbath/io/hdf5.hpp"
#include "ionbath/parallel/fail_together.hpp"
#include "ionbath/parallel/run_plan.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <optional>

namespace ionbath::app {

namespace {
using dissipation::PassGeometry;
using io::LossMethod;
using parallel::Communicator;
constexpr double nan = std::numeric_limits<double>::quiet_NaN();

bool uses(const io::LossConfig &l, LossMethod m) {
  return std::ranges::find(l.methods, m) != l.methods.end();
}

// What every run of one loss command shares: the crystal, its band extremes and the values the
// user did not write, derived once (physics.md §6.5).
struct LossSetup {
  crystal::Crystal crystal;
  units::UnitSystem units;
  double Phi0 = 0; // internal energy
  double mass = 1; // particle, internal
  dissipation::BandExtremes band;
  GridShape lattice{1, 1, 1};
  double dt = 0;
  std::string hash;
  double checkpoint_interval_s = 300; // the full trap run's state
};

RunParts parts_of(const io::Config &c) {
  return RunParts(c.loss.output, "loss.output", io::config_hash(io::canonical(c)));
}

// The longest pass of the scan (the slowest speed over the widest path).
double longest_pass_time(const crystal::Crystal &crystal, const io::LossConfig &l) {
  double t = 0;
  for (const double lambda : l.lambdas) {
    const auto layout = dissipation::pass_layout(crystal, l.geometry, 0.0, lambda);
    t = std::max(t, (layout.z_end - layout.z_start) / *std::ranges::min_element(l.speeds));
  }
  return t;
}

GridShape derived_lattice(const io::Config &c, const crystal::Crystal &crystal,
                          const dissipation::BandExtremes &band) {
  const auto &l = c.loss;
  const bool chain = c.lattice.kind == io::LatticeKind::chain;
  int n = l.lattice_n;
  if (n == 0 && chain) { // the shortest chain the echo cannot cross during the longest pass
    const double spacing = crystal.lattice_vectors().col(0).norm();
    const double needed = l.geometry == PassGeometry::line8
                              ? l.duration * band.group_velocity / spacing
                              : longest_pass_time(crystal, l) * band.group_velocity / spacing;
    n = std::max(200, 2 * static_cast<int>(std::ceil(0.55 * needed)));
  } else if (n == 0) {
    n = l.geometry == PassGeometry::line8 ? 100 : 50;
  }
  return chain ? GridShape{n, 1, 1} : GridShape{n, n, n};
}

// The largest of 1, 2, 5 × 10^k not above x (a time step a user can read).
double round_step_down(double x) {
  const double decade = std::pow(10.0, std::floor(std::log10(x)));
  for (const double m : {5.0, 2.0, 1.0})
    if (m * decade <= x)
      return m * decade;
  return decade;
}

LossSetup make_setup(const io::Config &c) {
  const auto &l = c.loss;
  LossSetup s{make_crystal(c.lattice, c.units.system), units::unit_system(c.units.system)};
  s.Phi0 = s.units.energy_in(l.Phi0);
  s.mass = c.ion.mass;
  s.band = dissipation::band_extremes(s.crystal);
  s.lattice = derived_lattice(c, s.crystal, s.band);
  s.dt = l.dt;
  if (s.dt == 0) { // a hundredth of the shortest period, twenty steps per λ at the top speed
    const double top =
        l.geometry == PassGeometry::line8 ? 2 * l.trap_speed : *std::ranges::max_element(l.speeds);
    s.dt = round_step_down(std::min(2 * units::pi / s.band.frequency / 100,
                                    *std::ranges::min_element(l.lambdas) / (20 * top)));
  }
  s.hash = io::config_hash(io::canonical(c));
  return s;
}

// --- the scan ------------------------------------------------------------------------------

// One row of the loss table (energies in the user's units; NaN where a method is not run).
struct LossRow {
  double lambda = 0, offset = 0, speed = 0;
  double analytic = nan, analytic_transverse = nan, analytic_longitudinal = nan;
  double zone = nan, zone_error = nan, low_speed = nan, simulated = nan, final_speed = nan;
  double echo_time = nan, pass_time = nan;
  double contaminated = 0, reflected = 0;
  std::vector<double> values() const {
    return {
        lambda,    offset,       speed,     analytic,  analytic_transverse, analytic_longitudinal,
        zone,      zone_error,   low_speed, simulated, final_speed,         echo_time,
        pass_time, contaminated, reflected};
  }
  static LossRow from(std::span<const double> v) {
    return {v[0], v[1], v[2],  v[3],  v[4],  v[5],  v[6], v[7],
            v[8], v[9], v[10], v[11], v[12], v[13], v[14]};
  }
  static constexpr std::size_t size = 15;
};

struct Column {
  const char *dataset, *csv;
  const char *unit; // "energy", "length", "speed", "time" are the unit system's
  double LossRow::*value;
};
constexpr Column kColumns[] = {
    {"lambda", "lambda", "length", &LossRow::lambda},
    {"offset", "offset", "length", &LossRow::offset},
    {"speed", "speed", "speed", &LossRow::speed},
    {"loss_analytic", "loss_analytic", "energy", &LossRow::analytic},
    {"loss_zone", "loss_zone", "energy", &LossRow::zone},
    {"loss_low_speed", "loss_low_speed", "energy", &LossRow::low_speed},
    {"loss_simulated", "loss_simulated", "energy", &LossRow::simulated},
    {"loss_analytic_transverse", nullptr, "energy", &LossRow::analytic_transverse},
    {"loss_analytic_longitudinal", nullptr, "energy", &LossRow::analytic_longitudinal},
    {"loss_zone_error", nullptr, "energy", &LossRow::zone_error},
    {"final_speed", nullptr, "speed", &LossRow::final_speed},
    {"echo_time", nullptr, "time", &LossRow::echo_time},
    {"pass_time", nullptr, "time", &LossRow::pass_time},
    {"echo_contaminated", nullptr, "1", &LossRow::contaminated},
    {"reflected", nullptr, "1", &LossRow::reflected},
};

std::string unit_of(const Column &column, const units::UnitSystem &u) {
  const std::string_view kind = column.unit;
  if (kind == "energy")
    return u.energy_unit;
  if (kind == "length")
    return u.length_unit;
  if (kind == "time")
    return u.time_unit;
  if (kind == "speed")
    return u.length_unit + " " + u.time_unit + "-1";
  return "1";
}

parallel::RunPlan scan_plan(const io::LossConfig &l) {
  const auto indices = [](std::size_t n) {
    std::vector<std::int64_t> v(n);
    for (std::size_t i = 0; i < n; ++i)
      v[i] = std::int64_t(i);
    return v;
  };
  return parallel::RunPlan::product(
      {"lambda", "offset", "speed"},
      {indices(l.lambdas.size()), indices(l.offsets.size()), indices(l.speeds.size())});
}

LossRow row_of(const io::LossConfig &l, const parallel::PlannedRun &run) {
  LossRow r;
  r.lambda = l.lambdas[std::size_t(run.coordinates[0])];
  r.offset = l.offsets[std::size_t(run.coordinates[1])];
  r.speed = l.speeds[std::size_t(run.coordinates[2])];
  return r;
}

// The Eq. 14 channels of the chain (seed-001 units, checked by the configuration).
void analytic_loss(const io::Config &c, LossRow &r) {
  const auto &lat = c.lattice;
  const dissipation::ChainPass pass{std::sqrt(lat.confinement),
                                    std::sqrt(lat.k_parallel),
                                    std::sqrt(lat.k_perp),
                                    c.loss.Phi0,
                                    r.lambda,
                                    r.offset};
  const auto loss = dissipation::analytic_chain_loss(pass, r.speed);
  r.analytic = loss.total();
  r.analytic_transverse = loss.transverse;
  r.analytic_longitudinal = loss.longitudinal;
}

LossRow compute_row(const io::Config &c, const LossSetup &s, LossRow r, const Mat3 *drag) {
  const auto &l = c.loss;
  const auto &u = s.units;
  const auto layout = dissipation::pass_layout(s.crystal, l.geometry, r.offset, r.lambda);
  if (uses(l, LossMethod::analytic))
    analytic_loss(c, r);
  if (uses(l, LossMethod::zone)) {
    const dissipation::GaussianPathTransform gaussian(s.Phi0, r.lambda);
    const auto atoms = dissipation::atoms_on_path(s.crystal, layout.atoms, layout.path);
    const auto z = dissipation::zone_loss(s.crystal, gaussian, atoms, layout.path.direction,
                                          r.speed, l.zone_rtol);
    r.zone = u.energy_out(z.loss);
    r.zone_error = u.energy_out(z.error_estimate);
  }
  if (uses(l, LossMethod::low_speed)) {
    const dynamics::Gaussian gaussian(s.Phi0, r.lambda);
    std::vector<Vec3> sites;
    for (const auto &a : layout.atoms)
      sites.push_back(s.crystal.equilibrium_position(a.cell, a.basis));
    r.low_speed = u.energy_out(
        r.speed * dissipation::low_speed_loss_per_speed(gaussian, sites, layout.path, *drag));
  }
  if (uses(l, LossMethod::simulated)) {
    const auto echo = dissipation::echo_check(s.crystal, s.lattice, layout.z_end - layout.z_start,
                                              r.speed, s.band.group_velocity);
    r.echo_time = echo.echo_time;
    r.pass_time = echo.pass_time;
    r.contaminated = echo.contaminated() ? 1 : 0;
    const dynamics::Gaussian gaussian(s.Phi0, r.lambda);
    dissipation::SimulatedPassSettings settings;
    settings.lattice = s.lattice;
    settings.dt = s.dt;
    settings.mass = s.mass;
    const auto pass = dissipation::simulate_pass(s.crystal, gaussian, layout, r.speed, settings);
    r.reflected = pass.reflected ? 1 : 0;
    r.simulated = u.energy_out(pass.loss);
    r.final_speed = pass.final_speed;
  }
  return r;
}

// Refuse (echo_guard = "refuse") or warn once about the passes the echo can reach, before
// anything runs.
void check_echoes(const io::Config &c, const LossSetup &s, const parallel::RunPlan &plan) {
  if (!uses(c.loss, LossMethod::simulated))
    return;
  int contaminated = 0;
  std::string first;
  for (const auto &run : plan.runs()) {
    const LossRow r = row_of(c.loss, run);
    const auto layout = dissipation::pass_layout(s.crystal, c.loss.geometry, r.offset, r.lambda);
    const auto e = dissipation::echo_check(s.crystal, s.lattice, layout.z_end - layout.z_start,
                                           r.speed, s.band.group_velocity);
    if (e.contaminated() && contaminated++ == 0)
      first = fmt::format("λ = {}, speed {}: pass time {:.4g} ≥ echo time {:.4g} (period {:.4g} / "
                          "group velocity {:.4g})",
                          r.lambda, r.speed, e.pass_time, e.echo_time, e.period_length,
                          e.group_velocity);
  }
  if (contaminated == 0)
    return;
  const auto message = fmt::format(
      "{} of {} simulated passes can meet the lattice's echo on the {}×{}×{} lattice, e.g. {}",
      contaminated, plan.size(), s.lattice[0], s.lattice[1], s.lattice[2], first);
  if (c.loss.echo_guard == io::EchoGuard::refuse)
    throw InputError(fmt::format("loss.echo_guard = \"refuse\": {}; raise loss.lattice_n or drop "
                                 "the slow speeds",
                                 message));
  Log::warn("{} (flagged in echo_contaminated)", message);
}

void write_common(io::H5Output &out, const io::Config &c, const LossSetup &s) {
  out.write_string("/parameters/config", io::to_toml(io::canonical(c)));
  out.write_attribute("/parameters", "config_hash", s.hash);
  out.write_attribute("/parameters", "ionbath_version", IONBATH_VERSION);
  out.write_attribute("/loss", "geometry", dissipation::to_string(c.loss.geometry));
  out.write_attribute("/loss", "unit_system", s.units.name);
  out.write_attribute("/loss", "energy_unit", s.units.energy_unit);
  out.write_attribute("/loss", "Phi0", c.loss.Phi0);
  out.write_attribute("/loss", "particle_mass", s.mass);
  out.write_attribute("/loss", "lattice",
                      std::span<const std::int64_t>(
                          std::vector<std::int64_t>{s.lattice[0], s.lattice[1], s.lattice[2]}));
  out.write_attribute("/loss", "dt", s.dt);
  out.write_attribute("/loss", "max_group_velocity", s.band.group_velocity);
}

std::string scan_csv(const io::Config &c, const LossSetup &s, const std::vector<LossRow> &rows) {
  std::string csv = "geometry";
  for (const auto &col : kColumns)
    if (col.csv)
      csv += fmt::format(",{}", col.csv);
  csv += ",unit_system\n";
  for (const auto &r : rows) {
    csv += dissipation::to_string(c.loss.geometry);
    for (const auto &col : kColumns)
      if (col.csv)
        csv += "," + csv_cell(r.*col.value);
    csv += fmt::format(",{}\n", s.units.name);
  }
  return csv;
}

void print_scan(const std::vector<LossRow> &rows, const LossSetup &s, const std::string &csv) {
  fmt::print("\n  {:>8} {:>8} {:>9} {:>13} {:>13} {:>13} {:>13}   (loss in {})\n", "lambda",
             "offset", "speed", "analytic", "zone", "low_speed", "simulated", s.units.energy_unit);
  const auto cell = [](double v) {
    return std::isnan(v) ? std::string("-") : fmt::format("{:.6e}", v);
  };
  for (const auto &r : rows)
    fmt::print("  {:>8.4g} {:>8.4g} {:>9.4g} {:>13} {:>13} {:>13} {:>13}{}\n", r.lambda, r.offset,
               r.speed, cell(r.analytic), cell(r.zone), cell(r.low_speed), cell(r.simulated),
               r.contaminated ? "  (echo)" : "");
  fmt::print("  table written to {}\n", csv);
  std::fflush(stdout);
}

// Eq. 14 on a speed grid ten times denser than the scan's (the lines of seed 001 Fig. 2), for
// every (λ, s): /loss/analytic_dense/{lambda, offset, speed, loss_analytic}.
void write_dense_analytic(io::H5Output &out, const io::Config &c, const LossSetup &s) {
  const auto &l = c.loss;
  const auto [lo, hi] = std::ranges::minmax(l.speeds);
  const std::size_t n = std::max<std::size_t>(10 * (l.speeds.size() - 1) + 1, 201);
  std::vector<double> lambda, offset, speed, loss;
  for (const double lam : l.lambdas)
    for (const double off : l.offsets)
      for (std::size_t i = 0; i < n; ++i) {
        LossRow r;
        r.lambda = lam;
        r.offset = off;
        r.speed = lo + (hi - lo) * double(i) / double(n - 1);
        analytic_loss(c, r);
        lambda.push_back(lam);
        offset.push_back(off);
        speed.push_back(r.speed);
        loss.push_back(r.analytic);
      }
  const auto &u = s.units;
  out.write("/loss/analytic_dense/lambda", lambda, u.length_unit);
  out.write("/loss/analytic_dense/offset", offset, u.length_unit);
  out.write("/loss/analytic_dense/speed", speed, u.length_unit + " " + u.time_unit + "-1");
  out.write("/loss/analytic_dense/loss_analytic", loss, u.energy_unit);
}

void write_scan(const io::Config &c, const LossSetup &s, const std::vector<LossRow> &rows,
                const Communicator &world) {
  {
    io::H5Output out(c.loss.output, world);
    write_common(out, c, s);
    if (uses(c.loss, LossMethod::analytic))
      write_dense_analytic(out, c, s);
    for (const auto &col : kColumns) {
      std::vector<double> v;
      for (const auto &r : rows)
        v.push_back(r.*col.value);
      out.write(std::string("/loss/table/") + col.dataset, v, unit_of(col, s.units));
    }
    out.commit();
  }
  if (world.is_root()) {
    const std::string csv = csv_path_of(c.loss.output);
    atomic_write_text(csv, scan_csv(c, s, rows));
    print_scan(rows, s, csv);
  }
}

// --- the trapped particle (geometry line8) -------------------------------------------------

enum TrapModel : std::int64_t { trap_full = 0, trap_time_local = 1 };

dissipation::TrappedSettings trap_settings(const io::Config &c, const LossSetup &s,
                                           const dissipation::PassLayout &layout) {
  dissipation::TrappedSettings t;
  t.start_z = c.loss.trap_start * layout.spacing;
  t.speed = c.loss.trap_speed;
  t.duration = c.loss.duration;
  t.dt = s.dt;
  t.mass = s.mass;
  t.softening_factor = c.loss.softening_factor;
  t.record_every = c.loss.record_every;
  t.lattice = s.lattice;
  return t;
}

std::vector<double> pack_trace(const dissipation::MotionTrace &trace) {
  std::vector<double> v = trace.time;
  v.insert(v.end(), trace.z.begin(), trace.z.end());
  v.insert(v.end(), trace.velocity.begin(), trace.velocity.end());
  return v;
}

dissipation::MotionTrace unpack_trace(const std::vector<double> &v);

// The full lattice's state file: written every checkpoint interval and on a stop signal, read
// when the run starts again (bitwise resume), removed with the parts directory.
std::string trap_state_file(const io::Config &c) {
  return parts_of(c).file(trap_full, "state");
}

void write_trap_state(const std::string &path, const LossSetup &s,
                      const dissipation::FullTrapState &state) {
  Checkpoint ckpt;
  ckpt.set("config_hash", s.hash);
  ckpt.set_int("step", state.step);
  ckpt.set_array("r", state.r);
  ckpt.set_array("v", state.v);
  ckpt.set_doubles("ion", {state.R.x(), state.R.y(), state.R.z(), state.Rdot.x(), state.Rdot.y(),
                           state.Rdot.z()});
  ckpt.set_array("trace", pack_trace(state.trace));
  ckpt.write(path);
}

std::optional<dissipation::FullTrapState> read_trap_state(const std::string &path,
                                                          const LossSetup &s) {
  const auto ckpt = Checkpoint::read(path);
  if (!ckpt)
    return std::nullopt;
  ckpt->require_config(s.hash, path);
  dissipation::FullTrapState state;
  state.step = ckpt->get_int("step");
  state.r = ckpt->get_array("r");
  state.v = ckpt->get_array("v");
  const auto ion = ckpt->get_doubles("ion");
  state.R = Vec3(ion[0], ion[1], ion[2]);
  state.Rdot = Vec3(ion[3], ion[4], ion[5]);
  state.trace = unpack_trace(ckpt->get_array("trace"));
  return state;
}

std::optional<dissipation::MotionTrace>
trap_full_run(const io::Config &c, const LossSetup &s, const dynamics::PairPotential &potential,
              const dissipation::PassLayout &layout, const dissipation::TrappedSettings &settings) {
  const std::string path = trap_state_file(c);
  const auto resume = read_trap_state(path, s);
  if (resume)
    Log::task("full lattice: resuming at step {}", resume->step);
  auto last = std::chrono::steady_clock::now();
  const auto hook = [&](const std::function<dissipation::FullTrapState()> &snapshot) {
    const double since =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - last).count();
    if (!StopSignal::requested() && since < s.checkpoint_interval_s)
      return true;
    write_trap_state(path, s, snapshot());
    last = std::chrono::steady_clock::now();
    return !StopSignal::requested();
  };
  return dissipation::trapped_full(s.crystal, potential, layout, settings, hook,
                                   resume ? &*resume : nullptr);
}

std::optional<std::vector<double>> trap_run(const io::Config &c, const LossSetup &s,
                                            std::int64_t model) {
  const auto layout =
      dissipation::pass_layout(s.crystal, PassGeometry::line8, 0.0, c.loss.lambdas.front());
  const dynamics::Gaussian gaussian(s.Phi0, c.loss.lambdas.front());
  const auto settings = trap_settings(c, s, layout);
  if (model == trap_full) {
    const auto trace = trap_full_run(c, s, gaussian, layout, settings);
    return trace ? std::optional(pack_trace(*trace)) : std::nullopt;
  }
  const auto response = crystal::static_response_fft(s.crystal, c.phonons.green_grid, 7);
  return pack_trace(dissipation::trapped_time_local(
      s.crystal, gaussian, layout, response, crystal::drag_matrix(s.crystal, c.phonons.drag_rtol),
      settings));
}

dissipation::MotionTrace unpack_trace(const std::vector<double> &v) {
  const std::size_t n = v.size() / 3;
  dissipation::MotionTrace t;
  t.time.assign(v.begin(), v.begin() + std::ptrdiff_t(n));
  t.z.assign(v.begin() + std::ptrdiff_t(n), v.begin() + std::ptrdiff_t(2 * n));
  t.velocity.assign(v.begin() + std::ptrdiff_t(2 * n), v.end());
  return t;
}

void write_trap(const io::Config &c, const LossSetup &s,
                const std::array<dissipation::MotionTrace, 2> &traces, const Communicator &world) {
  const auto &u = s.units;
  const std::string speed_unit = u.length_unit + " " + u.time_unit + "-1";
  {
    io::H5Output out(c.loss.output, world);
    write_common(out, c, s);
    out.write_attribute("/loss", "softening_factor", c.loss.softening_factor);
    out.write_attribute("/loss", "lambda", c.loss.lambdas.front());
    const char *names[] = {"full", "time_local"};
    for (std::size_t m = 0; m < 2; ++m) {
      const std::string g = std::string("/trap/") + names[m];
      out.write(g + "/time", traces[m].time, u.time_unit);
      out.write(g + "/z", traces[m].z, u.length_unit);
      out.write(g + "/velocity", traces[m].velocity, speed_unit);
      const auto envelope = dissipation::decay_envelope(traces[m]);
      out.write(g + "/envelope_time", envelope.time, u.time_unit);
      out.write(g + "/envelope_speed", envelope.speed, speed_unit);
    }
    out.commit();
  }
  if (!world.is_root())
    return;
  std::string csv = "time,z_full,velocity_full,z_time_local,velocity_time_local,unit_system\n";
  const auto &[full, local] = traces;
  for (std::size_t i = 0; i < std::min(full.time.size(), local.time.size()); ++i)
    csv += fmt::format("{:.10g},{:.10g},{:.10g},{:.10g},{:.10g},{}\n", full.time[i], full.z[i],
                       full.velocity[i], local.z[i], local.velocity[i], u.name);
  const std::string path = csv_path_of(c.loss.output);
  atomic_write_text(path, csv);
  const auto e_full = dissipation::decay_envelope(full);
  const auto e_local = dissipation::decay_envelope(local);
  fmt::print("\n  trapped particle (8 atoms on a line, f = {}): {} crossings (full), {} "
             "(time-local)\n",
             c.loss.softening_factor, e_full.speed.size(), e_local.speed.size());
  if (!e_full.speed.empty() && !e_local.speed.empty())
    fmt::print("  crossing speed at the end: full {:.5g}, time-local {:.5g} (start {:.5g})\n",
               e_full.speed.back(), e_local.speed.back(), c.loss.trap_speed);
  fmt::print("  table written to {}\n", path);
  std::fflush(stdout);
}

} // namespace

int run_loss(const io::Config &config, const Communicator &world, double checkpoint_interval_s) {
  const auto &l = config.loss;
  LossSetup setup = make_setup(config);
  setup.checkpoint_interval_s = checkpoint_interval_s;
  const bool trap = l.geometry == PassGeometry::line8;
  const parallel::RunPlan plan =
      trap ? parallel::RunPlan::product({"model"}, {{trap_full, trap_time_local}}) : scan_plan(l);
  if (!trap)
    parallel::on_root_or_fail_together<InputError>(world,
                                                   [&] { check_echoes(config, setup, plan); });
  const RunParts parts = parts_of(config);
  parts.prepare(world);
  const parallel::TrajectoryLayout layout(world, 1);
  Log::set_group(true, layout.group_index(), layout.n_groups());
  Log::info("loss: geometry {}, {} run(s), {} lattice {}×{}×{}, dt {}, {} rank(s)",
            dissipation::to_string(l.geometry), plan.size(), setup.crystal.name(), setup.lattice[0],
            setup.lattice[1], setup.lattice[2], setup.dt, world.size());
  StopSignal::install();
  std::optional<Mat3> drag;
  if (uses(l, LossMethod::low_speed))
    drag = crystal::drag_matrix(setup.crystal, config.phonons.drag_rtol);
  const bool interrupted = parallel::execute(plan, layout, [&](const parallel::PlannedRun &run) {
    return parts.run_once(run.index, [&]() -> std::optional<std::vector<double>> {
      if (trap)
        return trap_run(config, setup, run.coordinates[0]);
      const LossRow r = compute_row(config, setup, row_of(l, run), drag ? &*drag : nullptr);
      Log::task("run {}/{}: λ = {}, s = {}, speed {} done", run.index + 1, plan.size(), r.lambda,
                r.offset, r.speed);
      return r.values();
    });
  });
  if (interrupted) {
    Log::info("interrupted: finished runs are in {}; rerun the same command to resume",
              parts.directory());
    return exit_interrupted;
  }
  const auto runs = parts.gather(plan, layout);
  if (trap) {
    write_trap(config, setup, {unpack_trace(runs[0]), unpack_trace(runs[1])}, world);
  } else {
    std::vector<LossRow> rows;
    for (const auto &v : runs)
      rows.push_back(LossRow::from(v));
    write_scan(config, setup, rows, world);
  }
  parts.remove(world);
  return 0;
}

} // namespace ionbath::app
