#!/usr/bin/env bash
# Data-driven bad input: every <dir>/<case>.expect (an extended regex) names a case;
# `ionbath <subcommand> <dir>/<case>.toml` (the .toml may be absent on purpose) must exit with
# code 2, print an error matching the regex on stderr, and leave its fresh working directory
# empty (no output file, no .tmp, no .parts). Directories: tests/data/bad_configs (phonons: the
# parser and the shared sections) tests/data/bad_loss_configs (loss) and
# tests/data/bad_chain_configs (chain) tests/data/bad_decompose_configs (decompose; inputs in
# tests/data/decompose), tests/data/bad_ions_configs (run: the [ions] section) and
# tests/data/bad_crystal_configs (run: the ion's site and list, crystals from phonopy).
set -u
: "${IONBATH_EXE:?IONBATH_EXE must point at the ionbath executable}"
: "${IONBATH_TEST_DATA:?IONBATH_TEST_DATA must point at tests/data}"

failures=0
# check_cases DIR SUBCOMMAND MIN_CASES
check_cases() {
  local cases_dir=$1 subcommand=$2 min_cases=$3 count=0
  for expect in "$cases_dir"/*.expect; do
    [ -e "$expect" ] || break
    local name regex work stderr rc leftovers
    name=$(basename "$expect" .expect)
    count=$((count + 1))
    regex=$(cat "$expect")
    if [ -z "$regex" ]; then
      echo "FAIL $name: empty $expect"
      failures=$((failures + 1))
      continue
    fi
    work=$(mktemp -d)
    stderr=$(cd "$work" && "$IONBATH_EXE" "$subcommand" "$cases_dir/$name.toml" 2>&1 >/dev/null)
    rc=$?
    local problems=()
    [ "$rc" -eq 2 ] || problems+=("exit code $rc, expected 2")
    printf '%s\n' "$stderr" | grep -Eq -- "$regex" || problems+=("stderr does not match /$regex/")
    leftovers=$(ls -A "$work")
    [ -z "$leftovers" ] || problems+=("left files behind: $leftovers")
    rm -rf "$work"
    if [ ${#problems[@]} -gt 0 ]; then
      failures=$((failures + 1))
      echo "FAIL $subcommand/$name: $(IFS=';'; echo "${problems[*]}")"
      echo "  stderr: $stderr"
    else
      echo "ok   $subcommand/$name"
    fi
  done
  if [ "$count" -lt "$min_cases" ]; then
    echo "FAIL: only $count cases in $cases_dir (expected at least $min_cases)"
    failures=$((failures + 1))
  fi
  echo "$subcommand: $count cases"
}

check_cases "$IONBATH_TEST_DATA/bad_configs" phonons 15
check_cases "$IONBATH_TEST_DATA/bad_loss_configs" loss 10
check_cases "$IONBATH_TEST_DATA/bad_chain_configs" chain 10
check_cases "$IONBATH_TEST_DATA/bad_decompose_configs" decompose 12
check_cases "$IONBATH_TEST_DATA/bad_ions_configs" run 8
check_cases "$IONBATH_TEST_DATA/bad_crystal_configs" run 8
echo "$failures failed"
[ "$failures" -eq 0 ]
