import type { ListingChange, SimListing } from '../listings/listing';
import { listingQuantity } from '../listings/listing';
import type { ShipmentPackage, SimOrder } from '../orders/order';

const iso = (ms: number) => new Date(ms).toISOString();

/** The whole order as the simulator holds it, personal data included (this is the operator's view). */
export function orderControlView(order: SimOrder): Record<string, unknown> {
  return {
    orderId: order.orderId,
    sellerId: order.sellerId,
    sellerOrderId: order.sellerOrderId ?? null,
    marketplaceId: order.marketplaceId,
    fulfilledBy: order.fulfilledBy,
    status: order.status,
    createdTime: iso(order.createdTime),
    lastUpdatedTime: iso(order.lastUpdatedTime),
    visibleAt: iso(order.visibleAt),
    paymentAuthorized: order.paymentAuthorized,
    buyer: order.buyer,
    deliveryAddress: order.deliveryAddress,
    items: order.lines.map((line) => ({ ...line })),
    packages: order.packages.map(shipmentView),
    history: order.history.map((change) => ({ ...change, at: iso(change.at) })),
  };
}

export function shipmentView(pkg: ShipmentPackage): Record<string, unknown> {
  return { ...pkg, receivedAt: iso(pkg.receivedAt) };
}

export function listingControlView(listing: SimListing, pendingPatches: number): Record<string, unknown> {
  return {
    sellerId: listing.sellerId,
    sku: listing.sku,
    productType: listing.productType,
    asin: listing.asin,
    marketplaceIds: listing.marketplaceIds,
    fulfillmentChannelCode: listing.fulfillmentChannelCode,
    quantity: listingQuantity(listing),
    attributes: listing.attributes,
    pendingPatches,
    createdAt: iso(listing.createdAt),
    updatedAt: iso(listing.updatedAt),
    history: listing.history.map(changeView),
  };
}

/** The quantity changes of one listing, oldest first (`sequence` orders them across listings). */
export function listingHistoryView(listing: SimListing): Record<string, unknown> {
  return { sellerId: listing.sellerId, sku: listing.sku, changes: listing.history.map(changeView) };
}

function changeView(change: ListingChange): Record<string, unknown> {
  return { ...change, receivedAt: iso(change.receivedAt), appliedAt: iso(change.appliedAt) };
}
