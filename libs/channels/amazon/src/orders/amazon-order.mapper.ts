import {
  OrderSnapshotSchema,
  revisionOf,
  type OrderLine,
  type OrderSnapshot,
  type OrderStatus,
} from '@holdfast/contracts';
import { z } from 'zod';
import type { AmazonFulfillmentStatus } from './amazon-orders.port';

/**
 * Amazon's fulfillment status → Holdfast's order status. UNFULFILLABLE is a cancellation:
 * Amazon will not ship it and the units are free again.
 */
export const AMAZON_STATUS_TO_ORDER_STATUS: Readonly<Record<AmazonFulfillmentStatus, OrderStatus>> = {
  PENDING_AVAILABILITY: 'pending',
  PENDING: 'pending',
  UNSHIPPED: 'confirmed',
  PARTIALLY_SHIPPED: 'partially_shipped',
  SHIPPED: 'shipped',
  CANCELLED: 'canceled',
  UNFULFILLABLE: 'canceled',
};

function isKnownStatus(status: string): status is AmazonFulfillmentStatus {
  return Object.hasOwn(AMAZON_STATUS_TO_ORDER_STATUS, status);
}

/** Why an order from Amazon could not become a snapshot; stable words, stored with ingest errors. */
export type OrderMappingProblem = 'malformed' | 'unknown-status' | 'no-items' | 'unknown-fulfilled-by' | 'invalid-quantities';

/** The buyer data the ERP needs to ship a merchant-fulfilled order. Personal data: never logged, never on the wire. */
export interface AmazonBuyerData {
  buyer: { name?: string; email?: string; companyName?: string; purchaseOrderNumber?: string } | null;
  recipient: {
    name?: string;
    companyName?: string;
    addressLine1?: string;
    addressLine2?: string;
    addressLine3?: string;
    city?: string;
    districtOrCounty?: string;
    municipality?: string;
    stateOrRegion?: string;
    postalCode?: string;
    countryCode?: string;
    phone?: string;
    addressType?: string;
  } | null;
}

export interface MappedAmazonOrder {
  /** The snapshot with tie-breaker 0; the change detector raises it for same-second changes. */
  snapshot: OrderSnapshot;
  lastUpdatedTime: Date;
  /** Present only when the order carried BUYER or RECIPIENT data (getOrder after payment). */
  buyerData: AmazonBuyerData | null;
  /** A package Amazon reports DELIVERED. */
  delivered: boolean;
  /** The end of the promised delivery window, when Amazon gives one. */
  deliverBy: Date | null;
}

export type AmazonOrderMapping =
  | { ok: true; order: MappedAmazonOrder }
  | {
      ok: false;
      problem: OrderMappingProblem;
      detail: string;
      /** What could be read of the order, to file the error under it. */
      orderId: string | null;
      lastUpdatedTime: Date | null;
    };

const isoTime = z.string().refine((v) => Number.isFinite(Date.parse(v)), 'not an ISO 8601 time');
const optionalText = z.string().optional().catch(undefined);

// Loose on purpose: Amazon adds fields; only what the snapshot needs is required.
const RawItemSchema = z.object({
  orderItemId: z.string().min(1).max(100),
  quantityOrdered: z.number().int().nonnegative(),
  product: z.object({ sellerSku: z.string().min(1).max(200) }),
  fulfillment: z
    .object({
      quantityFulfilled: z.number().int().nonnegative().optional(),
      quantityUnfulfilled: z.number().int().nonnegative().optional(),
    })
    .optional(),
  cancellation: z
    .object({ cancellationExecution: z.object({}).optional() })
    
    .optional(),
});

const RawOrderSchema = z.object({
  orderId: z.string().min(1).max(100),
  createdTime: isoTime,
  lastUpdatedTime: isoTime,
  salesChannel: z.object({ marketplaceId: z.string().min(1).max(50).optional() }).optional(),
  fulfillment: z.object({
    fulfillmentStatus: z.string(),
    fulfilledBy: z.string().optional(),
    deliverByWindow: z.object({ latestDateTime: isoTime.optional() }).optional(),
  }),
  orderItems: z.array(z.unknown()),
  packages: z
    .array(z.object({ packageStatus: z.object({ status: z.string() }).optional() }))
    .optional(),
  buyer: z
    .object({
      buyerName: optionalText,
      buyerEmail: optionalText,
      buyerCompanyName: optionalText,
      buyerPurchaseOrderNumber: optionalText,
    })
    .optional(),
  recipient: z
    .object({
      deliveryAddress: z
        .object({
          name: optionalText,
          companyName: optionalText,
          addressLine1: optionalText,
          addressLine2: optionalText,
          addressLine3: optionalText,
          city: optionalText,
          districtOrCounty: optionalText,
          municipality: optionalText,
          stateOrRegion: optionalText,
          postalCode: optionalText,
          countryCode: optionalText,
          phone: optionalText,
          addressType: optionalText,
        })
        .optional(),
    })
    .optional(),
});

function describe(issues: readonly z.core.$ZodIssue[], prefix = ''): string {
  return issues
    .slice(0, 5)
    .map((i) => `${[prefix, ...i.path.map(String)].filter(Boolean).join('.') || '(order)'}: ${i.message}`)
    .join('; ');
}

function readableId(raw: unknown): string | null {
  const id = (raw as { orderId?: unknown } | null)?.orderId;
  return typeof id === 'string' && id.length > 0 && id.length <= 100 ? id : null;
}

function readableTime(raw: unknown): Date | null {
  const t = (raw as { lastUpdatedTime?: unknown } | null)?.lastUpdatedTime;
  if (typeof t !== 'string') return null;
  const ms = Date.parse(t);
  return Number.isFinite(ms) ? new Date(ms) : null;
}

function withoutUndefined<T extends Record<string, string | undefined>>(value: T): Partial<T> | null {
  const entries = Object.entries(value).filter(([, v]) => v !== undefined && v !== '');
  return entries.length > 0 ? (Object.fromEntries(entries) as Partial<T>) : null;
}

/**
 * Maps one order of Orders API v2026-01-01 (as returned by searchOrders or getOrder with
 * `includedData=FULFILLMENT`) to an order snapshot, or says why it cannot:
 * - status PENDING / PENDING_AVAILABILITY → pending, UNSHIPPED → confirmed,
 *   PARTIALLY_SHIPPED → partially_shipped, SHIPPED → shipped, CANCELLED / UNFULFILLABLE → canceled;
 *   any other status is `unknown-status` (a new Amazon status must be mapped on purpose);
 * - one line per order item with its seller SKU; shipped = `quantityFulfilled` (every unit
 *   of a SHIPPED order's items that were not cancelled), canceled = what is not shipped
 *   when the order is cancelled or the item carries a cancellation execution;
 * - `fulfilledBy` MERCHANT or AMAZON, anything else (or nothing) is `unknown-fulfilled-by`:
 *   guessing would either hold merchant stock for Amazon's order or not hold it for ours;
 * - revision = revisionOf(lastUpdatedTime, tieBreaker).
 */
export function mapAmazonOrder(raw: unknown, accountId: string, tieBreaker = 0): AmazonOrderMapping {
  const orderId = readableId(raw);
  const lastUpdatedTime = readableTime(raw);
  const fail = (problem: OrderMappingProblem, detail: string): AmazonOrderMapping => ({
    ok: false,
    problem,
    detail,
    orderId,
    lastUpdatedTime,
  });

  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return fail('malformed', 'the order is not a JSON object');
  const parsed = RawOrderSchema.safeParse(raw);
  if (!parsed.success) return fail('malformed', describe(parsed.error.issues));
  const order = parsed.data;

  const channelStatus = order.fulfillment.fulfillmentStatus;
  if (!isKnownStatus(channelStatus)) return fail('unknown-status', `fulfillment status ${channelStatus.slice(0, 50)} is not known`);
  const status = AMAZON_STATUS_TO_ORDER_STATUS[channelStatus];
  const fulfilledBy = order.fulfillment.fulfilledBy;
  if (fulfilledBy !== 'MERCHANT' && fulfilledBy !== 'AMAZON') {
    return fail('unknown-fulfilled-by', `fulfilledBy ${fulfilledBy === undefined ? 'is missing' : `${fulfilledBy.slice(0, 50)} is not known`}`);
  }
  if (order.orderItems.length === 0) return fail('no-items', 'the order has no order items');

  const lines: OrderLine[] = [];
  for (const [index, rawItem] of order.orderItems.entries()) {
    const item = RawItemSchema.safeParse(rawItem);
    if (!item.success) return fail('malformed', describe(item.error.issues, `orderItems.${index}`));
    const ordered = item.data.quantityOrdered;
    const itemCanceled = item.data.cancellation?.cancellationExecution !== undefined;
    const fulfilled = item.data.fulfillment?.quantityFulfilled ?? 0;
    if (fulfilled > ordered) {
      return fail('invalid-quantities', `orderItems.${index}: ${fulfilled} fulfilled of ${ordered} ordered`);
    }
    // A SHIPPED order has shipped every unit that was not cancelled, whatever a lagging
    // item dataset says.
    const shipped = status === 'shipped' && !itemCanceled ? ordered : fulfilled;
    const lineCanceled = status === 'canceled' || itemCanceled;
    lines.push({
      lineId: item.data.orderItemId,
      channelSku: item.data.product.sellerSku,
      quantityOrdered: ordered,
      quantityShipped: shipped,
      quantityCanceled: lineCanceled ? ordered - shipped : 0,
    });
  }

  const updated = new Date(Date.parse(order.lastUpdatedTime));
  let revision: number;
  try {
    revision = revisionOf(updated, tieBreaker);
  } catch (error) {
    return fail('malformed', `lastUpdatedTime: ${(error as Error).message}`);
  }
  const candidate: OrderSnapshot = {
    channel: 'amazon',
    accountId,
    orderId: order.orderId,
    marketplaceId: order.salesChannel?.marketplaceId ?? null,
    status,
    channelStatus,
    fulfilledBy,
    purchasedAt: new Date(Date.parse(order.createdTime)).toISOString(),
    updatedAt: updated.toISOString(),
    revision,
    lines,
  };
  // The contract is checked here too, so an order that would be refused at publish time
  // becomes an ingest error of its own instead of failing the page's transaction.
  const contract = OrderSnapshotSchema.safeParse(candidate);
  if (!contract.success) return fail('malformed', describe(contract.error.issues, 'snapshot'));

  const address = order.recipient?.deliveryAddress;
  const buyer = order.buyer
    ? withoutUndefined({
        name: order.buyer.buyerName,
        email: order.buyer.buyerEmail,
        companyName: order.buyer.buyerCompanyName,
        purchaseOrderNumber: order.buyer.buyerPurchaseOrderNumber,
      })
    : null;
  const recipient = address ? withoutUndefined(address) : null;
  const deliverBy = order.fulfillment.deliverByWindow?.latestDateTime;

  return {
    ok: true,
    order: {
      snapshot: contract.data,
      lastUpdatedTime: updated,
      buyerData: buyer || recipient ? { buyer, recipient } : null,
      delivered: (order.packages ?? []).some((p) => p.packageStatus?.status === 'DELIVERED'),
      deliverBy: deliverBy ? new Date(Date.parse(deliverBy)) : null,
    },
  };
}

/**
 * A copy of Amazon's order without its personal data, for storing a raw payload next to
 * an ingest error: what an operator needs to see why the order did not map, nothing more.
 */
export function withoutPersonalData(raw: unknown): unknown {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return raw;
  const { buyer: _buyer, recipient: _recipient, ...rest } = raw as Record<string, unknown>;
  return rest;
}
