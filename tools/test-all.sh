#!/usr/bin/env bash
# Runs every test of the repository against the real broker and database, then prints
# one closing line `N passed, N failed` computed from Jest's JSON reports.
#
# Two lanes side by side, one suite at a time each (two system suites side by side on a 2-core
# machine made timing-bound tests flaky):
#   1. the system tests (tests/system: the services as processes), but for…
#   2. …every other project (unit and integration tests, in-process), then the system suites that
#      only send requests and read answers (HTTP_SUITES: no timing-bound assertion), so both
#      lanes take about as long.
# The second lane's output is kept in tmp/jest-projects.log and printed when it ends. Arguments
# (a path, -t, --selectProjects…) run one Jest over everything instead, as before.
set -uo pipefail
cd "$(dirname "$0")/.."

[ -d node_modules ] || npm ci --no-audit --no-fund
node tools/ensure-infra.mjs || exit 1
bash tools/ensure-tooling.sh
# The lint rule for module boundaries needs the Nx project graph; build it first.
npx nx show projects >/dev/null 2>&1 || true

mkdir -p tmp
workers="${JEST_MAX_WORKERS:-1}"

if [ $# -gt 0 ]; then
  report=tmp/jest-report.json
  rm -f "$report"
  npx jest --ci --json --outputFile="$report" --maxWorkers="$workers" "$@"
  status=$?
  node tools/jest/summary.mjs "$report"
  summary=$?
  [ $status -eq 0 ] && [ $summary -eq 0 ]
  exit
fi

# The services' build, once, before either lane needs it; the system project's globalSetup then
# skips it (tests/system/build-services.js).
node tools/build.mjs || exit 1
export HOLDFAST_BUILT=1
HTTP_SUITES=(tests/system/hostile-input.e2e-spec.ts tests/system/authorization-matrix.e2e-spec.ts)

system_report=tmp/jest-system.json
projects_report=tmp/jest-projects.json
http_report=tmp/jest-http.json
projects_log=tmp/jest-projects.log
rm -f "$system_report" "$projects_report" "$http_report" "$projects_log"
projects=$(node -e '
  const config = require("./jest.config.js");
  const path = require("node:path");
  const names = config.projects.map((p) => require(path.resolve(p.replace("<rootDir>", "."), "jest.config.js")).displayName);
  console.log(names.filter((n) => n !== "system").join(" "));
')

(
  npx jest --ci --json --outputFile="$projects_report" --maxWorkers="$workers" --selectProjects $projects
  first=$?
  npx jest --ci --json --outputFile="$http_report" --maxWorkers="$workers" --selectProjects system \
    --runTestsByPath "${HTTP_SUITES[@]}"
  second=$?
  [ $first -eq 0 ] && [ $second -eq 0 ]
) >"$projects_log" 2>&1 &
projects_pid=$!
ignored=$(printf '|%s' "${HTTP_SUITES[@]}")
npx jest --ci --json --outputFile="$system_report" --maxWorkers="$workers" --selectProjects system \
  --testPathIgnorePatterns '/node_modules/' '/dist/' "(${ignored:1})\$"
system_status=$?
wait "$projects_pid"
projects_status=$?
echo "---- unit and integration tests (every project but system), then the HTTP-only system suites ----"
cat "$projects_log"

node tools/jest/summary.mjs "$system_report" "$projects_report" "$http_report"
summary=$?
[ $system_status -eq 0 ] && [ $projects_status -eq 0 ] && [ $summary -eq 0 ]
