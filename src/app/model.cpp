#include "ionbath/app/commands.hpp"

#include "ionbath/core/error.hpp"
#include "ionbath/crystal/builders.hpp"

#include <fmt/format.h>

namespace ionbath::app {

crystal::Crystal make_crystal(const io::LatticeConfig &lattice, units::System system) {
  const units::UnitSystem u = units::unit_system(system);
  if (lattice.kind == io::LatticeKind::chain)
    return crystal::chain(
        {lattice.a, lattice.mass, lattice.confinement, lattice.k_parallel, lattice.k_perp}, u);
  const double s = u.energy_scale;
  if (system == units::System::physical && lattice.confinement == 0)
    return crystal::Crystal::simple_cubic(lattice.a, lattice.mass, lattice.k1, lattice.k2);
  return crystal::with_confinement(
      crystal::Crystal::simple_cubic(lattice.a, lattice.mass, s * lattice.k1, s * lattice.k2),
      s * lattice.confinement, u);
}

void require_seed002_framework(const io::Config &config, std::string_view command) {
  const char *problem = nullptr;
  std::string key, value;
  if (config.units.system != units::System::physical) {
    key = "units.system";
    value = std::string(io::to_string(config.units.system));
    problem = "takes physical units (the seed unit systems serve `phonons` and the seed 001/003 "
              "subcommands)";
  } else if (config.lattice.kind != io::LatticeKind::simple_cubic) {
    key = "lattice.kind";
    value = std::string(io::to_string(config.lattice.kind));
    problem = "models the ion in the simple cubic framework (chains serve `phonons` and the seed "
              "001/003 subcommands)";
  } else if (config.lattice.confinement != 0) {
    key = "lattice.confinement";
    value = fmt::format("{}", config.lattice.confinement);
    problem = "models the ion in an unconfined framework (the time-local drag of a confined, "
              "gapped framework is not built yet)";
  }
  if (problem)
    throw InputError(fmt::format("{} = {}: `ionbath {}` {}", key, value, command, problem));
}

std::unique_ptr<dynamics::PairPotential> make_potential(const io::InteractionConfig &interaction) {
  switch (interaction.kind) {
  case io::InteractionKind::yukawa:
    return std::make_unique<dynamics::Yukawa>(interaction.U0, interaction.lambda);
  case io::InteractionKind::gaussian:
    return std::make_unique<dynamics::Gaussian>(interaction.U0, interaction.lambda);
  }
  throw std::logic_error("unknown interaction kind");
}

} // namespace ionbath::app
