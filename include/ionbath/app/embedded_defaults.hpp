#pragma once
// The configurations `ionbath run` and `ionbath sweep` use when no file is given. Every key not
// set here has the seed 002 default (README, "Configuration").
namespace ionbath::app {

// A small but real diffusivity sweep of the seed 002 model: six temperatures, one 1.5 ns
// trajectory each (125 segments of 12 ps), the paper's lattice, ion and interaction.
inline constexpr const char *kDefaultSweepToml = R"(# embedded default of `ionbath sweep`
[run]
kT_meV = [15.0, 20.0, 25.0, 30.0, 40.0, 50.0]
steps = 300000
trajectories = 1
output = "results.h5"
[msd]
segments = 125
fit_from_ps = 1.0
)";

// One 3 ns thermal trajectory at ħΩ_T = 50 meV, every 10th step in H5MD.
inline constexpr const char *kDefaultRunToml = R"(# embedded default of `ionbath run`
[run]
kT_meV = [50.0]
steps = 600000
trajectory_stride = 10
output = "trajectory.h5"
)";

} // namespace ionbath::app
