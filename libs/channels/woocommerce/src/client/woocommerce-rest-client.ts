/**
 * throttled: 429, retried after Retry-After. transient: 5xx, network errors, timeouts, retried for
 * idempotent calls (for the others the caller first finds out whether the call took effect).
 * rejected: 4xx; retrying cannot help. malformed: the answer is not the JSON it should be.
 */
export type WooCommerceErrorKind = 'throttled' | 'transient' | 'rejected' | 'malformed';

export class WooCommerceApiError extends Error {
  override readonly name = 'WooCommerceApiError';

  constructor(
    readonly kind: WooCommerceErrorKind,
    readonly operation: string,
    message: string,
    readonly details: { status?: number; code?: string; attempts?: number; retryAfterMs?: number } = {},
  ) {
    super(message);
  }

  get outcomeUnknown(): boolean {
    return this.kind === 'transient';
  }
}

/** A token bucket: the client's own pace for one store, so a burst never reaches the host's limit. */
export class RequestRateLimiter {
  private tokens: number;
  private at: number;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly requestsPerSecond: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) =>
      new Promise((resolve) => setTimeout(resolve, ms)),
  ) {
    this.tokens = burst;
    this.at = now();
  }

  acquire(): Promise<void> {
    const turn = this.queue.then(async () => {
      for (;;) {
        const now = this.now();
        this.tokens = Math.min(this.burst, this.tokens + ((now - this.at) / 1000) * this.requestsPerSecond);
        this.at = now;
        if (this.tokens >= 1) {
          this.tokens -= 1;
          return;
        }
        await this.sleep(Math.ceil(((1 - this.tokens) / this.requestsPerSecond) * 1000));
      }
    });
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  /** After a 429 the host's window is spent: start again from empty. */
  drain(): void {
    this.tokens = 0;
    this.at = this.now();
  }
}

export interface WooCommerceRequest {
  method: 'GET' | 'POST' | 'PUT';
  /** Relative to /wp-json/wc/v3, e.g. `/orders/123`. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /** false: a 5xx or network error is not retried blindly (order notes). */
  idempotent?: boolean;
}

export interface WooCommerceResponse<T> {
  data: T;
  headers: Headers;
  attempts: number;
}

export interface WooCommerceClientOptions {
  requestsPerSecond?: number;
  burst?: number;
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Longest wait honoured from a Retry-After header. */
  maxRetryAfterMs?: number;
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  onRetry?: (event: {
    operation: string;
    kind: WooCommerceErrorKind;
    attempt: number;
    delayMs: number;
  }) => void;
}

/**
 * The WooCommerce REST API v3 for one store: basic auth with the consumer key and secret (the API
 * accepts it over HTTPS), the client's own request pace, and retries of what can be retried with
 * capped jittered backoff, Retry-After first.
 */
export class WooCommerceRestClient {
  private readonly limiter: RequestRateLimiter;
  private readonly authorization: string;
  private readonly base: string;

  constructor(
    store: { storeUrl: string; consumerKey: string; consumerSecret: string },
    private readonly options: WooCommerceClientOptions = {},
  ) {
    this.base = `${store.storeUrl.replace(/\/+$/, '')}/wp-json/wc/v3`;
    this.authorization = `Basic ${Buffer.from(`${store.consumerKey}:${store.consumerSecret}`).toString('base64')}`;
    this.limiter = new RequestRateLimiter(
      options.requestsPerSecond ?? 5,
      options.burst ?? 10,
      Date.now,
      options.sleep,
    );
  }

  async request<T>(operation: string, request: WooCommerceRequest): Promise<WooCommerceResponse<T>> {
    const maxAttempts = this.options.maxAttempts ?? 6;
    const idempotent = request.idempotent ?? request.method !== 'POST';
    for (let attempt = 1; ; attempt++) {
      await this.limiter.acquire();
      let failure: WooCommerceApiError;
      try {
        return { ...(await this.send<T>(operation, request)), attempts: attempt };
      } catch (error) {
        failure =
          error instanceof WooCommerceApiError
            ? error
            : new WooCommerceApiError('transient', operation, String(error));
      }
      const retryable = failure.kind === 'throttled' || (failure.kind === 'transient' && idempotent);
      if (!retryable || attempt >= maxAttempts) {
        throw new WooCommerceApiError(failure.kind, operation, failure.message, {
          ...failure.details,
          attempts: attempt,
        });
      }
      if (failure.kind === 'throttled') this.limiter.drain();
      const delayMs =
        failure.details.retryAfterMs !== undefined
          ? Math.min(failure.details.retryAfterMs, this.options.maxRetryAfterMs ?? 60_000)
          : this.backoff(attempt);
      this.options.onRetry?.({ operation, kind: failure.kind, attempt, delayMs });
      await (this.options.sleep ?? ((ms: number) => new Promise((resolve) => setTimeout(resolve, ms))))(
        delayMs,
      );
    }
  }

  private async send<T>(
    operation: string,
    request: WooCommerceRequest,
  ): Promise<{ data: T; headers: Headers }> {
    const url = new URL(`${this.base}${request.path}`);
    for (const [key, value] of Object.entries(request.query ?? {}))
      if (value !== undefined) url.searchParams.set(key, String(value));
    let response: Response;
    try {
      response = await fetch(url, {
        method: request.method,
        headers: {
          authorization: this.authorization,
          accept: 'application/json',
          ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
      });
    } catch (error) {
      throw new WooCommerceApiError(
        'transient',
        operation,
        `no answer: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    const text = await response.text().catch(() => '');
    if (!response.ok) {
      const body = safeJson(text);
      const code = typeof body?.['code'] === 'string' ? body['code'] : undefined;
      const message = typeof body?.['message'] === 'string' ? body['message'] : `HTTP ${response.status}`;
      const status = response.status;
      if (status === 429) {
        const retryAfter = Number(response.headers.get('retry-after'));
        throw new WooCommerceApiError('throttled', operation, message, {
          status,
          code,
          retryAfterMs:
            response.headers.has('retry-after') && Number.isFinite(retryAfter) && retryAfter >= 0
              ? retryAfter * 1000
              : undefined,
        });
      }
      const kind: WooCommerceErrorKind = status >= 500 || status === 408 ? 'transient' : 'rejected';
      throw new WooCommerceApiError(
        kind,
        operation,
        `${message} (HTTP ${status}${code ? `, ${code}` : ''})`,
        { status, code },
      );
    }
    try {
      return { data: JSON.parse(text) as T, headers: response.headers };
    } catch {
      // A 200 with half a body: the call may have run (proxy cut it), so it counts as unknown outcome.
      throw new WooCommerceApiError('transient', operation, 'the answer is not valid JSON', {
        status: response.status,
      });
    }
  }

  private backoff(attempt: number): number {
    const ceiling = Math.min(
      this.options.maxDelayMs ?? 10_000,
      (this.options.baseDelayMs ?? 250) * 2 ** (attempt - 1),
    );
    const random = this.options.random ?? Math.random;
    return Math.round(ceiling / 2 + (random() * ceiling) / 2);
  }
}

function safeJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
