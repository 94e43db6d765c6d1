import type { CarrierList } from './carrier-list';
import { moveOrder, unitsOrdered, unitsShipped, type ShipmentPackage, type SimOrder } from './order';

/** The confirmShipment body (ordersV0 ConfirmShipmentRequest), already schema-validated. */
export interface ConfirmShipmentBody {
  marketplaceId: string;
  packageDetail: {
    packageReferenceId: string;
    carrierCode: string;
    carrierName?: string;
    shippingMethod?: string;
    trackingNumber: string;
    shipDate: string;
    orderItems: { orderItemId: string; quantity: number }[];
  };
}

export type ShipmentOutcome =
  { accepted: true; package: ShipmentPackage } | { accepted: false; reason: string };

/**
 * One package of a merchant-fulfilled order, checked the way Amazon refuses a confirmation: carrier
 * code on the list ("Other" needs a name), a positive numeric packageReferenceId not used before in
 * the order, known order items and no more units than remain unshipped. An accepted package moves the
 * order to PARTIALLY_SHIPPED or SHIPPED.
 */
export function confirmShipment(
  order: SimOrder,
  body: ConfirmShipmentBody,
  carriers: CarrierList,
  at: number,
  dropSilently: boolean,
): ShipmentOutcome {
  const detail = body.packageDetail;
  const refuse = (reason: string): ShipmentOutcome => ({ accepted: false, reason });

  if (body.marketplaceId !== order.marketplaceId) {
    return refuse(`marketplaceId ${body.marketplaceId} does not match the order's marketplace`);
  }
  if (order.fulfilledBy !== 'MERCHANT') return refuse(`order ${order.orderId} is fulfilled by Amazon`);
  if (order.status !== 'UNSHIPPED' && order.status !== 'PARTIALLY_SHIPPED') {
    return refuse(`order ${order.orderId} is ${order.status} and cannot be confirmed`);
  }
  if (!/^[1-9]\d*$/.test(detail.packageReferenceId)) {
    return refuse('packageReferenceId must be a positive numeric value');
  }
  if (order.packages.some((p) => !p.dropped && p.packageReferenceId === detail.packageReferenceId)) {
    return refuse(`packageReferenceId ${detail.packageReferenceId} was already confirmed for this order`);
  }
  const carrierProblem = carriers.check(order.marketplaceId, detail.carrierCode, detail.carrierName);
  if (carrierProblem) return refuse(carrierProblem);
  if (detail.trackingNumber.trim() === '') return refuse('trackingNumber must not be empty');
  if (detail.orderItems.length === 0) return refuse('orderItems must not be empty');

  const requested = new Map<string, number>();
  for (const item of detail.orderItems) {
    if (!Number.isInteger(item.quantity) || item.quantity < 1) {
      return refuse(`quantity for order item ${item.orderItemId} must be a positive integer`);
    }
    requested.set(item.orderItemId, (requested.get(item.orderItemId) ?? 0) + item.quantity);
  }
  for (const [orderItemId, quantity] of requested) {
    const line = order.lines.find((l) => l.orderItemId === orderItemId);
    if (!line) return refuse(`order item ${orderItemId} is not part of order ${order.orderId}`);
    const remaining = line.quantityOrdered - line.quantityShipped;
    if (quantity > remaining) {
      return refuse(
        `quantity ${quantity} for order item ${orderItemId} exceeds the ${remaining} unit(s) not yet shipped`,
      );
    }
  }

  const recorded: ShipmentPackage = {
    orderId: order.orderId,
    marketplaceId: body.marketplaceId,
    packageReferenceId: detail.packageReferenceId,
    carrierCode: detail.carrierCode,
    trackingNumber: detail.trackingNumber,
    shipDate: detail.shipDate,
    items: [...requested].map(([orderItemId, quantity]) => ({ orderItemId, quantity })),
    receivedAt: at,
    dropped: dropSilently,
  };
  if (detail.carrierName !== undefined) recorded.carrierName = detail.carrierName;
  if (detail.shippingMethod !== undefined) recorded.shippingMethod = detail.shippingMethod;
  order.packages.push(recorded);
  if (dropSilently) return { accepted: true, package: recorded };

  for (const [orderItemId, quantity] of requested) {
    const line = order.lines.find((l) => l.orderItemId === orderItemId);
    if (line) line.quantityShipped += quantity;
  }
  moveOrder(
    order,
    unitsShipped(order) === unitsOrdered(order) ? 'SHIPPED' : 'PARTIALLY_SHIPPED',
    at,
    'confirmShipment',
  );
  return { accepted: true, package: recorded };
}
