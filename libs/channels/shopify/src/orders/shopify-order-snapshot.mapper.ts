import { OrderSnapshotSchema, revisionOf, type OrderSnapshot, type OrderStatus } from '@holdfast/contracts';
import { z } from 'zod';

export class ShopifyPayloadError extends Error {
  override readonly name = 'ShopifyPayloadError';
}

/** What both the webhook payload (REST shape) and the GraphQL order say, in one form. */
export interface ShopifyOrderFacts {
  orderId: string;
  createdAt: string;
  updatedAt: string;
  cancelled: boolean;
  /** Lower case: pending, authorized, partially_paid, paid, partially_refunded, refunded, voided, expired. */
  financialStatus: string;
  /** unfulfilled, partial, fulfilled, restocked (and GraphQL's other display statuses, lower case). */
  fulfillmentStatus: string;
  lines: { lineId: string; sku: string | null; quantity: number; currentQuantity: number; shipped: number }[];
}

const STATUS_RANK: Record<OrderStatus, number> = {
  pending: 0,
  confirmed: 1,
  partially_shipped: 2,
  shipped: 3,
  canceled: 4,
};

/**
 * Holdfast's status for a Shopify order. Cancelled wins; then what was shipped; then payment:
 * unpaid (pending, expired) orders hold stock like Amazon's Pending ones, authorized or (partly)
 * paid ones are confirmed, refunded or voided ones without shipments release it.
 */
export function shopifyOrderStatus(
  facts: Pick<ShopifyOrderFacts, 'cancelled' | 'financialStatus' | 'fulfillmentStatus'>,
): OrderStatus {
  if (facts.cancelled) return 'canceled';
  if (facts.fulfillmentStatus === 'fulfilled') return 'shipped';
  if (facts.fulfillmentStatus === 'partial' || facts.fulfillmentStatus === 'partially_fulfilled')
    return 'partially_shipped';
  switch (facts.financialStatus) {
    case 'refunded':
    case 'voided':
      return 'canceled';
    case 'authorized':
    case 'partially_paid':
    case 'paid':
    case 'partially_refunded':
      return 'confirmed';
    default:
      return 'pending';
  }
}

/**
 * The snapshot of a Shopify order, or null when no line carries a SKU (custom items hold no stock).
 * Revision: Shopify's `updated_at` (whole seconds) × 1000 plus a tie-breaker that grows along the
 * order's life (status rank × 100 + units shipped or cancelled), so two changes within one second
 * still order correctly. Buyer data never leaves this function.
 */
export function shopifySnapshotFromFacts(facts: ShopifyOrderFacts, accountId: string): OrderSnapshot | null {
  const status = shopifyOrderStatus(facts);
  const lines = facts.lines
    .filter((line) => line.sku !== null && line.sku.trim() !== '' && line.quantity > 0)
    .map((line) => {
      const shipped = Math.min(line.quantity, Math.max(0, line.shipped));
      const removed = Math.max(0, line.quantity - line.currentQuantity);
      const canceled =
        status === 'canceled' ? line.quantity - shipped : Math.min(removed, line.quantity - shipped);
      return {
        lineId: line.lineId,
        channelSku: (line.sku ?? '').trim(),
        quantityOrdered: line.quantity,
        quantityShipped: shipped,
        quantityCanceled: canceled,
      };
    });
  if (lines.length === 0) return null;
  const progress = lines.reduce((sum, line) => sum + line.quantityShipped + line.quantityCanceled, 0);
  const updatedAt = toIso(facts.updatedAt, 'updated_at');
  const snapshot: OrderSnapshot = {
    channel: 'shopify',
    accountId,
    orderId: facts.orderId,
    marketplaceId: null,
    status,
    channelStatus: facts.cancelled
      ? 'cancelled'
      : `${facts.financialStatus}/${facts.fulfillmentStatus}`.slice(0, 50),
    fulfilledBy: 'MERCHANT',
    purchasedAt: toIso(facts.createdAt, 'created_at'),
    updatedAt,
    revision: revisionOf(updatedAt, STATUS_RANK[status] * 100 + Math.min(99, progress)),
    lines,
  };
  const parsed = OrderSnapshotSchema.safeParse(snapshot);
  if (!parsed.success)
    throw new ShopifyPayloadError(
      `order ${facts.orderId} maps to an invalid snapshot: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  return parsed.data;
}

// ── webhook payload (the REST order resource) ──────────────────────────────────────────────────

const id = z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/)]).transform(String);
const count = z.number().int().nonnegative();

const RestOrderSchema = z.object({
  id,
  created_at: z.string(),
  updated_at: z.string(),
  cancelled_at: z.string().nullable().optional(),
  financial_status: z.string().nullable().optional(),
  fulfillment_status: z.string().nullable().optional(),
  line_items: z.array(
    z.object({
      id,
      sku: z.string().nullable().optional(),
      quantity: count,
      current_quantity: count.optional(),
      fulfillable_quantity: count.optional(),
    }),
  ),
  fulfillments: z
    .array(z.object({ status: z.string(), line_items: z.array(z.object({ id, quantity: count })) }))
    .optional(),
});

/** Facts from an `orders/*` webhook body (the REST order resource). */
export function shopifyFactsFromWebhook(payload: unknown): ShopifyOrderFacts {
  const parsed = RestOrderSchema.safeParse(payload);
  if (!parsed.success) {
    throw new ShopifyPayloadError(
      `not a Shopify order: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  const order = parsed.data;
  const shippedByLine = new Map<string, number>();
  for (const fulfillment of order.fulfillments ?? []) {
    if (fulfillment.status !== 'success') continue;
    for (const item of fulfillment.line_items)
      shippedByLine.set(item.id, (shippedByLine.get(item.id) ?? 0) + item.quantity);
  }
  const cancelled = order.cancelled_at !== null && order.cancelled_at !== undefined;
  return {
    orderId: order.id,
    createdAt: order.created_at,
    updatedAt: order.updated_at,
    cancelled,
    financialStatus: order.financial_status ?? 'paid',
    fulfillmentStatus: order.fulfillment_status ?? 'unfulfilled',
    lines: order.line_items.map((item) => {
      const current = item.current_quantity ?? item.quantity;
      const shipped =
        order.fulfillments !== undefined
          ? (shippedByLine.get(item.id) ?? 0)
          : cancelled || item.fulfillable_quantity === undefined
            ? 0
            : Math.max(0, current - item.fulfillable_quantity);
      return {
        lineId: item.id,
        sku: item.sku ?? null,
        quantity: item.quantity,
        currentQuantity: current,
        shipped,
      };
    }),
  };
}

/** The snapshot of the order in an `orders/*` webhook body; null when no line holds stock. */
export function shopifySnapshotFromWebhook(payload: unknown, accountId: string): OrderSnapshot | null {
  return shopifySnapshotFromFacts(shopifyFactsFromWebhook(payload), accountId);
}

// ── GraphQL order node ─────────────────────────────────────────────────────────────────────────

export interface ShopifyGraphqlOrderNode {
  id: string;
  legacyResourceId: string;
  createdAt: string;
  updatedAt: string;
  cancelledAt: string | null;
  displayFinancialStatus: string | null;
  displayFulfillmentStatus: string;
  lineItems: {
    nodes: ShopifyGraphqlLineItem[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}

export interface ShopifyGraphqlLineItem {
  id: string;
  sku: string | null;
  quantity: number;
  currentQuantity: number;
  unfulfilledQuantity: number;
}

const FULFILLMENT_STATUS: Record<string, string> = {
  FULFILLED: 'fulfilled',
  PARTIALLY_FULFILLED: 'partial',
  UNFULFILLED: 'unfulfilled',
  RESTOCKED: 'restocked',
};

/** Facts from a GraphQL `Order` (all its line items already collected). */
export function shopifyFactsFromGraphql(
  order: ShopifyGraphqlOrderNode,
  lineItems: ShopifyGraphqlLineItem[] = order.lineItems.nodes,
): ShopifyOrderFacts {
  const cancelled = order.cancelledAt !== null;
  return {
    orderId: order.legacyResourceId,
    createdAt: order.createdAt,
    updatedAt: order.updatedAt,
    cancelled,
    financialStatus: (order.displayFinancialStatus ?? 'PAID').toLowerCase(),
    fulfillmentStatus:
      FULFILLMENT_STATUS[order.displayFulfillmentStatus] ?? order.displayFulfillmentStatus.toLowerCase(),
    lines: lineItems.map((item) => ({
      lineId: numericId(item.id),
      sku: item.sku,
      quantity: item.quantity,
      currentQuantity: item.currentQuantity,
      shipped: cancelled ? 0 : Math.max(0, item.currentQuantity - item.unfulfilledQuantity),
    })),
  };
}

/** `gid://shopify/LineItem/123` → `123`: the id the webhooks use, so both paths name lines alike. */
export function numericId(gid: string): string {
  const match = /\/(\d+)(\?.*)?$/.exec(gid);
  if (!match) throw new ShopifyPayloadError(`not a Shopify global id: ${gid}`);
  return match[1];
}

function toIso(value: string, field: string): string {
  const ms = Date.parse(value);
  if (!Number.isFinite(ms)) throw new ShopifyPayloadError(`${field} is not a timestamp: ${value}`);
  return new Date(ms).toISOString();
}
