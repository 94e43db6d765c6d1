/**
 * Where the demo finds the running system: the SP-API simulator's control API and the four
 * services' HTTP APIs, with one API key that holds the scopes the demo uses. The demo talks to
 * nothing else (no database, no broker): what it shows is what an operator's tools would see.
 */
export interface DemoEndpoints {
  /** The simulator's control API, e.g. http://127.0.0.1:8444. */
  simulator: string;
  orderIngest: string;
  inventory: string;
  publisher: string;
  notifier: string;
  apiKey: string;
  /** Holdfast's id of the Amazon account the services are configured with. */
  accountId: string;
  /** The marketplace the demo's orders and listings are in. */
  marketplaceId: string;
}

export interface JsonResponse<T> {
  status: number;
  body: T;
}

/** An answer the demo did not expect, with what the service said. */
export class DemoHttpError extends Error {
  constructor(
    readonly method: string,
    readonly url: string,
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`${method} ${url} answered ${status}: ${JSON.stringify(body).slice(0, 500)}`);
    this.name = 'DemoHttpError';
  }
}

/** How long one HTTP call may take before the demo gives up on it (a stuck service must not freeze the screen). */
const CALL_TIMEOUT_MS = 10_000;

/** One JSON call; the status is returned, not thrown, so callers decide what is expected. */
export async function callJson<T = unknown>(
  base: string,
  method: string,
  path: string,
  options: { body?: unknown; apiKey?: string; headers?: Record<string, string> } = {},
): Promise<JsonResponse<T>> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.apiKey) headers['authorization'] = `Bearer ${options.apiKey}`;
  const response = await fetch(`${base}${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
  });
  const text = await response.text();
  let body: unknown = undefined;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  return { status: response.status, body: body as T };
}

/** A call that must answer one of `expected`; anything else is a DemoHttpError. */
export async function expectJson<T = unknown>(
  base: string,
  method: string,
  path: string,
  expected: number[],
  options: { body?: unknown; apiKey?: string; headers?: Record<string, string> } = {},
): Promise<T> {
  const response = await callJson<T>(base, method, path, options);
  if (!expected.includes(response.status))
    throw new DemoHttpError(method, `${base}${path}`, response.status, response.body);
  return response.body;
}

/** Thrown when the demo is stopped (Ctrl-C) while it waits. */
export class DemoStopped extends Error {
  constructor() {
    super('the demo was stopped');
    this.name = 'DemoStopped';
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new DemoStopped());
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new DemoStopped());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Polls `probe` until it returns something other than undefined/false. Errors of the probe
 * (a service still starting, a refused request) count as "not yet"; the last one is reported
 * if the wait times out, so a stuck demo says what it was waiting for and why.
 */
export async function waitUntil<T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  {
    timeoutMs = 90_000,
    intervalMs = 500,
    signal,
  }: { timeoutMs?: number; intervalMs?: number; signal?: AbortSignal } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    if (signal?.aborted) throw new DemoStopped();
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const reason = lastError instanceof Error ? `; last error: ${lastError.message}` : '';
      throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}${reason}`);
    }
    await sleep(intervalMs, signal);
  }
}
