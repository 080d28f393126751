#!/usr/bin/env bash
# Runs the end-to-end suites (every test file that spawns the CLI through runBinary/startBinary, or
# looks at the EXECUTABLE itself) against another executable: `npm run test:executable -- PATH [jest flags…]`, e.g. the single
# executable (`npm run build:sea`, then PATH=dist-sea/kubectl-kruise).
set -euo pipefail
cd "$(dirname "$0")/.."
exe="${1:?usage: npm run test:executable -- PATH [jest flags…]}"
shift
case "$exe" in /*) ;; *) exe="$PWD/$exe" ;; esac
mapfile -t suites < <(grep -rlE 'runBinary|startBinary|EXECUTABLE' test --include='*.test.ts' | sort)
KK_TEST_EXECUTABLE="$exe" exec node --experimental-vm-modules node_modules/jest/bin/jest.js --maxWorkers=1 "${suites[@]}" "$@"
