import type { ChildProcess } from 'node:child_process';

/**
 * What the SP-API and shop simulator launchers share: a JSON call to a control API, and stopping
 * the simulator's process.
 */
export async function controlCall<T>(
  url: string | URL,
  method: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const response = await fetch(url, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
}

/** SIGTERM, then wait for the exit; nothing if the process is not running. */
export async function stopChild(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}
