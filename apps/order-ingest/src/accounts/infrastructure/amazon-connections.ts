import {
  clientOptionsFor,
  createSellingPartnerClient,
  SpApiAmazonOrders,
  SpApiCaller,
  SpApiRateLimiter,
  type AmazonAccountConfig,
  type AmazonOrders,
  type SpApiOperation,
} from '@holdfast/channels-amazon';
import { defineCounter } from '@holdfast/telemetry';
import { Inject, Injectable } from '@nestjs/common';
import { INGEST_CONFIG, type IngestConfig } from '../../config/ingest.config';
import { AccountNotConfiguredError } from '../domain/account.errors';

/** The accounts this process may call, read once at start (AMAZON_ACCOUNTS_FILE / AMAZON_ACCOUNTS). */
export const AMAZON_ACCOUNTS = Symbol('AMAZON_ACCOUNTS');

const throttledCalls = defineCounter<'operation'>({
  name: 'holdfast_order_ingest_throttled_calls_total',
  help: 'SP-API calls of order-ingest answered 429, by operation.',
  labelNames: ['operation'],
});

/**
 * The Amazon side of every account: one rate limiter for the whole process (polls,
 * catch-up runs and recoveries of an account spend the same budget), one client and
 * caller per account, built on first use so a missing secret only stops its own account.
 * Under SPAPI_TIME_SCALE (the simulator's time scale) the limiter's clock and the retry
 * backoff run as fast as the simulator's usage plans refill.
 */
@Injectable()
export class AmazonConnections {
  readonly limiter: SpApiRateLimiter;
  private readonly orders = new Map<string, AmazonOrders>();
  private readonly byId: Map<string, AmazonAccountConfig>;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    @Inject(INGEST_CONFIG) config: IngestConfig,
    @Inject(AMAZON_ACCOUNTS) accounts: AmazonAccountConfig[],
  ) {
    const scale = config.timeScale;
    const origin = Date.now();
    this.sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms / scale));
    this.limiter = new SpApiRateLimiter({
      overrides: config.usagePlans,
      now: scale === 1 ? Date.now : () => origin + (Date.now() - origin) * scale,
      sleep: this.sleep,
      // At the edge of the plan (a backlog of pages), latency jitter would otherwise let a
      // call reach Amazon just before its token: count time in flight as spent.
      settleOnResponse: true,
    });
    this.byId = new Map(accounts.map((a) => [a.accountId, a]));
  }

  get configured(): AmazonAccountConfig[] {
    return [...this.byId.values()];
  }

  isConfigured(accountId: string): boolean {
    return this.byId.has(accountId);
  }

  /** The limiter key: Amazon's plans are per selling partner and region, not per Holdfast account. */
  limiterKey(accountId: string): string {
    const account = this.require(accountId);
    return `${account.region}:${account.sellerId}`;
  }

  ordersFor(accountId: string): AmazonOrders {
    let orders = this.orders.get(accountId);
    if (!orders) {
      const account = this.require(accountId);
      const client = createSellingPartnerClient({
        ...clientOptionsFor(account),
        timeouts: { response: 30_000, deadline: 60_000 },
      });
      const caller = new SpApiCaller(client, this.limiterKey(accountId), this.limiter, { sleep: this.sleep });
      orders = new SpApiAmazonOrders(caller);
      this.orders.set(accountId, orders);
    }
    return orders;
  }

  /** 429s this process got for the account and operation (the limiter counts them). */
  throttles(accountId: string, operation: SpApiOperation): number {
    return this.byId.has(accountId) ? this.limiter.throttledCount(this.limiterKey(accountId), operation) : 0;
  }

  /** Counts throttles that happened since `before` into the Prometheus counter; returns how many. */
  recordThrottles(operation: SpApiOperation, before: number, after: number): number {
    const delta = Math.max(0, after - before);
    if (delta > 0) throttledCalls.inc({ operation }, delta);
    return delta;
  }

  private require(accountId: string): AmazonAccountConfig {
    const account = this.byId.get(accountId);
    if (!account) throw new AccountNotConfiguredError(accountId);
    return account;
  }
}
