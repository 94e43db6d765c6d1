/**
 * A simulated Amazon order: the state behind the Orders API views. Times are epoch milliseconds at
 * whole seconds, as Amazon reports them.
 */
export const FULFILLMENT_STATUSES = [
  'PENDING_AVAILABILITY',
  'PENDING',
  'UNSHIPPED',
  'PARTIALLY_SHIPPED',
  'SHIPPED',
  'CANCELLED',
  'UNFULFILLABLE',
] as const;
export type FulfillmentStatus = (typeof FULFILLMENT_STATUSES)[number];

export const FULFILLED_BY = ['MERCHANT', 'AMAZON'] as const;
export type FulfilledBy = (typeof FULFILLED_BY)[number];

export interface OrderLine {
  orderItemId: string;
  sellerSku: string;
  asin: string;
  title: string;
  quantityOrdered: number;
  quantityShipped: number;
  /** Decimal string in the marketplace currency. */
  unitPrice: string;
}

export interface BuyerDetails {
  buyerName: string;
  buyerEmail: string;
}

export interface DeliveryAddress {
  name: string;
  addressLine1: string;
  city: string;
  postalCode: string;
  stateOrRegion: string;
  countryCode: string;
  phone: string;
}

export interface ShipmentPackage {
  orderId: string;
  marketplaceId: string;
  packageReferenceId: string;
  carrierCode: string;
  carrierName?: string;
  shippingMethod?: string;
  trackingNumber: string;
  shipDate: string;
  items: { orderItemId: string; quantity: number }[];
  receivedAt: number;
  /** True when a silentDrop fault swallowed it: answered 204, never applied. */
  dropped: boolean;
}

export interface OrderStatusChange {
  from: FulfillmentStatus | null;
  to: FulfillmentStatus;
  at: number;
  by: 'control' | 'confirmShipment' | 'scenario' | 'generator';
}

export interface SimOrder {
  orderId: string;
  sellerId: string;
  sellerOrderId?: string;
  marketplaceId: string;
  fulfilledBy: FulfilledBy;
  status: FulfillmentStatus;
  createdTime: number;
  lastUpdatedTime: number;
  /** Not returned by the SP-API before this time (late visibility). */
  visibleAt: number;
  /** Buyer, address and prices exist only once payment is authorised (the order left PENDING). */
  paymentAuthorized: boolean;
  buyer: BuyerDetails;
  deliveryAddress: DeliveryAddress;
  shipServiceLevel: 'Standard' | 'Expedited';
  latestShipTime: number;
  lines: OrderLine[];
  packages: ShipmentPackage[];
  history: OrderStatusChange[];
}

export class OrderTransitionError extends Error {
  constructor(
    readonly order: SimOrder,
    readonly to: FulfillmentStatus,
    reason?: string,
  ) {
    super(reason ?? `order ${order.orderId} cannot go from ${order.status} to ${to}`);
  }
}

const MERCHANT_TRANSITIONS: Record<FulfillmentStatus, FulfillmentStatus[]> = {
  PENDING_AVAILABILITY: ['PENDING', 'CANCELLED'],
  PENDING: ['UNSHIPPED', 'CANCELLED'],
  UNSHIPPED: ['PARTIALLY_SHIPPED', 'SHIPPED', 'CANCELLED'],
  PARTIALLY_SHIPPED: ['SHIPPED'],
  SHIPPED: [],
  CANCELLED: [],
  UNFULFILLABLE: [],
};

/** Amazon ships its own orders straight out of PENDING. */
const AMAZON_TRANSITIONS: Record<FulfillmentStatus, FulfillmentStatus[]> = {
  ...MERCHANT_TRANSITIONS,
  PENDING: ['SHIPPED', 'UNSHIPPED', 'CANCELLED'],
  UNSHIPPED: ['SHIPPED', 'CANCELLED'],
};

export function allowedTransitions(order: Pick<SimOrder, 'status' | 'fulfilledBy'>): FulfillmentStatus[] {
  return (order.fulfilledBy === 'AMAZON' ? AMAZON_TRANSITIONS : MERCHANT_TRANSITIONS)[order.status];
}

export function statusAuthorizesPayment(status: FulfillmentStatus): boolean {
  return status === 'UNSHIPPED' || status === 'PARTIALLY_SHIPPED' || status === 'SHIPPED';
}

export function unitsOrdered(order: SimOrder): number {
  return order.lines.reduce((sum, line) => sum + line.quantityOrdered, 0);
}

export function unitsShipped(order: SimOrder): number {
  return order.lines.reduce((sum, line) => sum + line.quantityShipped, 0);
}

/**
 * Moves an order; every change moves lastUpdatedTime. Forcing SHIPPED (control API, Amazon's own
 * fulfilment) ships every remaining unit; forcing PARTIALLY_SHIPPED ships one unit.
 */
export function moveOrder(
  order: SimOrder,
  to: FulfillmentStatus,
  at: number,
  by: OrderStatusChange['by'],
): void {
  if (!allowedTransitions(order).includes(to)) throw new OrderTransitionError(order, to);
  if (to === 'SHIPPED' && by !== 'confirmShipment') {
    for (const line of order.lines) line.quantityShipped = line.quantityOrdered;
  }
  if (to === 'PARTIALLY_SHIPPED' && by !== 'confirmShipment') {
    if (unitsOrdered(order) < 2) {
      throw new OrderTransitionError(
        order,
        to,
        `order ${order.orderId} has a single unit and cannot be partially shipped`,
      );
    }
    order.lines[0].quantityShipped = Math.max(order.lines[0].quantityShipped, 1);
  }
  order.history.push({ from: order.status, to, at, by });
  order.status = to;
  order.lastUpdatedTime = Math.max(order.lastUpdatedTime, at);
  if (statusAuthorizesPayment(to)) order.paymentAuthorized = true;
}

export function wholeSeconds(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}
