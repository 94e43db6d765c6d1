/**
 * What Holdfast asks of Amazon about shipments, for one seller account. The shipment
 * notifier talks to this interface; `SpApiAmazonShipments` is the SP-API adapter.
 */
export interface AmazonShipments {
  /**
   * Confirms one package with `confirmShipment` (Orders API v0; there is no newer version).
   * Resolves on 204. Throws `SpApiError` otherwise: a 429 is retried inside (Amazon did
   * nothing), a 5xx or a timeout is NOT, because Amazon may have applied it; the caller must
   * find out (`readOrderShipments`) before it calls again. Throws
   * `AmazonShipmentRequestError` before any call when the confirmation breaks Amazon's rules.
   */
  confirmShipment(orderId: string, confirmation: AmazonPackageConfirmation, signal?: AbortSignal): Promise<void>;

  /**
   * The order's shipping state as Amazon shows it (`getOrder` v2026-01-01 with PACKAGES and
   * FULFILLMENT): which packages Amazon holds for it. Null when Amazon does not know the order.
   * Read-only, so retried on 5xx and timeouts like every idempotent call.
   */
  readOrderShipments(orderId: string, signal?: AbortSignal): Promise<AmazonOrderShipments | null>;
}

/** One package as `confirmShipment` takes it (`ConfirmShipmentRequest.packageDetail`). */
export interface AmazonPackageConfirmation {
  marketplaceId: string;
  /** A positive integer as a string, unique within the order; the same on every retry. */
  packageReferenceId: string;
  /** Exactly as on Amazon's carrier list (case-sensitive), or `Other` with `carrierName`. */
  carrierCode: string;
  carrierName?: string;
  shippingMethod?: string;
  trackingNumber: string;
  /** ISO 8601 date-time. */
  shipDate: string;
  orderItems: { orderItemId: string; quantity: number }[];
}

export interface AmazonOrderPackage {
  packageReferenceId: string;
  carrier: string | null;
  trackingNumber: string | null;
  items: { orderItemId: string; quantity: number }[];
}

export interface AmazonOrderShipments {
  orderId: string;
  /** `UNSHIPPED`, `PARTIALLY_SHIPPED`, `SHIPPED`, … when Amazon returned the fulfillment dataset. */
  fulfillmentStatus: string | null;
  /** The packages Amazon holds, or null when the response carried no package dataset. */
  packages: AmazonOrderPackage[] | null;
}

/** A confirmation Amazon would refuse, caught before spending a call on it. */
export class AmazonShipmentRequestError extends Error {
  override readonly name = 'AmazonShipmentRequestError';
}

export const AMAZON_OTHER_CARRIER = 'Other';

/** Checks a confirmation against the rules Amazon documents; throws `AmazonShipmentRequestError`. */
export function assertValidPackageConfirmation(c: AmazonPackageConfirmation): void {
  const problems: string[] = [];
  if (!/^[1-9]\d{0,17}$/.test(c.packageReferenceId)) problems.push('packageReferenceId must be a positive integer');
  if (c.carrierCode.trim() === '') problems.push('carrierCode is required');
  if (c.carrierCode === AMAZON_OTHER_CARRIER && !c.carrierName?.trim()) {
    problems.push('carrierName is required when carrierCode is "Other"');
  }
  if (c.trackingNumber.trim() === '') problems.push('trackingNumber is required');
  if (Number.isNaN(Date.parse(c.shipDate))) problems.push('shipDate must be an ISO 8601 date-time');
  if (c.orderItems.length === 0) problems.push('orderItems must not be empty');
  for (const item of c.orderItems) {
    if (!item.orderItemId || !Number.isInteger(item.quantity) || item.quantity < 1) {
      problems.push(`order item ${item.orderItemId || '(empty)'} needs a positive integer quantity`);
    }
  }
  if (problems.length > 0) throw new AmazonShipmentRequestError(problems.join('; '));
}
