#!/usr/bin/env bash
# The README's configuration key tables are generated from the declaration of the keys
# (src/io/config.cpp): the block between the config-keys markers must equal
# `ionbath config --keys`. Regenerate it with that command when a key changes.
set -euo pipefail
: "${IONBATH_EXE:?}" "${IONBATH_TEST_DATA:?}"
readme="$IONBATH_TEST_DATA/../../README.md"
documented=$(sed -n '/^<!-- config-keys:/,/^<!-- end config-keys -->/p' "$readme" | sed '1d;$d')
[ -n "$documented" ] || { echo "no config-keys block in $readme"; exit 1; }
declared=$("$IONBATH_EXE" config --keys)
if [ "$documented" != "$declared" ]; then
  echo "README key tables differ from the declaration (regenerate with: ionbath config --keys):"
  diff <(printf '%s\n' "$documented") <(printf '%s\n' "$declared") || true
  exit 1
fi
# Every key of the resolved default configuration has a row.
while IFS= read -r key; do
  grep -q "^| \`$key\`" <<< "$declared" || { echo "key '$key' has no row"; exit 1; }
done < <("$IONBATH_EXE" config | sed -n 's/^\([A-Za-z_0-9]*\) = .*/\1/p')
echo "README key tables match the declaration"
