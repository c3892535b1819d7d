#include "ionbath/app/cli.hpp"

#include "ionbath/core/error.hpp"
#include "ionbath/parallel/comm.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cstdio>
#include <exception>

namespace ionbath::app {

int main(int argc, char **argv) {
  parallel::Environment env(argc, argv);
  const auto world = parallel::Communicator::world();
  CLI::App cli{"ionbath: ion transport in a vibrating harmonic crystal (MPI batch code)"};
  cli.set_version_flag("--version", IONBATH_VERSION);
  cli.require_subcommand(1);
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError &e) {
    const int rc = world.is_root() ? cli.exit(e) : (e.get_exit_code() == 0 ? 0 : 2);
    return rc == 0 ? 0 : 2;
  }
  return 0;
}

} // namespace ionbath::app
