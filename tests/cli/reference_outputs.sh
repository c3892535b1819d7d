#!/usr/bin/env bash
# The default `ionbath phonons`, `ionbath sweep` and `ionbath run` (embedded configurations) write
# bitwise the results of commit a63ac57, the last version before general crystals (issue 9):
# every dataset and attribute apart from /timing and version strings has the SHA-256 stored in
# tests/data/reference (made by tests/support/h5_manifest.py from that commit's outputs), and the
# sweep's CSV table is byte-identical.
set -euo pipefail
: "${IONBATH_EXE:?}" "${IONBATH_TEST_DATA:?}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/../support/cli.sh"
manifest="$here/../support/h5_manifest.py"
ref="$IONBATH_TEST_DATA/reference"
enter_workdir
mkdir phonons sweep run
(cd phonons && "$IONBATH_EXE" phonons > out.txt 2> log.txt)
/usr/bin/python3 "$manifest" phonons/phonons.h5 "$ref/phonons_default.json"
(cd sweep && "$IONBATH_EXE" sweep > out.txt 2> log.txt)
/usr/bin/python3 "$manifest" sweep/results.h5 "$ref/sweep_default.json"
cmp sweep/results.csv "$ref/sweep_default.csv"
(cd run && "$IONBATH_EXE" run > out.txt 2> log.txt)
/usr/bin/python3 "$manifest" run/trajectory_T0_traj0.h5md "$ref/run_default.json"
echo "default phonons, sweep and run outputs are bitwise those of a63ac57"
