import { parseUsagePlanOverrides, type SpApiOperation, type UsagePlan } from '@holdfast/channels-amazon';
import { loadConfig } from '@holdfast/platform';
import { z } from 'zod';

/** The Postgres schema this service owns. */
export const INGEST_SCHEMA = 'order_ingest';
export const SERVICE_NAME = 'order-ingest';

/** Injection token of the parsed IngestConfig. */
export const INGEST_CONFIG = Symbol('INGEST_CONFIG');

const positiveInt = (min: number, max: number, fallback: number) => z.coerce.number().int().min(min).max(max).default(fallback);

/**
 * order-ingest's own environment, on top of the runtime's (DATABASE_URL, AMQP_URL, …).
 * Every variable may come from `<NAME>_FILE` (a mounted secret). Amazon accounts come from
 * AMAZON_ACCOUNTS_FILE / AMAZON_ACCOUNTS (see @holdfast/channels-amazon), their options
 * from the database (HTTP API).
 */
const IngestEnvSchema = z.object({
  /**
   * 32 bytes, base64 or 64 hex digits: the AES-256-GCM key for buyer data at rest. Unset:
   * buyer data is never stored (orders are still imported; the ERP gets no address from us).
   */
  PII_ENCRYPTION_KEY: z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined) return undefined;
      const key = /^[0-9a-f]{64}$/i.test(value) ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64');
      if (key.length !== 32) {
        ctx.addIssue({ code: 'custom', message: 'must be 32 bytes, as base64 or 64 hex digits' });
        return z.NEVER;
      }
      return key;
    }),
  /** Days after delivery that buyer data is kept (Amazon's Data Protection Policy: at most 30). */
  PII_RETENTION_DAYS: positiveInt(0, 30, 30),
  /** How often the background loop of each account looks for due work (polls, runs, recoveries). */
  ORDER_INGEST_TICK_MS: positiveInt(50, 60_000, 1_000),
  /** Lease on an account: the holder renews every third of it; a crashed holder's lease is taken over after it. */
  ORDER_INGEST_LEASE_TTL_MS: positiveInt(1_000, 600_000, 30_000),
  /** Orders per searchOrders page (Amazon's maximum, 100, costs the fewest calls). */
  ORDER_INGEST_PAGE_SIZE: positiveInt(1, 100, 100),
  /** A new account's first poll starts this far back (later polls start at the checkpoint). */
  ORDER_INGEST_FIRST_POLL_LOOKBACK_MINUTES: positiveInt(1, 60 * 24 * 30, 60 * 24),
  /** How often buyer data past its retention is purged (any replica; the purge is idempotent). */
  ORDER_INGEST_PURGE_INTERVAL_MS: positiveInt(1_000, 86_400_000, 3_600_000),
  /** Run the pollers and schedulers in this process (false: HTTP API only). */
  ORDER_INGEST_WORKERS: z.enum(['true', 'false']).default('true'),
  /** getOrder re-reads per page done at once at most (the limiter paces them anyway). */
  ORDER_INGEST_REREAD_CONCURRENCY: positiveInt(1, 32, 4),
  /** `searchOrders=0.0167/20,getOrder=1/30`: the seller's real usage plans, when above the defaults. */
  SPAPI_USAGE_PLANS: z
    .string()
    .optional()
    .transform((value, ctx) => {
      try {
        return parseUsagePlanOverrides(value);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
    }),
  /**
   * For the SP-API simulator only (its SIM_TIME_SCALE): Amazon's durations (the two-minute
   * data lag, usage-plan refill) run this many times faster. Refused without SPAPI_ENDPOINT.
   */
  SPAPI_TIME_SCALE: z.coerce.number().positive().max(10_000).default(1),
  /** Orders show in searches about two minutes after they change; `lastUpdatedBefore` keeps this far from now. */
  SPAPI_DATA_LAG_SECONDS: positiveInt(120, 3_600, 120),
  /** Extra distance from now, for clock skew between us and Amazon (Amazon rejects a `before` too close to its now). */
  SPAPI_CLOCK_SKEW_MARGIN_SECONDS: positiveInt(0, 600, 10),
  SPAPI_ENDPOINT: z.string().optional(),
});

export interface IngestConfig {
  piiKey: Buffer | undefined;
  piiRetentionDays: number;
  tickMs: number;
  leaseTtlMs: number;
  pageSize: number;
  firstPollLookbackMs: number;
  purgeIntervalMs: number;
  workers: boolean;
  rereadConcurrency: number;
  usagePlans: Partial<Record<SpApiOperation, UsagePlan>>;
  /** Amazon time runs this many times faster than ours (1 against real Amazon). */
  timeScale: number;
  /** Real milliseconds between now and the newest `before` a search may ask for. */
  searchLagMs: number;
}

export function loadIngestConfig(env: NodeJS.ProcessEnv = process.env): IngestConfig {
  const e = loadConfig(IngestEnvSchema, env);
  if (e.SPAPI_TIME_SCALE !== 1 && !e.SPAPI_ENDPOINT?.trim()) {
    throw new Error('SPAPI_TIME_SCALE is for the SP-API simulator: it needs SPAPI_ENDPOINT (never real Amazon)');
  }
  return {
    piiKey: e.PII_ENCRYPTION_KEY,
    piiRetentionDays: e.PII_RETENTION_DAYS,
    tickMs: e.ORDER_INGEST_TICK_MS,
    leaseTtlMs: e.ORDER_INGEST_LEASE_TTL_MS,
    pageSize: e.ORDER_INGEST_PAGE_SIZE,
    firstPollLookbackMs: e.ORDER_INGEST_FIRST_POLL_LOOKBACK_MINUTES * 60_000,
    purgeIntervalMs: e.ORDER_INGEST_PURGE_INTERVAL_MS,
    workers: e.ORDER_INGEST_WORKERS === 'true',
    rereadConcurrency: e.ORDER_INGEST_REREAD_CONCURRENCY,
    usagePlans: e.SPAPI_USAGE_PLANS,
    timeScale: e.SPAPI_TIME_SCALE,
    searchLagMs: ((e.SPAPI_DATA_LAG_SECONDS + e.SPAPI_CLOCK_SKEW_MARGIN_SECONDS) * 1000) / e.SPAPI_TIME_SCALE,
  };
}
