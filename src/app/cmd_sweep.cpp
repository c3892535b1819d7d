// `ionbath run`, `ionbath sweep` and `ionbath merge`: thermal trajectories of the time-local model,
// their MSD and diffusion coefficients, the Arrhenius fit, and the results file (design.md
// "The main job: a temperature sweep").
#include "ionbath/analysis/arrhenius.hpp"
#include "ionbath/analysis/collective_transport.hpp"
#include "ionbath/analysis/diffusion_fit.hpp"
#include "ionbath/app/checkpoint.hpp"
#include "ionbath/app/commands.hpp"
#include "ionbath/app/results_layout.hpp"
#include "ionbath/app/runtime.hpp"
#include "ionbath/app/sweep.hpp"
#include "ionbath/core/error.hpp"
#include "ionbath/core/units.hpp"
#include "ionbath/io/hdf5.hpp"
#include "ionbath/parallel/fail_together.hpp"

#include <filesystem>
#include <optional>
#include <set>

namespace ionbath::app {

namespace {
using parallel::Communicator;
namespace fs = std::filesystem;

// Several ions (physics.md §11.4): the table's collective columns, of species 0 (σ: all ions).
struct CollectiveRow {
  double D_tracer = 0, sigma_D_tracer = 0, D_sigma = 0, sigma_D_sigma = 0,
         sigma_D_sigma_binning = 0, haven_ratio = 0, sigma_haven_ratio = 0, conductivity = 0,
         sigma_conductivity = 0;
  static constexpr std::size_t size = 9;
  std::array<double, size> values() const {
    return {D_tracer,    sigma_D_tracer,    D_sigma,      sigma_D_sigma,     sigma_D_sigma_binning,
            haven_ratio, sigma_haven_ratio, conductivity, sigma_conductivity};
  }
  static CollectiveRow from(std::span<const double> v) {
    return {v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8]};
  }
};

// One row of the diffusivity table.
struct TableRow {
  std::int64_t temperature_index = 0;
  double kT_meV = 0, D = 0, sigma_D = 0, sigma_D_binning = 0, D_all_origin = 0;
  std::int64_t trajectories = 0;
  std::optional<CollectiveRow> collective; // several ions
};

std::vector<int> resolve_temperatures(const io::Config &config, const DriverOptions &options) {
  const int n = static_cast<int>(config.run.kT_meV.size());
  if (options.temperature_indices.empty()) {
    std::vector<int> all(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i)
      all[static_cast<std::size_t>(i)] = i;
    return all;
  }
  std::set<int> unique;
  for (int i : options.temperature_indices) {
    if (i < 0 || i >= n)
      throw InputError(fmt::format("--temperature-index {} is outside the {} temperatures of "
                                   "run.kT_meV (0..{})",
                                   i, n, n - 1));
    unique.insert(i);
  }
  return {unique.begin(), unique.end()};
}

// Refuse to mix the checkpoints and partial results of another configuration (root checks,
// every rank throws the same error).
void check_previous_work(const io::Config &config, const Communicator &world) {
  parallel::on_root_or_fail_together<InputError>(world, [&] {
    if (!fs::is_directory(work_directory(config)))
      return;
    const std::string hash = io::config_hash(io::canonical(config));
    for (const auto &entry : fs::directory_iterator(work_directory(config))) {
      const auto path = entry.path().string();
      if (path.ends_with(".ckpt")) {
        if (auto c = Checkpoint::read(path))
          c->require_config(hash, path);
      } else if (path.ends_with(".h5")) {
        const std::string found = io::H5Input(path).read_attribute_string("/", "config_hash");
        if (found != hash)
          throw InputError(fmt::format(
              "'{}' holds results of a different configuration (hash {} vs {}); use another "
              "run.output or remove {}",
              path, found, hash, work_directory(config)));
      }
    }
  });
}

void write_parameters(io::H5Output &out, const io::Config &config) {
  const std::array<std::int64_t, 2> version{1, 1}; // H5MD 1.1 metadata (design.md output layout)
  out.write_attribute("/h5md", "version", std::span<const std::int64_t>(version));
  out.write_attribute("/h5md/author", "name", "ionbath user");
  out.write_attribute("/h5md/creator", "name", "ionbath");
  out.write_attribute("/h5md/creator", "version", IONBATH_VERSION);
  out.write_string("/parameters/config", io::to_toml(io::canonical(config)));
  out.write_attribute("/parameters", "config_hash", io::config_hash(io::canonical(config)));
  out.write_attribute("/parameters", "ionbath_version", IONBATH_VERSION);
  out.write_attribute("/parameters", "seed", config.run.seed);
}

// The diffusivity table and its Arrhenius fits (physics.md §5.4), fitted once and then written to
// the results file, the CSV table and stdout. Several ions (§11.4): also D* and σT.
struct TransportTable {
  std::vector<TableRow> rows;
  std::optional<analysis::ArrheniusFit> fit; // needs ≥ 3 rows, all with D > 0 and σ_D > 0
  std::optional<analysis::ArrheniusFit> tracer_fit, conductivity_fit; // D*, σT
  bool collective() const { return !rows.empty() && rows.front().collective.has_value(); }
};

// ln y = ln y0 − Ea/kT through the rows' (y, σ_y); none unless ≥ 3 rows with y, σ_y > 0.
std::optional<analysis::ArrheniusFit>
fit_rows(const std::vector<TableRow> &rows, std::pair<double, double> (*value)(const TableRow &)) {
  std::vector<double> kT, y, sy;
  for (const auto &r : rows) {
    const auto [v, sv] = value(r);
    if (!(v > 0 && sv > 0))
      return std::nullopt;
    kT.push_back(r.kT_meV);
    y.push_back(v);
    sy.push_back(sv);
  }
  if (rows.size() < 3)
    return std::nullopt;
  return analysis::fit_arrhenius(kT, y, sy);
}

TransportTable fit_transport(std::vector<TableRow> rows) {
  TransportTable table{std::move(rows), std::nullopt, std::nullopt, std::nullopt};
  table.fit = fit_rows(table.rows, [](const TableRow &r) { return std::pair{r.D, r.sigma_D}; });
  if (!table.collective())
    return table;
  table.tracer_fit = fit_rows(table.rows, [](const TableRow &r) {
    return std::pair{r.collective->D_tracer, r.collective->sigma_D_tracer};
  });
  table.conductivity_fit = fit_rows(table.rows, [](const TableRow &r) { // σT, S K/m
    const double T = units::meV_to_kelvin(r.kT_meV);
    return std::pair{r.collective->conductivity * T, r.collective->sigma_conductivity * T};
  });
  return table;
}

// One column of the table: its /transport/table dataset and, if `csv` is set, its CSV column
// (CSV columns in declaration order).
struct TableColumn {
  const char *dataset;
  const char *unit;
  const char *csv;
  const char *csv_format; // for doubles; integer columns print as integers
  bool integer;
  double (*value)(const TableRow &);
};
constexpr double cm2_per_s = units::A2_per_ps_in_cm2_per_s;
constexpr TableColumn kTableColumns[] = {
    {"temperature_index", "1", nullptr, "", true,
     [](const TableRow &r) { return double(r.temperature_index); }},
    {"kT", "meV", "kT_meV", "{}", false, [](const TableRow &r) { return r.kT_meV; }},
    {"T", "K", "T_K", "{:.6g}", false,
     [](const TableRow &r) { return units::meV_to_kelvin(r.kT_meV); }},
    {"D", "Angstrom2 ps-1", "D_A2_per_ps", "{:.8g}", false, [](const TableRow &r) { return r.D; }},
    {"sigma_D", "Angstrom2 ps-1", "sigma_D_A2_per_ps", "{:.8g}", false,
     [](const TableRow &r) { return r.sigma_D; }},
    {"D_cm2_per_s", "cm2 s-1", "D_cm2_per_s", "{:.8g}", false,
     [](const TableRow &r) { return r.D * cm2_per_s; }},
    {"sigma_D_cm2_per_s", "cm2 s-1", "sigma_D_cm2_per_s", "{:.8g}", false,
     [](const TableRow &r) { return r.sigma_D * cm2_per_s; }},
    {"n_trajectories", "1", "n_trajectories", "", true,
     [](const TableRow &r) { return double(r.trajectories); }},
    {"sigma_D_binning", "Angstrom2 ps-1", "sigma_D_binning_A2_per_ps", "{:.8g}", false,
     [](const TableRow &r) { return r.sigma_D_binning; }},
    {"D_all_origin", "Angstrom2 ps-1", "D_all_origin_A2_per_ps", "{:.8g}", false,
     [](const TableRow &r) { return r.D_all_origin; }}};

// Several ions: after the columns above (physics.md §11.4), species 0; σ of all ions.
constexpr TableColumn kCollectiveColumns[] = {
    {"D_tracer", "Angstrom2 ps-1", "D_tracer_A2_per_ps", "{:.8g}", false,
     [](const TableRow &r) { return r.collective->D_tracer; }},
    {"sigma_D_tracer", "Angstrom2 ps-1", "sigma_D_tracer", "{:.8g}", false,
     [](const TableRow &r) { return r.collective->sigma_D_tracer; }},
    {"D_sigma", "Angstrom2 ps-1", "D_sigma_A2_per_ps", "{:.8g}", false,
     [](const TableRow &r) { return r.collective->D_sigma; }},
    {"sigma_D_sigma", "Angstrom2 ps-1", "sigma_D_sigma", "{:.8g}", false,
     [](const TableRow &r) { return r.collective->sigma_D_sigma; }},
    {"haven_ratio", "1", "haven_ratio", "{:.8g}", false,
     [](const TableRow &r) { return r.collective->haven_ratio; }},
    {"conductivity", "S m-1", "conductivity_S_per_m", "{:.8g}", false,
     [](const TableRow &r) { return r.collective->conductivity; }},
    {"sigma_conductivity", "S m-1", "sigma_conductivity_S_per_m", "{:.8g}", false,
     [](const TableRow &r) { return r.collective->sigma_conductivity; }},
    {"sigma_haven_ratio", "1", "sigma_haven_ratio", "{:.8g}", false,
     [](const TableRow &r) { return r.collective->sigma_haven_ratio; }},
    {"sigma_D_sigma_binning", "Angstrom2 ps-1", "sigma_D_sigma_binning", "{:.8g}", false,
     [](const TableRow &r) { return r.collective->sigma_D_sigma_binning; }},
    {"conductivity_mS_per_cm", "mS cm-1", "conductivity_mS_per_cm", "{:.8g}", false,
     [](const TableRow &r) { return 10 * r.collective->conductivity; }}};

// The table's columns: the single-ion ones, then for several ions the collective ones.
std::vector<const TableColumn *> table_columns(const TransportTable &table) {
  std::vector<const TableColumn *> columns;
  for (const auto &c : kTableColumns)
    columns.push_back(&c);
  if (table.collective())
    for (const auto &c : kCollectiveColumns)
      columns.push_back(&c);
  return columns;
}

// One Arrhenius fit under group g; `prefactor_unit` is the unit of the fitted quantity.
void write_arrhenius(io::H5Output &out, const std::string &g,
                     const std::optional<analysis::ArrheniusFit> &fit, const char *prefactor_unit,
                     const char *needs) {
  out.write_attribute(g, "fitted", std::int64_t(fit ? 1 : 0));
  if (!fit) {
    out.write_attribute(g, "reason", needs);
    return;
  }
  out.write(g + "/D0", fit->D0_A2_per_ps, prefactor_unit);
  out.write(g + "/ln_D0", fit->ln_D0, "1");
  out.write(g + "/Ea", fit->Ea_meV, "meV");
  out.write(g + "/chi2", fit->chi2, "1");
  out.write(g + "/t_quantile", fit->t_quantile, "1");
  out.write_attribute(g, "dof", std::int64_t(fit->dof));
  for (const auto &[name, iv] :
       {std::pair{"ci95", fit->unscaled}, {"ci95_chi2_scaled", fit->chi2_scaled}}) {
    const std::string ci = g + "/" + name;
    out.write(ci + "/D0_low", iv.D0_low_A2_per_ps, prefactor_unit);
    out.write(ci + "/D0_high", iv.D0_high_A2_per_ps, prefactor_unit);
    out.write(ci + "/Ea_half_width", iv.Ea_half_width_meV, "meV");
    out.write(ci + "/ln_D0_half_width", iv.ln_D0_half_width, "1");
  }
}

// Written collectively (every rank passes the same table).
void write_transport(io::H5Output &out, const TransportTable &table) {
  for (const auto *column : table_columns(table)) {
    const std::string name = std::string("/transport/table/") + column->dataset;
    if (column->integer) {
      std::vector<std::int64_t> v;
      for (const auto &r : table.rows)
        v.push_back(std::int64_t(column->value(r)));
      out.write(name, v, column->unit);
    } else {
      std::vector<double> v;
      for (const auto &r : table.rows)
        v.push_back(column->value(r));
      out.write(name, v, column->unit);
    }
  }
  write_arrhenius(out, "/transport/arrhenius", table.fit, "Angstrom2 ps-1",
                  "needs at least 3 temperatures with D > 0 and sigma_D > 0");
  if (!table.collective())
    return;
  write_arrhenius(out, "/transport/arrhenius_tracer", table.tracer_fit, "Angstrom2 ps-1",
                  "needs at least 3 temperatures with D_tracer > 0 and sigma_D_tracer > 0");
  write_arrhenius(out, "/transport/arrhenius_conductivity_T", table.conductivity_fit, "S m-1 K",
                  "needs at least 3 temperatures with conductivity > 0 and its sigma > 0");
}

std::string table_csv(const TransportTable &table) {
  const auto columns = table_columns(table);
  std::string csv;
  for (const auto *column : columns)
    if (column->csv)
      csv += (csv.empty() ? "" : ",") + std::string(column->csv);
  csv += '\n';
  for (const auto &r : table.rows) {
    std::string line;
    for (const auto *column : columns) {
      if (!column->csv)
        continue;
      if (!line.empty())
        line += ',';
      line += column->integer ? fmt::format("{}", std::int64_t(column->value(r)))
                              : fmt::format(fmt::runtime(column->csv_format), column->value(r));
    }
    csv += line + '\n';
  }
  return csv;
}

void print_arrhenius(const char *what, const char *unit,
                     const std::optional<analysis::ArrheniusFit> &fit) {
  if (fit)
    fmt::print("  Arrhenius {}: prefactor = {:.4g} {} (95% CI {:.4g} – {:.4g}), Ea = {:.2f} ± "
               "{:.2f} meV (t-dist., ν = {}; χ²-scaled ± {:.2f})\n",
               what, fit->D0_A2_per_ps, unit, fit->unscaled.D0_low_A2_per_ps,
               fit->unscaled.D0_high_A2_per_ps, fit->Ea_meV, fit->unscaled.Ea_half_width_meV,
               fit->dof, fit->chi2_scaled.Ea_half_width_meV);
  else
    fmt::print("  Arrhenius {}: not fitted (needs ≥ 3 temperatures with values > 0)\n", what);
}

// Several ions: D*, D_σ, H_R and σ of each temperature.
void print_collective(const TransportTable &table) {
  fmt::print("\n  {:>8} {:>12} {:>10} {:>12} {:>10} {:>8} {:>7} {:>12} {:>10}\n", "kT(meV)",
             "D* (Å²/ps)", "σ", "D_σ (Å²/ps)", "σ", "H_R", "σ", "σ (S/m)", "±");
  for (const auto &r : table.rows) {
    const auto &c = *r.collective;
    fmt::print("  {:>8.4g} {:>12.6g} {:>10.3g} {:>12.6g} {:>10.3g} {:>8.3f} {:>7.3f} {:>12.5g} "
               "{:>10.3g}\n",
               r.kT_meV, c.D_tracer, c.sigma_D_tracer, c.D_sigma, c.sigma_D_sigma, c.haven_ratio,
               c.sigma_haven_ratio, c.conductivity, c.sigma_conductivity);
  }
  print_arrhenius("D*", "Å²/ps", table.tracer_fit);
  print_arrhenius("σT", "S K/m", table.conductivity_fit);
}

void print_table(const TransportTable &table, const std::string &csv_path) {
  fmt::print("\n  {:>8} {:>8} {:>14} {:>12} {:>14} {:>5}\n", "kT(meV)", "T(K)", "D (Å²/ps)", "σ_D",
             "D (cm²/s)", "traj");
  for (const auto &r : table.rows)
    fmt::print("  {:>8.4g} {:>8.1f} {:>14.6g} {:>12.3g} {:>14.4e} {:>5}\n", r.kT_meV,
               units::meV_to_kelvin(r.kT_meV), r.D, r.sigma_D, r.D * cm2_per_s, r.trajectories);
  if (const auto &fit = table.fit)
    fmt::print("\n  Arrhenius: D0 = {:.4g} Å²/ps (95% CI {:.4g} – {:.4g}), Ea = {:.2f} ± {:.2f} "
               "meV (t-dist., ν = {}; χ²-scaled ± {:.2f})\n",
               fit->D0_A2_per_ps, fit->unscaled.D0_low_A2_per_ps, fit->unscaled.D0_high_A2_per_ps,
               fit->Ea_meV, fit->unscaled.Ea_half_width_meV, fit->dof,
               fit->chi2_scaled.Ea_half_width_meV);
  else
    fmt::print("\n  Arrhenius: not fitted (needs ≥ 3 temperatures with D > 0)\n");
  if (table.collective())
    print_collective(table);
  fmt::print("  table written to {}\n", csv_path);
  std::fflush(stdout);
}

// The attributes of /sweep/T_i (`merge` reads them back with read_temperature_row).
void write_temperature_attributes(io::H5Output &out, const std::string &g, const TableRow &row,
                                  std::int64_t segments) {
  out.write_attribute(g, "kT_meV", row.kT_meV);
  out.write_attribute(g, "T_K", units::meV_to_kelvin(row.kT_meV));
  out.write_attribute(g, "temperature_index", row.temperature_index);
  out.write_attribute(g, "n_trajectories", row.trajectories);
  out.write_attribute(g, "segments", segments);
}

// The table row of /sweep/T_<t> of a results file and its segments per trajectory.
std::pair<TableRow, std::int64_t> read_temperature_row(const io::H5Input &in, std::int64_t t) {
  namespace tg = results::temperature;
  const std::string g = tg::group(t);
  TableRow row;
  row.temperature_index = t;
  row.kT_meV = in.read_attribute_double(g, "kT_meV");
  row.trajectories = in.read_attribute_int64(g, "n_trajectories");
  row.D = in.read_double(results::path(g, tg::D)).values[0];
  row.sigma_D = in.read_double(results::path(g, tg::sigma_D)).values[0];
  row.sigma_D_binning = in.read_double(results::path(g, tg::sigma_D_binning)).values[0];
  row.D_all_origin = in.read_double(results::path(g, tg::D_all_origin)).values[0];
  if (in.exists(results::path(g, tg::D_tracer))) { // several ions: species 0
    const auto first = [&](const results::Dataset &d) {
      return in.read_double(results::path(g, d)).values[0];
    };
    row.collective = CollectiveRow{first(tg::D_tracer),
                                   first(tg::sigma_D_tracer),
                                   first(tg::D_sigma),
                                   first(tg::sigma_D_sigma),
                                   first(tg::sigma_D_sigma_binning),
                                   first(tg::haven_ratio),
                                   first(tg::sigma_haven_ratio),
                                   first(tg::conductivity),
                                   first(tg::sigma_conductivity)};
  }
  return {row, in.read_attribute_int64(g, "segments")};
}

// Writes /sweep/T_i: each group leader writes the rows of the trajectories it ran; root writes
// the pooled curves and fits. Returns the table row (on every rank).
// The curves of physics.md §11.4 of one part file (several ions).
analysis::CollectiveCurves read_collective_curves(const io::H5Input &part,
                                                  const IonSpecies &species) {
  namespace pf = results::part;
  analysis::CollectiveCurves c;
  const auto lag = part.read_double(results::path("", pf::lag)).values;
  const auto unstack = [&](const results::Dataset &d) {
    std::vector<analysis::SegmentCurves> out;
    if (!part.exists(results::path("", d)))
      return out;
    const auto data = part.read_double(results::path("", d));
    const auto n = std::size_t(data.shape.at(0));
    const std::size_t each = data.values.size() / std::max<std::size_t>(n, 1);
    for (std::size_t k = 0; k < n; ++k)
      out.push_back(
          {lag, std::vector<double>(data.values.begin() + std::ptrdiff_t(k * each),
                                    data.values.begin() + std::ptrdiff_t((k + 1) * each))});
    return out;
  };
  c.tracer = unstack(pf::species_tracer_msd);
  c.collective = unstack(pf::species_collective_msd);
  c.cross = unstack(pf::species_cross_msd);
  c.charge = {lag, part.read_double(results::path("", pf::charge_msd)).values};
  for (std::size_t s = 0; s < species.names.size(); ++s)
    c.ions_of_species.push_back(
        int(std::count(species.species_of_ion.begin(), species.species_of_ion.end(), int(s))));
  c.charge_number = species.charge_number;
  return c;
}

// Several ions: the pooled collective transport of temperature t (physics.md §11.4), fitted on
// root from the part files, written to /sweep/T_t and returned (species 0) on every rank.
CollectiveRow assemble_collective(io::H5Output &out, const io::Config &config,
                                  const TrajectorySettings &settings, const Communicator &world,
                                  int t) {
  namespace tg = results::temperature;
  const auto n = std::int64_t(settings.species.names.size());
  // Per species: D*, σ, D_σ, σ, σ_binning, H_R, σ; then L (n²), σ_L (n²), σ, σ_σ; mean curves.
  std::vector<double> values, mean;
  parallel::on_root_or_fail_together<InputError>(world, [&] {
    std::vector<analysis::CollectiveCurves> curves;
    for (std::int64_t k = 0; k < config.run.trajectories; ++k)
      curves.push_back(read_collective_curves(io::H5Input(task_files(config, {t, int(k)}).part),
                                              settings.species));
    const double kT = config.run.kT_meV[std::size_t(t)];
    const auto fit =
        analysis::fit_collective_transport(curves, settings.supercell_volume_A3, kT, settings.fit);
    for (const auto &sp : fit.species)
      values.insert(values.end(),
                    {sp.tracer.D_A2_per_ps, sp.tracer.sigma_D_A2_per_ps, sp.collective.D_A2_per_ps,
                     sp.collective.sigma_D_A2_per_ps, sp.collective.sigma_D_binning_A2_per_ps,
                     sp.haven_ratio, sp.sigma_haven_ratio});
    values.insert(values.end(), fit.onsager.begin(), fit.onsager.end());
    values.insert(values.end(), fit.sigma_onsager.begin(), fit.sigma_onsager.end());
    values.insert(values.end(), {fit.conductivity_S_per_m, fit.sigma_conductivity_S_per_m});
    for (std::int64_t s = 0; s < n; ++s) {
      std::vector<analysis::SegmentCurves> parts;
      for (const auto &c : curves)
        parts.push_back(c.collective[std::size_t(s)]);
      const auto m = analysis::mean_curve(analysis::pool_segments(parts)).mean_A2;
      mean.insert(mean.end(), m.begin(), m.end());
    }
  });
  world.broadcast_resize(values, 0);
  world.broadcast_resize(mean, 0);
  const std::string g = tg::group(t);
  const auto column = [&](std::size_t k) {
    std::vector<double> v;
    for (std::int64_t s = 0; s < n; ++s)
      v.push_back(values[std::size_t(s) * 7 + k]);
    return v;
  };
  const results::Dataset per_species[] = {
      tg::D_tracer,         tg::sigma_D_tracer,        tg::D_sigma,
      tg::sigma_D_sigma,    tg::sigma_D_sigma_binning, tg::haven_ratio,
      tg::sigma_haven_ratio};
  for (std::size_t k = 0; k < std::size(per_species); ++k)
    results::write(out, g, per_species[k], column(k));
  const auto L = values.begin() + std::ptrdiff_t(7 * n);
  results::write(out, g, tg::onsager, std::vector<double>(L, L + n * n), io::Shape{n, n});
  results::write(out, g, tg::sigma_onsager, std::vector<double>(L + n * n, L + 2 * n * n),
                 io::Shape{n, n});
  results::write(out, g, tg::conductivity, values[std::size_t(7 * n + 2 * n * n)]);
  results::write(out, g, tg::sigma_conductivity, values[std::size_t(7 * n + 2 * n * n + 1)]);
  results::write(out, g, tg::collective_msd_mean, mean,
                 io::Shape{n, std::int64_t(mean.size()) / n});
  std::string names;
  for (const auto &name : settings.species.names)
    names += (names.empty() ? "" : " ") + name;
  out.write_attribute(g, "species", names);
  return {values[0],
          values[1],
          values[2],
          values[3],
          values[4],
          values[5],
          values[6],
          values[std::size_t(7 * n + 2 * n * n)],
          values[std::size_t(7 * n + 2 * n * n + 1)]};
}

TableRow assemble_temperature(io::H5Output &out, const io::Config &config,
                              const TrajectorySettings &settings,
                              const parallel::TrajectoryLayout &layout,
                              const parallel::RunPlan &plan, int t) {
  namespace pf = results::part;
  namespace tg = results::temperature;
  const auto &world = layout.world();
  const std::int64_t n_traj = config.run.trajectories;
  const std::string g = tg::group(t);
  std::vector<std::int64_t> my_rows;
  std::vector<double> seg, all, hops;
  std::array<std::vector<double>, std::size(pf::gathered_scalars)> scalars;
  std::int64_t seg_cols = 0, lag_cols = 0;
  for (const auto &run : plan.runs()) {
    const auto task = trajectory_task(run);
    if (task.temperature_index != t)
      continue;
    if (layout.is_group_leader() &&
        parallel::RunPlan::group_of(run, layout.n_groups()) == layout.group_index()) {
      io::H5Input part(task_files(config, task).part);
      const auto s = part.read_double(results::path("", pf::segment_msd));
      const auto a = part.read_double(results::path("", pf::all_origin_msd));
      seg.insert(seg.end(), s.values.begin(), s.values.end());
      all.insert(all.end(), a.values.begin(), a.values.end());
      seg_cols = std::int64_t(s.values.size());
      lag_cols = std::int64_t(a.values.size());
      for (std::size_t c = 0; c < std::size(pf::gathered_scalars); ++c)
        scalars[c].push_back(
            part.read_double(results::path("", pf::gathered_scalars[c])).values[0]);
      hops.push_back(double(part.read_int64(results::path("", pf::hops)).values[0]));
      my_rows.push_back(task.trajectory_id);
    }
  }
  // Every rank needs the column counts (a rank without rows passes none).
  const double cols[2] = {double(seg_cols), double(lag_cols)};
  seg_cols = std::int64_t(world.max(cols[0]));
  lag_cols = std::int64_t(world.max(cols[1]));
  const auto row_set = [&](const results::Dataset &d, const std::vector<double> &local,
                           std::int64_t columns) {
    out.write_row_set(results::path(g, d), my_rows, local, n_traj, columns, d.unit);
  };
  row_set(tg::segment_msd, seg, seg_cols);
  row_set(tg::all_origin_msd, all, lag_cols);
  for (std::size_t c = 0; c < std::size(tg::trajectory_scalars); ++c)
    row_set(tg::trajectory_scalars[c], scalars[c], 1);
  row_set(tg::trajectory_cell_changes, hops, 1);

  // Pooled analysis on root from all part files of this temperature (physics.md §5.2–5.3).
  TableRow row;
  row.temperature_index = t;
  row.kT_meV = config.run.kT_meV[static_cast<std::size_t>(t)];
  row.trajectories = n_traj;
  std::vector<double> lag, mean, stderr_, values(4, 0.0);
  parallel::on_root_or_fail_together<InputError>(world, [&] {
    std::vector<analysis::SegmentCurves> curves;
    double D_all_sum = 0;
    for (std::int64_t k = 0; k < n_traj; ++k) {
      io::H5Input part(task_files(config, {t, int(k)}).part);
      analysis::SegmentCurves c;
      c.lag_ps = part.read_double(results::path("", pf::lag)).values;
      c.d_A2 = part.read_double(results::path("", pf::segment_msd)).values;
      curves.push_back(std::move(c));
      D_all_sum += part.read_double(results::path("", pf::D_all_origin)).values[0];
    }
    analysis::DiffusionFitOptions fo;
    fo.fit_from_ps = config.msd.fit_from_ps;
    fo.bins = static_cast<int>(std::min<std::int64_t>(10, config.msd.segments));
    const auto pooled = analysis::fit_diffusion_pooled(curves, fo).pooled;
    const auto curve = analysis::mean_curve(analysis::pool_segments(curves));
    lag = curve.lag_ps;
    mean = curve.mean_A2;
    stderr_ = curve.stderr_A2;
    values = {pooled.D_A2_per_ps, pooled.sigma_D_A2_per_ps, pooled.sigma_D_binning_A2_per_ps,
              D_all_sum / double(n_traj)};
  });
  world.broadcast(values);
  row.D = values[0];
  row.sigma_D = values[1];
  row.sigma_D_binning = values[2];
  row.D_all_origin = values[3];
  results::write(out, g, tg::lag, lag);
  results::write(out, g, tg::msd_mean, mean);
  results::write(out, g, tg::msd_stderr, stderr_);
  results::write(out, g, tg::D, row.D);
  results::write(out, g, tg::sigma_D, row.sigma_D);
  results::write(out, g, tg::sigma_D_binning, row.sigma_D_binning);
  results::write(out, g, tg::D_all_origin, row.D_all_origin);
  if (settings.species.ion_count() > 1)
    row.collective = assemble_collective(out, config, settings, world, t);
  write_temperature_attributes(out, g, row, config.msd.segments);
  return row;
}

// The model's W(0) and 𝓛 (time-local method only) and the number of BZ modes.
void write_model_summary(io::H5Output &out, const TrajectoryModel &model,
                         const io::Config &config) {
  if (model.method == io::RunMethod::time_local) {
    out.write("/phonons/drag_matrix", std::span<const double>(model.drag_matrix.data(), 9), {3, 3},
              "ps Angstrom2 meV-1");
    const Mat3 &w = model.static_response(Cell::Zero());
    out.write("/phonons/W0_onsite", std::span<const double>(w.data(), 9), {3, 3},
              "Angstrom2 meV-1");
  }
  out.write("/phonons/n_modes",
            std::vector<std::int64_t>{
                crystal::ModeSet::total_modes(model.crystal, config.lattice.bz_grid)},
            "1");
}

void write_timing(io::H5Output &out, const CategoryTimers &timers, const Communicator &world,
                  const io::Config &config) {
  // Wall times differ from run to run: kept apart from the results (/timing).
  static constexpr std::pair<TimerCategory, const char *> categories[] = {
      {TimerCategory::setup, "setup"},
      {TimerCategory::bath, "bath"},
      {TimerCategory::force, "force"},
      {TimerCategory::analysis, "analysis"},
      {TimerCategory::io, "io"}};
  for (const auto &[c, name] : categories) {
    double s = world.max(timers.seconds(c));
    out.write_attribute("/timing", std::string(name) + "_s_max_over_ranks", s);
  }
  out.write_attribute("/timing", "ranks", std::int64_t(world.size()));
  out.write_attribute("/timing", "ranks_per_trajectory",
                      std::int64_t(config.parallel.ranks_per_trajectory));
}

} // namespace

int run_thermal_trajectories(const io::Config &config, const Communicator &world,
                             const DriverOptions &options) {
  CategoryTimers timers;
  const auto temperatures = resolve_temperatures(config, options);
  if (options.analysis && config.msd.segments < 2)
    throw InputError(fmt::format("msd.segments = {}: a sweep needs at least 2 segments per "
                                 "trajectory for error bars",
                                 config.msd.segments));
  if (config.run.method == io::RunMethod::full && config.parallel.ranks_per_trajectory != 1)
    throw InputError(fmt::format("parallel.ranks_per_trajectory = {}: method = \"full\" runs one "
                                 "trajectory per rank (use 1)",
                                 config.parallel.ranks_per_trajectory));
  const parallel::TrajectoryLayout layout(world, config.parallel.ranks_per_trajectory);
  const auto plan = sweep_plan(config, temperatures);
  crystal::Crystal framework = make_crystal(config.lattice); // read once (phonopy files)
  const auto settings = trajectory_settings(config, options, framework);
  check_interaction_list(config, framework);
  check_ion_placements(config, plan, settings, framework);
  parallel::on_root_or_fail_together<InputError>(world, [&] {
    const auto parent = fs::path(config.run.output).parent_path();
    if (!parent.empty() && !fs::is_directory(parent))
      throw InputError(fmt::format("run.output = \"{}\": directory '{}' does not exist",
                                   config.run.output, parent.string()));
    std::error_code ec;
    fs::create_directories(work_directory(config), ec);
    if (ec)
      throw InputError(fmt::format("cannot create '{}': {}", work_directory(config), ec.message()));
  });
  check_previous_work(config, world);
  Log::set_group(layout.is_group_leader(), layout.group_index(), layout.n_groups());
  Log::info("{}: {} temperature(s) × {} trajectories, {} steps of {} ps, {} group(s) of {} rank(s)",
            options.analysis ? "sweep" : "run", temperatures.size(), config.run.trajectories,
            config.run.steps, config.run.dt, layout.n_groups(), layout.group().size());

  std::unique_ptr<TrajectoryModel> model;
  {
    CategoryTimers::Scope t(timers, TimerCategory::setup);
    model = std::make_unique<TrajectoryModel>(config, layout, std::move(framework));
  }
  StopSignal::install();
  const bool interrupted = parallel::execute(plan, layout, [&](const parallel::PlannedRun &run) {
    return run_trajectory(settings, config, *model, layout.group(), trajectory_task(run), timers);
  });
  if (interrupted) {
    Log::info("interrupted: checkpoints are in {}; rerun the same command to resume",
              work_directory(config));
    Log::info("{}", timers.report());
    return exit_interrupted;
  }
  if (!options.analysis) {
    if (world.is_root()) {
      for (const auto &run : plan.runs()) {
        const auto task = trajectory_task(run);
        fmt::print("  trajectory kT = {} meV #{}: {}\n",
                   config.run.kT_meV[std::size_t(task.temperature_index)], task.trajectory_id,
                   task_files(config, task).trajectory);
      }
      std::error_code ec;
      fs::remove(work_directory(config), ec); // only if empty
    }
    Log::info("{}", timers.report());
    return 0;
  }

  TransportTable table;
  {
    CategoryTimers::Scope t(timers, TimerCategory::io);
    io::H5Output out(config.run.output, world);
    write_parameters(out, config);
    write_model_summary(out, *model, config);
    std::vector<TableRow> rows;
    for (int temperature : temperatures)
      rows.push_back(assemble_temperature(out, config, settings, layout, plan, temperature));
    table = fit_transport(std::move(rows));
    write_transport(out, table);
    write_timing(out, timers, world, config);
    out.commit();
  }
  if (world.is_root()) {
    const std::string csv = csv_path_of(config.run.output);
    atomic_write_text(csv, table_csv(table));
    print_table(table, csv);
  }
  Log::info("{}", timers.report());
  return 0;
}

int merge_results(const std::vector<std::string> &inputs, const std::string &output,
                  const Communicator &world) {
  namespace tg = results::temperature;
  if (inputs.empty())
    throw InputError("merge: no input files given");
  // Root reads every input; all ranks write the merged file collectively (data from root).
  std::string config_text, hash;
  struct Group {
    std::vector<io::DoubleDataset> datasets; // tg::all, in order (root only)
    TableRow row;
    std::int64_t segments = 0;
    std::string species; // several ions
  };
  std::vector<Group> groups;
  parallel::on_root_or_fail_together<InputError>(world, [&] {
    std::set<std::int64_t> seen;
    for (const auto &path : inputs) {
      io::H5Input in(path);
      const std::string h = in.read_attribute_string("/parameters", "config_hash");
      if (hash.empty()) {
        hash = h;
        config_text = in.read_string("/parameters/config");
      } else if (h != hash) {
        throw InputError(fmt::format("merge: '{}' was produced by a different configuration "
                                     "(hash {} vs {} of '{}')",
                                     path, h, hash, inputs.front()));
      }
      for (const auto t : in.read_int64("/transport/table/temperature_index").values) {
        if (!seen.insert(t).second)
          throw InputError(
              fmt::format("merge: temperature index {} appears twice ('{}')", t, path));
        Group g;
        for (const auto &d : tg::all)
          g.datasets.push_back(in.read_double(results::path(tg::group(t), d)));
        std::tie(g.row, g.segments) = read_temperature_row(in, t);
        if (g.row.collective) {
          for (const auto &d : tg::collective_all)
            g.datasets.push_back(in.read_double(results::path(tg::group(t), d)));
          g.species = in.read_attribute_string(tg::group(t), "species");
        }
        groups.push_back(std::move(g));
      }
    }
    std::sort(groups.begin(), groups.end(), [](const Group &a, const Group &b) {
      return a.row.temperature_index < b.row.temperature_index;
    });
  });
  world.broadcast(config_text);
  world.broadcast(hash);
  groups.resize(world.broadcast_size(groups.size()));
  std::vector<TableRow> rows;
  for (auto &g : groups) {
    std::vector<double> r{double(g.row.temperature_index),
                          g.row.kT_meV,
                          g.row.D,
                          g.row.sigma_D,
                          g.row.sigma_D_binning,
                          g.row.D_all_origin,
                          double(g.row.trajectories),
                          double(g.segments),
                          double(g.row.collective.has_value())};
    if (g.row.collective)
      for (const double v : g.row.collective->values())
        r.push_back(v);
    world.broadcast_resize(r, 0);
    g.row = {std::int64_t(r[0]), r[1], r[2], r[3], r[4], r[5], std::int64_t(r[6]), std::nullopt};
    g.segments = std::int64_t(r[7]);
    if (r[8] != 0)
      g.row.collective = CollectiveRow::from(std::span(r).subspan(9));
    world.broadcast(g.species);
    rows.push_back(g.row);
  }
  const TransportTable table = fit_transport(std::move(rows));
  {
    io::H5Output out(output, world);
    out.write_string("/parameters/config", config_text);
    out.write_attribute("/parameters", "config_hash", hash);
    out.write_attribute("/parameters", "merged_from", std::int64_t(inputs.size()));
    for (const auto &g : groups) {
      const std::string name = tg::group(g.row.temperature_index);
      std::vector<results::Dataset> copied(std::begin(tg::all), std::end(tg::all));
      if (g.row.collective)
        copied.insert(copied.end(), std::begin(tg::collective_all), std::end(tg::collective_all));
      for (std::size_t d = 0; d < copied.size(); ++d) {
        const io::DoubleDataset none;
        const auto &data = world.is_root() ? g.datasets[d] : none; // shape from root
        results::write(out, name, copied[d], data.values, data.shape);
      }
      if (g.row.collective)
        out.write_attribute(name, "species", g.species);
      write_temperature_attributes(out, name, g.row, g.segments);
    }
    write_transport(out, table);
    out.commit();
  }
  if (world.is_root()) {
    const std::string csv = csv_path_of(output);
    atomic_write_text(csv, table_csv(table));
    fmt::print("merged {} file(s), {} temperature(s) into {}\n", inputs.size(), table.rows.size(),
               output);
    print_table(table, csv);
  }
  return 0;
}

} // namespace ionbath::app
