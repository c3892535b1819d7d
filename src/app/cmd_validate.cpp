// `ionbath validate fig3|fig4`: the full equations of motion (seed 002 Eqs. 2–3) against the
// time-local model for the protocols of seed 002 Figs. 3 and 4 (physics.md §4.3 (a), (b)).
#include "ionbath/app/commands.hpp"
#include "ionbath/app/runtime.hpp"
#include "ionbath/core/error.hpp"
#include "ionbath/crystal/drag_matrix.hpp"
#include "ionbath/crystal/static_response.hpp"
#include "ionbath/dynamics/full_protocols.hpp"
#include "ionbath/io/hdf5.hpp"

#include <algorithm>
#include <cmath>

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
} // namespace

int run_validate(const io::Config &config, const std::string &which, const Communicator &world) {
  const crystal::Crystal crystal = make_crystal(config.lattice);
  if (which == "fig3")
    return validate_fig3(config, crystal, world);
  if (which == "fig4")
    return validate_fig4(config, crystal, world);
  throw InputError(fmt::format("validate: unknown case '{}' (fig3 or fig4)", which));
}

} // namespace ionbath::app
