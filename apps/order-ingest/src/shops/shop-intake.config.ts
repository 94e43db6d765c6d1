import { loadConfig } from '@holdfast/platform';
import { z } from 'zod';

/** Injection token of the parsed ShopIntakeConfig. */
export const SHOP_INTAKE_CONFIG = Symbol('SHOP_INTAKE_CONFIG');

const positiveInt = (min: number, max: number, fallback: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

/**
 * Web shop order intake on top of order-ingest's own environment. The shops themselves come
 * from SHOPIFY_SHOPS(_FILE) and WOOCOMMERCE_STORES(_FILE), as @holdfast/channels-shopify and
 * @holdfast/channels-woocommerce define them.
 */
const ShopIntakeEnvSchema = z.object({
  /** Seconds between reconciliation runs of one shop (the safety net under the webhooks). */
  SHOP_RECONCILE_INTERVAL_SECONDS: positiveInt(1, 86_400, 300),
  /** Each run starts this far before the checkpoint: late writes and clock skew are read again. */
  SHOP_RECONCILE_OVERLAP_SECONDS: positiveInt(0, 86_400, 300),
  /** A shop's first run reaches this far back. */
  SHOP_RECONCILE_FIRST_LOOKBACK_MINUTES: positiveInt(1, 60 * 24 * 30, 60 * 24),
  /** Orders per listing page (Shopify takes up to 250, WooCommerce 100). */
  SHOP_RECONCILE_PAGE_SIZE: positiveInt(1, 250, 100),
  /** Delivery ids are kept this long to recognise replays (Shopify redelivers for 48 hours). */
  SHOP_WEBHOOK_DEDUPE_RETENTION_HOURS: positiveInt(48, 24 * 365, 24 * 7),
});

export interface ShopIntakeConfig {
  reconcileIntervalMs: number;
  reconcileOverlapMs: number;
  firstLookbackMs: number;
  pageSize: number;
  dedupeRetentionHours: number;
}

export function loadShopIntakeConfig(env: NodeJS.ProcessEnv = process.env): ShopIntakeConfig {
  const e = loadConfig(ShopIntakeEnvSchema, env);
  return {
    reconcileIntervalMs: e.SHOP_RECONCILE_INTERVAL_SECONDS * 1000,
    reconcileOverlapMs: e.SHOP_RECONCILE_OVERLAP_SECONDS * 1000,
    firstLookbackMs: e.SHOP_RECONCILE_FIRST_LOOKBACK_MINUTES * 60_000,
    pageSize: e.SHOP_RECONCILE_PAGE_SIZE,
    dedupeRetentionHours: e.SHOP_WEBHOOK_DEDUPE_RETENTION_HOURS,
  };
}
