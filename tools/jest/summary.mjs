#!/usr/bin/env node
// Jest prints no single closing line; CI reads `N passed, N failed` from this one, summed over
// the JSON reports given (tools/test-all.sh runs two Jest lanes). A missing report, a suite that
// failed to run, or zero tests counts as a failure.
import { existsSync, readFileSync } from 'node:fs';

const files = process.argv.slice(2);
let passed = 0;
let failed = 0;
let skipped = 0;
if (files.length === 0) failed += 1;
for (const file of files) {
  if (!existsSync(file)) {
    console.error(`no Jest report at ${file}`);
    failed += 1;
    continue;
  }
  const report = JSON.parse(readFileSync(file, 'utf8'));
  const suiteErrors = report.testResults.filter(
    (s) => s.status === 'failed' && s.assertionResults.length === 0,
  ).length;
  passed += report.numPassedTests;
  failed += report.numFailedTests + suiteErrors;
  skipped += report.numPendingTests + report.numTodoTests;
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
