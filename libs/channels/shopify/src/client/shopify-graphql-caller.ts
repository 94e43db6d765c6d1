import {
  GraphqlQueryError,
  HttpInternalError,
  HttpRequestError,
  HttpResponseError,
  HttpThrottlingError,
} from '@shopify/shopify-api';
import type { ShopifyGraphqlTransport } from './shopify-admin-client.factory';
import { ShopifyCostLimiter, type ShopifyThrottleStatus } from './shopify-cost-limiter';

/**
 * throttled: THROTTLED or 429, retried after the bucket refills. transient: 5xx, network errors,
 * retried (for non-idempotent calls the caller must first find out whether the call took effect).
 * rejected: the request is wrong (validation, 4xx, MAX_COST_EXCEEDED); retrying cannot help.
 * malformed: the answer could not be read.
 */
export type ShopifyErrorKind = 'throttled' | 'transient' | 'rejected' | 'malformed';

export class ShopifyApiError extends Error {
  override readonly name = 'ShopifyApiError';

  constructor(
    readonly kind: ShopifyErrorKind,
    readonly operation: string,
    message: string,
    readonly details: { status?: number; code?: string; attempts?: number } = {},
  ) {
    super(message);
  }

  /** True when a non-idempotent call may have taken effect although it failed. */
  get outcomeUnknown(): boolean {
    return this.kind === 'transient';
  }
}

export interface QueryCost {
  requestedQueryCost: number;
  actualQueryCost: number | null;
  throttleStatus?: ShopifyThrottleStatus;
}

export interface ShopifyCallResult<T> {
  data: T;
  cost?: QueryCost;
  attempts: number;
}

export interface ShopifyCallOptions {
  /** The points to wait for before sending; learned per operation from Shopify's answers. */
  estimatedCost: number;
  /** false: a 5xx or network error is not retried blindly; the adapter checks the state first. */
  idempotent?: boolean;
  variables?: Record<string, unknown>;
}

export interface ShopifyCallerOptions {
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Called on every retry: metrics and logs. */
  onRetry?: (event: { operation: string; kind: ShopifyErrorKind; attempt: number; delayMs: number }) => void;
}

/**
 * Every Admin API call of one shop goes through here: wait for the cost in the shop's bucket,
 * call through the official client (its retries off), learn from `extensions.cost`, classify a
 * failure and retry what can be retried, with capped jittered backoff (THROTTLED waits exactly as
 * long as the bucket needs to refill).
 */
export class ShopifyGraphqlCaller {
  readonly limiter: ShopifyCostLimiter;
  private readonly learnedCost = new Map<string, number>();
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(
    private readonly transport: ShopifyGraphqlTransport,
    private readonly options: ShopifyCallerOptions & { limiter?: ShopifyCostLimiter } = {},
  ) {
    this.limiter = options.limiter ?? new ShopifyCostLimiter();
    this.maxAttempts = options.maxAttempts ?? 6;
    this.baseDelayMs = options.baseDelayMs ?? 250;
    this.maxDelayMs = options.maxDelayMs ?? 10_000;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
  }

  async request<T>(
    operation: string,
    query: string,
    options: ShopifyCallOptions,
  ): Promise<ShopifyCallResult<T>> {
    const idempotent = options.idempotent ?? true;
    for (let attempt = 1; ; attempt++) {
      const estimate = this.learnedCost.get(operation) ?? options.estimatedCost;
      await this.limiter.acquire(estimate);
      let failure: ShopifyApiError;
      let waitMs: number | undefined;
      try {
        const response = await this.transport.request(query, { variables: options.variables });
        const cost = costOf(response.extensions);
        this.learn(operation, estimate, cost);
        if (response.data === undefined || response.data === null) {
          throw new ShopifyApiError('malformed', operation, 'the answer has no data');
        }
        return { data: response.data as T, cost, attempts: attempt };
      } catch (error) {
        const classified = classify(operation, error);
        failure = classified.error;
        if (classified.cost) this.learn(operation, estimate, classified.cost);
        if (failure.kind === 'throttled') {
          const requested = classified.cost?.requestedQueryCost ?? estimate;
          waitMs = Math.max(classified.retryAfterMs ?? 0, this.limiter.waitFor(requested));
        }
      }
      const retryable = failure.kind === 'throttled' || (failure.kind === 'transient' && idempotent);
      if (!retryable || attempt >= this.maxAttempts) {
        throw new ShopifyApiError(failure.kind, operation, failure.message, {
          ...failure.details,
          attempts: attempt,
        });
      }
      const delayMs = waitMs ?? this.backoff(attempt);
      this.options.onRetry?.({ operation, kind: failure.kind, attempt, delayMs });
      await this.sleep(delayMs);
    }
  }

  private learn(operation: string, estimate: number, cost: QueryCost | undefined): void {
    if (!cost) return;
    this.limiter.observe(cost.throttleStatus);
    // The bucket charged `requested` and refunded the rest: the mirror already holds the refund
    // through throttleStatus; remember the requested cost for the next estimate.
    if (cost.requestedQueryCost !== estimate) this.learnedCost.set(operation, cost.requestedQueryCost);
  }

  private backoff(attempt: number): number {
    const ceiling = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (attempt - 1));
    return Math.round(ceiling / 2 + (this.random() * ceiling) / 2);
  }
}

function classify(
  operation: string,
  error: unknown,
): { error: ShopifyApiError; cost?: QueryCost; retryAfterMs?: number } {
  if (error instanceof ShopifyApiError) return { error };
  if (error instanceof GraphqlQueryError) {
    const body = record(error.body);
    const cost = costOf(body['extensions']);
    const graphQLErrors = graphqlErrorsOf(body['errors']);
    const codes = graphQLErrors.map((e) => code(e)).filter((c): c is string => c !== undefined);
    const message =
      graphQLErrors
        .map((e) => (typeof e['message'] === 'string' ? e['message'] : 'GraphQL error'))
        .join('; ') || error.message;
    if (codes.includes('THROTTLED')) {
      return { error: new ShopifyApiError('throttled', operation, message, { code: 'THROTTLED' }), cost };
    }
    if (codes.includes('INTERNAL_SERVER_ERROR')) {
      return {
        error: new ShopifyApiError('transient', operation, message, { code: 'INTERNAL_SERVER_ERROR' }),
        cost,
      };
    }
    return { error: new ShopifyApiError('rejected', operation, message, { code: codes[0] }), cost };
  }
  if (error instanceof HttpThrottlingError) {
    const retryAfter = error.response.retryAfter;
    return {
      error: new ShopifyApiError('throttled', operation, error.message, { status: 429 }),
      retryAfterMs: retryAfter === undefined ? undefined : retryAfter * 1000,
    };
  }
  if (error instanceof HttpInternalError) {
    return { error: new ShopifyApiError('transient', operation, error.message, { status: statusOf(error) }) };
  }
  if (error instanceof HttpResponseError) {
    const status = statusOf(error);
    // The library reports a 2xx it could not parse (a body cut short) as an error response: the
    // call was handled and may have taken effect, so it is unreadable, not refused.
    if (status !== undefined && status >= 200 && status < 300) {
      return {
        error: new ShopifyApiError(
          'malformed',
          operation,
          `the answer could not be read (HTTP ${status}): ${unreadableReason(error) ?? error.message}`,
        ),
      };
    }
    const kind: ShopifyErrorKind = status === 408 || status === 429 ? 'transient' : 'rejected';
    return { error: new ShopifyApiError(kind, operation, error.message, { status }) };
  }
  if (error instanceof HttpRequestError) {
    // No answer at all (connection reset, timeout): the call may or may not have run.
    return { error: new ShopifyApiError('transient', operation, error.message) };
  }
  if (error instanceof SyntaxError)
    return { error: new ShopifyApiError('malformed', operation, error.message) };
  return {
    error: new ShopifyApiError(
      'transient',
      operation,
      error instanceof Error ? error.message : String(error),
    ),
  };
}

/** Why the library could not read a body: the client's own message (`Unexpected end of JSON input`). */
function unreadableReason(error: { response: unknown }): string | undefined {
  const message = record(record(record(error.response)['body'])['errors'])['message'];
  return typeof message === 'string' ? message : undefined;
}

function statusOf(error: { response: unknown }): number | undefined {
  const status: unknown = record(error.response)['code'];
  return typeof status === 'number' ? status : undefined;
}

function costOf(extensions: unknown): QueryCost | undefined {
  const cost = record(record(extensions)['cost']);
  const requested = cost['requestedQueryCost'];
  if (typeof requested !== 'number') return undefined;
  const status = record(cost['throttleStatus']);
  const throttleStatus =
    typeof status['maximumAvailable'] === 'number' &&
    typeof status['currentlyAvailable'] === 'number' &&
    typeof status['restoreRate'] === 'number'
      ? {
          maximumAvailable: status['maximumAvailable'],
          currentlyAvailable: status['currentlyAvailable'],
          restoreRate: status['restoreRate'],
        }
      : undefined;
  const actual = cost['actualQueryCost'];
  return {
    requestedQueryCost: requested,
    actualQueryCost: typeof actual === 'number' ? actual : null,
    throttleStatus,
  };
}

function graphqlErrorsOf(errors: unknown): Record<string, unknown>[] {
  const list = record(errors)['graphQLErrors'];
  return Array.isArray(list) ? list.map(record) : [];
}

function code(error: Record<string, unknown>): string | undefined {
  const value = record(error['extensions'])['code'];
  return typeof value === 'string' ? value : undefined;
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}
