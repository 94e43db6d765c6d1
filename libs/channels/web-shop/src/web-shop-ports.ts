import type { OrderSnapshot } from '@holdfast/contracts';

/*
 * The ports a service programs against for any web shop. The Shopify and WooCommerce libraries
 * implement them and re-export them, so a service needs only the library of its channel.
 */

/** One page of a reconciliation run. */
export interface ShopOrdersPage {
  orders: OrderSnapshot[];
  /**
   * The latest `updatedAt` seen so far in this run (ISO 8601). Commit it as the checkpoint only after
   * the run ends, and start the next run a little before it (an overlap): duplicates are harmless.
   */
  highWatermark: string | null;
}

/** Order intake: webhooks are the fast path, this listing the safety net for lost ones. */
export interface ShopOrderSource {
  readonly channel: 'shopify' | 'woocommerce';
  readonly accountId: string;
  /** Every order updated at or after `since`, page by page. */
  ordersUpdatedSince(since: Date, options?: { pageSize?: number }): AsyncGenerator<ShopOrdersPage>;
  /** One order's current snapshot (null when unknown or holding no stock). */
  fetchOrder(orderId: string): Promise<OrderSnapshot | null>;
}

/** One SKU's quantity to show on a channel (never negative: the publisher clamps). */
export interface AvailabilityUpdate {
  sku: string;
  quantity: number;
}

export type AvailabilityOutcome =
  | { sku: string; outcome: 'applied'; quantity: number }
  | { sku: string; outcome: 'unknown_sku' }
  | { sku: string; outcome: 'rejected'; code: string; message: string };

/**
 * Availability: absolute quantities, many SKUs per call, one outcome per SKU. Absolute values make
 * a retry harmless; the publisher's version check decides what is stale before it calls.
 */
export interface ShopAvailabilityTarget {
  readonly channel: 'shopify' | 'woocommerce';
  readonly accountId: string;
  setAvailable(updates: readonly AvailabilityUpdate[]): Promise<AvailabilityOutcome[]>;
}

/** A shipped parcel to report to a web shop: the order's lines it carries and how to track it. */
export interface ShipmentToConfirm {
  /** Holdfast's shipment id: logs, notes, the fulfillment message. */
  shipmentId: string;
  /** The shop's order id (as in the order snapshot). */
  orderId: string;
  /** The shop's line ids (as in the order snapshot) and the units shipped. */
  lines: { lineId: string; quantity: number }[];
  /** The carrier as the carrier mapping names it for this channel. */
  carrier: string;
  trackingNumber: string;
  trackingUrl?: string;
}

export type ShipmentConfirmation =
  | {
      outcome: 'confirmed';
      /** The shop's id of what was created (Shopify fulfillment gid, WooCommerce order id). */
      channelReference: string;
      /** The carrier exactly as sent to the shop. */
      carrierSent: string;
      /** True when the shop knows the carrier (Shopify builds the link); false for free text. */
      carrierKnown: boolean;
      /** The shop already had this tracking number: nothing was sent twice. */
      alreadyConfirmed: boolean;
    }
  | { outcome: 'rejected'; code: string; message: string };

/**
 * Shipments: `rejected` is final for this shipment (hold it for an operator); transient failures
 * throw, to be retried later, and a retry never creates a second confirmation.
 */
export interface ShopShipmentConfirmer {
  readonly channel: 'shopify' | 'woocommerce';
  readonly accountId: string;
  confirmShipment(shipment: ShipmentToConfirm): Promise<ShipmentConfirmation>;
}
