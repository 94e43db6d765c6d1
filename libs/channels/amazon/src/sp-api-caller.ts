import type { SellingPartner } from 'amazon-sp-api';
import type { SpApiRateLimiter } from './rate-limit/sp-api-rate-limiter';
import type { SpApiOperation } from './rate-limit/usage-plans';

export type SpApiErrorKind = 'throttled' | 'transient' | 'rejected' | 'malformed';

/** An SP-API call that did not succeed, classified for the caller's retry decision. */
export class SpApiError extends Error {
  override readonly name = 'SpApiError';
  constructor(
    readonly kind: SpApiErrorKind,
    readonly operation: SpApiOperation,
    readonly status: number | null,
    /** Amazon's error code (`InvalidInput`, `QuotaExceeded`, …) or a network error code. */
    readonly code: string,
    message: string,
    /** For `malformed`: the body as received, so the caller can keep it as evidence. */
    readonly bodyText?: string,
  ) {
    super(`${operation}: ${status ?? 'no response'} ${code}: ${message}`);
  }

  get retryable(): boolean {
    return this.kind === 'throttled' || this.kind === 'transient';
  }
}

export interface SpApiRequest {
  /** The package's operation name (`searchOrders`, `confirmShipment`, …). */
  operation: string;
  endpoint: 'orders' | 'listingsItems' | 'feeds';
  path?: Record<string, string>;
  query?: Record<string, unknown>;
  body?: unknown;
  /** `v0` for confirmShipment and the deprecated order reads. */
  version?: string;
}

export interface SpApiResponse<T> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: T;
}

export interface SpApiCallerOptions {
  /** Attempts for throttled (and, when allowed, transient) failures. */
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

interface RawResult {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ETIMEDOUT',
  'ECONNREFUSED',
  'EPIPE',
  'ESOCKETTIMEDOUT',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
]);

/**
 * Every SP-API call of one account goes through here: it waits for the rate limiter,
 * calls through the amazon-sp-api package (raw result, so status and headers are
 * ours to read), teaches the limiter from `x-amzn-RateLimit-Limit` and 429s, and retries
 * with jittered exponential backoff, capped. A 429 is always safe to retry (Amazon did
 * nothing); a 5xx or a timeout only when the caller says the operation is idempotent. A call
 * that got no answer at all (timeout, connection lost) may still be handled by Amazon later:
 * where a late copy could land after a newer call (a quantity PATCH), the caller turns off
 * `retryUnanswered` and handles the unknown outcome itself.
 */
export class SpApiCaller {
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(
    private readonly client: SellingPartner,
    /** The limiter key: seller id (or account id) of this client. */
    readonly account: string,
    private readonly limiter: SpApiRateLimiter,
    options: SpApiCallerOptions = {},
  ) {
    this.maxAttempts = options.maxAttempts ?? 5;
    this.baseDelayMs = options.baseDelayMs ?? 1_000;
    this.maxDelayMs = options.maxDelayMs ?? 60_000;
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.random = options.random ?? Math.random;
  }

  async call<T>(
    operation: SpApiOperation,
    request: SpApiRequest,
    {
      idempotent = true,
      retryUnanswered = idempotent,
      signal,
    }: { idempotent?: boolean; retryUnanswered?: boolean; signal?: AbortSignal } = {},
  ): Promise<SpApiResponse<T>> {
    for (let attempt = 1; ; attempt++) {
      const takenAt = await this.limiter.acquire(this.account, operation, signal);
      try {
        const response = await this.once<T>(operation, request);
        this.limiter.settle(this.account, operation, takenAt);
        return response;
      } catch (error) {
        this.limiter.settle(this.account, operation, takenAt);
        const e = error instanceof SpApiError ? error : this.classifyThrown(operation, error);
        const retry =
          e.kind === 'throttled' ||
          (e.kind === 'transient' && idempotent && (e.status !== null || retryUnanswered));
        if (!retry || attempt >= this.maxAttempts) throw e;
        const ceiling = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (attempt - 1));
        await this.sleep(ceiling / 2 + this.random() * (ceiling / 2)); // "equal jitter"
      }
    }
  }

  private async once<T>(operation: SpApiOperation, request: SpApiRequest): Promise<SpApiResponse<T>> {
    const raw = (await this.client.callAPI({
      operation: request.operation,
      endpoint: request.endpoint,
      ...(request.path ? { path: request.path } : {}),
      ...(request.query ? { query: request.query } : {}),
      ...(request.body !== undefined ? { body: request.body } : {}),
      options: { raw_result: true, ...(request.version ? { version: request.version } : {}) },
    })) as RawResult;
    const status = raw.statusCode;
    this.limiter.observe(this.account, operation, status, raw.headers['x-amzn-ratelimit-limit']);
    let body: unknown = null;
    if (raw.body && raw.body.length > 0) {
      try {
        body = JSON.parse(raw.body);
      } catch {
        if (status < 300)
          throw new SpApiError(
            'malformed',
            operation,
            status,
            'MalformedBody',
            'response body is not JSON',
            raw.body,
          );
        body = null;
      }
    }
    if (status >= 200 && status < 300) return { status, headers: raw.headers, body: body as T };
    const first = (body as { errors?: { code?: string; message?: string }[] } | null)?.errors?.[0];
    const code = first?.code ?? `HTTP${status}`;
    const message = first?.message ?? 'no error detail';
    if (status === 429) throw new SpApiError('throttled', operation, status, code, message);
    if (status >= 500) throw new SpApiError('transient', operation, status, code, message);
    throw new SpApiError('rejected', operation, status, code, message);
  }

  private classifyThrown(operation: SpApiOperation, error: unknown): SpApiError {
    const e = error as { code?: string; message?: string };
    const code = e?.code ?? 'UnknownError';
    const message = e?.message ?? String(error);
    if (NETWORK_CODES.has(code) || /timeout|socket hang up|ECONNRESET/i.test(message)) {
      return new SpApiError('transient', operation, null, code, message);
    }
    // LWA refused the credentials (invalid_grant, invalid_client, unauthorized_client):
    // retrying cannot help.
    if (/^(invalid_|unauthorized)/i.test(code))
      return new SpApiError('rejected', operation, null, code, message);
    // Other errors the package raises itself (token exchange failures, parse errors).
    return new SpApiError('transient', operation, null, code, message);
  }
}
