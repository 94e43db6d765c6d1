#!/usr/bin/env bash
# Runs every test of the repository against the real broker and database, then prints
# one closing line `N passed, N failed` computed from Jest's JSON report.
set -uo pipefail
cd "$(dirname "$0")/.."

[ -d node_modules ] || npm ci --no-audit --no-fund
node tools/ensure-infra.mjs || exit 1
bash tools/ensure-tooling.sh
# The lint rule for module boundaries needs the Nx project graph; build it first.
npx nx show projects >/dev/null 2>&1 || true

mkdir -p tmp
report=tmp/jest-report.json
rm -f "$report"
# One suite at a time by default: the system tests start several processes each, and two suites
# side by side on a 2-core machine made timing-bound tests flaky. JEST_MAX_WORKERS=2 halves the time.
npx jest --ci --json --outputFile="$report" --maxWorkers="${JEST_MAX_WORKERS:-1}" "$@"
status=$?
node tools/jest/summary.mjs "$report"
summary=$?
[ $status -eq 0 ] && [ $summary -eq 0 ]
