import { WooCommerceRestClient, type WooCommerceClientOptions } from './client/woocommerce-rest-client';
import {
  WooCommerceFulfillmentsAdapter,
  type WooCommerceFulfillmentOptions,
} from './fulfillment/woocommerce-fulfillments.adapter';
import { WooCommerceInventoryAdapter } from './inventory/woocommerce-inventory.adapter';
import { WooCommerceOrdersAdapter } from './orders/woocommerce-orders.adapter';
import type { WooCommerceStoreCredentials } from './woocommerce-stores.config';

/** Everything Holdfast does with one WooCommerce store, sharing one client and one request pace. */
export interface WooCommerceChannel {
  accountId: string;
  storeUrl: string;
  /** Verify webhooks with these (current first). */
  webhookSecrets: readonly string[];
  orders: WooCommerceOrdersAdapter;
  inventory: WooCommerceInventoryAdapter;
  fulfillments: WooCommerceFulfillmentsAdapter;
  client: WooCommerceRestClient;
}

export interface WooCommerceChannelOptions {
  client?: Omit<WooCommerceClientOptions, 'requestsPerSecond' | 'burst'>;
  fulfillments?: WooCommerceFulfillmentOptions;
}

/**
 * Builds the adapters of one store. Build one channel per store per process and keep it (the pace
 * lives in the client); several replicas should not call one store at once (a lease per store).
 */
export function createWooCommerceChannel(
  store: WooCommerceStoreCredentials,
  options: WooCommerceChannelOptions = {},
): WooCommerceChannel {
  const client = new WooCommerceRestClient(store, {
    ...options.client,
    requestsPerSecond: store.requestsPerSecond,
    burst: store.burst,
  });
  return {
    accountId: store.accountId,
    storeUrl: store.storeUrl,
    webhookSecrets: store.webhookSecrets,
    orders: new WooCommerceOrdersAdapter(store.accountId, client),
    inventory: new WooCommerceInventoryAdapter(store.accountId, client),
    fulfillments: new WooCommerceFulfillmentsAdapter(store.accountId, client, options.fulfillments),
    client,
  };
}
