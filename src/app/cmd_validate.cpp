// `ionbath validate fig3|fig4|ions`: the full equations of motion (seed 002 Eqs. 2–3) against the
// time-local model for the protocols of seed 002 Figs. 3 and 4 (physics.md §4.3 (a), (b)) and
// for two mobile ions in neighbouring cells (physics.md §11.5).
#include "ionbath/app/commands.hpp"
#include "ionbath/app/results_layout.hpp"
#include "ionbath/app/runtime.hpp"
#include "ionbath/app/sweep.hpp"
#include "ionbath/core/error.hpp"
#include "ionbath/crystal/drag_matrix.hpp"
#include "ionbath/crystal/static_response.hpp"
#include "ionbath/dynamics/full_protocols.hpp"
#include "ionbath/dynamics/ion_pair_protocol.hpp"
#include "ionbath/io/hdf5.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <optional>

namespace ionbath::app {

namespace {
using parallel::Communicator;

double peak_abs(const std::vector<double> &v) {
  double m = 0;
  for (double x : v)
    m = std::max(m, std::abs(x));
  return m;
}

int validate_fig3(const io::Config &config, const crystal::Crystal &crystal,
                  const Communicator &world) {
  // Panels in the paper's order (physics.md §4.3 (a)): (λ, Ṙ0) = (1/5, 10), (1/2, 10), (1/5, 2),
  // (1/2, 2); panel i runs on rank i mod size.
  const std::array<std::pair<double, double>, 4> panels{
      {{0.2, 10.0}, {0.5, 10.0}, {0.2, 2.0}, {0.5, 2.0}}};
  const int n = config.validate.lattice_n > 0 ? config.validate.lattice_n : 50;
  crystal::StaticResponseTable w0;
  Mat3 drag = Mat3::Zero();
  if (world.is_root()) {
    w0 = crystal::static_response_fft(crystal, config.phonons.green_grid, 0);
    drag = crystal::drag_matrix(crystal, config.phonons.drag_rtol);
  }
  world.broadcast(std::span<double>(drag.data(), 9));
  double w = world.is_root() ? w0.blocks[0].diagonal().mean() : 0.0;
  world.broadcast(std::span<double>(&w, 1));
  const double l = drag.diagonal().mean();
  Log::info("validate fig3: head-on collisions on a {}³ lattice, w = {:.6e} Å²/meV, l = {:.6e} ps "
            "Å²/meV",
            n, w, l);

  io::H5Output out(config.validate.output, world);
  out.write_string("/parameters/config", io::to_toml(io::canonical(config)));
  struct Row {
    double lambda, speed, peak_full, peak_tl, force_full, force_tl, force_qs, force_hom;
  };
  std::vector<Row> rows;
  for (std::size_t i = 0; i < panels.size(); ++i) {
    const int owner = int(i % std::size_t(world.size()));
    dynamics::ReflectionResult r;
    std::vector<double> scalars(2, 0.0);
    if (world.rank() == owner) {
      dynamics::ReflectionParams p;
      p.screening_length_A = panels[i].first;
      p.speed_A_per_ps = panels[i].second;
      p.ion_mass = config.ion.mass;
      p.lattice_n = n;
      r = dynamics::run_reflection(crystal, p, w, l);
      scalars = {r.signal_wrap_time_ps, r.far_field_max_displacement_A};
      Log::task("fig3 panel λ = {} Å, Ṙ0 = {} Å/ps: {} steps done", p.screening_length_A,
                p.speed_A_per_ps, r.t_ps.size());
    }
    world.broadcast_resize(scalars, owner);
    std::vector<std::pair<const char *, std::vector<double> *>> series{
        {"t", &r.t_ps},
        {"atom_r", &r.atom_r_A},
        {"atom_v", &r.atom_v_A_per_ps},
        {"ion_R", &r.ion_R_A},
        {"ion_Rdot", &r.ion_Rdot_A_per_ps},
        {"r_time_local", &r.r_time_local_A},
        {"r_quasistatic", &r.r_quasistatic_A},
        {"r_homogeneous", &r.r_homogeneous_A},
        {"force_full", &r.force_full_meV_per_A},
        {"force_time_local", &r.force_time_local_meV_per_A},
        {"force_quasistatic", &r.force_quasistatic_meV_per_A},
        {"force_homogeneous", &r.force_homogeneous_meV_per_A}};
    const std::string g = fmt::format("/fig3/panel_{}", i);
    for (auto &[name, v] : series) {
      world.broadcast_resize(*v, owner);
      const std::string_view unit =
          std::string_view(name) == "t"                 ? "ps"
          : std::string_view(name).starts_with("force") ? "meV Angstrom-1"
          : std::string_view(name).ends_with("v") || std::string_view(name).ends_with("Rdot")
              ? "Angstrom ps-1"
              : "Angstrom";
      out.write(g + "/" + name, *v, unit);
    }
    out.write_attribute(g, "lambda_A", panels[i].first);
    out.write_attribute(g, "speed_A_per_ps", panels[i].second);
    out.write_attribute(g, "lattice_n", std::int64_t(n));
    out.write_attribute(g, "signal_wrap_time_ps", scalars[0]);
    out.write_attribute(g, "far_field_max_displacement_A", scalars[1]);
    rows.push_back({panels[i].first, panels[i].second, peak_abs(r.atom_r_A),
                    peak_abs(r.r_time_local_A), peak_abs(r.force_full_meV_per_A),
                    peak_abs(r.force_time_local_meV_per_A), peak_abs(r.force_quasistatic_meV_per_A),
                    peak_abs(r.force_homogeneous_meV_per_A)});
  }
  out.write_attribute("/fig3", "w_A2_per_meV", w);
  out.write_attribute("/fig3", "l_ps_A2_per_meV", l);
  out.commit();
  if (world.is_root()) {
    fmt::print("seed 002 Fig. 3 — head-on collision, U0 = 14 eV, {}³ lattice\n", n);
    fmt::print("  {:>5} {:>6} {:>12} {:>12} {:>8} {:>12} {:>12} {:>12} {:>12}\n", "λ (Å)", "Ṙ0",
               "peak r full", "time-local", "Δ", "peak F full", "time-local", "quasistat.",
               "homogen.");
    for (const auto &r : rows)
      fmt::print("  {:>5} {:>6} {:>12.5g} {:>12.5g} {:>7.1f}% {:>12.5g} {:>12.5g} {:>12.5g} "
                 "{:>12.5g}\n",
                 r.lambda, r.speed, r.peak_full, r.peak_tl, 100 * (r.peak_tl / r.peak_full - 1),
                 r.force_full, r.force_tl, r.force_qs, r.force_hom);
    fmt::print("  (deflections in Å, forces in meV/Å; wrote {})\n", config.validate.output);
    std::fflush(stdout);
  }
  return 0;
}

int validate_fig4(const io::Config &config, const crystal::Crystal &crystal,
                  const Communicator &world) {
  const int n = config.validate.lattice_n > 0 ? config.validate.lattice_n : 100;
  dynamics::DissipationResult r;
  if (world.is_root()) {
    const auto w0 = crystal::static_response_fft(crystal, config.phonons.green_grid, 7);
    const Mat3 drag = crystal::drag_matrix(crystal, config.phonons.drag_rtol);
    dynamics::DissipationParams p;
    p.ion_mass = config.ion.mass;
    p.lattice_n = n;
    Log::info("validate fig4: trapped oscillation, full solution on a {}³ lattice", n);
    r = dynamics::run_dissipation(crystal, p, w0, drag);
  }
  io::H5Output out(config.validate.output, world);
  out.write_string("/parameters/config", io::to_toml(io::canonical(config)));
  const std::pair<const char *, const std::vector<double> *> series[] = {
      {"t", &r.t_ps},
      {"z_full", &r.z_full_A},
      {"zdot_full", &r.zdot_full_A_per_ps},
      {"z_time_local", &r.z_time_local_A},
      {"zdot_time_local", &r.zdot_time_local_A_per_ps},
      {"energy_full", &r.energy_full_meV},
      {"energy_time_local", &r.energy_time_local_meV},
      {"envelope_t_full", &r.envelope_t_full_ps},
      {"envelope_speed_full", &r.envelope_speed_full_A_per_ps},
      {"envelope_t_time_local", &r.envelope_t_time_local_ps},
      {"envelope_speed_time_local", &r.envelope_speed_time_local_A_per_ps}};
  for (const auto &[name, v] : series) {
    const std::string_view s(name);
    const std::string_view unit = s == "t" || s.starts_with("envelope_t") ? "ps"
                                  : s.starts_with("energy")               ? "meV"
                                  : s.starts_with("z_")                   ? "Angstrom"
                                                                          : "Angstrom ps-1";
    out.write(std::string("/fig4/") + name, *v, unit);
  }
  out.write_attribute("/fig4", "lattice_n", std::int64_t(n));
  out.commit();
  if (world.is_root()) {
    // Kinetic-energy loss over the first five oscillations (ten |ż| maxima).
    auto loss = [](const std::vector<double> &peaks) {
      return peaks.size() > 10 ? 1 - std::pow(peaks[10] / peaks[0], 2) : std::nan("");
    };
    const double lf = loss(r.envelope_speed_full_A_per_ps);
    const double lt = loss(r.envelope_speed_time_local_A_per_ps);
    fmt::print("seed 002 Fig. 4 — trapped oscillation, U0 = 150 meV, 8 atoms on z, {}³ lattice\n",
               n);
    fmt::print("  kinetic-energy loss over the first five oscillations: full {:.4f}, time-local "
               "{:.4f} ({:+.1f}%)\n",
               lf, lt, 100 * (lt / lf - 1));
    fmt::print("  final |ż| peak: full {:.4f}, time-local {:.4f} Å/ps after {} ps\n",
               r.envelope_speed_full_A_per_ps.empty() ? 0.0 : r.envelope_speed_full_A_per_ps.back(),
               r.envelope_speed_time_local_A_per_ps.empty()
                   ? 0.0
                   : r.envelope_speed_time_local_A_per_ps.back(),
               r.t_ps.empty() ? 0.0 : r.t_ps.back());
    fmt::print("  wrote {}\n", config.validate.output);
    std::fflush(stdout);
  }
  return 0;
}
// ---- validate ions (physics.md §11.5) -------------------------------------------------------

// The W(0) table (range 2: two 8-corner lists sharing atoms, §11.3) and 𝓛 of the time-local
// models, computed on root and broadcast.
struct TimeLocalTables {
  crystal::StaticResponseTable W;
  Mat3 drag = Mat3::Zero();
};

TimeLocalTables time_local_tables(const io::Config &config, const crystal::Crystal &crystal,
                                  const Communicator &world, int range) {
  TimeLocalTables t;
  if (world.is_root()) {
    t.W = crystal::static_response_fft(crystal, config.phonons.green_grid, range);
    t.drag = crystal::drag_matrix(crystal, config.phonons.drag_rtol);
  }
  t.W.range = range;
  t.W.blocks.resize(world.broadcast_size(t.W.blocks.size()));
  world.broadcast(std::span<double>(t.W.blocks[0].data(), 9 * t.W.blocks.size())); // 3×3 each
  world.broadcast(std::span<double>(t.drag.data(), 9));
  return t;
}

// The §11.5 pair from the config: [interaction] U0, λ; [ion] mass; [ions] z, ε_r, λ_ion, r_c;
// [validate] lattice_n (0: 24).
dynamics::IonPairParams ion_pair_params(const io::Config &config) {
  if (config.interaction.kind != io::InteractionKind::yukawa || config.interaction.extent != 1)
    throw InputError("validate ions: takes the Yukawa interaction with extent = 1 (the 8-corner "
                     "lists of physics.md §11.5)");
  dynamics::IonPairParams p;
  p.U0_meV_A = config.interaction.U0;
  p.screening_length_A = config.interaction.lambda;
  p.ion_mass = config.ion.mass;
  p.charge_number = config.ions.charge;
  p.ion_ion = {.relative_permittivity = config.ions.epsilon_r,
               .screening_length_A = config.ions.lambda_ion,
               .cutoff_A = config.ions.cutoff};
  p.lattice_n = config.validate.lattice_n > 0 ? config.validate.lattice_n : 24;
  return p;
}

// The series of one run with their HDF5 names, shapes (K or K×3) and units.
struct IonPairSeries {
  const char *name;
  std::vector<double> *data;
  bool vector3;
  const char *unit;
};
std::vector<IonPairSeries> ion_pair_series(dynamics::IonPairTrajectory &r) {
  return {{"t", &r.t_ps, false, "ps"},
          {"R_ion0", &r.R_A[0], true, "Angstrom"},
          {"R_ion1", &r.R_A[1], true, "Angstrom"},
          {"Rdot_ion0", &r.Rdot_A_per_ps[0], true, "Angstrom ps-1"},
          {"Rdot_ion1", &r.Rdot_A_per_ps[1], true, "Angstrom ps-1"},
          {"force_ion0", &r.force_meV_per_A[0], true, "meV Angstrom-1"},
          {"force_ion1", &r.force_meV_per_A[1], true, "meV Angstrom-1"},
          {"face_atom_displacement", &r.face_atom_displacement_A, true, "Angstrom"},
          {"mechanical_energy", &r.mechanical_energy_meV, false, "meV"},
          {"total_energy", &r.total_energy_meV, false, "meV"}};
}

void write_ion_pair(io::H5Output &out, const std::string &group, dynamics::IonPairTrajectory &r) {
  for (const auto &s : ion_pair_series(r)) {
    if (s.data->empty())
      continue; // total_energy: full model only
    const auto rows = std::int64_t(s.data->size() / (s.vector3 ? 3 : 1));
    const io::Shape shape = s.vector3 ? io::Shape{rows, 3} : io::Shape{rows};
    out.write(group + "/" + s.name, *s.data, shape, s.unit);
  }
}

void write_agreement(io::H5Output &out, const std::string &g, const dynamics::IonPairAgreement &a) {
  for (int i = 0; i < 2; ++i) {
    out.write_attribute(g, fmt::format("max_dR_ion{}_A", i), a.max_dR_A[std::size_t(i)]);
    out.write_attribute(g, fmt::format("peak_force_rel_diff_ion{}", i),
                        a.peak_force_rel_diff[std::size_t(i)]);
    out.write_attribute(g, fmt::format("max_dF_rel_ion{}", i), a.max_dF_rel[std::size_t(i)]);
  }
  out.write_attribute(g, "energy_loss_meV", a.energy_loss_meV);
  out.write_attribute(g, "energy_loss_ratio", a.energy_loss_ratio);
}

using IonPairRuns = std::array<std::array<dynamics::IonPairTrajectory, 3>, 2>;
using IonPairAgreements = std::array<std::array<dynamics::IonPairAgreement, 3>, 2>;

void print_ion_pair_table(const dynamics::IonPairParams &p, const IonPairRuns &runs,
                          const IonPairAgreements &agree) {
  fmt::print("physics.md §11.5 — two ions in neighbouring cells at T = 0, U0 = {} meV, λ = {} Å, "
             "Ṙ0 = {} Å/ps, {} ps, full on a {}³ lattice\n",
             p.U0_meV_A, p.screening_length_A, p.start_velocity_A_per_ps[0].norm(), p.duration_ps,
             p.lattice_n);
  fmt::print("  {:>7} {:>22} {:>10} {:>10} {:>9} {:>9} {:>10} {:>7}\n", "ion_ion", "model",
             "max|ΔR0|", "max|ΔR1|", "ΔF0 peak", "ΔF1 peak", "E loss", "ratio");
  for (std::size_t c = 0; c < 2; ++c)
    for (std::size_t m = 0; m < 3; ++m) {
      const auto &a = agree[c][m];
      fmt::print("  {:>7} {:>22} {:>10.3g} {:>10.3g} {:>8.2f}% {:>8.2f}% {:>10.4g} {:>7.3f}\n",
                 c == 0 ? "on" : "off", dynamics::to_string(dynamics::kIonPairModels[m]),
                 a.max_dR_A[0], a.max_dR_A[1], 100 * a.peak_force_rel_diff[0],
                 100 * a.peak_force_rel_diff[1], a.energy_loss_meV, a.energy_loss_ratio);
    }
  fmt::print("  (ΔR in Å vs full; ΔF peak: peak |F| vs full; E loss: mechanical energy lost to "
             "the framework, meV; {} states)\n",
             runs[0][0].t_ps.size());
  std::fflush(stdout);
}

// Zero temperature (§11.5 first part): 2 ion_ion cases × 3 models, case i on rank i mod size
// (model-major, so the two full runs go to different ranks). Writes /ions/<on|off>/<model>.
void validate_ions_zero_temperature(const io::Config &config, const crystal::Crystal &crystal,
                                    const Communicator &world, io::H5Output &out) {
  const dynamics::IonPairParams p = ion_pair_params(config);
  const TimeLocalTables tables = time_local_tables(config, crystal, world, 2);
  Log::info("validate ions: two ions in neighbouring cells at T = 0, full solution on a {}³ "
            "lattice, {} ps",
            p.lattice_n, p.duration_ps);
  constexpr std::array<bool, 2> ion_ion_cases{true, false};
  IonPairRuns runs;
  for (std::size_t i = 0; i < 6; ++i) {
    const std::size_t m = i / 2, c = i % 2;
    const int owner = int(i % std::size_t(world.size()));
    auto &r = runs[c][m];
    const auto model = dynamics::kIonPairModels[m];
    if (world.rank() == owner) {
      r = dynamics::run_ion_pair(crystal, p, model, ion_ion_cases[c], tables.W, tables.drag);
      Log::task("ions: ion_ion {}, {}: {} states done", ion_ion_cases[c] ? "on" : "off",
                dynamics::to_string(model), r.t_ps.size());
    }
    for (const auto &s : ion_pair_series(r))
      world.broadcast_resize(*s.data, owner);
  }
  IonPairAgreements agree;
  for (std::size_t c = 0; c < 2; ++c) {
    const std::string on_off = ion_ion_cases[c] ? "on" : "off";
    for (std::size_t m = 0; m < 3; ++m) {
      const std::string g =
          fmt::format("/ions/{}/{}", on_off, dynamics::to_string(dynamics::kIonPairModels[m]));
      write_ion_pair(out, g, runs[c][m]);
      agree[c][m] = dynamics::compare_ion_pair(runs[c][m], runs[c][0], p.loss_window_ps);
      write_agreement(out, g, agree[c][m]);
    }
    const auto &E = runs[c][0].total_energy_meV;
    double drift = 0;
    for (double e : E)
      drift = std::max(drift, std::abs(e - E.front()));
    out.write_attribute("/ions/" + on_off + "/full", "max_total_energy_drift_meV", drift);
  }
  const Vec3 V0 = p.start_velocity_A_per_ps[0];
  out.write_attribute("/ions", "geometry",
                      "ion 0 at A (1/2,1/2,1/2) moving along +x, ion 1 at rest at A (3/2,1/2,1/2); "
                      "8-corner lists sharing the face x = a; face atom (1,0,0)");
  out.write_attribute("/ions", "lattice_n", std::int64_t(p.lattice_n));
  out.write_attribute("/ions", "speed_A_per_ps", V0.norm());
  out.write_attribute("/ions", "dt_ps", p.dt_ps);
  out.write_attribute("/ions", "duration_ps", p.duration_ps);
  out.write_attribute("/ions", "loss_window_ps", p.loss_window_ps);
  if (world.is_root())
    print_ion_pair_table(p, runs, agree);
}

// The thermal models of §11.5: the full model and the time-local one without and with the
// cross-drag, as in the zero-temperature table.
struct ThermalModel {
  const char *name;
  io::RunMethod method;
  bool cross_drag;
};
constexpr std::array<ThermalModel, 3> kThermalModels{
    {{"full", io::RunMethod::full, false},
     {"time_local", io::RunMethod::time_local, false},
     {"time_local_cross_drag", io::RunMethod::time_local, true}}};

// The transport of one thermal model: the table species' D*, D_σ and H_R with their errors.
struct ThermalTransport {
  double D_tracer = 0, sigma_D_tracer = 0, D_sigma = 0, sigma_D_sigma = 0, haven_ratio = 0,
         sigma_haven_ratio = 0;
  std::string results_file;
};

// <dir>/<stem>_thermal_<model>.h5 beside the validation file.
std::string thermal_results_path(const std::string &output, const ThermalModel &m) {
  const std::filesystem::path p(output);
  return (p.parent_path() / (p.stem().string() + "_thermal_" + m.name + ".h5")).string();
}

// The sweep of one model at validate.ions_kT_meV: the config's [run], [ions] (a single ion
// becomes 8 interacting ions) and [msd]; the full model runs one trajectory per rank.
io::Config thermal_config(const io::Config &config, const ThermalModel &m) {
  io::Config c = config;
  c.run.method = m.method;
  c.run.kT_meV = {config.validate.ions_kT_meV};
  c.run.output = thermal_results_path(config.validate.output, m);
  c.run.decompose = false;
  c.ions.cross_drag = m.cross_drag;
  if (c.ions.count < 2) { // [ions] unwritten (a single ion takes no ion–ion keys)
    c.ions.count = 8;
    c.ions.cutoff = io::default_ion_cutoff_A(c);
  }
  if (m.method == io::RunMethod::full)
    c.parallel.ranks_per_trajectory = 1;
  return c;
}

ThermalTransport read_thermal_transport(const std::string &path) {
  namespace tg = results::temperature;
  const io::H5Input in(path);
  const std::string g = tg::group(0);
  const auto first = [&](const results::Dataset &d) {
    return in.read_double(results::path(g, d)).values[0]; // the table species
  };
  return {first(tg::D_tracer),
          first(tg::sigma_D_tracer),
          first(tg::D_sigma),
          first(tg::sigma_D_sigma),
          first(tg::haven_ratio),
          first(tg::sigma_haven_ratio),
          path};
}

// (a − b) in units of the combined standard error.
double z_score(double a, double sigma_a, double b, double sigma_b) {
  return (a - b) / std::sqrt(sigma_a * sigma_a + sigma_b * sigma_b);
}

// A model against the full one: D*/D*_full and the z-scores of D* and H_R.
struct ThermalAgreement {
  double D_tracer_ratio = 0, z_D_tracer = 0, z_haven_ratio = 0;
};
ThermalAgreement agreement_with_full(const ThermalTransport &x, const ThermalTransport &full) {
  return {x.D_tracer / full.D_tracer,
          z_score(x.D_tracer, x.sigma_D_tracer, full.D_tracer, full.sigma_D_tracer),
          z_score(x.haven_ratio, x.sigma_haven_ratio, full.haven_ratio, full.sigma_haven_ratio)};
}

void write_thermal(io::H5Output &out, const std::array<ThermalTransport, 3> &r) {
  for (std::size_t m = 0; m < r.size(); ++m) {
    const std::string g = std::string("/ions/thermal/") + kThermalModels[m].name;
    const auto &x = r[m];
    out.write_attribute(g, "D_tracer_A2_per_ps", x.D_tracer);
    out.write_attribute(g, "sigma_D_tracer_A2_per_ps", x.sigma_D_tracer);
    out.write_attribute(g, "D_sigma_A2_per_ps", x.D_sigma);
    out.write_attribute(g, "sigma_D_sigma_A2_per_ps", x.sigma_D_sigma);
    out.write_attribute(g, "haven_ratio", x.haven_ratio);
    out.write_attribute(g, "sigma_haven_ratio", x.sigma_haven_ratio);
    out.write_attribute(g, "results_file", x.results_file);
    const ThermalAgreement a = agreement_with_full(x, r[0]);
    out.write_attribute(g, "D_tracer_ratio_to_full", a.D_tracer_ratio);
    out.write_attribute(g, "z_D_tracer_vs_full", a.z_D_tracer);
    out.write_attribute(g, "z_haven_ratio_vs_full", a.z_haven_ratio);
  }
}

void print_thermal_table(const io::Config &c, const std::array<ThermalTransport, 3> &r) {
  fmt::print("physics.md §11.5 — thermal: {} ions at k_B T = {} meV, {} × {} steps of {} ps per "
             "model\n",
             c.ions.count, c.run.kT_meV[0], c.run.trajectories, c.run.steps, c.run.dt);
  fmt::print("  {:>22} {:>18} {:>18} {:>16} {:>9} {:>8} {:>8}\n", "model", "D* (Å²/ps)",
             "D_σ (Å²/ps)", "H_R", "D*/D*full", "z(D*)", "z(H_R)");
  for (std::size_t m = 0; m < r.size(); ++m) {
    const auto &x = r[m];
    const ThermalAgreement a = agreement_with_full(x, r[0]);
    const auto z = [&](double value) {
      return m == 0 ? std::string("") : fmt::format("{:.2f}", value);
    };
    fmt::print(
        "  {:>22} {:>8.4g} ± {:<7.2g} {:>8.4g} ± {:<7.2g} {:>6.3f} ± {:<6.3f} {:>9.3f} {:>8} "
        "{:>8}\n",
        kThermalModels[m].name, x.D_tracer, x.sigma_D_tracer, x.D_sigma, x.sigma_D_sigma,
        x.haven_ratio, x.sigma_haven_ratio, a.D_tracer_ratio, z(a.z_D_tracer), z(a.z_haven_ratio));
  }
  fmt::print("  (z: the difference from the full model in combined standard errors; seed 002 finds "
             "the full model's D about 2.5× the time-local one, D0 = 23.0 vs 9.8 Å²/ps)\n");
  std::fflush(stdout);
}

// Thermal (§11.5 second part): each model as a sweep of one temperature into its own results
// file (resumable like any sweep), then their D* and H_R side by side in /ions/thermal.
// Returns the exit code of an interrupted sweep, or nullopt when all three are done.
std::optional<int> validate_ions_thermal(const io::Config &config, const Communicator &world,
                                         io::H5Output &out) {
  std::array<ThermalTransport, 3> results;
  io::Config c;
  for (std::size_t m = 0; m < kThermalModels.size(); ++m) {
    c = thermal_config(config, kThermalModels[m]);
    Log::info("validate ions: thermal {} model, {} ions at {} meV → {}", kThermalModels[m].name,
              c.ions.count, c.run.kT_meV[0], c.run.output);
    DriverOptions o;
    o.analysis = true;
    if (const int rc = run_thermal_trajectories(c, world, o); rc != 0)
      return rc;
    results[m] = read_thermal_transport(c.run.output);
  }
  write_thermal(out, results);
  out.write_attribute("/ions/thermal", "kT_meV", c.run.kT_meV[0]);
  out.write_attribute("/ions/thermal", "ions", std::int64_t(c.ions.count));
  out.write_attribute("/ions/thermal", "trajectories_per_model", c.run.trajectories);
  out.write_attribute("/ions/thermal", "steps", c.run.steps);
  if (world.is_root())
    print_thermal_table(c, results);
  return std::nullopt;
}

// `validate ions` (physics.md §11.5): the zero-temperature pair, then (validate.ions_kT_meV > 0)
// the thermal comparison, into one file written only when both parts are done.
int validate_ions(const io::Config &config, const crystal::Crystal &crystal,
                  const Communicator &world) {
  io::H5Output out(config.validate.output, world);
  out.write_string("/parameters/config", io::to_toml(io::canonical(config)));
  validate_ions_zero_temperature(config, crystal, world, out);
  if (config.validate.ions_kT_meV > 0)
    if (const auto rc = validate_ions_thermal(config, world, out))
      return *rc; // interrupted: the sweeps' checkpoints resume it, nothing else is written
  out.commit();
  if (world.is_root()) {
    fmt::print("  wrote {}\n", config.validate.output);
    std::fflush(stdout);
  }
  return 0;
}
} // namespace

int run_validate(const io::Config &config, const std::string &which, const Communicator &world) {
  const crystal::Crystal crystal = make_crystal(config.lattice);
  if (which == "fig3")
    return validate_fig3(config, crystal, world);
  if (which == "fig4")
    return validate_fig4(config, crystal, world);
  if (which == "ions")
    return validate_ions(config, crystal, world);
  throw InputError(fmt::format("validate: unknown case '{}' (fig3, fig4 or ions)", which));
}

} // namespace ionbath::app
