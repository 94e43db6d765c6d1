import { REPO_ROOT, uniqueSuffix, waitFor } from '@holdfast/testing';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { TEST_API_KEY } from '@holdfast/testing';

const run = promisify(execFile);

/**
 * Builds inventory-reservation (and the libs) into a directory of this test's own, as
 * tools/build.mjs builds dist/: other suites rebuild the shared dist/ while they run,
 * and a process started from a half-written dist/ dies on a missing module.
 */
export async function privateBuild(): Promise<{ main: string; remove: () => void }> {
  const out = path.join(REPO_ROOT, 'tmp', `inventory-build-${uniqueSuffix()}`);
  const bin = (name: string) => path.join(REPO_ROOT, 'node_modules', '.bin', name);
  await run(bin('swc'), ['apps/inventory-reservation/src', 'libs', '-d', out, '--config-file', '.swcrc', '--copy-files', '--quiet'], {
    cwd: REPO_ROOT,
  });
  await run(bin('tsc-alias'), ['-p', 'tsconfig.build.json', '--outDir', out], { cwd: REPO_ROOT });
  return {
    main: path.join(out, 'apps', 'inventory-reservation', 'src', 'main.js'),
    remove: () => rmSync(out, { recursive: true, force: true }),
  };
}

export function testApiKeys(): string {
  return `test:stock:read,stock:write:${createHash('sha256').update(TEST_API_KEY).digest('hex')}`;
}

/** One inventory-reservation process: start, kill -9, restart. */
export class InventoryProcess {
  private child?: ChildProcess;
  output = '';

  constructor(
    readonly main: string,
    readonly port: number,
    readonly env: Record<string, string>,
  ) {}

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  private environment(extra: Record<string, string>): NodeJS.ProcessEnv {
    return {
      ...process.env,
      LOG_LEVEL: 'warn',
      API_KEYS: testApiKeys(),
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: String(this.port),
      ...this.env,
      ...extra,
    };
  }

  async migrate(): Promise<void> {
    const { stderr } = await run(process.execPath, [this.main, 'migrate'], { env: this.environment({}) }).catch(
      (error: { stderr?: string; message: string }) => {
        throw new Error(`migrate failed: ${error.stderr ?? error.message}`);
      },
    );
    void stderr;
  }

  async start(extra: Record<string, string> = {}): Promise<void> {
    const child = spawn(process.execPath, [this.main], { env: this.environment(extra), stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    child.stdout?.on('data', (d: Buffer) => (this.output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (this.output += d.toString()));
    let lastStatus = 0;
    await waitFor(
      `inventory-reservation on ${this.port}`,
      async () => {
        if (child.exitCode !== null || child.signalCode !== null) {
          throw new Error(`exited with ${child.exitCode}: ${this.output.slice(-2000)}`);
        }
        const response = await fetch(`${this.baseUrl}/health/ready`).catch(() => null);
        lastStatus = response?.status ?? 0;
        return lastStatus === 200;
      },
      // A loaded CI machine starts Nest slowly.
      { timeoutMs: 60_000, intervalMs: 100 },
    ).catch((error: Error) => {
      throw new Error(`${error.message}; last /health/ready ${lastStatus}; output: ${this.output.slice(-1500)}`);
    });
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    await exited;
  }

  kill9(): Promise<void> {
    return this.stop('SIGKILL');
  }
}
