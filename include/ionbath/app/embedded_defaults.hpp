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

// `ionbath decompose` without a file: one 3 ns trajectory at ħΩ_T = 50 meV of the seed 002 model
// (every 10th step) is generated first and then decomposed (physics.md §8).
inline constexpr const char *kDefaultDecomposeToml = R"(# embedded default of `ionbath decompose`
[run]
kT_meV = [50.0]
steps = 600000
trajectory_stride = 10
output = "decompose_trajectory.h5"
[decompose]
output = "decompose.h5"
)";

// `ionbath loss` without a file runs both scans below (seed 001, physics.md §6): the Fig. 2 chain
// (ν = 1, k∥ = k⊥ = 99/4) by Eq. 14, the Eq. 13 zone integral and the simulated pass at four
// speeds, and the 3D single atom's zone loss with its Eq. 23 low-speed constant.
inline constexpr const char *kDefaultLossChainToml = R"(# embedded default of `ionbath loss` (1/2)
[units]
system = "seed001"
[lattice]
kind = "chain"
a = 2.0
confinement = 1.0
k_parallel = 24.75
k_perp = 24.75
[loss]
geometry = "chain"
lambdas = [1.0, 2.0]
offsets = [0.0, 1.0]
speeds = [4.0, 10.0, 20.0, 40.0]
output = "loss_chain.h5"
)";

inline constexpr const char *kDefaultLossCubicToml = R"(# embedded default of `ionbath loss` (2/2)
[units]
system = "seed001"
[loss]
geometry = "single"
lambdas = [0.5, 1.0, 2.0, 4.0]
offsets = [0.0, 1.0]
speeds = [10.0, 40.0]
methods = ["zone", "low_speed"]
output = "loss_cubic.h5"
)";

// `ionbath chain` without a file (seed 003, physics.md §7; Φ0 = ±2, λ = 4 as in the SM variant of
// Fig. 3 and Fig. 4): single passes at four speeds, Eq. 10 on a grid through its first spikes
// (α/n for n = 1..4) with the predicted drift speeds, and two drift runs under bias per sign.
inline constexpr const char *kDefaultChainToml = R"(# embedded default of `ionbath chain`
[chain]
omega_fast = 10.0
alpha = 40.0
Phi0 = 2.0
lambda = 4.0
bias = 0.01
modes = ["single_pass", "steady_state", "drift"]
speeds = [15.0, 25.0, 40.0, 60.0]
tau = 100.0
steady_speed_range = [5.0, 50.0, 4501]
output = "chain.h5"
)";

} // namespace ionbath::app
