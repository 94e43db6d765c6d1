import {
  createShopifyChannel,
  loadShopifyShops,
  ShopifyApiError,
  shopifyCredentialsFor,
  type ShopifyShopConfig,
} from '@holdfast/channels-shopify';
import {
  createWooCommerceChannel,
  loadWooCommerceStores,
  WooCommerceApiError,
  wooCommerceCredentialsFor,
  type WooCommerceStoreConfig,
} from '@holdfast/channels-woocommerce';
import { Logger } from '@nestjs/common';
import type { PublisherSettings } from '../../config/publisher.settings';
import { channelCalls } from '../publishing.metrics';
import { WebShopChannelPublisher, type ShopCallFailure } from './web-shop-channel-publisher';

/** Shopify takes SKUs of up to 255 characters; WooCommerce stores them as post meta (no limit below the listing's 200). */
const SHOPIFY_SKU_MAX_LENGTH = 255;
const WOOCOMMERCE_SKU_MAX_LENGTH = 200;

const logger = new Logger('WebShopChannels');

/**
 * The Shopify and WooCommerce publishers of this process, from SHOPIFY_SHOPS(_FILE) and
 * WOOCOMMERCE_STORES(_FILE) (the channel libraries read and validate those, and the secrets
 * they reference, here at start). One client per shop, kept for the life of the process: it
 * holds the shop's throttle (Shopify's cost-bucket mirror, WooCommerce's request pace), which
 * every call to that shop goes through. Channels without a configured shop publish nothing.
 */
export function buildWebShopPublishers(
  settings: PublisherSettings,
  env: NodeJS.ProcessEnv = process.env,
): WebShopChannelPublisher[] {
  const shops = loadShopifyShops(env);
  const stores = loadWooCommerceStores(env);
  const common = {
    maxItems: settings.SHOP_PUBLISH_BATCH,
    quietMs: settings.PUBLISH_QUIET_MS,
    worthWaitingMs: settings.PUBLISH_SHOP_MAX_WAIT_MS,
    uncertainHoldMs: settings.SHOP_UNCERTAIN_HOLD_MS,
  };
  return [
    new WebShopChannelPublisher({
      ...common,
      channel: 'shopify',
      targets: shops.map((shop) => shopifyTarget(shop, settings, env)),
      maxSkuLength: SHOPIFY_SKU_MAX_LENGTH,
      classify: classifyShopifyError,
    }),
    new WebShopChannelPublisher({
      ...common,
      channel: 'woocommerce',
      targets: stores.map((store) => wooCommerceTarget(store, settings, env)),
      maxSkuLength: WOOCOMMERCE_SKU_MAX_LENGTH,
      classify: classifyWooCommerceError,
    }),
  ];
}

function shopifyTarget(shop: ShopifyShopConfig, settings: PublisherSettings, env: NodeJS.ProcessEnv) {
  const channel = createShopifyChannel(shopifyCredentialsFor(shop, env), {
    logger: {
      warn: (object, message) => logger.warn(`${shop.accountId}: ${message} ${JSON.stringify(object)}`),
      error: (object, message) => logger.error(`${shop.accountId}: ${message} ${JSON.stringify(object)}`),
    },
    caller: {
      maxAttempts: settings.SHOP_MAX_ATTEMPTS,
      baseDelayMs: settings.SHOP_RETRY_BASE_MS,
      onRetry: ({ operation, kind }) => channelCalls.inc({ channel: 'shopify', operation, outcome: kind }),
    },
  });
  return channel.inventory;
}

function wooCommerceTarget(
  store: WooCommerceStoreConfig,
  settings: PublisherSettings,
  env: NodeJS.ProcessEnv,
) {
  const channel = createWooCommerceChannel(wooCommerceCredentialsFor(store, env), {
    client: {
      maxAttempts: settings.SHOP_MAX_ATTEMPTS,
      baseDelayMs: settings.SHOP_RETRY_BASE_MS,
      onRetry: ({ operation, kind }) =>
        channelCalls.inc({ channel: 'woocommerce', operation, outcome: kind }),
    },
  });
  return channel.inventory;
}

export function classifyShopifyError(error: unknown): ShopCallFailure {
  if (error instanceof ShopifyApiError)
    return { kind: error.kind, code: codeOf(error.kind, error.details), message: error.message };
  return {
    kind: 'unknown',
    code: 'InternalError',
    message: error instanceof Error ? error.message : String(error),
  };
}

export function classifyWooCommerceError(error: unknown): ShopCallFailure {
  if (error instanceof WooCommerceApiError)
    return { kind: error.kind, code: codeOf(error.kind, error.details), message: error.message };
  return {
    kind: 'unknown',
    code: 'InternalError',
    message: error instanceof Error ? error.message : String(error),
  };
}

/** A stable code for operators: the shop's own when it gave one (THROTTLED, woocommerce_rest_…), else the kind and status. */
function codeOf(kind: string, details: { status?: number; code?: string }): string {
  if (details.code) return details.code;
  // A call that failed with a 2xx status had an answer that could not be read (WooCommerce's
  // client files it as transient, to retry it): the shop was there, it was not unavailable.
  if (details.status !== undefined && details.status >= 200 && details.status < 300) return 'MalformedAnswer';
  const name =
    {
      throttled: 'Throttled',
      transient: 'ShopUnavailable',
      rejected: 'Rejected',
      malformed: 'MalformedAnswer',
    }[kind] ?? 'ShopError';
  return details.status ? `${name}:${details.status}` : name;
}
