#pragma once
// The subcommands of the ionbath executable. Each takes the resolved configuration and the world
// communicator; it returns the process exit code and reports invalid input as InputError.
#include "ionbath/crystal/crystal.hpp"
#include "ionbath/dynamics/pair_potential.hpp"
#include "ionbath/io/config.hpp"
#include "ionbath/parallel/comm.hpp"

#include <memory>
#include <string>
#include <vector>

namespace ionbath::app {

// Model construction from the configuration (shared by all subcommands).
// The framework of [lattice] in the unit system of [units] (spring constants converted to internal
// units; physics.md §0.1, §6.1, §7.1); a phonopy crystal is read from its files (physics.md §12,
// io/phonopy.hpp), its warnings and corrections logged.
crystal::Crystal make_crystal(const io::LatticeConfig &lattice,
                              units::System system = units::System::physical);
// The ion models (time-local and full) take an unconfined framework in physical units: the simple
// cubic lattice, and with general_crystal (run, sweep) a crystal from phonopy (physics.md §12).
// Anything else is an InputError naming the key.
void require_ion_framework(const io::Config &config, std::string_view command,
                           bool general_crystal = false);
// The single-pass loss scans take the built-in lattices (simple cubic, chain): a phonopy crystal
// is an InputError naming lattice.kind.
void require_built_in_lattice(const io::Config &config, std::string_view command);
std::unique_ptr<dynamics::PairPotential> make_potential(const io::InteractionConfig &interaction);

// `ionbath phonons`: lattice dynamics summary and phonons.h5.
int run_phonons(const io::Config &config, const parallel::Communicator &world);

// `ionbath loss`: seed 001 single-pass loss scan or the Fig. 6 trapped particle (physics.md §6).
// Exit code 3: interrupted by a signal, finished runs (and the state of a long Fig. 6 full-lattice
// run, written every checkpoint_interval_s) kept for the resume.
int run_loss(const io::Config &config, const parallel::Communicator &world,
             double checkpoint_interval_s = 300);

// `ionbath chain`: seed 003's particle on the confined chain (physics.md §7): Fig. 3 single
// passes, Eq. 10, drift under bias, the displacement map. Exit code 3: interrupted, finished runs
// kept for the resume.
int run_chain(const io::Config &config, const parallel::Communicator &world);

// `ionbath decompose`: seed 000's mechanism decomposition of MD trajectories (physics.md §8).
// Without decompose.inputs, the trajectories of [run] are generated first.
int run_decompose(const io::Config &config, const parallel::Communicator &world);
// `ionbath sweep` with run.decompose: every trajectory file of the sweep's plan (the selected
// temperature indices; empty: all), into decompose.output, or <run.output stem>_decompose.h5.
int decompose_sweep(const io::Config &config, const std::vector<int> &temperature_indices,
                    const parallel::Communicator &world);

// `ionbath validate fig3|fig4|ions`: full lattice vs time-local model (seed 002 Figs. 3, 4;
// two ions at T = 0, physics.md §11.5).
int run_validate(const io::Config &config, const std::string &which,
                 const parallel::Communicator &world);

} // namespace ionbath::app
