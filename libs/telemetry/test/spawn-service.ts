import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';

const REPO_ROOT = path.resolve(__dirname, '../../..');

export interface SpawnedService {
  baseUrl: string;
  /** Every JSON line the process wrote to stdout so far, parsed. */
  logs: Record<string, unknown>[];
  /** SIGTERM, then resolves once the process has exited. */
  stop(): Promise<StoppedService>;
}

export interface StoppedService {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/**
 * Runs a TypeScript entry point as a real Node process (SWC on the fly). OpenTelemetry's
 * require hooks cannot patch modules inside Jest's module sandbox, so anything that needs
 * the instrumentations to work runs out here, the way a service runs in production.
 */
export async function spawnService(entry: string, env: NodeJS.ProcessEnv = {}): Promise<SpawnedService> {
  const child: ChildProcess = spawn(process.execPath, ['-r', '@swc-node/register', entry], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<StoppedService>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, stderr })),
  );

  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${entry} did not start in time\n${stderr}`)), 30_000);
    child.once('exit', (code) =>
      reject(new Error(`${entry} exited with ${code} before listening\n${stderr}`)),
    );
    createInterface({ input: child.stdout! }).on('line', (line) => {
      let parsed: Record<string, unknown>;
      try {
        parsed = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return;
      }
      if (typeof parsed['listening'] === 'number') {
        clearTimeout(timer);
        resolve(parsed['listening']);
      } else {
        logs.push(parsed);
      }
    });
  });

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    logs,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
