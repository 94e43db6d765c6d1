import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { REPO_ROOT } from './service-process';
import { controlCall, stopChild } from './simulator-child';

const SOURCE = 'apps/shop-simulator/src/main.ts';
const BUILD = 'dist/apps/shop-simulator/src/main.js';

/** Control API bodies are free JSON: tests read what they need from them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface ControlResult {
  status: number;
  body: Json;
}

export interface ShopSimulatorOptions {
  /** Environment for the simulator, over the defaults (free ports, LOG_LEVEL=warn). */
  env?: Record<string, string>;
  /** Start its build (`dist/`, as the system tests do) rather than its source through SWC. */
  fromBuild?: boolean;
}

/**
 * The shop simulator (Shopify and WooCommerce) as a real process on free ports, the way the
 * services meet it: from source with SWC on the fly by default (no build needed, for the channel
 * libraries' tests), or from its build. Tests drive it through its control API; suites extend the
 * class with the calls they use.
 */
export class ShopSimulatorProcess {
  private child?: ChildProcess;
  private output = '';
  private urls = { apiUrl: '', controlUrl: '' };

  /** Starts a simulator; `this` is the class to make, so subclasses get their own type back. */
  static async launch<T extends ShopSimulatorProcess>(
    this: new () => T,
    options: ShopSimulatorOptions = {},
  ): Promise<T> {
    const sim = new this();
    await sim.spawn(options);
    return sim;
  }

  /** Starts a simulator from source. */
  static start(env: Record<string, string> = {}): Promise<ShopSimulatorProcess> {
    return ShopSimulatorProcess.launch({ env });
  }

  get apiUrl(): string {
    return this.urls.apiUrl;
  }

  get controlUrl(): string {
    return this.urls.controlUrl;
  }

  async control<T = Json>(
    method: string,
    pathname: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }> {
    return controlCall<T>(new URL(pathname, this.controlUrl), method, body);
  }

  /** A control call that must succeed; returns its JSON. */
  async ok<T = Json>(method: string, pathname: string, body?: unknown): Promise<T> {
    const result = await this.control<T>(method, pathname, body);
    if (result.status >= 300)
      throw new Error(`${method} ${pathname} → ${result.status}: ${JSON.stringify(result.body)}`);
    return result.body;
  }

  /** Everything the simulator printed besides its ready line. */
  get logs(): string {
    return this.output;
  }

  async stop(): Promise<void> {
    await stopChild(this.child);
  }

  private async spawn({ env = {}, fromBuild = false }: ShopSimulatorOptions): Promise<void> {
    const args = fromBuild ? [path.join(REPO_ROOT, BUILD)] : ['-r', '@swc-node/register', SOURCE];
    const child = spawn(process.execPath, args, {
      cwd: REPO_ROOT,
      env: { ...process.env, SHOP_SIM_PORT: '0', SHOP_SIM_CONTROL_PORT: '0', LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    // The simulator prints one JSON line with its URLs once it listens (its ports are chosen by the OS).
    this.urls = await new Promise<{ apiUrl: string; controlUrl: string }>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`shop simulator did not start in time\n${this.output}`)),
        30_000,
      );
      child.once('exit', (code) => reject(new Error(`shop simulator exited with ${code}\n${this.output}`)));
      createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
        try {
          const parsed = JSON.parse(line) as { shopSimulator?: string; apiUrl: string; controlUrl: string };
          if (parsed.shopSimulator === 'ready') {
            clearTimeout(timer);
            resolve(parsed);
            return;
          }
        } catch {
          // not the ready line
        }
        this.output += `${line}\n`;
      });
    });
  }
}

/** A web endpoint that receives webhooks and keeps the raw bytes, as the real intake must. */
export interface ReceivedRequest {
  headers: Record<string, string | string[] | undefined>;
  rawBody: Buffer;
}

export async function waitUntil<T>(
  description: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${description}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
