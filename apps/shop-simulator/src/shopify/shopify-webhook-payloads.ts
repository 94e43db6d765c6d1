import { offsetIso } from '../support/shop-time';
import { gid } from './shopify-admin-resolvers';
import type { ShopifyFulfillment, ShopifyOrder, ShopifyShop } from './shopify-shop';
import { must } from '../support/must';

/**
 * The order as Shopify's `orders/*` webhooks carry it: the REST Admin API's order resource (snake
 * case, numeric ids, timestamps in the shop's offset), buyer data included as Shopify sends it.
 */
export function orderWebhookPayload(shop: ShopifyShop, order: ShopifyOrder): Record<string, unknown> {
  const at = (ms: number | null) => (ms === null ? null : offsetIso(ms, shop.timezoneOffsetMinutes));
  const fulfillmentStatus = shop.displayFulfillmentStatus(order);
  return {
    id: order.id,
    admin_graphql_api_id: gid('Order', order.id),
    name: order.name,
    order_number: order.number,
    number: order.number - 1000,
    email: order.email,
    contact_email: order.email,
    created_at: at(order.createdAt),
    updated_at: at(order.updatedAt),
    processed_at: at(order.processedAt),
    cancelled_at: at(order.cancelledAt),
    cancel_reason: order.cancelReason,
    closed_at: at(order.closedAt),
    currency: order.currency,
    financial_status: order.financialStatus,
    fulfillment_status:
      fulfillmentStatus === 'FULFILLED'
        ? 'fulfilled'
        : fulfillmentStatus === 'PARTIALLY_FULFILLED'
          ? 'partial'
          : null,
    test: order.test,
    total_price: order.lineItems
      .reduce((sum, item) => sum + Number(item.price) * item.quantity, 0)
      .toFixed(2),
    customer: {
      id: order.id + 7,
      email: order.email,
      first_name: order.customerName.split(' ')[0],
      last_name: order.customerName.split(' ')[1] ?? '',
    },
    shipping_address: {
      first_name: order.customerName.split(' ')[0],
      last_name: order.customerName.split(' ')[1] ?? '',
      address1: 'Via Roma 1',
      city: 'Milano',
      zip: '20121',
      country_code: 'IT',
    },
    line_items: order.lineItems.map((item) => ({
      id: item.id,
      admin_graphql_api_id: gid('LineItem', item.id),
      variant_id: item.variantId,
      product_id: item.productId,
      sku: item.sku,
      name: item.name,
      title: item.name,
      quantity: item.quantity,
      current_quantity: item.currentQuantity,
      fulfillable_quantity:
        order.cancelledAt === null ? Math.max(0, item.currentQuantity - item.fulfilledQuantity) : 0,
      fulfillment_status:
        item.fulfilledQuantity === 0
          ? null
          : item.fulfilledQuantity >= item.currentQuantity
            ? 'fulfilled'
            : 'partial',
      price: item.price,
      requires_shipping: true,
    })),
    fulfillments: order.fulfillmentIds.map((id) =>
      fulfillmentPayload(shop, order, must(shop.fulfillments.get(id), `fulfillment ${id}`)),
    ),
  };
}

function fulfillmentPayload(
  shop: ShopifyShop,
  order: ShopifyOrder,
  fulfillment: ShopifyFulfillment,
): Record<string, unknown> {
  const tracking = fulfillment.tracking;
  return {
    id: fulfillment.id,
    admin_graphql_api_id: gid('Fulfillment', fulfillment.id),
    order_id: order.id,
    name: fulfillment.name,
    status: fulfillment.status.toLowerCase(),
    created_at: offsetIso(fulfillment.createdAt, shop.timezoneOffsetMinutes),
    updated_at: offsetIso(fulfillment.updatedAt, shop.timezoneOffsetMinutes),
    location_id: fulfillment.locationId,
    tracking_company: tracking[0]?.company ?? null,
    tracking_number: tracking[0]?.number ?? null,
    tracking_numbers: tracking.map((t) => t.number).filter((n): n is string => n !== null),
    tracking_url: tracking[0]?.url ?? null,
    tracking_urls: tracking.map((t) => t.url).filter((u): u is string => u !== null),
    line_items: fulfillment.lines.map((line) => {
      const item = must(
        order.lineItems.find((i) => i.id === line.lineItemId),
        `line item ${line.lineItemId}`,
      );
      return { id: item.id, sku: item.sku, quantity: line.quantity, variant_id: item.variantId };
    }),
  };
}
