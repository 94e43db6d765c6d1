import { utcIso } from '../support/shop-time';
import type { ShopifyOrder, ShopifyShop, ShopifyVariant } from '../shopify/shopify-shop';
import type { WooOrder, WooProduct, WooStore } from '../woocommerce/woo-store';
import { must } from '../support/must';

/** The WooCommerce Shipment Tracking extension's order meta key: where shipping plugins put tracking. */
export const WOO_TRACKING_META_KEY = '_wc_shipment_tracking_items';

export function shopifyInventoryView(shop: ShopifyShop, variant: ShopifyVariant) {
  return {
    sku: variant.sku,
    variantId: variant.id,
    variantGid: `gid://shopify/ProductVariant/${variant.id}`,
    inventoryItemId: variant.inventoryItemId,
    inventoryItemGid: `gid://shopify/InventoryItem/${variant.inventoryItemId}`,
    tracked: variant.tracked,
    levels: variant.levels.map((level) => ({
      locationId: level.locationId,
      locationGid: `gid://shopify/Location/${level.locationId}`,
      locationName: shop.requireLocation(level.locationId).name,
      available: level.available,
      committed: level.committed,
      onHand: level.available + level.committed,
      updatedAt: new Date(level.updatedAt).toISOString(),
    })),
  };
}

export function shopifyOrderView(shop: ShopifyShop, order: ShopifyOrder) {
  const status = shop.displayFulfillmentStatus(order);
  return {
    id: order.id,
    gid: `gid://shopify/Order/${order.id}`,
    name: order.name,
    financialStatus: order.financialStatus,
    cancelled: order.cancelledAt !== null,
    cancelledAt: order.cancelledAt === null ? null : utcIso(order.cancelledAt),
    fulfillmentStatus: status.toLowerCase(),
    createdAt: utcIso(order.createdAt),
    updatedAt: utcIso(order.updatedAt),
    lines: order.lineItems.map((item) => ({
      lineItemId: item.id,
      sku: item.sku,
      quantity: item.quantity,
      currentQuantity: item.currentQuantity,
      fulfilledQuantity: item.fulfilledQuantity,
    })),
    fulfillmentOrders: order.fulfillmentOrderIds.map((id) => {
      const fulfillmentOrder = must(shop.fulfillmentOrders.get(id), `fulfillment order ${id}`);
      return {
        id,
        gid: `gid://shopify/FulfillmentOrder/${id}`,
        status: fulfillmentOrder.status,
        locationId: fulfillmentOrder.locationId,
        lines: fulfillmentOrder.lineItems.map((line) => ({
          id: line.id,
          lineItemId: line.lineItemId,
          totalQuantity: line.totalQuantity,
          remainingQuantity: line.remainingQuantity,
        })),
      };
    }),
    fulfillments: order.fulfillmentIds.map((id) => shopifyFulfillmentView(shop, order, id)),
  };
}

export function shopifyFulfillmentView(shop: ShopifyShop, order: ShopifyOrder, fulfillmentId: number) {
  const fulfillment = must(shop.fulfillments.get(fulfillmentId), `fulfillment ${fulfillmentId}`);
  return {
    id: fulfillment.id,
    gid: `gid://shopify/Fulfillment/${fulfillment.id}`,
    orderId: order.id,
    orderName: order.name,
    status: fulfillment.status,
    createdAt: new Date(fulfillment.createdAt).toISOString(),
    notifyCustomer: fulfillment.notifyCustomer,
    tracking: fulfillment.tracking,
    lines: fulfillment.lines.map((line) => ({
      lineItemId: line.lineItemId,
      sku: order.lineItems.find((i) => i.id === line.lineItemId)?.sku ?? null,
      quantity: line.quantity,
    })),
  };
}

export function wooStockView(store: WooStore, product: WooProduct) {
  return {
    sku: product.sku,
    productId: product.type === 'variation' ? product.parentId : product.id,
    variationId: product.type === 'variation' ? product.id : null,
    type: product.type,
    manageStock: product.manageStock,
    stockQuantity: product.stockQuantity,
    modifiedAt: new Date(product.modifiedAt).toISOString(),
    store: store.storeId,
  };
}

export function wooOrderControlView(store: WooStore, order: WooOrder) {
  const tracking = order.metaData.find((m) => m.key === WOO_TRACKING_META_KEY)?.value;
  return {
    id: order.id,
    status: order.status,
    createdAt: new Date(order.createdAt).toISOString(),
    modifiedAt: new Date(order.modifiedAt).toISOString(),
    completedAt: order.completedAt === null ? null : new Date(order.completedAt).toISOString(),
    stockReduced: order.stockReduced,
    lines: order.lineItems.map((item) => ({
      lineItemId: item.id,
      sku: item.sku,
      quantity: item.quantity,
      productId: item.productId,
      variationId: item.variationId,
    })),
    trackingItems: Array.isArray(tracking) ? tracking : [],
    notes: order.notes.map((note) => ({
      id: note.id,
      note: note.note,
      customerNote: note.customerNote,
      addedByUser: note.addedByUser,
      createdAt: new Date(note.dateCreated).toISOString(),
    })),
    metaData: order.metaData,
    store: store.storeId,
  };
}
