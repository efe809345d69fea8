#!/usr/bin/env bash
# The whole test suite: toolchains, npm packages, build, typecheck, C runtime tests, vitest.
# Prints a closing line "tests: N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."
# Install what is missing, then check every file the tests need: a gap stops the run
# here (exit 2) with one line per missing Debian package, instead of failing a test later.
bash scripts/toolchain.sh all
bash scripts/toolchain.sh --check all
bash scripts/deps.sh
npx tsc -p tsconfig.test.json
make -s test-c
mkdir -p .tmp
status=0
npx vitest run --reporter=default --reporter=json --outputFile=.tmp/vitest.json "$@" || status=$?
node -e '
  const r = JSON.parse(require("fs").readFileSync(".tmp/vitest.json", "utf8"));
  const skipped = r.numPendingTests + r.numTodoTests;
  console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed` + (skipped ? `, ${skipped} skipped` : ""));
' || true
exit $status
