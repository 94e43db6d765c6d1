export * from '@holdfast/channels-web-shop';
export * from './secret-ref';
export * from './woocommerce-stores.config';
export * from './client/woocommerce-rest-client';
export * from './webhooks/woocommerce-webhook.verifier';
/** The same first filter as every web shop's (kept under its earlier name). */
export { RecentDeliveries as WooCommerceRecentDeliveries } from '@holdfast/channels-web-shop';
export * from './orders/woocommerce-order-snapshot.mapper';
export * from './orders/woocommerce-orders.adapter';
export * from './inventory/woocommerce-inventory.adapter';
export * from './fulfillment/woocommerce-fulfillments.adapter';
export * from './woocommerce-channel';
