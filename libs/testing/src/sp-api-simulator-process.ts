import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { freePort, REPO_ROOT } from './service-process';
import { waitFor } from './wait-for';
import { controlCall, stopChild } from './simulator-child';

export interface SpApiSimulatorOptions {
  /** Environment for the simulator (SIM_TIME_SCALE, SIM_SEED, ...), over the defaults. */
  env?: Record<string, string>;
  /**
   * Where the simulator writes its TLS certificate authority (`sp-api-simulator-ca.pem`), for
   * clients that verify it (SPAPI_CA_FILE). Without it clients must skip verification.
   */
  caDirectory?: string;
  /** How long it may take to answer (a loaded machine boots slowly); 30 s by default. */
  startTimeoutMs?: number;
}

/**
 * The SP-API simulator as a real process from its build (`dist/`), on free ports: the Amazon of
 * the system tests and the chaos runner. Suites extend it with the control calls they use.
 */
export class SpApiSimulatorProcess {
  private child?: ChildProcess;
  private output = '';
  private spApiPort = 0;
  private controlPort = 0;
  private ca?: string;

  /** Starts a simulator; `this` is the class to make, so subclasses get their own type back. */
  static async launch<T extends SpApiSimulatorProcess>(
    this: new () => T,
    options: SpApiSimulatorOptions = {},
  ): Promise<T> {
    const sim = new this();
    await sim.spawn(options);
    return sim;
  }

  get spApiUrl(): string {
    return `https://127.0.0.1:${this.spApiPort}`;
  }

  get controlUrl(): string {
    return `http://127.0.0.1:${this.controlPort}`;
  }

  /** The CA file, when started with a `caDirectory`. */
  get caFile(): string {
    if (!this.ca) throw new Error('the simulator was started without a caDirectory');
    return this.ca;
  }

  /** Everything the simulator printed. */
  get logs(): string {
    return this.output;
  }

  /** A call to the control API; the body is parsed JSON (or undefined when empty). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- control bodies are free JSON, read by the tests
  async control<T = any>(
    method: string,
    route: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }> {
    return controlCall<T>(`${this.controlUrl}${route}`, method, body);
  }

  async stop(): Promise<void> {
    await stopChild(this.child);
  }

  private async spawn(options: SpApiSimulatorOptions): Promise<void> {
    this.spApiPort = await freePort();
    this.controlPort = await freePort();
    this.ca = options.caDirectory ? path.join(options.caDirectory, 'sp-api-simulator-ca.pem') : undefined;
    const main = path.join(REPO_ROOT, 'dist', 'apps', 'sp-api-simulator', 'src', 'main.js');
    const child = spawn(process.execPath, [main], {
      env: {
        ...process.env,
        LOG_LEVEL: 'warn',
        SPAPI_SIM_PORT: String(this.spApiPort),
        SPAPI_SIM_CONTROL_PORT: String(this.controlPort),
        ...(this.ca ? { SPAPI_SIM_CA_OUT: this.ca } : {}),
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stdout?.on('data', (d: Buffer) => (this.output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (this.output += d.toString()));
    const ca = this.ca;
    await waitFor(
      'the SP-API simulator to answer',
      async () => {
        if (child.exitCode !== null) throw new Error(`simulator exited: ${this.output.slice(-2000)}`);
        const res = await fetch(`${this.controlUrl}/_sim/health`).catch(() => null);
        return res?.status === 200 && (!ca || existsSync(ca));
      },
      { timeoutMs: options.startTimeoutMs ?? 30_000, intervalMs: 100 },
    );
  }
}
