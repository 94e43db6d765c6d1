import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { REPO_ROOT } from './service-process';

const ENTRY = 'apps/shop-simulator/src/main.ts';

/** Control API bodies are free JSON: tests read what they need from them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface ControlResult {
  status: number;
  json: Json;
}

/**
 * The shop simulator as a real process on free ports (started from source with SWC on the fly, so
 * no build is needed), the way the services will meet it. Tests drive it through its control API.
 */
export class ShopSimulatorProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly apiUrl: string,
    readonly controlUrl: string,
    private readonly stderr: () => string,
  ) {}

  static async start(env: Record<string, string> = {}): Promise<ShopSimulatorProcess> {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', ENTRY], {
      cwd: REPO_ROOT,
      env: { ...process.env, SHOP_SIM_PORT: '0', SHOP_SIM_CONTROL_PORT: '0', LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const ready = await new Promise<{ apiUrl: string; controlUrl: string }>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`shop simulator did not start in time\n${stderr}`)),
        30_000,
      );
      child.once('exit', (code) => reject(new Error(`shop simulator exited with ${code}\n${stderr}`)));
      createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
        try {
          const parsed = JSON.parse(line) as { shopSimulator?: string; apiUrl: string; controlUrl: string };
          if (parsed.shopSimulator === 'ready') {
            clearTimeout(timer);
            resolve(parsed);
          }
        } catch {
          // not the ready line
        }
      });
    });
    return new ShopSimulatorProcess(child, ready.apiUrl, ready.controlUrl, () => stderr);
  }

  async control(method: string, pathname: string, body?: unknown): Promise<ControlResult> {
    const response = await fetch(new URL(pathname, this.controlUrl), {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const json: unknown = text ? JSON.parse(text) : undefined;
    return { status: response.status, json };
  }

  /** A control call that must succeed; returns its JSON. */
  async ok(method: string, pathname: string, body?: unknown): Promise<Json> {
    const result = await this.control(method, pathname, body);
    if (result.status >= 300)
      throw new Error(`${method} ${pathname} → ${result.status}: ${JSON.stringify(result.json)}`);
    return result.json;
  }

  get logs(): string {
    return this.stderr();
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    await exited;
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
