import { z } from 'zod';
import { ChannelSchema, IsoDateTimeSchema, QuantitySchema, SkuSchema } from '../primitives';

/**
 * Holdfast's own order status, the same for every channel. Amazon's statuses map as:
 * PENDING / PENDING_AVAILABILITY → pending, UNSHIPPED → confirmed, PARTIALLY_SHIPPED →
 * partially_shipped, SHIPPED → shipped, CANCELLED → canceled, UNFULFILLABLE → canceled.
 */
export const OrderStatusSchema = z.enum(['pending', 'confirmed', 'partially_shipped', 'shipped', 'canceled']);
export type OrderStatus = z.infer<typeof OrderStatusSchema>;

export const FulfilledBySchema = z.enum(['MERCHANT', 'AMAZON']);
export type FulfilledBy = z.infer<typeof FulfilledBySchema>;

export const OrderLineSchema = z
  .strictObject({
    /** The channel's id of the line (Amazon orderItemId, Shopify line item id). */
    lineId: z.string().min(1).max(100),
    /** The SKU as the channel knows it; inventory-reservation maps it to internal SKUs. */
    channelSku: SkuSchema,
    quantityOrdered: QuantitySchema,
    quantityShipped: QuantitySchema,
    quantityCanceled: QuantitySchema,
  })
  .refine((l) => l.quantityShipped + l.quantityCanceled <= l.quantityOrdered, {
    message: 'shipped plus canceled cannot exceed ordered',
    path: ['quantityShipped'],
  });
export type OrderLine = z.infer<typeof OrderLineSchema>;

/**
 * Revision: a monotonic number per order so consumers can drop stale events whatever
 * order they arrive in. It is the channel's last-updated time in milliseconds × 1000
 * plus a tie-breaker (0–999) for changes seen with the same timestamp. It fits a
 * JavaScript safe integer until the year 2255.
 */
export const RevisionSchema = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

export function revisionOf(updatedAt: Date | string, tieBreaker = 0): number {
  const ms = typeof updatedAt === 'string' ? Date.parse(updatedAt) : updatedAt.getTime();
  if (!Number.isFinite(ms)) throw new RangeError(`invalid updatedAt: ${String(updatedAt)}`);
  if (!Number.isInteger(tieBreaker) || tieBreaker < 0 || tieBreaker > 999) {
    throw new RangeError(`tie-breaker must be an integer in 0..999, got ${tieBreaker}`);
  }
  const revision = ms * 1000 + tieBreaker;
  // Outside this range the revision would be negative or lose precision, and RevisionSchema rejects it.
  if (revision < 0 || revision > Number.MAX_SAFE_INTEGER) {
    throw new RangeError(`updatedAt ${String(updatedAt)} is outside the revision range (1970 to 2255)`);
  }
  return revision;
}

/**
 * Everything a consumer needs to hold, release or fulfil units for an order, and
 * nothing more: no buyer, no address, no prices (no PII on the wire, ever).
 */
export const OrderSnapshotSchema = z.strictObject({
  channel: ChannelSchema,
  accountId: z.string().min(1).max(100),
  orderId: z.string().min(1).max(100),
  marketplaceId: z.string().min(1).max(50).nullable(),
  status: OrderStatusSchema,
  /** The channel's own status word, for operators (`Pending`, `PENDING_AVAILABILITY`, `paid`, …). */
  channelStatus: z.string().min(1).max(50),
  fulfilledBy: FulfilledBySchema,
  purchasedAt: IsoDateTimeSchema,
  updatedAt: IsoDateTimeSchema,
  revision: RevisionSchema,
  lines: z.array(OrderLineSchema).min(1).max(1000),
});
export type OrderSnapshot = z.infer<typeof OrderSnapshotSchema>;

export const OrderEventPayloadSchema = z.strictObject({ order: OrderSnapshotSchema });
export type OrderEventPayload = z.infer<typeof OrderEventPayloadSchema>;
