#include "ionbath/app/cli.hpp"

#include "ionbath/app/commands.hpp"
#include "ionbath/app/runtime.hpp"
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

// Loads the configuration (or the embedded default) and applies command-line overrides.
io::Config resolve_config(const std::string &path) {
  return path.empty() ? io::default_config() : io::load_config(path);
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

  auto *config_cmd = cli.add_subcommand(
      "config", "Validate a configuration and print it fully resolved (every key, internal units)");
  config_cmd->add_option("config", config_path, "TOML configuration (default: embedded default)");
  config_cmd->callback([&] {
    action = [&](const io::Config &c) {
      if (world.is_root())
        fmt::print("{}", io::to_toml(c));
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

  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError &e) {
    if (world.is_root())
      cli.exit(e);
    return e.get_exit_code() == 0 ? 0 : 2;
  }

  try {
    return action(resolve_config(config_path));
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
