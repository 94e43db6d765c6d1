import { spawn } from 'node:child_process';
import path from 'node:path';

/** The simulator as an operator starts it: one process, two URLs printed, a clean stop on SIGTERM. */
describe('main', () => {
  it('starts, prints both URLs, serves, and stops cleanly on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      ['-r', '@swc-node/register', path.join(__dirname, '../src/main.ts')],
      {
        cwd: path.join(__dirname, '../../..'),
        env: { ...process.env, SPAPI_SIM_PORT: '0', SPAPI_SIM_CONTROL_PORT: '0', LOG_LEVEL: 'info' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on('exit', (code, signal) => resolve({ code, signal })),
    );
    try {
      const ready = await new Promise<{ spApiUrl: string; controlUrl: string }>((resolve, reject) => {
        let output = '';
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          for (const line of output.split('\n')) {
            if (line.includes('"spApiUrl"'))
              resolve(JSON.parse(line) as { spApiUrl: string; controlUrl: string });
          }
        });
        child.on('exit', () => reject(new Error(`simulator exited early: ${output}`)));
      });
      expect(ready.spApiUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect(ready.controlUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const health = await fetch(`${ready.controlUrl}/_sim/health`);
      expect(await health.json()).toEqual({ status: 'ok', spApiUrl: ready.spApiUrl });
      child.kill('SIGTERM');
      expect(await exited).toEqual({ code: 0, signal: null });
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
