#!/usr/bin/env bash
# Install (idempotently) the Debian 12 packages ionbath needs, then configure and build.
# Usage: scripts/setup.sh [--no-build] [--for-tests]
#   --for-tests also installs what the test suite uses: Slurm + munge (real-cluster test) and
#   MDAnalysis (an independent H5MD reader), phonopy (reference phonons for the phonopy reader).
# Environment: BUILD_DIR (default: build), BUILD_TYPE (default: Release), SUDO (prefix for apt, e.g. "sudo").
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${BUILD_DIR:-$here/build}"
build_type="${BUILD_TYPE:-Release}"
do_build=1
for_tests=0
for arg in "$@"; do
  case "$arg" in
    --no-build) do_build=0 ;;
    --for-tests) for_tests=1 ;;
    *) echo "setup.sh: unknown option '$arg'" >&2; exit 2 ;;
  esac
done

packages=(build-essential cmake ninja-build pkg-config git
  libopenmpi-dev openmpi-bin libhdf5-openmpi-dev hdf5-tools
  libfftw3-dev libfftw3-mpi-dev libeigen3-dev libgtest-dev libgmock-dev libbenchmark-dev
  libcli11-dev libtomlplusplus-dev libfmt-dev librandom123-dev libcubature-dev
  python3-numpy python3-h5py python3-matplotlib zlib1g-dev libyaml-cpp-dev)
if [ "$for_tests" = 1 ]; then packages+=(slurm-wlm munge python3-mdanalysis lammps python3-ase python3-phonopy); fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup.sh: installing ${missing[*]}" >&2
  apt="${SUDO:-} apt-get -o DPkg::Lock::Timeout=900"
  $apt update -qq
  DEBIAN_FRONTEND=noninteractive $apt install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ "$do_build" = 1 ]; then
  if [ ! -f "$build_dir/build.ninja" ]; then
    cmake -S "$here" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE="$build_type" >/dev/null
  fi
  cmake --build "$build_dir" -j "$(nproc)"
fi
