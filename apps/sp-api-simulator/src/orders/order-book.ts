import type { FulfilledBy, FulfillmentStatus, ShipmentPackage, SimOrder } from './order';

export interface OrderSearchCriteria {
  sellerId: string;
  dateField: 'created' | 'lastUpdated';
  after: number;
  before: number;
  marketplaceIds: string[];
  statuses?: FulfillmentStatus[];
  fulfilledBy?: FulfilledBy[];
  sellerOrderId?: string;
  orderIds?: string[];
}

/** Every simulated order, by id, with the searches the Orders APIs run over them. */
export class OrderBook {
  private readonly orders = new Map<string, SimOrder>();

  add(order: SimOrder): void {
    if (this.orders.has(order.orderId)) throw new Error(`order ${order.orderId} already exists`);
    this.orders.set(order.orderId, order);
  }

  has(orderId: string): boolean {
    return this.orders.has(orderId);
  }

  get(orderId: string): SimOrder | undefined {
    return this.orders.get(orderId);
  }

  /** The order as the SP-API sees it: the seller's own, and only once it is visible. */
  visibleTo(sellerId: string, orderId: string, now: number): SimOrder | undefined {
    const order = this.orders.get(orderId);
    return order && order.sellerId === sellerId && order.visibleAt <= now ? order : undefined;
  }

  all(): SimOrder[] {
    return [...this.orders.values()];
  }

  /** Visible orders matching the criteria, oldest first by the searched date, then by id. */
  search(criteria: OrderSearchCriteria, now: number): SimOrder[] {
    const dateOf = (order: SimOrder) =>
      criteria.dateField === 'created' ? order.createdTime : order.lastUpdatedTime;
    return this.all()
      .filter(
        (order) =>
          order.sellerId === criteria.sellerId &&
          order.visibleAt <= now &&
          dateOf(order) >= criteria.after &&
          dateOf(order) <= criteria.before &&
          criteria.marketplaceIds.includes(order.marketplaceId) &&
          (!criteria.statuses || criteria.statuses.includes(order.status)) &&
          (!criteria.fulfilledBy || criteria.fulfilledBy.includes(order.fulfilledBy)) &&
          (criteria.sellerOrderId === undefined || order.sellerOrderId === criteria.sellerOrderId) &&
          (!criteria.orderIds || criteria.orderIds.includes(order.orderId)),
      )
      .sort((a, b) => dateOf(a) - dateOf(b) || a.orderId.localeCompare(b.orderId));
  }

  shipments(orderId?: string): ShipmentPackage[] {
    const orders = orderId
      ? [this.orders.get(orderId)].filter((o): o is SimOrder => o !== undefined)
      : this.all();
    return orders.flatMap((order) => order.packages).sort((a, b) => a.receivedAt - b.receivedAt);
  }

  reset(): void {
    this.orders.clear();
  }
}
