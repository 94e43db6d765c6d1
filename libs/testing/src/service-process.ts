import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { waitFor } from './wait-for';

/** The API key every test service accepts, with every scope the services define. */
export const TEST_API_KEY = 'holdfast-test-key-0123456789abcdef';
export const TEST_API_SCOPES = [
  'stock:read',
  'stock:write',
  'availability:read',
  'availability:write',
  'orders:read',
  'orders:write',
  'orders:pii',
  'shipments:read',
  'shipments:write',
  'accounts:read',
  'accounts:write',
  'listings:read',
  'listings:write',
];

/** A valid key that holds no scope any endpoint asks for: every protected route answers 403. */
export const TEST_UNSCOPED_API_KEY = 'holdfast-test-unscoped-key-fedcba9876543210';

function testApiKeys(): string {
  const sha = (key: string) => createHash('sha256').update(key).digest('hex');
  return [
    `test:${TEST_API_SCOPES.join(',')}:${sha(TEST_API_KEY)}`,
    `unscoped:nothing:read:${sha(TEST_UNSCOPED_API_KEY)}`,
  ].join(';');
}

export const REPO_ROOT = path.resolve(__dirname, '../../..');

export interface ServiceProcessOptions {
  app: string;
  env: Record<string, string>;
  httpPort: number;
  /** How long `start` waits for the HTTP port (default 30 s; a loaded machine may need more). */
  startTimeoutMs?: number;
}

/**
 * A service started as a real process from its build (`dist/apps/<app>/src/main.js`),
 * the way it runs in production; kill -9 and restart are what the crash tests need.
 */
export class ServiceProcess {
  private child?: ChildProcess;
  private output = '';

  constructor(readonly options: ServiceProcessOptions) {}

  get main(): string {
    return path.join(REPO_ROOT, 'dist', 'apps', this.options.app, 'src', 'main.js');
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.options.httpPort}`;
  }

  get logs(): string {
    return this.output;
  }

  /** The running process's id (undefined before start and after exit), to find its sockets. */
  get pid(): number | undefined {
    const child = this.child;
    return child && child.exitCode === null && child.signalCode === null ? child.pid : undefined;
  }

  private environment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    return {
      ...process.env,
      LOG_LEVEL: 'warn',
      API_KEYS: testApiKeys(),
      HTTP_PORT: String(this.options.httpPort),
      HTTP_HOST: '127.0.0.1',
      ...this.options.env,
      ...extra,
    };
  }

  async migrate(): Promise<void> {
    if (!existsSync(this.main))
      throw new Error(`${this.main} is missing: build first (node tools/build.mjs)`);
    await new Promise<void>((resolve, reject) => {
      const child = spawn(process.execPath, [this.main, 'migrate'], {
        env: this.environment(),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
      child.on('exit', (code) =>
        code === 0 ? resolve() : reject(new Error(`${this.options.app} migrate exited ${code}: ${out}`)),
      );
    });
  }

  /** Starts the process and waits until its HTTP port answers. */
  async start(extraEnv: Record<string, string> = {}): Promise<void> {
    if (this.child && this.child.exitCode === null && this.child.signalCode === null)
      throw new Error(`${this.options.app} is already running`);
    const child = spawn(process.execPath, [this.main], {
      env: this.environment(extraEnv),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stdout?.on('data', (d: Buffer) => (this.output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (this.output += d.toString()));
    await waitFor(
      `${this.options.app} to listen on ${this.options.httpPort}`,
      async () => {
        if (child.exitCode !== null || child.signalCode !== null)
          throw new Error(`${this.options.app} exited with ${child.exitCode}: ${this.output.slice(-2000)}`);
        const response = await fetch(`${this.baseUrl}/health/ready`).catch(() => null);
        return response !== null && response.status < 500;
      },
      // Generous by default: four services booting side by side on a loaded 2-core machine took
      // over 90 s; on an idle one a service answers in a few seconds.
      { timeoutMs: this.options.startTimeoutMs ?? 120_000, intervalMs: 200 },
    );
  }

  /** Resolves when the process has exited (after a fault hook killed it, for example). */
  async exited(timeoutMs = 20_000): Promise<number | null> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return child?.exitCode ?? null;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${this.options.app} did not exit within ${timeoutMs} ms`)),
        timeoutMs,
      );
      child.once('exit', (code) => {
        clearTimeout(timer);
        resolve(code);
      });
    });
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = this.exited(30_000);
    child.kill(signal);
    await exited;
  }

  kill9(): Promise<void> {
    return this.stop('SIGKILL');
  }
}

/** Finds a free TCP port on loopback. */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
