import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = path.resolve(__dirname, '../..');
const bin = (name: string) => path.join(root, 'node_modules', '.bin', name);

/**
 * The test command also holds the code to its static rules: strict type checking of every
 * project (SWC, which runs the tests, strips types without checking them) and the lint
 * rules with zero warnings, module boundaries included.
 */
describe('static checks over the whole repository', () => {
  it('type-checks with strict TypeScript', async () => {
    const result = await run(bin('tsc'), ['-p', 'tsconfig.json', '--pretty', 'false'], { cwd: root, maxBuffer: 32 * 1024 * 1024 }).then(
      () => '',
      (error: Error & { stdout?: string }) => error.stdout ?? error.message,
    );
    expect(result).toBe('');
  }, 300_000);

  it('lints clean, with zero warnings', async () => {
    const result = await run(bin('eslint'), ['.', '--max-warnings=0'], {
      cwd: root,
      maxBuffer: 32 * 1024 * 1024,
      env: { ...process.env, NODE_OPTIONS: '--max-old-space-size=4096' },
    }).then(
      () => '',
      (error: Error & { stdout?: string }) => error.stdout ?? error.message,
    );
    expect(result).toBe('');
  }, 600_000);
});
