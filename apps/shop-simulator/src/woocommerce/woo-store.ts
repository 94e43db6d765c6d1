import { ControlProblem } from '../support/control-problem';

export const WOO_ORDER_STATUSES = [
  'pending',
  'processing',
  'on-hold',
  'completed',
  'cancelled',
  'refunded',
  'failed',
  'checkout-draft',
] as const;
export type WooOrderStatus = (typeof WOO_ORDER_STATUSES)[number];

export const WOO_TOPICS = ['order.created', 'order.updated'] as const;
export type WooTopic = (typeof WOO_TOPICS)[number];

/** Statuses in which WooCommerce has taken the order's units out of stock (`_order_stock_reduced`). */
const STOCK_REDUCING = new Set<WooOrderStatus>(['processing', 'on-hold', 'completed']);
/** Statuses on which WooCommerce puts reduced stock back (its `wc_maybe_increase_stock_levels` hooks). */
const STOCK_RESTORING = new Set<WooOrderStatus>(['cancelled', 'pending']);

export interface WooProduct {
  id: number;
  name: string;
  type: 'simple' | 'variable' | 'variation';
  /** For variations, the variable product they belong to. */
  parentId: number;
  sku: string;
  manageStock: boolean;
  stockQuantity: number | null;
  variationIds: number[];
  price: string;
  createdAt: number;
  modifiedAt: number;
}

export interface StockChangeRecord {
  at: string;
  sku: string;
  productId: number;
  parentId: number;
  delta: number;
  stockQuantity: number;
  /** `api:products.batch`, `api:variations.batch`, `api:products.update`, `order:<id>`, `control`. */
  source: string;
}

export interface WooMeta {
  id: number;
  key: string;
  value: unknown;
}

export interface WooLineItem {
  id: number;
  productId: number;
  variationId: number;
  sku: string;
  name: string;
  quantity: number;
  price: string;
}

export interface WooOrderNote {
  id: number;
  author: string;
  dateCreated: number;
  note: string;
  customerNote: boolean;
  addedByUser: boolean;
}

export interface WooOrder {
  id: number;
  orderKey: string;
  status: WooOrderStatus;
  currency: string;
  createdAt: number;
  modifiedAt: number;
  paidAt: number | null;
  completedAt: number | null;
  customerNote: string;
  lineItems: WooLineItem[];
  metaData: WooMeta[];
  notes: WooOrderNote[];
  stockReduced: boolean;
  billingEmail: string;
  customerName: string;
}

export interface WooWebhook {
  id: number;
  topic: WooTopic;
  deliveryUrl: string | null;
  status: 'active' | 'paused' | 'disabled';
  failureCount: number;
}

export interface StoreRegistration {
  storeId: string;
  consumerKey: string;
  consumerSecret: string;
  webhookSecret: string;
  webhookUrl?: string | null;
  topics?: WooTopic[];
  timezoneOffsetMinutes?: number;
  requestsPerSecond: number;
  burst: number;
}

const HISTORY_LIMIT = 20_000;

/**
 * One simulated WooCommerce store: simple and variable products with variations, stock per
 * product or variation, orders with meta data and notes, and its webhooks. It reduces and restores
 * stock on order status changes as WooCommerce does. Pure state; HTTP lives elsewhere.
 */
export class WooStore {
  readonly products = new Map<number, WooProduct>();
  readonly orders = new Map<number, WooOrder>();
  readonly history: StockChangeRecord[] = [];
  readonly webhooks: WooWebhook[] = [];
  readonly timezoneOffsetMinutes: number;
  private nextPostId = 100;
  private nextOrderId = 1000;
  private nextItemId = 1;
  private nextMetaId = 1;
  private nextNoteId = 1;

  constructor(
    readonly storeId: string,
    public consumerKey: string,
    public consumerSecret: string,
    public webhookSecret: string,
    registration: StoreRegistration,
  ) {
    this.timezoneOffsetMinutes = registration.timezoneOffsetMinutes ?? 60;
    (registration.topics ?? [...WOO_TOPICS]).forEach((topic, index) => {
      this.webhooks.push({
        id: index + 1,
        topic,
        deliveryUrl: registration.webhookUrl ?? null,
        status: 'active',
        failureCount: 0,
      });
    });
  }

  // ── catalogue ──────────────────────────────────────────────────────────────────────────────

  addSimpleProduct(input: {
    sku: string;
    name?: string;
    stockQuantity?: number | null;
    price?: string;
  }): WooProduct {
    this.assertSkuFree(input.sku);
    const now = Date.now();
    const product: WooProduct = {
      id: this.nextPostId++,
      name: input.name ?? `Product ${input.sku}`,
      type: 'simple',
      parentId: 0,
      sku: input.sku,
      manageStock: input.stockQuantity !== null,
      stockQuantity: input.stockQuantity === undefined ? 0 : input.stockQuantity,
      variationIds: [],
      price: input.price ?? '19.90',
      createdAt: now,
      modifiedAt: now,
    };
    this.products.set(product.id, product);
    if (product.manageStock) this.record(product, product.stockQuantity ?? 0, 'control');
    return product;
  }

  addVariableProduct(input: {
    sku: string;
    name?: string;
    variations: { sku: string; stockQuantity?: number | null; price?: string }[];
  }): WooProduct {
    this.assertSkuFree(input.sku);
    for (const variation of input.variations) this.assertSkuFree(variation.sku);
    const now = Date.now();
    const parent: WooProduct = {
      id: this.nextPostId++,
      name: input.name ?? `Product ${input.sku}`,
      type: 'variable',
      parentId: 0,
      sku: input.sku,
      manageStock: false,
      stockQuantity: null,
      variationIds: [],
      price: '',
      createdAt: now,
      modifiedAt: now,
    };
    this.products.set(parent.id, parent);
    for (const input_ of input.variations) {
      const variation: WooProduct = {
        id: this.nextPostId++,
        name: `${parent.name} - ${input_.sku}`,
        type: 'variation',
        parentId: parent.id,
        sku: input_.sku,
        manageStock: input_.stockQuantity !== null,
        stockQuantity: input_.stockQuantity === undefined ? 0 : input_.stockQuantity,
        variationIds: [],
        price: input_.price ?? '19.90',
        createdAt: now,
        modifiedAt: now,
      };
      this.products.set(variation.id, variation);
      parent.variationIds.push(variation.id);
      if (variation.manageStock) this.record(variation, variation.stockQuantity ?? 0, 'control');
    }
    return parent;
  }

  productBySku(sku: string): WooProduct | undefined {
    for (const product of this.products.values()) if (product.sku === sku) return product;
    return undefined;
  }

  /** Sets the stock of a product or variation to an absolute value (what the REST updates do). */
  setStock(
    product: WooProduct,
    quantity: number | null,
    manageStock: boolean | undefined,
    source: string,
  ): void {
    if (manageStock !== undefined) product.manageStock = manageStock;
    if (quantity !== null && product.manageStock) {
      const delta = quantity - (product.stockQuantity ?? 0);
      product.stockQuantity = quantity;
      this.record(product, delta, source);
    }
    product.modifiedAt = Date.now();
  }

  // ── orders ─────────────────────────────────────────────────────────────────────────────────

  createOrder(input: {
    lines: { sku: string; quantity: number; price?: string }[];
    status?: WooOrderStatus;
    customerNote?: string;
  }): WooOrder {
    if (input.lines.length === 0)
      throw new ControlProblem(400, 'No lines', 'an order needs at least one line');
    const now = Date.now();
    const id = this.nextOrderId++;
    const order: WooOrder = {
      id,
      orderKey: `wc_order_${id.toString(36)}${this.storeId.slice(0, 4)}`,
      status: 'pending',
      currency: 'EUR',
      createdAt: now,
      modifiedAt: now,
      paidAt: null,
      completedAt: null,
      customerNote: input.customerNote ?? '',
      billingEmail: `customer${id}@example.com`,
      customerName: `Customer ${id}`,
      lineItems: input.lines.map((line) => {
        const product = this.productBySku(line.sku);
        return {
          id: this.nextItemId++,
          productId: product ? (product.type === 'variation' ? product.parentId : product.id) : 0,
          variationId: product?.type === 'variation' ? product.id : 0,
          sku: line.sku,
          name: product?.name ?? `Item ${line.sku}`,
          quantity: line.quantity,
          price: line.price ?? product?.price ?? '19.90',
        };
      }),
      metaData: [],
      notes: [],
      stockReduced: false,
    };
    this.orders.set(id, order);
    this.applyStatus(order, input.status ?? 'pending', now);
    return order;
  }

  requireOrder(orderId: number): WooOrder {
    const order = this.orders.get(orderId);
    if (!order)
      throw new ControlProblem(404, 'Order not found', `no order ${orderId} in store ${this.storeId}`);
    return order;
  }

  /** Changes an order's status with WooCommerce's side effects (stock, dates, a system note). */
  changeStatus(order: WooOrder, status: WooOrderStatus): boolean {
    if (order.status === status) return false;
    const now = Date.now();
    const from = order.status;
    this.applyStatus(order, status, now);
    this.addNote(order, `Order status changed from ${label(from)} to ${label(status)}.`, false, false);
    return true;
  }

  /** WooCommerce's `update_meta_data`: replaces the value of an existing key, or adds it. */
  setMeta(order: WooOrder, entry: { id?: number; key?: string; value: unknown }): void {
    const existing =
      entry.id !== undefined
        ? order.metaData.find((m) => m.id === entry.id)
        : order.metaData.find((m) => m.key === entry.key);
    if (existing) {
      existing.value = entry.value;
      if (entry.key !== undefined) existing.key = entry.key;
    } else if (entry.key !== undefined) {
      order.metaData.push({ id: this.nextMetaId++, key: entry.key, value: entry.value });
    }
    order.modifiedAt = Date.now();
  }

  addNote(order: WooOrder, note: string, customerNote: boolean, addedByUser: boolean): WooOrderNote {
    const entry: WooOrderNote = {
      id: this.nextNoteId++,
      author: addedByUser ? 'holdfast-api' : 'system',
      dateCreated: Date.now(),
      note,
      customerNote,
      addedByUser,
    };
    order.notes.push(entry);
    return entry;
  }

  private applyStatus(order: WooOrder, status: WooOrderStatus, now: number): void {
    order.status = status;
    order.modifiedAt = now;
    if ((status === 'processing' || status === 'completed') && order.paidAt === null) order.paidAt = now;
    if (status === 'completed') order.completedAt = now;
    if (STOCK_REDUCING.has(status) && !order.stockReduced) this.moveStock(order, -1);
    else if (STOCK_RESTORING.has(status) && order.stockReduced) this.moveStock(order, +1);
  }

  private moveStock(order: WooOrder, sign: 1 | -1): void {
    const changes: string[] = [];
    for (const item of order.lineItems) {
      const product = this.products.get(item.variationId || item.productId);
      if (!product || !product.manageStock || product.stockQuantity === null) continue;
      const before = product.stockQuantity;
      product.stockQuantity += sign * item.quantity;
      product.modifiedAt = Date.now();
      this.record(product, sign * item.quantity, `order:${order.id}`);
      changes.push(`${product.name} (${product.sku}) ${before}→${product.stockQuantity}`);
    }
    order.stockReduced = sign < 0;
    if (changes.length > 0)
      this.addNote(
        order,
        `Stock levels ${sign < 0 ? 'reduced' : 'increased'}: ${changes.join(', ')}`,
        false,
        false,
      );
  }

  private assertSkuFree(sku: string): void {
    if (this.productBySku(sku))
      throw new ControlProblem(409, 'SKU exists', `a product with SKU ${sku} exists`);
  }

  private record(product: WooProduct, delta: number, source: string): void {
    this.history.push({
      at: new Date().toISOString(),
      sku: product.sku,
      productId: product.id,
      parentId: product.parentId,
      delta,
      stockQuantity: product.stockQuantity ?? 0,
      source,
    });
    if (this.history.length > HISTORY_LIMIT) this.history.splice(0, this.history.length - HISTORY_LIMIT);
  }
}

function label(status: WooOrderStatus): string {
  switch (status) {
    case 'pending':
      return 'Pending payment';
    case 'processing':
      return 'Processing';
    case 'on-hold':
      return 'On hold';
    case 'completed':
      return 'Completed';
    case 'cancelled':
      return 'Cancelled';
    case 'refunded':
      return 'Refunded';
    case 'failed':
      return 'Failed';
    case 'checkout-draft':
      return 'Draft';
  }
}
