import { loadConfig } from '@holdfast/platform';
import { z } from 'zod';

const ms = (fallback: number, min = 0) => z.coerce.number().int().min(min).default(fallback);
const flag = (fallback: 'true' | 'false') =>
  z
    .enum(['true', 'false'])
    .default(fallback)
    .transform((v) => v === 'true');

/**
 * The notifier's own settings (the common ones are the runtime's). Defaults suit production;
 * tests shorten the delays. Every variable may come from `<NAME>_FILE`.
 */
export const NotifierSettingsSchema = z.object({
  /** Off: this replica serves the API only and never calls a channel. */
  SHIPMENT_SENDER_ENABLED: flag('true'),
  /** How often the sender looks for due packages and renews its account leases. */
  SHIPMENT_SENDER_POLL_MS: ms(1_000, 10),
  /** An account's lease lasts this long unless renewed; a crashed holder's expires. */
  SHIPMENT_LEASE_TTL_MS: ms(30_000, 1_000),
  /** First delay after a 5xx/timeout/throttle, doubled per attempt (with jitter), capped. */
  SHIPMENT_RETRY_BASE_MS: ms(5_000, 10),
  SHIPMENT_RETRY_MAX_MS: ms(600_000, 10),
  /** Attempts (calls whose outcome may have taken effect) before a package is failed. */
  SHIPMENT_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(8),
  /**
   * A package whose attempt is this old without an outcome belongs to a crashed or stalled
   * sender: it is reconciled with the channel before anything is sent again. Keep it above
   * the longest a single call can take (timeout × throttle retries).
   */
  SHIPMENT_INFLIGHT_GRACE_MS: ms(300_000, 100),
  /** Shopify and WooCommerce clients: first backoff of their own retries (throttled answers, reads), doubled, jittered, capped at 10 s. */
  SHOP_RETRY_BASE_MS: ms(250, 1),
  /** Per SP-API call: first byte and whole response (and per WooCommerce request). */
  SHIPMENT_CALL_TIMEOUT_MS: ms(30_000, 100),
  /** When to re-read the order after a confirmation to check Amazon applied it. 0 = never. */
  SHIPMENT_VERIFY_AFTER_MS: ms(900_000),
  /** How far in the future a ship date may be (a manifest prepared before the pickup). */
  SHIPMENT_SHIP_DATE_MAX_FUTURE_MS: ms(86_400_000),
  /** Usage plan overrides for this service's SP-API calls: `confirmShipment=2/10,getOrder=0.5/30`. */
  SPAPI_USAGE_PLANS: z.string().optional(),
  /** SpApiCaller: first backoff after a 429, in ms (doubled, jittered, capped at 60 s). */
  SPAPI_THROTTLE_BASE_MS: ms(1_000, 1),
  /**
   * Fault injection for crash tests only, never in production: `true` kills the process
   * with SIGKILL after a channel accepted a confirmation and before the outcome commits.
   */
  FAULT_KILL_AFTER_CHANNEL_CONFIRM: flag('false'),
});

export type NotifierSettings = z.output<typeof NotifierSettingsSchema>;

export const NOTIFIER_SETTINGS = Symbol('NOTIFIER_SETTINGS');

export function loadNotifierSettings(env: NodeJS.ProcessEnv = process.env): NotifierSettings {
  return loadConfig(NotifierSettingsSchema, env);
}
