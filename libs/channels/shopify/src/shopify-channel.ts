import { createShopifyAdminClient, type ShopifyClientLogger } from './client/shopify-admin-client.factory';
import { ShopifyGraphqlCaller, type ShopifyCallerOptions } from './client/shopify-graphql-caller';
import { ShopifyFulfillmentsAdapter } from './fulfillment/shopify-fulfillments.adapter';
import { ShopifyInventoryAdapter } from './inventory/shopify-inventory.adapter';
import { ShopifyOrdersAdapter } from './orders/shopify-orders.adapter';
import type { ShopifyShopCredentials } from './shopify-shops.config';

/** Everything Holdfast does with one Shopify shop, sharing one client and one cost bucket. */
export interface ShopifyChannel {
  accountId: string;
  shopDomain: string;
  /** Verify webhooks with these (current first). */
  webhookSecrets: readonly string[];
  orders: ShopifyOrdersAdapter;
  inventory: ShopifyInventoryAdapter;
  fulfillments: ShopifyFulfillmentsAdapter;
  caller: ShopifyGraphqlCaller;
}

export interface ShopifyChannelOptions {
  logger?: ShopifyClientLogger;
  caller?: ShopifyCallerOptions;
  inventoryBatchSize?: number;
}

/**
 * Builds the adapters of one shop. One process should build one channel per shop and keep it: the
 * cost bucket mirror lives in the caller, and several replicas should not call one shop at once
 * (hold a lease per shop, as for Amazon accounts).
 */
export function createShopifyChannel(
  shop: ShopifyShopCredentials,
  options: ShopifyChannelOptions = {},
): ShopifyChannel {
  const client = createShopifyAdminClient(shop, options.logger);
  const caller = new ShopifyGraphqlCaller(client.graphql, options.caller);
  return {
    accountId: shop.accountId,
    shopDomain: shop.shopDomain,
    webhookSecrets: shop.webhookSecrets,
    orders: new ShopifyOrdersAdapter(shop.accountId, caller),
    inventory: new ShopifyInventoryAdapter(shop.accountId, caller, {
      locationId: shop.locationId,
      batchSize: options.inventoryBatchSize,
    }),
    fulfillments: new ShopifyFulfillmentsAdapter(shop.accountId, caller, {
      notifyCustomer: shop.notifyCustomer,
      carrierAliases: shop.carrierAliases,
    }),
    caller,
  };
}
