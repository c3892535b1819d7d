#pragma once
// Thermal trajectories of the time-local model (seed 002 Eqs. 18–20) and the diffusivity sweep
// built from them: the model set-up shared by all trajectories, one trajectory with streaming
// observers (H5MD, MSD), checkpoints and resume, and the assembly of the results file.
#include "ionbath/analysis/diffusion_fit.hpp"
#include "ionbath/analysis/segment_msd.hpp"
#include "ionbath/crystal/crystal.hpp"
#include "ionbath/crystal/mode_set.hpp"
#include "ionbath/crystal/static_response.hpp"
#include "ionbath/dynamics/interaction_list.hpp"
#include "ionbath/dynamics/pair_potential.hpp"
#include "ionbath/io/config.hpp"
#include "ionbath/parallel/run_plan.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ionbath::app {

class CategoryTimers;

// Everything a trajectory of the configured method needs that does not depend on temperature or
// seed: the crystal and the potential; for the time-local method also W(0) and 𝓛 (computed once
// on the world root and broadcast) and the ModeSet slice of this rank's position in the
// trajectory group (fixed 2048-mode reduction blocks). The full method builds its own thermal
// state and uses none of these.
struct TrajectoryModel {
  // framework: make_crystal(config.lattice), built once by the caller.
  TrajectoryModel(const io::Config &config, const parallel::TrajectoryLayout &layout,
                  crystal::Crystal framework);

  io::RunMethod method;
  crystal::Crystal crystal;
  std::unique_ptr<dynamics::PairPotential> potential;
  // Several ions (physics.md §11.1): each species' framework potential (one species: `potential`).
  std::vector<std::unique_ptr<dynamics::PairPotential>> species_potentials;
  const dynamics::PairPotential &potential_of(int species) const {
    return species_potentials.empty() ? *potential : *species_potentials[std::size_t(species)];
  }
  // The moving list of every ion ([interaction] cutoff, else the corners of extent) and the
  // ions' starting site in their cells (fractions of the lattice vectors).
  dynamics::InteractionList interaction;
  Vec3 site_fraction = Vec3::Constant(0.5);
  // The full model's list: the 8 corners for the corner lists (the protocol of physics.md §4.3
  // (c)), else the cutoff list.
  dynamics::InteractionList full_interaction() const {
    return interaction.kind() == dynamics::InteractionList::Kind::cutoff
               ? interaction
               : dynamics::InteractionList::corners();
  }
  // Time-local only (empty, zero and null for method = "full").
  crystal::StaticResponseTable static_response;
  Mat3 drag_matrix = Mat3::Zero();
  std::unique_ptr<crystal::ModeSet> modes;
  static constexpr std::int64_t reduction_block_modes = 2048;
};

struct DriverOptions {
  bool analysis = true;            // sweep: MSD and diffusion; run: trajectories only
  bool write_trajectories = false; // H5MD file per trajectory
  std::int64_t trajectory_stride = 1;
  double checkpoint_interval_s = 300;
  std::vector<int> temperature_indices; // subset of [run] kT_meV to run (empty: all)
};

// One trajectory of a sweep: the run (temperature_index, trajectory_id) of its plan.
struct TrajectoryTask {
  int temperature_index = 0;
  int trajectory_id = 0;
};
// The sweep's plan: the selected temperatures × run.trajectories, trajectory fastest.
parallel::RunPlan sweep_plan(const io::Config &config, const std::vector<int> &temperatures);
TrajectoryTask trajectory_task(const parallel::PlannedRun &run);

// File names of one task.
struct TaskFiles {
  std::string part;       // per-trajectory analysis results (sweep)
  std::string checkpoint; // <part>.ckpt
  std::string trajectory; // H5MD
};
TaskFiles task_files(const io::Config &config, const TrajectoryTask &task);
std::string work_directory(const io::Config &config);

using TaskOutcome = parallel::RunOutcome;

// The mobile ions by species (physics.md §11.1): names, the species of each ion (ion order), and
// the charge numbers z_s. Species 0 is the one the diffusivity table reports.
struct IonSpecies {
  std::vector<std::string> names;
  std::vector<int> species_of_ion;
  std::vector<double> charge_number;
  std::vector<double> mass;                       // meV ps²/Å²
  std::vector<io::InteractionConfig> interaction; // with the species' U0 and λ
  std::size_t ion_count() const { return species_of_ion.size(); }
};
IonSpecies ion_species(const io::Config &config);

// One trajectory's settings, resolved once from the configuration and the driver options.
struct TrajectorySettings {
  std::int64_t steps = 0;
  double dt_ps = 0;
  std::vector<double> kT_meV; // of the temperature indices
  std::int64_t seed = 0;
  io::BathStatistics bath = io::BathStatistics::quantum;
  bool analysis = true, write_trajectories = false;
  std::int64_t trajectory_stride = 1; // H5MD every n-th step (≥ 1)
  double checkpoint_interval_s = 300;
  analysis::SegmentMsdParams msd;
  analysis::DiffusionFitOptions fit;
  std::string config_toml, config_hash; // canonical form: what results depend on
  IonSpecies species;
  double supercell_volume_A3 = 0; // V = Π L_k of the BZ grid (physics.md §11.4)
};
TrajectorySettings trajectory_settings(const io::Config &config, const DriverOptions &options,
                                       const crystal::Crystal &framework);

// [interaction] cutoff: its moving list fits the periodic supercell of lattice.bz_grid (before any
// output is written); an InputError names the keys otherwise.
void check_interaction_list(const io::Config &config, const crystal::Crystal &framework);

// Several ions ([ions]): their seeded starting sites exist for every run of the plan (before
// any output is written); an InputError names the keys otherwise.
void check_ion_placements(const io::Config &config, const parallel::RunPlan &plan,
                          const TrajectorySettings &settings, const crystal::Crystal &framework);

// Runs (or resumes, or skips if already complete) one trajectory on the ranks of `group`; the
// configuration only builds the trajectory's dynamics (TrajectoryEngine).
TaskOutcome run_trajectory(const TrajectorySettings &settings, const io::Config &config,
                           const TrajectoryModel &model, const parallel::Communicator &group,
                           const TrajectoryTask &task, CategoryTimers &timers);

// `ionbath run` / `ionbath sweep`. Exit code 3: interrupted by a signal, checkpoints written.
int run_thermal_trajectories(const io::Config &config, const parallel::Communicator &world,
                             const DriverOptions &options);

// `ionbath merge`: combine the results files of partial sweeps into one file and table.
int merge_results(const std::vector<std::string> &inputs, const std::string &output,
                  const parallel::Communicator &world);

inline constexpr int exit_interrupted = 3;

} // namespace ionbath::app
