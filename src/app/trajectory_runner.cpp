// One thermal trajectory of the time-local model with streaming observers, checkpoints and resume.
#include "ionbath/analysis/diffusion_fit.hpp"
#include "ionbath/analysis/fft_msd.hpp"
#include "ionbath/app/checkpoint.hpp"
#include "ionbath/app/commands.hpp"
#include "ionbath/app/observers.hpp"
#include "ionbath/app/results_layout.hpp"
#include "ionbath/app/runtime.hpp"
#include "ionbath/app/sweep.hpp"
#include "ionbath/bath/chebyshev_bath_field.hpp"
#include "ionbath/bath/lattice_thermal_motion.hpp"
#include "ionbath/bath/thermal_bath.hpp"
#include "ionbath/core/error.hpp"
#include "ionbath/crystal/drag_matrix.hpp"
#include "ionbath/crystal/interstitial_site.hpp"
#include "ionbath/dynamics/full_lattice_integrator.hpp"
#include "ionbath/dynamics/ion_ion.hpp"
#include "ionbath/dynamics/ion_placement.hpp"
#include "ionbath/dynamics/time_local_integrator.hpp"
#include "ionbath/io/h5md.hpp"
#include "ionbath/io/hdf5.hpp"

#include <chrono>
#include <filesystem>

namespace ionbath::app {

namespace {
using parallel::Communicator;

std::string stem_of(const std::string &output) {
  const std::filesystem::path p(output);
  return (p.parent_path() / p.stem()).string();
}

// Times the bath evaluations of the integrator (category "bath"); the rest of a step is "force".
class TimedBathField final : public bath::BathField {
public:
  TimedBathField(bath::BathField &inner, CategoryTimers &timers)
      : BathField(4 * inner.quarter_dt_ps()), inner_(inner), timers_(timers) {}
  void evaluate(std::span<const Cell> sites, std::int64_t quarter_step,
                std::span<bath::SiteMotion> out) override {
    CategoryTimers::Scope t(timers_, TimerCategory::bath);
    inner_.evaluate(sites, quarter_step, out);
  }
  void evaluate_atoms(std::span<const Cell> sites, std::span<const int> basis,
                      std::int64_t quarter_step, std::span<bath::SiteMotion> out) override {
    CategoryTimers::Scope t(timers_, TimerCategory::bath);
    inner_.evaluate_atoms(sites, basis, quarter_step, out);
  }
  std::optional<GridShape> periodic_grid() const override { return inner_.periodic_grid(); }

private:
  bath::BathField &inner_;
  CategoryTimers &timers_;
};

// One trajectory's dynamics behind the observers: the time-local model or the full lattice.
class TrajectoryEngine {
public:
  virtual ~TrajectoryEngine() = default;
  virtual void step() = 0;
  virtual std::int64_t step_index() const = 0;
  virtual std::span<const Vec3> positions() const = 0;  // unwrapped R of every ion, Å
  virtual std::span<const Vec3> velocities() const = 0; // Ṙ, Å/ps
  // State (R, Ṙ) of every ion at step k and the engine's own arrays from the checkpoint (leader
  // only).
  virtual void restore(std::int64_t k, std::span<const Vec3> R, std::span<const Vec3> V,
                       const Checkpoint *c) = 0;
  virtual void save(Checkpoint &) const {}
};

dynamics::PeriodicSupercell ion_supercell(const io::Config &config,
                                          const crystal::Crystal &crystal) {
  return dynamics::PeriodicSupercell(crystal.lattice_vectors(), config.lattice.bz_grid);
}

// ions.cutoff, or for a crystal from phonopy without one min(12 Å, 0.9 × the supercell's half
// width) (config.cpp derives the simple cubic one); below the half width (the minimum image).
double ion_ion_cutoff_A(const io::Config &config, const crystal::Crystal &crystal) {
  const double half = ion_supercell(config, crystal).half_width_A();
  if (config.ions.cutoff == 0)
    return std::min(12.0, 0.9 * half);
  if (!(config.ions.cutoff < half))
    throw InputError(fmt::format("ions.cutoff = {} Å: must be below half the width of the "
                                 "periodic supercell of lattice.bz_grid, {:.4g} Å (the minimum "
                                 "image needs it)",
                                 config.ions.cutoff, half));
  return config.ions.cutoff;
}

// The screened Coulomb term of [ions] (physics.md §11.1), or none.
dynamics::IonIonInteraction ion_ion_of(const io::Config &config, const crystal::Crystal &crystal) {
  const auto &ions = config.ions;
  if (ions.count == 1 || ions.ion_ion == io::IonIonKind::none)
    return dynamics::IonIonInteraction::none();
  dynamics::ScreenedCoulombParams p;
  p.relative_permittivity = ions.epsilon_r;
  p.screening_length_A = ions.lambda_ion;
  p.cutoff_A = ion_ion_cutoff_A(config, crystal);
  return dynamics::IonIonInteraction::screened_coulomb(p, ion_supercell(config, crystal));
}

// Every ion's potential, inverse mass and charge number from its species (physics.md §11.1).
template <class Ion> std::vector<Ion> ions_of(const io::Config &config, const TrajectoryModel &m) {
  const IonSpecies species = ion_species(config);
  std::vector<Ion> ions;
  for (const int s : species.species_of_ion)
    ions.push_back({&m.potential_of(s), Vec3::Constant(1.0 / species.mass[std::size_t(s)]),
                    species.charge_number[std::size_t(s)]});
  return ions;
}

// The ions' starting sites A (n + f), ion 0 in cell 0 (the single-ion start), the keys named on
// failure.
std::vector<Vec3> ion_starts(const io::Config &config, const Mat3 &lattice_vectors,
                             const Vec3 &site_fraction, const bath::ThermalBathParams &bp) {
  const auto &ions = config.ions;
  try {
    return dynamics::place_ions_at_cell_centres(lattice_vectors, config.lattice.bz_grid,
                                                {ions.count, ions.min_separation, site_fraction},
                                                bp);
  } catch (const InputError &e) {
    throw InputError(fmt::format("ions.count = {}, ions.min_separation = {} Å: {}", ions.count,
                                 ions.min_separation, e.what()));
  }
}

// Seed 002 Eqs. 18–20 with the Chebyshev bath (mode sums shared by the ranks of the group).
class TimeLocalEngine final : public TrajectoryEngine {
public:
  TimeLocalEngine(const io::Config &config, const TrajectoryModel &model,
                  const bath::ThermalBathParams &bp, const Communicator &group,
                  CategoryTimers &timers) {
    const double dt = config.run.dt;
    if (config.run.bath == io::BathStatistics::none) {
      field_ = std::make_unique<bath::StaticFramework>(dt); // r_H ≡ 0 (physics.md §3.6)
    } else {
      thermal_ = std::make_unique<bath::ThermalBath>(*model.modes, bp);
      const parallel::BlockPartition blocks{
          crystal::ModeSet::total_modes(model.crystal, config.lattice.bz_grid),
          TrajectoryModel::reduction_block_modes};
      auto reducer = [&group, blocks](std::span<const double> local, std::size_t width,
                                      std::span<double> out) {
        group.ordered_block_sum(blocks, local, width, out);
      };
      field_ = std::make_unique<bath::ChebyshevBathField>(*thermal_, dt, bath::ChebyshevOptions{},
                                                          reducer);
    }
    timed_ = std::make_unique<TimedBathField>(*field_, timers);
    const auto &interaction = model.interaction;
    dynamics::TimeLocalOptions ablation;
    ablation.drag = config.run.drag;
    ablation.relaxation = config.run.relaxation;
    ablation.cross_drag = config.ions.cross_drag;
    const auto &ions = config.ions;
    if (ions.count == 1) {
      integrator_ = std::make_unique<dynamics::TimeLocalIntegrator>(
          model.crystal, model.static_response, model.drag_matrix, *model.potential, *timed_,
          Vec3::Constant(1.0 / config.ion.mass), interaction, ablation);
    } else { // physics.md §11.3
      integrator_ = std::make_unique<dynamics::TimeLocalIntegrator>(
          model.crystal, model.static_response, model.drag_matrix,
          ions_of<dynamics::TimeLocalIon>(config, model), ion_ion_of(config, model.crystal),
          *timed_, interaction, ablation);
    }
    // Initial state: the ions' sites at rest, ion 0 at the single-ion start (physics.md §3.4).
    const auto starts =
        ion_starts(config, model.crystal.lattice_vectors(), model.site_fraction, bp);
    for (int i = 0; i < ions.count; ++i)
      integrator_->set_state(i, starts[std::size_t(i)], Vec3::Zero());
    R_.resize(starts.size());
    V_.resize(starts.size());
    copy_state();
  }
  void step() override {
    integrator_->step();
    copy_state();
  }
  std::int64_t step_index() const override { return integrator_->step_index(); }
  std::span<const Vec3> positions() const override { return R_; }
  std::span<const Vec3> velocities() const override { return V_; }
  void restore(std::int64_t k, std::span<const Vec3> R, std::span<const Vec3> V,
               const Checkpoint *) override {
    integrator_->restore(k, R, V);
    copy_state();
  }

private:
  void copy_state() {
    for (std::size_t i = 0; i < R_.size(); ++i) {
      R_[i] = integrator_->position_A(int(i));
      V_[i] = integrator_->velocity_A_per_ps(int(i));
    }
  }
  std::vector<Vec3> R_, V_;
  std::unique_ptr<bath::ThermalBath> thermal_;
  std::unique_ptr<bath::BathField> field_;
  std::unique_ptr<TimedBathField> timed_;
  std::unique_ptr<dynamics::TimeLocalIntegrator> integrator_;
};

// Seed 002 Eqs. 2–3 on the periodic lattice of the BZ grid (physics.md §4.3 (c)): thermal
// initial state from the same keyed bath (FFT, §2.3), a moving periodic 8-corner list per ion;
// several ions (§11.2) start at seeded distinct cell centres, ion 0 at the single-ion start.
class FullLatticeEngine final : public TrajectoryEngine {
public:
  FullLatticeEngine(const io::Config &config, const TrajectoryModel &model,
                    const bath::ThermalBathParams &bp)
      : modes_(model.crystal, config.lattice.bz_grid) {
    dynamics::FullLatticeOptions options;
    options.scheme = config.run.full_scheme;
    const auto &ions = config.ions;
    integrator_ = std::make_unique<dynamics::FullLatticeIntegrator>(
        model.crystal, config.lattice.bz_grid, ions_of<dynamics::FullLatticeIon>(config, model),
        ion_ion_of(config, model.crystal), model.full_interaction(), config.run.dt, options);
    if (config.run.bath != io::BathStatistics::none) {
      const bath::ThermalBath thermal(modes_, bp);
      const auto motion = bath::lattice_thermal_motion(thermal);
      integrator_->set_lattice_state(motion.r_A, motion.v_A_per_ps);
    }
    const auto starts =
        ion_starts(config, model.crystal.lattice_vectors(), model.site_fraction, bp);
    for (int i = 0; i < ions.count; ++i)
      integrator_->set_ion_state(i, starts[std::size_t(i)], Vec3::Zero());
  }
  void step() override { integrator_->step(); }
  std::int64_t step_index() const override { return integrator_->step_index(); }
  std::span<const Vec3> positions() const override {
    return {&integrator_->ion_position_A(0), std::size_t(integrator_->ion_count())};
  }
  std::span<const Vec3> velocities() const override {
    return {&integrator_->ion_velocity_A_per_ps(0), std::size_t(integrator_->ion_count())};
  }
  void restore(std::int64_t k, std::span<const Vec3> R, std::span<const Vec3> V,
               const Checkpoint *c) override {
    integrator_->set_lattice_state(c->get_array("lattice_r"), c->get_array("lattice_v"));
    for (int i = 0; i < integrator_->ion_count(); ++i)
      integrator_->set_ion_state(i, R[std::size_t(i)], V[std::size_t(i)]);
    integrator_->set_step_index(k);
  }
  void save(Checkpoint &c) const override {
    c.set_array("lattice_r", integrator_->lattice_displacements_A());
    c.set_array("lattice_v", integrator_->lattice_velocities_A_per_ps());
  }

private:
  crystal::ModeSet modes_;
  std::unique_ptr<dynamics::FullLatticeIntegrator> integrator_;
};

} // namespace

// [ion] site, else the simple cubic cell centre, else the point of the cell farthest from every
// atom (physics.md §12.3).
Vec3 ion_site_fraction(const io::Config &config, const crystal::Crystal &crystal) {
  const auto &f = config.ion.site;
  if (f.size() == 3)
    return {f[0], f[1], f[2]};
  if (config.lattice.kind != io::LatticeKind::phonopy)
    return Vec3::Constant(0.5);
  const auto site = crystal::farthest_point_from_atoms(crystal);
  Log::info("ion site: ({:.4f}, {:.4f}, {:.4f}) of the lattice vectors, {:.3f} Å from the nearest "
            "framework atom (the farthest point of the cell; [ion] site sets it)",
            site.fraction.x(), site.fraction.y(), site.fraction.z(), site.clearance_A);
  return site.fraction;
}

// The W(0) blocks a list needs (physics.md §3.2): separations within a list, and for several ions
// between lists that share atoms (corners: 4e − 2). A cutoff list: atoms within 2 r_c of each
// other, ⌈2 r_c |row_j(A⁻¹)|⌉ + 1 cells along axis j (basis offsets within one cell).
int static_response_range(const io::Config &config, const crystal::Crystal &crystal) {
  const int extent = config.interaction.extent;
  if (config.interaction.cutoff == 0)
    return std::max({1, 2 * extent - 1, config.ions.count > 1 ? 4 * extent - 2 : 0});
  const Mat3 inverse = crystal.lattice_vectors().inverse();
  const double span = (config.ions.count > 1 ? 4 : 2) * config.interaction.cutoff;
  int range = 1;
  for (int j = 0; j < 3; ++j)
    range = std::max(range, int(std::ceil(span * inverse.row(j).norm())) + 1);
  return range;
}

TrajectoryModel::TrajectoryModel(const io::Config &config, const parallel::TrajectoryLayout &layout,
                                 crystal::Crystal framework)
    : method(config.run.method), crystal(std::move(framework)),
      potential(make_potential(config.interaction)),
      interaction(config.interaction.cutoff > 0
                      ? dynamics::InteractionList::cutoff(config.interaction.cutoff)
                      : dynamics::InteractionList::corners(config.interaction.extent)),
      site_fraction(ion_site_fraction(config, crystal)) {
  if (!config.ions.species.empty())
    for (const auto &interaction : ion_species(config).interaction)
      species_potentials.push_back(make_potential(interaction));
  if (method == io::RunMethod::full)
    return; // the full engine builds its own thermal state (FullLatticeEngine)
  const auto &world = layout.world();
  const int range = static_response_range(config, crystal);
  if (world.is_root()) {
    static_response = crystal::static_response_fft(crystal, config.phonons.green_grid, range);
    drag_matrix = crystal::drag_matrix(crystal, config.phonons.drag_rtol);
  }
  static_response.range = range;
  static_response.n_basis = crystal.n_basis();
  static_response.blocks.resize(world.broadcast_size(static_response.blocks.size()));
  if (!static_response.blocks.empty()) // Mat3 blocks are contiguous column-major 3×3
    world.broadcast(
        std::span<double>(static_response.blocks[0].data(), 9 * static_response.blocks.size()));
  world.broadcast(std::span<double>(drag_matrix.data(), 9));
  // This rank's slice of the modes: whole reduction blocks (bath/chebyshev_bath_field.hpp).
  const auto grid = config.lattice.bz_grid;
  const parallel::BlockPartition blocks{crystal::ModeSet::total_modes(crystal, grid),
                                        reduction_block_modes};
  const auto &group = layout.group();
  const auto first = blocks.first_block(group.rank(), group.size());
  const auto last = blocks.last_block(group.rank(), group.size());
  const auto begin = first < last ? blocks.block_begin(first) : 0;
  const auto end = first < last ? blocks.block_end(last - 1) : 0;
  modes = std::make_unique<crystal::ModeSet>(crystal, grid, begin, end);
}

parallel::RunPlan sweep_plan(const io::Config &config, const std::vector<int> &temperatures) {
  std::vector<std::int64_t> trajectories(static_cast<std::size_t>(config.run.trajectories));
  for (std::size_t k = 0; k < trajectories.size(); ++k)
    trajectories[k] = std::int64_t(k);
  return parallel::RunPlan::product({"temperature_index", "trajectory_id"},
                                    {{temperatures.begin(), temperatures.end()}, trajectories});
}

TrajectoryTask trajectory_task(const parallel::PlannedRun &run) {
  return {static_cast<int>(run.coordinates[0]), static_cast<int>(run.coordinates[1])};
}

std::string work_directory(const io::Config &config) {
  return config.run.output + ".parts";
}

TaskFiles task_files(const io::Config &config, const TrajectoryTask &task) {
  const std::string name = fmt::format("T{}_traj{}", task.temperature_index, task.trajectory_id);
  TaskFiles f;
  f.part = (std::filesystem::path(work_directory(config)) / (name + ".h5")).string();
  f.checkpoint = f.part + ".ckpt";
  f.trajectory = stem_of(config.run.output) + "_" + name + ".h5md";
  return f;
}

TrajectorySettings trajectory_settings(const io::Config &config, const DriverOptions &options,
                                       const crystal::Crystal &framework) {
  TrajectorySettings s;
  s.steps = config.run.steps;
  s.dt_ps = config.run.dt;
  s.kT_meV = config.run.kT_meV;
  s.seed = config.run.seed;
  s.bath = config.run.bath;
  s.analysis = options.analysis;
  s.write_trajectories = options.write_trajectories;
  s.trajectory_stride = std::max<std::int64_t>(1, options.trajectory_stride);
  s.checkpoint_interval_s = options.checkpoint_interval_s;
  // The samples k = 0..steps, split into N_s segments of P samples (physics.md §5.1).
  s.msd.segments = static_cast<int>(config.msd.segments);
  s.msd.samples_per_segment = static_cast<int>((config.run.steps + 1) / config.msd.segments);
  s.msd.dt_ps = config.run.dt;
  s.fit.fit_from_ps = config.msd.fit_from_ps;
  s.fit.bins = static_cast<int>(std::min<std::int64_t>(10, config.msd.segments));
  s.config_toml = io::to_toml(io::canonical(config));
  s.config_hash = io::config_hash(io::canonical(config));
  s.species = ion_species(config);
  const auto &g = config.lattice.bz_grid;
  s.supercell_volume_A3 = framework.cell_volume_A3() * double(g[0]) * double(g[1]) * double(g[2]);
  return s;
}

IonSpecies ion_species(const io::Config &config) {
  const auto &ions = config.ions;
  IonSpecies s;
  if (ions.species.empty()) {
    s.names = {"ion"};
    s.species_of_ion.assign(std::size_t(ions.count), 0);
    s.charge_number = {ions.charge};
    s.mass = {config.ion.mass};
    s.interaction = {config.interaction};
    return s;
  }
  // The table species first (species 0), the others in their order; ions species by species.
  std::vector<std::size_t> order{
      std::size_t(std::ranges::find(ions.species, ions.table_species) - ions.species.begin())};
  for (std::size_t k = 0; k < ions.species.size(); ++k)
    if (k != order.front())
      order.push_back(k);
  for (std::size_t k = 0; k < ions.species.size(); ++k) {
    const std::size_t j = order[k];
    s.names.push_back(ions.species[j]);
    s.charge_number.push_back(ions.species_charge[j]);
    s.mass.push_back(ions.species_mass[j]);
    auto interaction = config.interaction;
    interaction.U0 = ions.species_U0[j];
    interaction.lambda = ions.species_lambda[j];
    s.interaction.push_back(interaction);
  }
  for (std::size_t j = 0; j < ions.species.size(); ++j) {
    const int k = int(std::ranges::find(order, j) - order.begin());
    s.species_of_ion.insert(s.species_of_ion.end(), std::size_t(ions.species_count[j]), k);
  }
  return s;
}

namespace {

// Bath (seed 002 Eq. 23) from the keyed streams: independent of the rank layout.
bath::ThermalBathParams bath_params(const TrajectorySettings &s, const TrajectoryTask &task) {
  bath::ThermalBathParams bp;
  bp.kT_meV = s.kT_meV[static_cast<std::size_t>(task.temperature_index)];
  bp.seed = static_cast<std::uint64_t>(s.seed);
  bp.temperature_index = static_cast<std::uint64_t>(task.temperature_index);
  bp.trajectory_id = static_cast<std::uint64_t>(task.trajectory_id);
  // Unused without a thermal framework (BathStatistics::none).
  bp.statistics = io::thermal_statistics(s.bath).value_or(Statistics::quantum);
  return bp;
}

} // namespace

void check_interaction_list(const io::Config &config, const crystal::Crystal &framework) {
  if (config.interaction.cutoff == 0)
    return;
  const Mat3 inverse = framework.lattice_vectors().inverse();
  const auto box = dynamics::InteractionList::cutoff(config.interaction.cutoff).box(inverse);
  const auto &g = config.lattice.bz_grid;
  for (int j = 0; j < 3; ++j)
    if (2 * box[std::size_t(j)] > g[std::size_t(j)])
      throw InputError(fmt::format(
          "interaction.cutoff = {} Å: its list spans {} cells along lattice vector {}, more than "
          "lattice.bz_grid = [{}, {}, {}] holds (the periodic supercell of the bath and the full "
          "model); enlarge bz_grid or lower the cutoff",
          config.interaction.cutoff, 2 * box[std::size_t(j)], j + 1, g[0], g[1], g[2]));
}

void check_ion_placements(const io::Config &config, const parallel::RunPlan &plan,
                          const TrajectorySettings &settings, const crystal::Crystal &framework) {
  if (config.ions.count == 1)
    return;
  if (config.ions.ion_ion != io::IonIonKind::none)
    Log::info("ions: ion–ion cutoff {:.4g} Å{} (the periodic supercell's half width {:.4g} Å)",
              ion_ion_cutoff_A(config, framework), config.ions.cutoff == 0 ? ", derived" : "",
              ion_supercell(config, framework).half_width_A());
  const Vec3 site = ion_site_fraction(config, framework);
  for (const auto &run : plan.runs())
    ion_starts(config, framework.lattice_vectors(), site,
               bath_params(settings, trajectory_task(run)));
}

namespace {

// Restores the engine from the task's checkpoint (read by the leader, the state broadcast to
// the group); returns the checkpoint on the leader.
// The checkpoint's "state": k, then R of every ion, then Ṙ of every ion (one ion: the 7 numbers
// of earlier versions).
std::vector<double> engine_state(const TrajectoryEngine &engine) {
  std::vector<double> state{double(engine.step_index())};
  for (const auto &part : {engine.positions(), engine.velocities()})
    for (const Vec3 &x : part)
      state.insert(state.end(), {x.x(), x.y(), x.z()});
  return state;
}

std::optional<Checkpoint> resume(const TrajectorySettings &settings, const TaskFiles &files,
                                 TrajectoryEngine &engine, const Communicator &group) {
  std::vector<double> state = engine_state(engine);
  state[0] = 0;
  const std::size_t n = engine.positions().size();
  std::optional<Checkpoint> ckpt;
  if (group.is_root()) {
    ckpt = Checkpoint::read(files.checkpoint);
    if (ckpt) {
      ckpt->require_config(settings.config_hash, files.checkpoint);
      state = ckpt->get_doubles("state");
      if (state.size() != 1 + 6 * n)
        throw InputError(fmt::format("checkpoint '{}' has a malformed state", files.checkpoint));
    }
  }
  group.broadcast(state);
  if (const auto k = static_cast<std::int64_t>(state[0]); k > 0) {
    std::vector<Vec3> R(n), V(n);
    for (std::size_t i = 0; i < n; ++i) {
      R[i] = Vec3(state[1 + 3 * i], state[2 + 3 * i], state[3 + 3 * i]);
      V[i] = Vec3(state[1 + 3 * (n + i)], state[2 + 3 * (n + i)], state[3 + 3 * (n + i)]);
    }
    engine.restore(k, R, V, ckpt ? &*ckpt : nullptr);
  }
  return ckpt;
}

// The observers of one trajectory (leader only).
struct Observers {
  std::unique_ptr<HopCounter> hops;
  std::unique_ptr<SegmentMsdObserver> msd;
  std::unique_ptr<PositionLog> positions;
  std::unique_ptr<H5mdObserver> h5md;
  std::vector<TrajectoryObserver *> all; // the present ones, set once (no allocation per step)

  void observe(const TrajectoryEngine &engine) const {
    const ParticleSample sample{engine.step_index(), engine.positions(), engine.velocities()};
    for (auto *o : all)
      o->observe(sample);
  }
};

// The H5MD particle group: the single ion as in earlier versions, or several ions with ids and
// the periodic supercell of the BZ grid (physics.md §11.1).
io::H5mdParticles h5md_particles(const io::Config &config, const crystal::Crystal &crystal,
                                 std::size_t n) {
  io::H5mdParticles p;
  if (n == 1)
    return p;
  p.group = "ions";
  const IonSpecies species = ion_species(config);
  for (const int s : species.species_of_ion)
    p.species.push_back(species.names[std::size_t(s)]);
  for (std::size_t i = 0; i < n; ++i)
    p.ids.push_back(std::int64_t(i));
  p.periodic_box_A = ion_supercell(config, crystal).vectors_A();
  return p;
}

Observers make_observers(const TrajectorySettings &settings, const TaskFiles &files,
                         const TrajectoryTask &task, const crystal::Crystal &crystal,
                         const TrajectoryEngine &engine, const io::H5mdParticles &particles,
                         const Checkpoint *ckpt) {
  Observers o;
  const auto n = int(engine.positions().size());
  o.hops = std::make_unique<HopCounter>(crystal.lattice_vectors(), engine.positions(), ckpt);
  if (settings.analysis) {
    o.msd = std::make_unique<SegmentMsdObserver>(settings.msd, settings.species.species_of_ion,
                                                 settings.species.charge_number, ckpt);
    o.positions = std::make_unique<PositionLog>(files.part + ".positions", n, ckpt);
  }
  if (settings.write_trajectories) {
    io::H5mdTrajectoryInfo info{
        settings.config_toml, settings.kT_meV[static_cast<std::size_t>(task.temperature_index)],
        settings.seed,        task.temperature_index,
        task.trajectory_id,   settings.trajectory_stride,
        settings.dt_ps,       particles};
    o.h5md = std::make_unique<H5mdObserver>(files.trajectory, info, settings.dt_ps, ckpt);
  }
  for (TrajectoryObserver *p : std::initializer_list<TrajectoryObserver *>{
           o.hops.get(), o.msd.get(), o.positions.get(), o.h5md.get()})
    if (p)
      o.all.push_back(p);
  return o;
}

void write_checkpoint(const TrajectorySettings &settings, const TaskFiles &files,
                      const TrajectoryTask &task, const TrajectoryEngine &engine,
                      const Observers &observers) {
  Checkpoint c;
  c.set("config_hash", settings.config_hash);
  c.set_int("temperature_index", task.temperature_index);
  c.set_int("trajectory_id", task.trajectory_id);
  c.set_doubles("state", engine_state(engine));
  engine.save(c);
  for (auto *o : observers.all)
    o->save(c);
  c.write(files.checkpoint);
}

// The all-origin MSD (FFT) of the logged positions, averaged over the ions of species 0.
analysis::AllOriginMsdCurve all_origin_msd(PositionLog &positions, const IonSpecies &species,
                                           double dt_ps) {
  std::optional<analysis::FftMsd> fft;
  analysis::AllOriginMsdCurve all;
  int ions = 0;
  for (std::size_t i = 0; i < species.ion_count(); ++i) {
    if (species.species_of_ion[i] != 0)
      continue;
    const auto R = positions.read_particle(i);
    if (!fft)
      fft.emplace(R.size());
    const auto more = fft->compute(R, dt_ps);
    if (ions++ == 0) {
      all = more;
      continue;
    }
    for (std::size_t k = 0; k < all.msd_A2.size(); ++k)
      all.msd_A2[k] += more.msd_A2[k];
  }
  if (ions > 1)
    for (double &m : all.msd_A2)
      m /= double(ions);
  return all;
}

// Several ions: the curves of physics.md §11.4 (results::part::species_*_msd, charge_msd).
void write_collective_curves(io::H5Output &part, const analysis::CollectiveCurves &c) {
  namespace pf = results::part;
  const auto stacked = [&](const results::Dataset &d,
                           const std::vector<analysis::SegmentCurves> &curves) {
    if (curves.empty())
      return;
    std::vector<double> all;
    for (const auto &x : curves)
      all.insert(all.end(), x.d_A2.begin(), x.d_A2.end());
    const auto &x = curves.front();
    results::write(
        part, "", d, all,
        io::Shape{std::int64_t(curves.size()), std::int64_t(x.segments()), std::int64_t(x.lags())});
  };
  stacked(pf::species_tracer_msd, c.tracer);
  stacked(pf::species_collective_msd, c.collective);
  stacked(pf::species_cross_msd, c.cross);
  results::write(part, "", pf::charge_msd, c.charge.d_A2,
                 io::Shape{std::int64_t(c.charge.segments()), std::int64_t(c.charge.lags())});
}

// The part file of a finished sweep trajectory: segment and all-origin MSD (the tracer of species
// 0 for several ions), D with its errors (physics.md §5.1–5.3), hops and the final positions;
// several ions also the curves of §11.4.
void write_part(const TrajectorySettings &settings, const TaskFiles &files,
                const Observers &observers, const TrajectoryEngine &engine) {
  const auto &msd = observers.msd->msd();
  const auto curves = msd.tracer(0);
  const auto P = static_cast<std::int64_t>(curves.lags());
  const auto all = all_origin_msd(*observers.positions, settings.species, settings.dt_ps);
  const auto fit = analysis::fit_diffusion(curves, settings.fit);
  const double D_all = analysis::through_origin_D_A2_per_ps(
      std::span<const double>(all.lag_ps.data(), std::size_t(P)),
      std::span<const double>(all.msd_A2.data(), std::size_t(P)), settings.fit.fit_from_ps);

  io::H5Output part(files.part, Communicator::self_serial());
  namespace pf = results::part;
  results::write(part, "", pf::segment_msd, curves.d_A2,
                 io::Shape{std::int64_t(curves.segments()), P});
  results::write(part, "", pf::lag, curves.lag_ps);
  results::write(part, "", pf::all_origin_msd,
                 std::span<const double>(all.msd_A2.data(), std::size_t(P)));
  results::write(part, "", pf::all_origin_origins,
                 std::span<const std::int64_t>(all.origins.data(), std::size_t(P)));
  results::write(part, "", pf::D, fit.D_A2_per_ps);
  results::write(part, "", pf::sigma_D, fit.sigma_D_A2_per_ps);
  results::write(part, "", pf::sigma_D_binning, fit.sigma_D_binning_A2_per_ps);
  results::write(part, "", pf::D_all_origin, D_all);
  results::write(part, "", pf::hops, std::vector<std::int64_t>{observers.hops->hops()});
  if (msd.ion_count() > 1)
    write_collective_curves(part, msd.curves());
  std::vector<double> R_final;
  for (const Vec3 &R : engine.positions())
    R_final.insert(R_final.end(), {R.x(), R.y(), R.z()});
  results::write(part, "", pf::final_position, R_final);
  part.write_attribute("/", "config_hash", settings.config_hash);
  part.commit();
  observers.positions->remove();
}

// Steps from the engine's step to settings.steps, observing every sample on the leader;
// every 1000 steps the group agrees on a checkpoint (interval due) or a stop (signal).
TaskOutcome step_loop(const TrajectorySettings &settings, const TaskFiles &files,
                      const TrajectoryTask &task, TrajectoryEngine &engine,
                      const Observers &observers, const Communicator &group, CategoryTimers &timers,
                      const std::string &label) {
  constexpr std::int64_t check_every = 1000;
  const bool leader = group.is_root();
  Progress progress(label, settings.steps);
  progress.update(engine.step_index());
  auto last_checkpoint = std::chrono::steady_clock::now();
  for (std::int64_t k = engine.step_index(); k < settings.steps; ++k) {
    engine.step();
    if (leader)
      observers.observe(engine);
    if ((k + 1) % check_every != 0 || k + 1 >= settings.steps)
      continue;
    if (leader)
      progress.update(k + 1);
    const double since =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - last_checkpoint).count();
    const bool stop = group.any(StopSignal::requested());
    const bool due = group.any(leader && since > settings.checkpoint_interval_s);
    if (stop || due) {
      if (leader) {
        CategoryTimers::Scope t(timers, TimerCategory::io);
        write_checkpoint(settings, files, task, engine, observers);
      }
      last_checkpoint = std::chrono::steady_clock::now();
    }
    if (stop) {
      if (observers.h5md)
        observers.h5md->suspend();
      Log::task("{}: interrupted by signal {} at step {}; checkpoint written", label,
                StopSignal::signal_number(), k + 1);
      return TaskOutcome::interrupted;
    }
  }
  if (leader)
    progress.finish();
  return TaskOutcome::finished;
}

std::unique_ptr<TrajectoryEngine> make_engine(const io::Config &config,
                                              const TrajectoryModel &model,
                                              const bath::ThermalBathParams &bp,
                                              const Communicator &group, CategoryTimers &timers) {
  if (config.run.method == io::RunMethod::full)
    return std::make_unique<FullLatticeEngine>(config, model, bp);
  return std::make_unique<TimeLocalEngine>(config, model, bp, group, timers);
}

} // namespace

TaskOutcome run_trajectory(const TrajectorySettings &settings, const io::Config &config,
                           const TrajectoryModel &model, const Communicator &group,
                           const TrajectoryTask &task, CategoryTimers &timers) {
  const TaskFiles files = task_files(config, task);
  const bool leader = group.is_root();
  std::int64_t done =
      leader && std::filesystem::exists(settings.analysis ? files.part : files.trajectory);
  group.broadcast(std::span<std::int64_t>(&done, 1));
  if (done)
    return TaskOutcome::skipped;
  const auto bp = bath_params(settings, task);
  std::unique_ptr<TrajectoryEngine> engine;
  {
    CategoryTimers::Scope t(timers, TimerCategory::setup);
    engine = make_engine(config, model, bp, group, timers);
  }
  const auto ckpt = resume(settings, files, *engine, group);
  Observers observers;
  if (leader) {
    observers = make_observers(settings, files, task, model.crystal, *engine,
                               h5md_particles(config, model.crystal, engine->positions().size()),
                               ckpt ? &*ckpt : nullptr);
    if (!ckpt)
      observers.observe(*engine); // sample 0
  }
  const std::string label =
      fmt::format("kT = {} meV, trajectory {}", bp.kT_meV, task.trajectory_id);
  const double bath_before = timers.seconds(TimerCategory::bath);
  const auto loop_start = std::chrono::steady_clock::now();
  const auto outcome = step_loop(settings, files, task, *engine, observers, group, timers, label);
  const double loop_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - loop_start).count();
  timers.add(TimerCategory::force, loop_s - (timers.seconds(TimerCategory::bath) - bath_before));
  if (outcome == TaskOutcome::interrupted || !leader)
    return outcome;
  const std::size_t n_ions = engine->positions().size();
  const Vec3 R = engine->positions()[0];
  Log::task("{}: {} cell changes{}, final R = ({:.3f}, {:.3f}, {:.3f}) Å{}", label,
            observers.hops->hops(), n_ions > 1 ? " (all ions)" : "", R.x(), R.y(), R.z(),
            n_ions > 1 ? " (ion 0)" : "");
  CategoryTimers::Scope t(timers, TimerCategory::io);
  if (observers.h5md)
    observers.h5md->commit();
  if (settings.analysis) {
    CategoryTimers::Scope ta(timers, TimerCategory::analysis);
    write_part(settings, files, observers, *engine);
  }
  std::filesystem::remove(files.checkpoint);
  std::filesystem::remove(files.checkpoint + ".prev");
  return TaskOutcome::finished;
}

} // namespace ionbath::app
