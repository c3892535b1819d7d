#include "ionbath/app/commands.hpp"
#include "ionbath/app/runtime.hpp"

#include "ionbath/core/error.hpp"
#include "ionbath/crystal/builders.hpp"
#include "ionbath/io/phonopy.hpp"

#include <fmt/format.h>

#include <optional>

namespace ionbath::app {

namespace {

// phonopy's files → the primitive-cell crystal (physics.md §12.1–12.2), with what was read, what
// is not used (BORN: no non-analytic correction) and the corrections the Crystal made.
crystal::Crystal phonopy_framework(const io::LatticeConfig &lattice) {
  io::PhonopyData data;
  std::optional<crystal::Crystal> read;
  try { // the files' own errors name file, key (or line) and value; say which keys led there
    data = io::read_phonopy(lattice.file, lattice.force_constants);
    read = io::phonopy_crystal(data);
  } catch (const InputError &e) {
    throw InputError(fmt::format(
        "lattice.file = \"{}\"{}: {}", lattice.file,
        lattice.force_constants.empty()
            ? ""
            : fmt::format(", lattice.force_constants = \"{}\"", lattice.force_constants),
        e.what()));
  }
  for (const auto &warning : data.warnings)
    Log::warn("{}", warning);
  crystal::Crystal c = std::move(*read);
  const auto &m = data.force_constants.multiplier;
  Log::info("phonopy: {} atom(s) per cell from {}, {} force constants of the {}×{}×{} supercell "
            "from {} (eV/Å² × {} → meV/Å², AMU × {:.10g} → meV ps²/Å²)",
            c.n_basis(), data.yaml_path, data.force_constants_format, m[0], m[1], m[2],
            data.force_constants_path, data.force_constant_factor, data.mass_factor);
  Log::info("phonopy: corrections to the folded force constants (largest element, meV/Å²): "
            "symmetry Φ_bb'(L) = Φ_b'b(−L)ᵀ {:.3e}, acoustic sum rule {:.3e} (physics.md §12.1)",
            c.symmetry_correction(), c.sum_rule_correction());
  return c;
}

} // namespace

crystal::Crystal make_crystal(const io::LatticeConfig &lattice, units::System system) {
  if (lattice.kind == io::LatticeKind::phonopy)
    return phonopy_framework(lattice); // physical units only (config.cpp)
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

void require_ion_framework(const io::Config &config, std::string_view command,
                           bool general_crystal) {
  const char *problem = nullptr;
  std::string key, value;
  if (config.units.system != units::System::physical) {
    key = "units.system";
    value = std::string(io::to_string(config.units.system));
    problem = "takes physical units (the seed unit systems serve `phonons` and the seed 001/003 "
              "subcommands)";
  } else if (config.lattice.kind != io::LatticeKind::simple_cubic &&
             !(general_crystal && config.lattice.kind == io::LatticeKind::phonopy)) {
    key = "lattice.kind";
    value = std::string(io::to_string(config.lattice.kind));
    problem = config.lattice.kind == io::LatticeKind::phonopy
                  ? "models the ion in the simple cubic framework (a phonopy crystal serves "
                    "`phonons`, `run` and `sweep`)"
                  : "models the ion in the simple cubic framework (chains serve `phonons` and the "
                    "seed 001/003 subcommands)";
  } else if (config.lattice.confinement != 0) {
    key = "lattice.confinement";
    value = fmt::format("{}", config.lattice.confinement);
    problem = "models the ion in an unconfined framework (the time-local drag of a confined, "
              "gapped framework is not built yet)";
  }
  if (problem)
    throw InputError(fmt::format("{} = {}: `ionbath {}` {}", key, value, command, problem));
}

void require_built_in_lattice(const io::Config &config, std::string_view command) {
  if (config.lattice.kind == io::LatticeKind::phonopy)
    throw InputError(fmt::format("lattice.kind = phonopy: `ionbath {}` takes the built-in "
                                 "lattices (a phonopy crystal serves `phonons`, `run` and `sweep`)",
                                 command));
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
