import { ControlProblem } from '../support/control-problem';
import { ShopifyCostBucket } from './shopify-cost-bucket';
import { generatedTrackingUrl } from './shopify-tracking-urls';
import { must } from '../support/must';

export type FinancialStatus =
  'pending' | 'authorized' | 'partially_paid' | 'paid' | 'partially_refunded' | 'refunded' | 'voided';
export const FINANCIAL_STATUSES: readonly FinancialStatus[] = [
  'pending',
  'authorized',
  'partially_paid',
  'paid',
  'partially_refunded',
  'refunded',
  'voided',
];

export type FulfillmentOrderStatus = 'OPEN' | 'IN_PROGRESS' | 'CLOSED' | 'CANCELLED';

export const ORDER_TOPICS = [
  'orders/create',
  'orders/updated',
  'orders/paid',
  'orders/cancelled',
  'orders/fulfilled',
  'orders/partially_fulfilled',
] as const;
export type ShopifyOrderTopic = (typeof ORDER_TOPICS)[number];

export interface ShopifyLocation {
  id: number;
  name: string;
  active: boolean;
}

export interface InventoryLevel {
  locationId: number;
  available: number;
  /** Units of unfulfilled orders: on_hand = available + committed. */
  committed: number;
  updatedAt: number;
}

export interface ShopifyVariant {
  id: number;
  productId: number;
  productTitle: string;
  title: string;
  sku: string;
  inventoryItemId: number;
  tracked: boolean;
  levels: InventoryLevel[];
  price: string;
}

export interface InventoryChangeRecord {
  at: string;
  sku: string;
  inventoryItemId: number;
  locationId: number;
  name: 'available' | 'on_hand' | 'committed';
  delta: number;
  quantityAfterChange: number;
  /** `api:inventorySetQuantities`, `order:<id>`, `fulfillment:<id>`, `control`. */
  source: string;
  reason?: string;
  referenceDocumentUri?: string | null;
}

export interface ShopifyLineItem {
  id: number;
  variantId: number | null;
  productId: number | null;
  sku: string;
  name: string;
  quantity: number;
  /** Quantity after removals (edits, refunds with removal): `quantity − removed`. */
  currentQuantity: number;
  fulfilledQuantity: number;
  price: string;
}

export interface FulfillmentOrderLine {
  id: number;
  lineItemId: number;
  totalQuantity: number;
  remainingQuantity: number;
}

export interface ShopifyFulfillmentOrder {
  id: number;
  orderId: number;
  locationId: number;
  status: FulfillmentOrderStatus;
  lineItems: FulfillmentOrderLine[];
  createdAt: number;
  updatedAt: number;
}

export interface TrackingInfo {
  company: string | null;
  number: string | null;
  url: string | null;
}

export interface ShopifyFulfillment {
  id: number;
  orderId: number;
  name: string;
  status: 'SUCCESS' | 'CANCELLED';
  createdAt: number;
  updatedAt: number;
  locationId: number;
  tracking: TrackingInfo[];
  notifyCustomer: boolean;
  message: string | null;
  lines: { id: number; lineItemId: number; fulfillmentOrderLineItemId: number; quantity: number }[];
}

export interface ShopifyOrder {
  id: number;
  number: number;
  name: string;
  createdAt: number;
  updatedAt: number;
  processedAt: number;
  cancelledAt: number | null;
  cancelReason: string | null;
  closedAt: number | null;
  financialStatus: FinancialStatus;
  test: boolean;
  currency: string;
  /** Made-up buyer data, so that tests can see the adapters never pass it on. */
  email: string;
  customerName: string;
  lineItems: ShopifyLineItem[];
  fulfillmentOrderIds: number[];
  fulfillmentIds: number[];
}

export interface ShopWebhookSubscription {
  url: string | null;
  topics: ShopifyOrderTopic[];
}

export interface ShopRegistration {
  domain: string;
  accessToken: string;
  webhookSecret: string;
  webhookUrl?: string | null;
  topics?: ShopifyOrderTopic[];
  locations?: string[];
  /** Minutes east of UTC for the REST payloads' timestamps (Europe/Rome in winter: 60). */
  timezoneOffsetMinutes?: number;
  bucketSize: number;
  restoreRate: number;
}

export interface CreateOrderLine {
  sku: string;
  quantity: number;
  price?: string;
}

const HISTORY_LIMIT = 20_000;

/**
 * One simulated Shopify store: locations, products with variants and inventory items, inventory
 * levels per location, orders with their fulfillment orders and fulfillments, the GraphQL cost
 * bucket and the idempotency keys it has seen. Pure state; HTTP and webhooks live elsewhere.
 */
export class ShopifyShop {
  readonly locations: ShopifyLocation[] = [];
  readonly variants = new Map<number, ShopifyVariant>();
  readonly orders = new Map<number, ShopifyOrder>();
  readonly fulfillmentOrders = new Map<number, ShopifyFulfillmentOrder>();
  readonly fulfillments = new Map<number, ShopifyFulfillment>();
  readonly history: InventoryChangeRecord[] = [];
  readonly idempotency = new Map<string, { fingerprint: string; response: unknown }>();
  readonly bucket: ShopifyCostBucket;
  readonly webhooks: ShopWebhookSubscription;
  readonly timezoneOffsetMinutes: number;
  private nextId: number;
  private nextOrderNumber = 1001;
  private nextAdjustmentGroup = 1;

  constructor(
    readonly domain: string,
    public accessToken: string,
    public webhookSecret: string,
    registration: ShopRegistration,
    idBase: number,
  ) {
    this.nextId = idBase;
    this.bucket = new ShopifyCostBucket(registration.bucketSize, registration.restoreRate);
    this.webhooks = {
      url: registration.webhookUrl ?? null,
      topics: registration.topics ?? [...ORDER_TOPICS],
    };
    this.timezoneOffsetMinutes = registration.timezoneOffsetMinutes ?? 60;
    for (const name of registration.locations ?? ['Main warehouse']) {
      this.locations.push({ id: this.id(), name, active: true });
    }
  }

  get primaryLocation(): ShopifyLocation {
    return this.locations[0];
  }

  id(): number {
    return this.nextId++;
  }

  adjustmentGroupId(): number {
    return this.nextAdjustmentGroup++;
  }

  // ── catalogue ──────────────────────────────────────────────────────────────────────────────

  addProduct(input: {
    sku: string;
    title?: string;
    available?: number;
    locationIds?: number[];
    price?: string;
  }): ShopifyVariant {
    if (this.variantBySku(input.sku))
      throw new ControlProblem(409, 'SKU exists', `a variant with SKU ${input.sku} exists`);
    const locationIds = input.locationIds ?? [this.primaryLocation.id];
    for (const locationId of locationIds) this.requireLocation(locationId);
    const now = Date.now();
    const variant: ShopifyVariant = {
      id: this.id(),
      productId: this.id(),
      productTitle: input.title ?? `Product ${input.sku}`,
      title: 'Default Title',
      sku: input.sku,
      inventoryItemId: this.id(),
      tracked: true,
      price: input.price ?? '19.90',
      levels: locationIds.map((locationId, index) => ({
        locationId,
        available: index === 0 ? (input.available ?? 0) : 0,
        committed: 0,
        updatedAt: now,
      })),
    };
    this.variants.set(variant.id, variant);
    for (const level of variant.levels) {
      this.record({
        variant,
        level,
        name: 'available',
        delta: level.available,
        after: level.available,
        source: 'control',
      });
    }
    return variant;
  }

  variantBySku(sku: string): ShopifyVariant | undefined {
    for (const variant of this.variants.values()) if (variant.sku === sku) return variant;
    return undefined;
  }

  variantByInventoryItem(inventoryItemId: number): ShopifyVariant | undefined {
    for (const variant of this.variants.values())
      if (variant.inventoryItemId === inventoryItemId) return variant;
    return undefined;
  }

  requireLocation(locationId: number): ShopifyLocation {
    const location = this.locations.find((l) => l.id === locationId);
    if (!location)
      throw new ControlProblem(404, 'Location not found', `no location ${locationId} in ${this.domain}`);
    return location;
  }

  /** Sets a level's `available` (or `on_hand`) to an absolute value and records the change. */
  setQuantity(
    variant: ShopifyVariant,
    level: InventoryLevel,
    name: 'available' | 'on_hand',
    quantity: number,
    source: string,
    reason?: string,
    referenceDocumentUri?: string | null,
  ): { name: 'available' | 'on_hand'; delta: number; quantityAfterChange: number }[] {
    const onHandBefore = level.available + level.committed;
    const availableBefore = level.available;
    level.available = name === 'available' ? quantity : quantity - level.committed;
    level.updatedAt = Date.now();
    const changes = [
      {
        name: 'available' as const,
        delta: level.available - availableBefore,
        quantityAfterChange: level.available,
      },
      {
        name: 'on_hand' as const,
        delta: level.available + level.committed - onHandBefore,
        quantityAfterChange: level.available + level.committed,
      },
    ];
    for (const change of changes) {
      this.record({
        variant,
        level,
        name: change.name,
        delta: change.delta,
        after: change.quantityAfterChange,
        source,
        reason,
        referenceDocumentUri,
      });
    }
    return changes;
  }

  // ── orders ─────────────────────────────────────────────────────────────────────────────────

  createOrder(input: {
    lines: CreateOrderLine[];
    financialStatus?: FinancialStatus;
    test?: boolean;
  }): ShopifyOrder {
    if (input.lines.length === 0)
      throw new ControlProblem(400, 'No lines', 'an order needs at least one line');
    const now = Date.now();
    const orderId = this.id();
    const number = this.nextOrderNumber++;
    const lineItems: ShopifyLineItem[] = input.lines.map((line) => {
      const variant = this.variantBySku(line.sku);
      return {
        id: this.id(),
        variantId: variant?.id ?? null,
        productId: variant?.productId ?? null,
        sku: line.sku,
        name: variant ? variant.productTitle : `Custom item ${line.sku}`,
        quantity: line.quantity,
        currentQuantity: line.quantity,
        fulfilledQuantity: 0,
        price: line.price ?? variant?.price ?? '19.90',
      };
    });
    const order: ShopifyOrder = {
      id: orderId,
      number,
      name: `#${number}`,
      createdAt: now,
      updatedAt: now,
      processedAt: now,
      cancelledAt: null,
      cancelReason: null,
      closedAt: null,
      financialStatus: input.financialStatus ?? 'paid',
      test: input.test ?? false,
      currency: 'EUR',
      email: `buyer${number}@example.com`,
      customerName: `Buyer ${number}`,
      lineItems,
      fulfillmentOrderIds: [],
      fulfillmentIds: [],
    };
    // One fulfillment order per location that stocks the items, as Shopify splits them.
    const byLocation = new Map<number, ShopifyLineItem[]>();
    for (const item of lineItems) {
      const variant = item.variantId === null ? undefined : this.variants.get(item.variantId);
      const locationId = variant?.levels[0]?.locationId ?? this.primaryLocation.id;
      byLocation.set(locationId, [...(byLocation.get(locationId) ?? []), item]);
    }
    for (const [locationId, items] of byLocation) {
      const fulfillmentOrder: ShopifyFulfillmentOrder = {
        id: this.id(),
        orderId,
        locationId,
        status: 'OPEN',
        createdAt: now,
        updatedAt: now,
        lineItems: items.map((item) => ({
          id: this.id(),
          lineItemId: item.id,
          totalQuantity: item.quantity,
          remainingQuantity: item.quantity,
        })),
      };
      this.fulfillmentOrders.set(fulfillmentOrder.id, fulfillmentOrder);
      order.fulfillmentOrderIds.push(fulfillmentOrder.id);
      for (const item of items) this.commit(item, locationId, item.quantity, `order:${orderId}`);
    }
    this.orders.set(orderId, order);
    return order;
  }

  requireOrder(orderId: number): ShopifyOrder {
    const order = this.orders.get(orderId);
    if (!order) throw new ControlProblem(404, 'Order not found', `no order ${orderId} in ${this.domain}`);
    return order;
  }

  /** Moves the order's payment state; `cancelled` cancels it, restocking what is unfulfilled. */
  changeStatus(orderId: number, status: FinancialStatus | 'cancelled', reason = 'customer'): ShopifyOrder {
    const order = this.requireOrder(orderId);
    if (order.cancelledAt !== null)
      throw new ControlProblem(409, 'Order cancelled', `order ${orderId} is already cancelled`);
    const now = Date.now();
    if (status === 'cancelled') {
      if (order.lineItems.some((item) => item.fulfilledQuantity > 0)) {
        throw new ControlProblem(
          409,
          'Order has fulfillments',
          'Shopify cannot cancel an order with fulfillments',
        );
      }
      order.cancelledAt = now;
      order.closedAt = now;
      order.cancelReason = reason;
      order.financialStatus =
        order.financialStatus === 'paid' || order.financialStatus === 'partially_paid'
          ? 'refunded'
          : 'voided';
      for (const fulfillmentOrderId of order.fulfillmentOrderIds) {
        const fulfillmentOrder = must(
          this.fulfillmentOrders.get(fulfillmentOrderId),
          `fulfillment order ${fulfillmentOrderId}`,
        );
        for (const line of fulfillmentOrder.lineItems) {
          const item = must(
            order.lineItems.find((i) => i.id === line.lineItemId),
            `line item ${line.lineItemId}`,
          );
          this.commit(item, fulfillmentOrder.locationId, -line.remainingQuantity, `order:${order.id}`);
          line.remainingQuantity = 0;
        }
        fulfillmentOrder.status = 'CLOSED';
        fulfillmentOrder.updatedAt = now;
      }
      for (const item of order.lineItems) item.currentQuantity = 0;
    } else {
      order.financialStatus = status;
    }
    order.updatedAt = now;
    return order;
  }

  /** Creates a fulfillment for fulfillment order lines; returns user errors instead when it cannot. */
  createFulfillment(input: {
    lines: { fulfillmentOrderId: number; items?: { id: number; quantity: number }[] }[];
    tracking: TrackingInfo[];
    notifyCustomer: boolean;
    message: string | null;
  }): { fulfillment?: ShopifyFulfillment; userErrors: { field: string[]; message: string }[] } {
    const userErrors: { field: string[]; message: string }[] = [];
    const plan: {
      fulfillmentOrder: ShopifyFulfillmentOrder;
      line: FulfillmentOrderLine;
      quantity: number;
    }[] = [];
    let orderId: number | undefined;
    let locationId: number | undefined;
    input.lines.forEach((entry, index) => {
      const fulfillmentOrder = this.fulfillmentOrders.get(entry.fulfillmentOrderId);
      const field = ['fulfillment', 'lineItemsByFulfillmentOrder', String(index), 'fulfillmentOrderId'];
      if (!fulfillmentOrder) {
        userErrors.push({ field, message: 'Fulfillment order does not exist.' });
        return;
      }
      if (fulfillmentOrder.status !== 'OPEN' && fulfillmentOrder.status !== 'IN_PROGRESS') {
        userErrors.push({
          field,
          message: `Fulfillment order ${fulfillmentOrder.id} has an unfulfillable status= ${fulfillmentOrder.status.toLowerCase()}.`,
        });
        return;
      }
      if (orderId !== undefined && orderId !== fulfillmentOrder.orderId) {
        userErrors.push({ field, message: 'Fulfillment orders must belong to the same order.' });
        return;
      }
      if (locationId !== undefined && locationId !== fulfillmentOrder.locationId) {
        userErrors.push({ field, message: 'Fulfillment orders must be assigned to the same location.' });
        return;
      }
      orderId = fulfillmentOrder.orderId;
      locationId = fulfillmentOrder.locationId;
      const requested =
        entry.items ??
        fulfillmentOrder.lineItems
          .filter((l) => l.remainingQuantity > 0)
          .map((l) => ({ id: l.id, quantity: l.remainingQuantity }));
      for (const item of requested) {
        const line = fulfillmentOrder.lineItems.find((l) => l.id === item.id);
        if (!line) {
          userErrors.push({
            field: ['fulfillment', 'lineItemsByFulfillmentOrder', String(index), 'fulfillmentOrderLineItems'],
            message: `Fulfillment order line item ${item.id} does not belong to fulfillment order ${fulfillmentOrder.id}.`,
          });
          continue;
        }
        if (item.quantity <= 0 || item.quantity > line.remainingQuantity) {
          userErrors.push({
            field: ['fulfillment', 'lineItemsByFulfillmentOrder', String(index), 'fulfillmentOrderLineItems'],
            message: 'Invalid fulfillment order line item quantity requested.',
          });
          continue;
        }
        plan.push({ fulfillmentOrder, line, quantity: item.quantity });
      }
    });
    if (userErrors.length === 0 && plan.length === 0)
      userErrors.push({ field: ['fulfillment'], message: 'No line items to fulfill.' });
    if (userErrors.length > 0 || orderId === undefined || locationId === undefined) return { userErrors };

    const order = this.requireOrder(orderId);
    const now = Date.now();
    const fulfillment: ShopifyFulfillment = {
      id: this.id(),
      orderId,
      name: `${order.name}.${order.fulfillmentIds.length + 1}`,
      status: 'SUCCESS',
      createdAt: now,
      updatedAt: now,
      locationId,
      tracking: input.tracking.map((t) => ({
        ...t,
        url: t.url ?? generatedTrackingUrl(t.company, t.number),
      })),
      notifyCustomer: input.notifyCustomer,
      message: input.message,
      lines: [],
    };
    for (const step of plan) {
      step.line.remainingQuantity -= step.quantity;
      const item = must(
        order.lineItems.find((i) => i.id === step.line.lineItemId),
        `line item ${step.line.lineItemId}`,
      );
      item.fulfilledQuantity += step.quantity;
      fulfillment.lines.push({
        id: this.id(),
        lineItemId: item.id,
        fulfillmentOrderLineItemId: step.line.id,
        quantity: step.quantity,
      });
      this.ship(item, step.fulfillmentOrder.locationId, step.quantity, `fulfillment:${fulfillment.id}`);
      step.fulfillmentOrder.status = step.fulfillmentOrder.lineItems.every((l) => l.remainingQuantity === 0)
        ? 'CLOSED'
        : 'IN_PROGRESS';
      step.fulfillmentOrder.updatedAt = now;
    }
    this.fulfillments.set(fulfillment.id, fulfillment);
    order.fulfillmentIds.push(fulfillment.id);
    order.updatedAt = now;
    return { fulfillment, userErrors: [] };
  }

  displayFulfillmentStatus(order: ShopifyOrder): 'UNFULFILLED' | 'PARTIALLY_FULFILLED' | 'FULFILLED' {
    const current = order.lineItems.reduce((sum, item) => sum + item.currentQuantity, 0);
    const fulfilled = order.lineItems.reduce((sum, item) => sum + item.fulfilledQuantity, 0);
    if (fulfilled === 0) return 'UNFULFILLED';
    return fulfilled >= current ? 'FULFILLED' : 'PARTIALLY_FULFILLED';
  }

  private commit(item: ShopifyLineItem, locationId: number, quantity: number, source: string): void {
    const variant = item.variantId === null ? undefined : this.variants.get(item.variantId);
    const level = variant?.levels.find((l) => l.locationId === locationId);
    if (!variant || !level || !variant.tracked || quantity === 0) return;
    level.available -= quantity;
    level.committed += quantity;
    level.updatedAt = Date.now();
    this.record({ variant, level, name: 'available', delta: -quantity, after: level.available, source });
    this.record({ variant, level, name: 'committed', delta: quantity, after: level.committed, source });
  }

  private ship(item: ShopifyLineItem, locationId: number, quantity: number, source: string): void {
    const variant = item.variantId === null ? undefined : this.variants.get(item.variantId);
    const level = variant?.levels.find((l) => l.locationId === locationId);
    if (!variant || !level || !variant.tracked) return;
    level.committed -= quantity;
    level.updatedAt = Date.now();
    this.record({ variant, level, name: 'committed', delta: -quantity, after: level.committed, source });
    this.record({
      variant,
      level,
      name: 'on_hand',
      delta: -quantity,
      after: level.available + level.committed,
      source,
    });
  }

  private record(entry: {
    variant: ShopifyVariant;
    level: InventoryLevel;
    name: InventoryChangeRecord['name'];
    delta: number;
    after: number;
    source: string;
    reason?: string;
    referenceDocumentUri?: string | null;
  }): void {
    this.history.push({
      at: new Date().toISOString(),
      sku: entry.variant.sku,
      inventoryItemId: entry.variant.inventoryItemId,
      locationId: entry.level.locationId,
      name: entry.name,
      delta: entry.delta,
      quantityAfterChange: entry.after,
      source: entry.source,
      reason: entry.reason,
      referenceDocumentUri: entry.referenceDocumentUri,
    });
    if (this.history.length > HISTORY_LIMIT) this.history.splice(0, this.history.length - HISTORY_LIMIT);
  }
}
