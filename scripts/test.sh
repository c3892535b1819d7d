#!/usr/bin/env bash
# Set up (install missing Debian packages), build, and run the whole test suite.
# Usage: scripts/test.sh [extra ctest arguments, e.g. -L unit]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${BUILD_DIR:-$here/build}"
"$here/scripts/setup.sh" --for-tests
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=1 OMPI_MCA_btl=self,vader OMPI_MCA_oob_tcp_if_include=lo
cd "$build_dir"
ctest --output-on-failure -j "$(nproc)" "$@"
