// `ionbath run`, `ionbath sweep` and `ionbath merge`: thermal trajectories of the time-local model,
// their MSD and diffusion coefficients, the Arrhenius fit, and the results file (design.md
// "The main job: a temperature sweep").
#include "ionbath/analysis/arrhenius.hpp"
#include "ionbath/analysis/diffusion_fit.hpp"
#include "ionbath/app/checkpoint.hpp"
#include "ionbath/app/runtime.hpp"
#include "ionbath/app/sweep.hpp"
#include "ionbath/core/error.hpp"
#include "ionbath/core/units.hpp"
#include "ionbath/io/hdf5.hpp"

#include <filesystem>
#include <set>

namespace ionbath::app {

namespace {
using parallel::Communicator;
namespace fs = std::filesystem;

// One row of the diffusivity table.
struct TableRow {
  std::int64_t temperature_index = 0;
  double kT_meV = 0, D = 0, sigma_D = 0, sigma_D_binning = 0, D_all_origin = 0;
  std::int64_t trajectories = 0;
};

std::string group_name(std::int64_t temperature_index) {
  return fmt::format("/sweep/T_{}", temperature_index);
}

// The (temperature, trajectory) tasks of the selected temperatures in the fixed order, each with
// its group (round robin): the assignment never changes a result.
std::vector<parallel::TrajectoryTask> selected_tasks(const io::Config &config,
                                                     const std::vector<int> &temperatures) {
  std::vector<parallel::TrajectoryTask> tasks;
  for (int t : temperatures)
    for (std::int64_t k = 0; k < config.run.trajectories; ++k)
      tasks.push_back({t, static_cast<int>(k), static_cast<int>(tasks.size())});
  return tasks;
}

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
  std::string problem;
  if (world.is_root() && fs::is_directory(work_directory(config))) {
    const std::string hash = io::config_hash(io::canonical(config));
    for (const auto &entry : fs::directory_iterator(work_directory(config))) {
      const auto path = entry.path().string();
      try {
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
      } catch (const std::exception &e) {
        problem = e.what();
        break;
      }
    }
  }
  if (world.any(!problem.empty())) {
    world.broadcast(problem);
    throw InputError(problem);
  }
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

// The diffusivity table and the Arrhenius fit (physics.md §5.4) of the rows, written by root
// (every rank passes the same rows).
void write_transport(io::H5Output &out, const std::vector<TableRow> &rows) {
  std::vector<double> kT, TK, D, sD, Dcm, sDcm, sB, Dall;
  std::vector<std::int64_t> n, idx;
  for (const auto &r : rows) {
    kT.push_back(r.kT_meV);
    TK.push_back(units::meV_to_kelvin(r.kT_meV));
    D.push_back(r.D);
    sD.push_back(r.sigma_D);
    Dcm.push_back(r.D * units::A2_per_ps_in_cm2_per_s);
    sDcm.push_back(r.sigma_D * units::A2_per_ps_in_cm2_per_s);
    sB.push_back(r.sigma_D_binning);
    Dall.push_back(r.D_all_origin);
    n.push_back(r.trajectories);
    idx.push_back(r.temperature_index);
  }
  out.write("/transport/table/temperature_index", idx, "1");
  out.write("/transport/table/kT", kT, "meV");
  out.write("/transport/table/T", TK, "K");
  out.write("/transport/table/D", D, "Angstrom2 ps-1");
  out.write("/transport/table/sigma_D", sD, "Angstrom2 ps-1");
  out.write("/transport/table/D_cm2_per_s", Dcm, "cm2 s-1");
  out.write("/transport/table/sigma_D_cm2_per_s", sDcm, "cm2 s-1");
  out.write("/transport/table/sigma_D_binning", sB, "Angstrom2 ps-1");
  out.write("/transport/table/D_all_origin", Dall, "Angstrom2 ps-1");
  out.write("/transport/table/n_trajectories", n, "1");
  bool fittable = rows.size() >= 3;
  for (const auto &r : rows)
    fittable = fittable && r.D > 0 && r.sigma_D > 0;
  out.write_attribute("/transport/arrhenius", "fitted", std::int64_t(fittable ? 1 : 0));
  if (!fittable) {
    out.write_attribute("/transport/arrhenius", "reason",
                        "needs at least 3 temperatures with D > 0 and sigma_D > 0");
    return;
  }
  const auto fit = analysis::fit_arrhenius(kT, D, sD);
  out.write("/transport/arrhenius/D0", fit.D0_A2_per_ps, "Angstrom2 ps-1");
  out.write("/transport/arrhenius/ln_D0", fit.ln_D0, "1");
  out.write("/transport/arrhenius/Ea", fit.Ea_meV, "meV");
  out.write("/transport/arrhenius/chi2", fit.chi2, "1");
  out.write("/transport/arrhenius/t_quantile", fit.t_quantile, "1");
  out.write_attribute("/transport/arrhenius", "dof", std::int64_t(fit.dof));
  for (const auto &[name, iv] :
       {std::pair{"ci95", fit.unscaled}, {"ci95_chi2_scaled", fit.chi2_scaled}}) {
    const std::string g = std::string("/transport/arrhenius/") + name;
    out.write(g + "/D0_low", iv.D0_low_A2_per_ps, "Angstrom2 ps-1");
    out.write(g + "/D0_high", iv.D0_high_A2_per_ps, "Angstrom2 ps-1");
    out.write(g + "/Ea_half_width", iv.Ea_half_width_meV, "meV");
    out.write(g + "/ln_D0_half_width", iv.ln_D0_half_width, "1");
  }
}

std::string table_csv(const std::vector<TableRow> &rows) {
  std::string csv = "kT_meV,T_K,D_A2_per_ps,sigma_D_A2_per_ps,D_cm2_per_s,sigma_D_cm2_per_s,"
                    "n_trajectories,sigma_D_binning_A2_per_ps,D_all_origin_A2_per_ps\n";
  for (const auto &r : rows)
    csv +=
        fmt::format("{},{:.6g},{:.8g},{:.8g},{:.8g},{:.8g},{},{:.8g},{:.8g}\n", r.kT_meV,
                    units::meV_to_kelvin(r.kT_meV), r.D, r.sigma_D,
                    r.D * units::A2_per_ps_in_cm2_per_s, r.sigma_D * units::A2_per_ps_in_cm2_per_s,
                    r.trajectories, r.sigma_D_binning, r.D_all_origin);
  return csv;
}

void print_table(const std::vector<TableRow> &rows, const std::string &csv_path) {
  fmt::print("\n  {:>8} {:>8} {:>14} {:>12} {:>14} {:>5}\n", "kT(meV)", "T(K)", "D (Å²/ps)", "σ_D",
             "D (cm²/s)", "traj");
  for (const auto &r : rows)
    fmt::print("  {:>8.4g} {:>8.1f} {:>14.6g} {:>12.3g} {:>14.4e} {:>5}\n", r.kT_meV,
               units::meV_to_kelvin(r.kT_meV), r.D, r.sigma_D, r.D * units::A2_per_ps_in_cm2_per_s,
               r.trajectories);
  std::vector<double> kT, D, s;
  bool fittable = rows.size() >= 3;
  for (const auto &r : rows) {
    kT.push_back(r.kT_meV);
    D.push_back(r.D);
    s.push_back(r.sigma_D);
    fittable = fittable && r.D > 0 && r.sigma_D > 0;
  }
  if (fittable) {
    const auto fit = analysis::fit_arrhenius(kT, D, s);
    fmt::print("\n  Arrhenius: D0 = {:.4g} Å²/ps (95% CI {:.4g} – {:.4g}), Ea = {:.2f} ± {:.2f} "
               "meV (t-dist., ν = {}; χ²-scaled ± {:.2f})\n",
               fit.D0_A2_per_ps, fit.unscaled.D0_low_A2_per_ps, fit.unscaled.D0_high_A2_per_ps,
               fit.Ea_meV, fit.unscaled.Ea_half_width_meV, fit.dof,
               fit.chi2_scaled.Ea_half_width_meV);
  } else {
    fmt::print("\n  Arrhenius: not fitted (needs ≥ 3 temperatures with D > 0)\n");
  }
  fmt::print("  table written to {}\n", csv_path);
  std::fflush(stdout);
}

std::string csv_path_of(const std::string &output) {
  const fs::path p(output);
  return (p.parent_path() / p.stem()).string() + ".csv";
}

// Per-trajectory datasets of a temperature group: name, unit, columns per trajectory.
struct TrajectoryColumn {
  const char *name;
  const char *unit;
};
constexpr TrajectoryColumn kScalarColumns[] = {{"D", "Angstrom2 ps-1"},
                                               {"sigma_D", "Angstrom2 ps-1"},
                                               {"sigma_D_binning", "Angstrom2 ps-1"},
                                               {"D_all_origin", "Angstrom2 ps-1"}};

// Writes /sweep/T_i: each group leader writes the rows of the trajectories it ran; root writes
// the pooled curves and fits. Returns the table row (on every rank).
TableRow assemble_temperature(io::H5Output &out, const io::Config &config,
                              const parallel::TrajectoryLayout &layout,
                              const std::vector<parallel::TrajectoryTask> &tasks, int t) {
  const auto &world = layout.world();
  const std::int64_t n_traj = config.run.trajectories;
  const std::string g = group_name(t);
  std::vector<std::int64_t> my_rows;
  std::vector<double> seg, all, hops;
  std::array<std::vector<double>, std::size(kScalarColumns)> scalars;
  std::int64_t seg_cols = 0, lag_cols = 0;
  for (const auto &task : tasks) {
    if (task.temperature_index != t)
      continue;
    if (layout.is_group_leader() && layout.group_of(task) == layout.group_index()) {
      io::H5Input part(task_files(config, task).part);
      const auto s = part.read_double("/segment_msd");
      const auto a = part.read_double("/all_origin_msd");
      seg.insert(seg.end(), s.values.begin(), s.values.end());
      all.insert(all.end(), a.values.begin(), a.values.end());
      seg_cols = std::int64_t(s.values.size());
      lag_cols = std::int64_t(a.values.size());
      for (std::size_t c = 0; c < std::size(kScalarColumns); ++c)
        scalars[c].push_back(part.read_double(std::string("/") + kScalarColumns[c].name).values[0]);
      hops.push_back(double(part.read_int64("/hops").values[0]));
      my_rows.push_back(task.trajectory_id);
    }
  }
  // Every rank needs the column counts (a rank without rows passes none).
  const double cols[2] = {double(seg_cols), double(lag_cols)};
  seg_cols = std::int64_t(world.max(cols[0]));
  lag_cols = std::int64_t(world.max(cols[1]));
  out.write_row_set(g + "/segment_msd", my_rows, seg, n_traj, seg_cols, "Angstrom2");
  out.write_row_set(g + "/all_origin_msd", my_rows, all, n_traj, lag_cols, "Angstrom2");
  for (std::size_t c = 0; c < std::size(kScalarColumns); ++c)
    out.write_row_set(g + "/trajectory_" + kScalarColumns[c].name, my_rows, scalars[c], n_traj, 1,
                      kScalarColumns[c].unit);
  out.write_row_set(g + "/trajectory_cell_changes", my_rows, hops, n_traj, 1, "1");

  // Pooled analysis on root from all part files of this temperature (physics.md §5.2–5.3).
  TableRow row;
  row.temperature_index = t;
  row.kT_meV = config.run.kT_meV[static_cast<std::size_t>(t)];
  row.trajectories = n_traj;
  std::vector<double> lag, mean, stderr_, values(4, 0.0);
  std::string problem;
  if (world.is_root())
    try {
      std::vector<analysis::SegmentCurves> curves;
      double D_all_sum = 0;
      for (std::int64_t k = 0; k < n_traj; ++k) {
        io::H5Input part(task_files(config, {t, int(k), 0}).part);
        analysis::SegmentCurves c;
        c.lag_ps = part.read_double("/lag").values;
        c.d_A2 = part.read_double("/segment_msd").values;
        curves.push_back(std::move(c));
        D_all_sum += part.read_double("/D_all_origin").values[0];
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
    } catch (const std::exception &e) {
      problem = e.what();
    }
  if (world.any(!problem.empty())) { // root-only work: every rank fails together
    world.broadcast(problem);
    throw InputError(problem);
  }
  world.broadcast(values);
  row.D = values[0];
  row.sigma_D = values[1];
  row.sigma_D_binning = values[2];
  row.D_all_origin = values[3];
  out.write(g + "/lag", lag, "ps");
  out.write(g + "/msd_mean", mean, "Angstrom2");
  out.write(g + "/msd_stderr", stderr_, "Angstrom2");
  out.write(g + "/D", row.D, "Angstrom2 ps-1");
  out.write(g + "/sigma_D", row.sigma_D, "Angstrom2 ps-1");
  out.write(g + "/sigma_D_binning", row.sigma_D_binning, "Angstrom2 ps-1");
  out.write(g + "/D_all_origin", row.D_all_origin, "Angstrom2 ps-1");
  out.write_attribute(g, "kT_meV", row.kT_meV);
  out.write_attribute(g, "T_K", units::meV_to_kelvin(row.kT_meV));
  out.write_attribute(g, "temperature_index", std::int64_t(t));
  out.write_attribute(g, "n_trajectories", n_traj);
  out.write_attribute(g, "segments", config.msd.segments);
  return row;
}

// Every dataset of a /sweep/T_i group (merge copies them).
constexpr const char *kTemperatureDatasets[] = {"segment_msd",
                                                "all_origin_msd",
                                                "trajectory_D",
                                                "trajectory_sigma_D",
                                                "trajectory_sigma_D_binning",
                                                "trajectory_D_all_origin",
                                                "trajectory_cell_changes",
                                                "lag",
                                                "msd_mean",
                                                "msd_stderr",
                                                "D",
                                                "sigma_D",
                                                "sigma_D_binning",
                                                "D_all_origin"};

void write_model_summary(io::H5Output &out, const TimeLocalModel &model) {
  out.write("/phonons/drag_matrix", std::span<const double>(model.drag_matrix.data(), 9), {3, 3},
            "ps Angstrom2 meV-1");
  const Mat3 &w = model.static_response(Cell::Zero());
  out.write("/phonons/W0_onsite", std::span<const double>(w.data(), 9), {3, 3}, "Angstrom2 meV-1");
  out.write("/phonons/n_modes",
            std::vector<std::int64_t>{crystal::ModeSet::total_modes(model.modes->grid())}, "1");
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

int run_time_local(const io::Config &config, const Communicator &world,
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
  {
    std::string problem;
    if (world.is_root()) {
      std::error_code ec;
      const auto parent = fs::path(config.run.output).parent_path();
      if (!parent.empty() && !fs::is_directory(parent))
        problem = fmt::format("run.output = \"{}\": directory '{}' does not exist",
                              config.run.output, parent.string());
      else
        fs::create_directories(work_directory(config), ec);
      if (problem.empty() && ec)
        problem = fmt::format("cannot create '{}': {}", work_directory(config), ec.message());
    }
    if (world.any(!problem.empty())) {
      world.broadcast(problem);
      throw InputError(problem);
    }
  }
  check_previous_work(config, world);
  Log::set_group(layout.is_group_leader(), layout.group_index(), layout.n_groups());
  Log::info("{}: {} temperature(s) × {} trajectories, {} steps of {} ps, {} group(s) of {} rank(s)",
            options.analysis ? "sweep" : "run", temperatures.size(), config.run.trajectories,
            config.run.steps, config.run.dt, layout.n_groups(), layout.group().size());

  std::unique_ptr<TimeLocalModel> model;
  {
    CategoryTimers::Scope t(timers, TimerCategory::setup);
    model = std::make_unique<TimeLocalModel>(config, layout);
  }
  StopSignal::install();
  const auto tasks = selected_tasks(config, temperatures);
  bool interrupted = false;
  for (const auto &task : tasks) {
    if (layout.group_of(task) != layout.group_index())
      continue;
    if (run_trajectory(config, options, *model, layout.group(), task, timers) ==
        TaskOutcome::interrupted) {
      interrupted = true;
      break;
    }
  }
  if (world.any(interrupted)) {
    Log::info("interrupted: checkpoints are in {}; rerun the same command to resume",
              work_directory(config));
    Log::info("{}", timers.report());
    return exit_interrupted;
  }
  if (!options.analysis) {
    if (world.is_root()) {
      for (const auto &task : tasks)
        fmt::print("  trajectory kT = {} meV #{}: {}\n",
                   config.run.kT_meV[std::size_t(task.temperature_index)], task.trajectory_id,
                   task_files(config, task).trajectory);
      std::error_code ec;
      fs::remove(work_directory(config), ec); // only if empty
    }
    Log::info("{}", timers.report());
    return 0;
  }

  std::vector<TableRow> rows;
  {
    CategoryTimers::Scope t(timers, TimerCategory::io);
    io::H5Output out(config.run.output, world);
    write_parameters(out, config);
    write_model_summary(out, *model);
    for (int temperature : temperatures)
      rows.push_back(assemble_temperature(out, config, layout, tasks, temperature));
    write_transport(out, rows);
    write_timing(out, timers, world, config);
    out.commit();
  }
  if (world.is_root()) {
    const std::string csv = csv_path_of(config.run.output);
    atomic_write_text(csv, table_csv(rows));
    print_table(rows, csv);
  }
  Log::info("{}", timers.report());
  return 0;
}

int merge_results(const std::vector<std::string> &inputs, const std::string &output,
                  const Communicator &world) {
  if (inputs.empty())
    throw InputError("merge: no input files given");
  // Root reads every input; all ranks write the merged file collectively (data from root).
  std::string config_text, hash, problem;
  std::vector<TableRow> rows;
  struct Group {
    std::string name;
    std::vector<std::pair<std::string, io::DoubleDataset>> datasets;
    std::vector<std::pair<std::string, std::string>> units;
    TableRow row;
    std::int64_t segments = 0;
  };
  std::vector<Group> groups;
  if (world.is_root()) {
    try {
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
        const auto idx = in.read_int64("/transport/table/temperature_index").values;
        for (const auto t : idx) {
          if (!seen.insert(t).second)
            throw InputError(
                fmt::format("merge: temperature index {} appears twice ('{}')", t, path));
          Group g;
          g.name = group_name(t);
          for (const char *d : kTemperatureDatasets) {
            const std::string name = g.name + "/" + d;
            g.datasets.emplace_back(d, in.read_double(name));
            g.units.emplace_back(d, in.read_attribute_string(name, "unit"));
          }
          g.row.temperature_index = t;
          g.row.kT_meV = in.read_attribute_double(g.name, "kT_meV");
          g.row.trajectories = in.read_attribute_int64(g.name, "n_trajectories");
          g.segments = in.read_attribute_int64(g.name, "segments");
          g.row.D = in.read_double(g.name + "/D").values[0];
          g.row.sigma_D = in.read_double(g.name + "/sigma_D").values[0];
          g.row.sigma_D_binning = in.read_double(g.name + "/sigma_D_binning").values[0];
          g.row.D_all_origin = in.read_double(g.name + "/D_all_origin").values[0];
          groups.push_back(std::move(g));
        }
      }
      std::sort(groups.begin(), groups.end(), [](const Group &a, const Group &b) {
        return a.row.temperature_index < b.row.temperature_index;
      });
    } catch (const std::exception &e) {
      problem = e.what();
    }
  }
  if (world.any(!problem.empty())) {
    world.broadcast(problem);
    throw InputError(problem);
  }
  world.broadcast(config_text);
  world.broadcast(hash);
  groups.resize(world.broadcast_size(groups.size()));
  for (auto &g : groups) {
    std::vector<double> r{double(g.row.temperature_index),
                          g.row.kT_meV,
                          g.row.D,
                          g.row.sigma_D,
                          g.row.sigma_D_binning,
                          g.row.D_all_origin,
                          double(g.row.trajectories),
                          double(g.segments)};
    world.broadcast(r);
    g.row = {std::int64_t(r[0]), r[1], r[2], r[3], r[4], r[5], std::int64_t(r[6])};
    g.segments = std::int64_t(r[7]);
    g.name = group_name(g.row.temperature_index);
    rows.push_back(g.row);
  }
  {
    io::H5Output out(output, world);
    out.write_string("/parameters/config", config_text);
    out.write_attribute("/parameters", "config_hash", hash);
    out.write_attribute("/parameters", "merged_from", std::int64_t(inputs.size()));
    for (auto &g : groups) {
      for (std::size_t d = 0; d < std::size(kTemperatureDatasets); ++d) {
        const bool root = world.is_root();
        std::int64_t scalar = root && g.datasets[d].second.shape.empty() ? 1 : 0;
        world.broadcast(std::span<std::int64_t>(&scalar, 1));
        std::string unit = root ? g.units[d].second : std::string();
        world.broadcast(unit);
        const std::string name = g.name + "/" + kTemperatureDatasets[d];
        if (scalar) {
          double v = root ? g.datasets[d].second.values.at(0) : 0.0;
          world.broadcast(std::span<double>(&v, 1));
          out.write(name, v, unit);
        } else if (root) {
          out.write(name, g.datasets[d].second.values, g.datasets[d].second.shape, unit);
        } else {
          out.write(name, std::span<const double>{}, io::Shape{}, unit);
        }
      }
      out.write_attribute(g.name, "kT_meV", g.row.kT_meV);
      out.write_attribute(g.name, "T_K", units::meV_to_kelvin(g.row.kT_meV));
      out.write_attribute(g.name, "temperature_index", g.row.temperature_index);
      out.write_attribute(g.name, "n_trajectories", g.row.trajectories);
      out.write_attribute(g.name, "segments", g.segments);
    }
    write_transport(out, rows);
    out.commit();
  }
  if (world.is_root()) {
    const std::string csv = csv_path_of(output);
    atomic_write_text(csv, table_csv(rows));
    fmt::print("merged {} file(s), {} temperature(s) into {}\n", inputs.size(), rows.size(),
               output);
    print_table(rows, csv);
  }
  return 0;
}

} // namespace ionbath::app
