#include "ionbath/app/commands.hpp"

namespace ionbath::app {

crystal::Crystal make_crystal(const io::LatticeConfig &lattice) {
  return crystal::Crystal::simple_cubic(lattice.a, lattice.mass, lattice.k1, lattice.k2);
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
