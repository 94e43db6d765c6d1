import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const summary = path.resolve(__dirname, '../jest/summary.mjs');

/** What CI reads: the closing line of tools/test-all.sh, from one or two Jest JSON reports. */
describe('tools/jest/summary.mjs', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(path.join(tmpdir(), 'hf-summary-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const report = (name: string, passed: number, failed: number, suites: object[] = []) => {
    const file = path.join(dir, name);
    writeFileSync(
      file,
      JSON.stringify({
        numPassedTests: passed,
        numFailedTests: failed,
        numPendingTests: 0,
        numTodoTests: 0,
        testResults: suites,
      }),
    );
    return file;
  };
  const summarise = (...files: string[]) =>
    run(process.execPath, [summary, ...files]).then(
      ({ stdout }) => ({ code: 0, line: stdout.trim() }),
      (error: Error & { code: number; stdout: string }) => ({ code: error.code, line: error.stdout.trim() }),
    );

  it('sums the lanes', async () => {
    expect(await summarise(report('a.json', 700, 0), report('b.json', 200, 0))).toEqual({
      code: 0,
      line: '900 passed, 0 failed',
    });
  });

  it('fails on a failed test, a suite that could not run, or a missing lane', async () => {
    expect(await summarise(report('c.json', 10, 1), report('d.json', 5, 0))).toEqual({
      code: 1,
      line: '15 passed, 1 failed',
    });
    const broken = report('e.json', 5, 0, [{ status: 'failed', assertionResults: [] }]);
    expect(await summarise(broken)).toEqual({ code: 1, line: '5 passed, 1 failed' });
    expect(await summarise(report('f.json', 5, 0), path.join(dir, 'missing.json'))).toEqual({
      code: 1,
      line: '5 passed, 1 failed',
    });
  });

  it('fails when nothing ran', async () => {
    expect(await summarise(report('g.json', 0, 0))).toEqual({ code: 1, line: '0 passed, 0 failed' });
  });
});
