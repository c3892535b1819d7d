#!/usr/bin/env bash
# Set up (install missing Debian packages), build, and run the main job on its embedded default
# configuration in ./ionbath-run (or $RUN_DIR). Extra arguments go to the ionbath subcommand.
# Usage: scripts/run.sh [config.toml]      (NP ranks, default 2; MAIN_JOB=phonons|run|sweep)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${BUILD_DIR:-$here/build}"
"$here/scripts/setup.sh"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=1 OMPI_MCA_btl=self,vader OMPI_MCA_oob_tcp_if_include=lo
run_dir="${RUN_DIR:-$PWD/ionbath-run}"
mkdir -p "$run_dir"
cd "$run_dir"
np="${NP:-2}"
main_job="${MAIN_JOB:-sweep}"
exec mpirun -n "$np" "$build_dir/ionbath" "$main_job" "$@"
