#!/usr/bin/env bash
# Data-driven bad input for `ionbath phonons <config>`: every tests/data/bad_configs/<case>.expect
# (an extended regex) names a case; `ionbath phonons <case>.toml` (the .toml may be absent on
# purpose) must exit with code 2, print an error matching the regex on stderr, and leave its
# fresh working directory empty (no output file, no .tmp).
set -u
: "${IONBATH_EXE:?IONBATH_EXE must point at the ionbath executable}"
: "${IONBATH_TEST_DATA:?IONBATH_TEST_DATA must point at tests/data}"
cases_dir="$IONBATH_TEST_DATA/bad_configs"
min_cases=15

count=0
failures=0
for expect in "$cases_dir"/*.expect; do
  [ -e "$expect" ] || break
  name=$(basename "$expect" .expect)
  count=$((count + 1))
  regex=$(cat "$expect")
  if [ -z "$regex" ]; then
    echo "FAIL $name: empty $expect"
    failures=$((failures + 1))
    continue
  fi
  work=$(mktemp -d)
  stderr=$(cd "$work" && "$IONBATH_EXE" phonons "$cases_dir/$name.toml" 2>&1 >/dev/null)
  rc=$?
  problems=()
  [ "$rc" -eq 2 ] || problems+=("exit code $rc, expected 2")
  printf '%s\n' "$stderr" | grep -Eq -- "$regex" || problems+=("stderr does not match /$regex/")
  leftovers=$(ls -A "$work")
  [ -z "$leftovers" ] || problems+=("left files behind: $leftovers")
  rm -rf "$work"
  if [ ${#problems[@]} -gt 0 ]; then
    failures=$((failures + 1))
    echo "FAIL $name: $(IFS=';'; echo "${problems[*]}")"
    echo "  stderr: $stderr"
  else
    echo "ok   $name"
  fi
done

if [ "$count" -lt "$min_cases" ]; then
  echo "FAIL: only $count cases in $cases_dir (expected at least $min_cases)"
  exit 1
fi
echo "$count cases, $failures failed"
[ "$failures" -eq 0 ]
