import { OrderSnapshotSchema, revisionOf, type OrderSnapshot, type OrderStatus } from '@holdfast/contracts';
import { z } from 'zod';

export class WooCommercePayloadError extends Error {
  override readonly name = 'WooCommercePayloadError';
}

const STATUS_RANK: Record<OrderStatus, number> = {
  pending: 0,
  confirmed: 1,
  partially_shipped: 2,
  shipped: 3,
  canceled: 4,
};

/**
 * Holdfast's status for a WooCommerce order status. `pending` (awaiting payment) and `on-hold`
 * (awaiting a bank transfer, a review) hold stock like Amazon's Pending; `processing` is paid;
 * `completed` is shipped; `cancelled`, `refunded`, `failed` (payment failed, WooCommerce holds no
 * stock for it) and `trash` release. `checkout-draft` is a cart, not an order: null. Statuses added
 * by plugins hold stock as pending, except the common partial-shipment ones.
 */
export function wooCommerceOrderStatus(status: string): OrderStatus | null {
  switch (status) {
    case 'checkout-draft':
      return null;
    case 'pending':
    case 'on-hold':
      return 'pending';
    case 'processing':
      return 'confirmed';
    case 'completed':
      return 'shipped';
    case 'partial-shipped':
    case 'partially-shipped':
    case 'partially_shipped':
      return 'partially_shipped';
    case 'cancelled':
    case 'refunded':
    case 'failed':
    case 'trash':
      return 'canceled';
    default:
      return 'pending';
  }
}

const WooOrderSchema = z.object({
  id: z.number().int().positive(),
  status: z.string().min(1),
  date_created_gmt: z.string().nullable().optional(),
  date_created: z.string().nullable().optional(),
  date_modified_gmt: z.string().nullable().optional(),
  date_modified: z.string().nullable().optional(),
  line_items: z.array(
    z.object({
      id: z.number().int().nonnegative(),
      sku: z.string().nullable().optional(),
      quantity: z.number().int(),
      product_id: z.number().int().nonnegative().optional(),
      variation_id: z.number().int().nonnegative().optional(),
    }),
  ),
});

/**
 * The snapshot of a WooCommerce order (the REST API v3 order resource, which the order.* webhooks
 * also carry), or null for drafts and orders without a SKU on any line. Revision: `date_modified_gmt`
 * (whole seconds, UTC without a `Z`) × 1000 plus a tie-breaker growing along the order's life.
 * WooCommerce ships whole orders: completed means every unit shipped. Buyer data never leaves here.
 */
export function wooCommerceSnapshotFromOrder(payload: unknown, accountId: string): OrderSnapshot | null {
  const parsed = WooOrderSchema.safeParse(payload);
  if (!parsed.success) {
    throw new WooCommercePayloadError(
      `not a WooCommerce order: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  const order = parsed.data;
  const status = wooCommerceOrderStatus(order.status);
  if (status === null) return null;
  const lines = order.line_items
    .filter(
      (item) => item.sku !== null && item.sku !== undefined && item.sku.trim() !== '' && item.quantity > 0,
    )
    .map((item) => ({
      lineId: String(item.id),
      channelSku: (item.sku ?? '').trim(),
      quantityOrdered: item.quantity,
      quantityShipped: status === 'shipped' ? item.quantity : 0,
      quantityCanceled: status === 'canceled' ? item.quantity : 0,
    }));
  if (lines.length === 0) return null;
  const updatedAt = gmt(order.date_modified_gmt ?? order.date_created_gmt, 'date_modified_gmt');
  const progress = lines.reduce((sum, line) => sum + line.quantityShipped + line.quantityCanceled, 0);
  const snapshot: OrderSnapshot = {
    channel: 'woocommerce',
    accountId,
    orderId: String(order.id),
    marketplaceId: null,
    status,
    channelStatus: order.status.slice(0, 50),
    fulfilledBy: 'MERCHANT',
    purchasedAt: gmt(order.date_created_gmt, 'date_created_gmt'),
    updatedAt,
    revision: revisionOf(updatedAt, STATUS_RANK[status] * 100 + Math.min(99, progress)),
    lines,
  };
  const checked = OrderSnapshotSchema.safeParse(snapshot);
  if (!checked.success) {
    throw new WooCommercePayloadError(
      `order ${order.id} maps to an invalid snapshot: ${checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  return checked.data;
}

/** `2026-11-25T14:03:00` (UTC, as WooCommerce writes `*_gmt`) → `2026-11-25T14:03:00.000Z`. */
function gmt(value: string | null | undefined, field: string): string {
  if (!value) throw new WooCommercePayloadError(`${field} is missing`);
  const withZone = /(Z|[+-]\d{2}:?\d{2})$/.test(value) ? value : `${value}Z`;
  const ms = Date.parse(withZone);
  if (!Number.isFinite(ms)) throw new WooCommercePayloadError(`${field} is not a timestamp: ${value}`);
  return new Date(ms).toISOString();
}
