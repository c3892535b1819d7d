#include "ionbath/app/cli.hpp"

#include "ionbath/app/commands.hpp"
#include "ionbath/app/embedded_defaults.hpp"
#include "ionbath/app/runtime.hpp"
#include "ionbath/app/sweep.hpp"
#include "ionbath/core/error.hpp"
#include "ionbath/io/config.hpp"
#include "ionbath/parallel/comm.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cstdio>
#include <exception>
#include <functional>

namespace ionbath::app {

namespace {

constexpr const char *kDescription = R"(ionbath: ion transport in a vibrating harmonic crystal.

A mobile ion moves through a simple-cubic framework whose atoms vibrate thermally (seed 002:
time-local stochastic equation of motion). Every subcommand takes an optional TOML configuration;
without one it runs the embedded default (the seed 002 model). See README.md for every key.

Run under MPI with `mpirun -n N ionbath <subcommand> ...` or `srun ionbath ...`.
Exit codes: 0 success, 1 runtime failure, 2 invalid input.)";

// Loads the configuration, or the subcommand's embedded default when no file is given.
io::Config resolve_config(const std::string &path, const char *embedded_default) {
  if (!path.empty())
    return io::load_config(path);
  if (embedded_default)
    return io::parse_config(embedded_default, "<embedded default>");
  return io::default_config();
}

int report_input_error(const parallel::Communicator &world, const std::exception &e) {
  if (world.is_root())
    fmt::print(stderr, "error: {}\n", e.what());
  return 2;
}

} // namespace

int main(int argc, char **argv) {
  parallel::Environment env(argc, argv);
  const auto world = parallel::Communicator::world();
  Log::set_rank(world.rank());

  CLI::App cli{kDescription, "ionbath"};
  cli.set_version_flag("--version", IONBATH_VERSION);
  cli.require_subcommand(1);

  std::string config_path, output;
  std::function<int(const io::Config &)> action;
  const char *embedded_default = nullptr; // the subcommand's configuration without a file

  auto *config_cmd = cli.add_subcommand(
      "config", "Validate a configuration and print it fully resolved (every key, internal units)");
  config_cmd->add_option("config", config_path, "TOML configuration (default: the key defaults)");
  std::string show_default;
  config_cmd
      ->add_option("--embedded", show_default,
                   "Print the embedded default of a subcommand instead (run, sweep, loss, "
                   "loss-3d, chain or decompose)")
      ->check(CLI::IsMember({"run", "sweep", "loss", "loss-3d", "chain", "decompose"}));
  bool key_tables = false;
  config_cmd->add_flag("--keys", key_tables,
                       "Print the table of every configuration key (markdown, as in the README)");
  config_cmd->callback([&] {
    if (show_default == "run")
      embedded_default = kDefaultRunToml;
    else if (show_default == "sweep")
      embedded_default = kDefaultSweepToml;
    else if (show_default == "loss")
      embedded_default = kDefaultLossChainToml;
    else if (show_default == "loss-3d")
      embedded_default = kDefaultLossCubicToml;
    else if (show_default == "chain")
      embedded_default = kDefaultChainToml;
    else if (show_default == "decompose")
      embedded_default = kDefaultDecomposeToml;
    action = [&](const io::Config &c) {
      if (world.is_root())
        fmt::print("{}", key_tables ? io::config_keys_markdown() : io::to_toml(c));
      return 0;
    };
  });

  auto *phonons_cmd = cli.add_subcommand(
      "phonons", "Lattice dynamics: frequencies, dispersion, DOS, sound speeds, drag matrix L, "
                 "static response W(0), recoil kernel W(t), thermal covariances -> phonons.h5");
  phonons_cmd->add_option("config", config_path, "TOML configuration (default: embedded default)");
  phonons_cmd->add_option("-o,--output", output, "Output HDF5 file (default: [phonons] output)");
  phonons_cmd->callback([&] {
    action = [&](io::Config c) {
      if (!output.empty())
        c.phonons.output = output;
      return run_phonons(c, world);
    };
  });

  // Options shared by run and sweep.
  int ranks_per_trajectory = 0;
  double checkpoint_interval_s = 300;
  std::vector<int> temperature_indices;
  auto trajectory_options = [&](CLI::App *cmd) {
    cmd->add_option("config", config_path, "TOML configuration (default: embedded default)");
    cmd->add_option("-o,--output", output, "Results file (default: [run] output)");
    cmd->add_option("-P,--ranks-per-trajectory", ranks_per_trajectory,
                    "MPI ranks sharing one trajectory's bath mode sum (overrides [parallel])")
        ->check(CLI::PositiveNumber);
    cmd->add_option("--checkpoint-interval", checkpoint_interval_s,
                    "Seconds between checkpoints (also written on SIGTERM/SIGUSR1)")
        ->check(CLI::PositiveNumber);
    cmd->add_option("-t,--temperature-index", temperature_indices,
                    "Run only these indices of [run] kT_meV (e.g. a job-array task id)");
  };
  // run: trajectories only, always written; sweep: analysis, trajectory files if stride > 0.
  auto trajectory_action = [&](bool sweep) {
    return [&, sweep](io::Config c) {
      require_ion_framework(c, sweep ? "sweep" : "run", true);
      if (!output.empty())
        c.run.output = output;
      if (ranks_per_trajectory > 0)
        c.parallel.ranks_per_trajectory = ranks_per_trajectory;
      DriverOptions o;
      o.analysis = sweep;
      o.write_trajectories = !sweep || c.run.trajectory_stride > 0;
      o.trajectory_stride = std::max<std::int64_t>(1, c.run.trajectory_stride);
      o.checkpoint_interval_s = checkpoint_interval_s;
      o.temperature_indices = temperature_indices;
      const int rc = run_thermal_trajectories(c, world, o);
      return rc == 0 && sweep && c.run.decompose ? decompose_sweep(c, temperature_indices, world)
                                                 : rc;
    };
  };

  auto add_trajectory_command = [&](const char *name, const char *help, const char *embedded,
                                    bool sweep) {
    auto *cmd = cli.add_subcommand(name, help);
    trajectory_options(cmd);
    cmd->callback([&, embedded, sweep] {
      embedded_default = embedded;
      action = trajectory_action(sweep);
    });
  };
  add_trajectory_command(
      "run",
      "Thermal trajectories of the time-local equation of motion (seed 002 Eqs. 18-20), written "
      "as H5MD files <output stem>_T<i>_traj<k>.h5md (every trajectory_stride-th step, at least "
      "every step if 0)",
      kDefaultRunToml, false);
  add_trajectory_command(
      "sweep",
      "Temperature sweep: trajectories, MSD (segments and all-origin FFT), D(T) with error "
      "bars, Arrhenius fit -> results HDF5 file and a CSV diffusivity table. Rerunning an "
      "interrupted sweep resumes it",
      kDefaultSweepToml, true);

  std::string validate_case;
  auto *validate_cmd = cli.add_subcommand(
      "validate", "Full equations of motion of the whole lattice against the time-local model: "
                  "fig3 (head-on collisions, seed 002 Fig. 3), fig4 (trapped oscillation, "
                  "Fig. 4) or ions (two ions in neighbouring cells at T = 0); both curves -> "
                  "HDF5 and a summary of the agreement");
  validate_cmd->add_option("case", validate_case, "fig3, fig4 or ions")
      ->required()
      ->check(CLI::IsMember({"fig3", "fig4", "ions"}));
  validate_cmd->add_option("config", config_path, "TOML configuration (default: embedded default)");
  validate_cmd->add_option("-o,--output", output, "Output HDF5 file (default: [validate] output)");
  validate_cmd->callback([&] {
    action = [&](io::Config c) {
      require_ion_framework(c, "validate");
      if (!output.empty())
        c.validate.output = output;
      return run_validate(c, validate_case, world);
    };
  });

  auto *loss_cmd = cli.add_subcommand(
      "loss", "Single-pass energy loss of seed 001: Eq. 14 (chain), the Eq. 13 zone integral, the "
              "Eq. 23 low-speed drag and the simulated pass over speeds x lambda x offsets, or the "
              "trapped particle of Fig. 6 (geometry line8) -> HDF5 and a CSV table. Without a "
              "configuration: the chain scan and the 3D low-speed constants. Rerunning an "
              "interrupted scan resumes it");
  loss_cmd->add_option("config", config_path, "TOML configuration (default: embedded defaults)");
  loss_cmd->add_option("-o,--output", output, "Results file (default: [loss] output)");
  loss_cmd
      ->add_option("--checkpoint-interval", checkpoint_interval_s,
                   "Seconds between checkpoints of a long run (also written on SIGTERM/SIGUSR1)")
      ->check(CLI::PositiveNumber);
  loss_cmd->callback([&] {
    embedded_default = kDefaultLossChainToml;
    action = [&](io::Config c) {
      require_built_in_lattice(c, "loss");
      if (!output.empty())
        c.loss.output = output;
      int rc = run_loss(c, world, checkpoint_interval_s);
      if (rc == 0 && config_path.empty()) // the second embedded scan
        rc = run_loss(resolve_config("", kDefaultLossCubicToml), world, checkpoint_interval_s);
      return rc;
    };
  });

  auto *chain_cmd = cli.add_subcommand(
      "chain", "Seed 003's particle on the confined chain: the numerical single passes of Fig. 3 "
               "with Eq. 7, the steady-state loss Eq. 10 with the predicted drift speeds, drift "
               "runs under bias (Fig. 4) and the chain's displacement map (Fig. 2) -> HDF5 and a "
               "CSV table. Rerunning an interrupted plan resumes it");
  chain_cmd->add_option("config", config_path, "TOML configuration (default: embedded default)");
  chain_cmd->add_option("-o,--output", output, "Results file (default: [chain] output)");
  chain_cmd->callback([&] {
    embedded_default = kDefaultChainToml;
    action = [&](io::Config c) {
      if (!output.empty())
        c.chain.output = output;
      return run_chain(c, world);
    };
  });

  auto *decompose_cmd = cli.add_subcommand(
      "decompose", "Seed 000's mechanism decomposition: every ion-window of MD trajectories "
                   "(H5MD, LAMMPS dump, extended XYZ, XDATCAR) labelled concerted / multi-cell / "
                   "hop / return / rattle, the Onsager coefficient L(Δt) split exactly into "
                   "their contributions over a scan of windows -> HDF5 and a CSV table. Without "
                   "decompose.inputs, the trajectories of [run] are generated first");
  decompose_cmd->add_option("config", config_path,
                            "TOML configuration (default: embedded default)");
  decompose_cmd->add_option("-o,--output", output, "Results file (default: [decompose] output)");
  decompose_cmd->callback([&] {
    embedded_default = kDefaultDecomposeToml;
    action = [&](io::Config c) {
      if (!output.empty())
        c.decompose.output = output;
      return run_decompose(c, world);
    };
  });

  std::vector<std::string> merge_inputs;
  std::string merge_output;
  auto *merge_cmd = cli.add_subcommand(
      "merge", "Combine the results files of partial sweeps (e.g. job-array tasks over "
               "temperatures) into one results file, CSV table and Arrhenius fit");
  merge_cmd->add_option("inputs", merge_inputs, "Results files of the partial sweeps")->required();
  merge_cmd->add_option("-o,--output", merge_output, "Merged results file")->required();
  merge_cmd->callback([&] {
    action = [&](const io::Config &) { return merge_results(merge_inputs, merge_output, world); };
  });

  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError &e) {
    if (world.is_root())
      cli.exit(e);
    return e.get_exit_code() == 0 ? 0 : 2;
  }

  try {
    if (config_path.empty() && embedded_default)
      Log::info("no configuration file: using the embedded default (`ionbath config --embedded "
                "<subcommand>` prints it)");
    return action(resolve_config(config_path, embedded_default));
  } catch (const InputError &e) {
    return report_input_error(world, e);
  } catch (const std::exception &e) {
    fmt::print(stderr, "error (rank {}): {}\n", world.rank(), e.what());
    if (world.size() > 1)
      parallel::Environment::abort(1);
    return 1;
  }
}

} // namespace ionbath::app
