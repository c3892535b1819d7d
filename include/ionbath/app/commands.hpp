#pragma once
// The subcommands of the ionbath executable. Each takes the resolved configuration and the world
// communicator; it returns the process exit code and reports invalid input as InputError.
#include "ionbath/crystal/crystal.hpp"
#include "ionbath/dynamics/pair_potential.hpp"
#include "ionbath/io/config.hpp"
#include "ionbath/parallel/comm.hpp"

#include <memory>
#include <string>

namespace ionbath::app {

// Model construction from the configuration (shared by all subcommands).
crystal::Crystal make_crystal(const io::LatticeConfig &lattice);
std::unique_ptr<dynamics::PairPotential> make_potential(const io::InteractionConfig &interaction);

// `ionbath phonons`: lattice dynamics summary and phonons.h5.
int run_phonons(const io::Config &config, const parallel::Communicator &world);

// `ionbath validate fig3|fig4`: full lattice vs time-local model (seed 002 Figs. 3, 4).
int run_validate(const io::Config &config, const std::string &which,
                 const parallel::Communicator &world);

} // namespace ionbath::app
