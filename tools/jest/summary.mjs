#!/usr/bin/env node
// Jest prints no single closing line; CI reads `N passed, N failed` from this one.
// A missing report, a suite that failed to run, or zero tests counts as a failure.
import { existsSync, readFileSync } from 'node:fs';

const file = process.argv[2];
if (!file || !existsSync(file)) {
  console.log('0 passed, 1 failed');
  process.exit(1);
}
const report = JSON.parse(readFileSync(file, 'utf8'));
const suiteErrors = report.testResults.filter(
  (s) => s.status === 'failed' && s.assertionResults.length === 0,
).length;
const passed = report.numPassedTests;
const failed = report.numFailedTests + suiteErrors;
const skipped = report.numPendingTests + report.numTodoTests;
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
