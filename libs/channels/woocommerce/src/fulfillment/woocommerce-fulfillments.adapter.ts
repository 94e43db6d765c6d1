import { createHash } from 'node:crypto';
import { WooCommerceApiError, type WooCommerceRestClient } from '../client/woocommerce-rest-client';
import type { ShipmentConfirmation, ShipmentToConfirm, ShopShipmentConfirmer } from '@holdfast/channels-web-shop';

/**
 * The order meta key of the WooCommerce Shipment Tracking extension, which themes, e-mails and
 * other tracking plugins read: an array of `{ tracking_provider, custom_tracking_provider,
 * custom_tracking_link, tracking_number, date_shipped, tracking_id }`.
 */
export const WOO_TRACKING_ITEMS_META_KEY = '_wc_shipment_tracking_items';
/** Holdfast's own record of the shipments it reported: which lines, so partial shipments add up. */
export const HOLDFAST_SHIPMENTS_META_KEY = '_holdfast_shipments';

export interface WooTrackingItem {
  tracking_provider: string;
  custom_tracking_provider: string;
  custom_tracking_link: string;
  tracking_number: string;
  date_shipped: string;
  tracking_id: string;
}

interface HoldfastShipmentRecord {
  shipmentId: string;
  trackingNumber: string;
  lines: { lineId: string; quantity: number }[];
}

interface WooOrder {
  id: number;
  status: string;
  line_items: { id: number; quantity: number }[];
  meta_data: { id: number; key: string; value: unknown }[];
}

interface WooNote {
  id: number;
  note: string;
  customer_note: boolean;
}

const CLOSED = new Set(['cancelled', 'refunded', 'failed', 'trash', 'checkout-draft']);

export interface WooCommerceFulfillmentOptions {
  /** The customer note; `{carrier}`, `{number}`, `{url}` are filled in. */
  noteTemplate?: string;
  maxNoteAttempts?: number;
}

/**
 * Shipments on WooCommerce, which has no fulfillment object: the tracking goes into the order meta
 * where the Shipment Tracking convention expects it (free-text carrier and link), the order turns
 * `completed` once every unit of every line has been reported (WooCommerce then e-mails the buyer),
 * and a customer note carries the carrier and tracking number. Each step checks first, so a retry
 * after any failure adds nothing twice.
 */
export class WooCommerceFulfillmentsAdapter implements ShopShipmentConfirmer {
  readonly channel = 'woocommerce' as const;

  constructor(
    readonly accountId: string,
    private readonly client: WooCommerceRestClient,
    private readonly options: WooCommerceFulfillmentOptions = {},
  ) {}

  async confirmShipment(shipment: ShipmentToConfirm): Promise<ShipmentConfirmation> {
    const carrier = shipment.carrier.trim();
    let order: WooOrder;
    try {
      order = (
        await this.client.request<WooOrder>('orders.get', {
          method: 'GET',
          path: `/orders/${encodeURIComponent(shipment.orderId)}`,
        })
      ).data;
    } catch (error) {
      if (error instanceof WooCommerceApiError && error.details.status === 404) {
        return {
          outcome: 'rejected',
          code: 'ORDER_NOT_FOUND',
          message: `order ${shipment.orderId} does not exist in the store`,
        };
      }
      throw error;
    }

    const tracking = arrayMeta<WooTrackingItem>(order, WOO_TRACKING_ITEMS_META_KEY);
    const shipments = arrayMeta<HoldfastShipmentRecord>(order, HOLDFAST_SHIPMENTS_META_KEY);
    const recorded =
      shipments.some((s) => s.shipmentId === shipment.shipmentId) &&
      tracking.some((t) => t.tracking_number === shipment.trackingNumber);

    if (!recorded) {
      if (CLOSED.has(order.status))
        return {
          outcome: 'rejected',
          code: 'ORDER_CANCELLED',
          message: `order ${order.id} is ${order.status}`,
        };
      const problem = checkLines(order, shipments, shipment);
      if (problem) return { outcome: 'rejected', code: 'LINES_DO_NOT_MATCH', message: problem };
      const nextShipments = [
        ...shipments,
        { shipmentId: shipment.shipmentId, trackingNumber: shipment.trackingNumber, lines: shipment.lines },
      ];
      const nextTracking = tracking.some((t) => t.tracking_number === shipment.trackingNumber)
        ? tracking
        : [...tracking, trackingItem(carrier, shipment)];
      const complete = order.line_items.every(
        (item) => shippedUnits(nextShipments, String(item.id)) >= item.quantity,
      );
      // One absolute update: sending it again after a lost answer leaves the same order.
      await this.client.request<WooOrder>('orders.update', {
        method: 'PUT',
        path: `/orders/${order.id}`,
        body: {
          ...(complete && order.status !== 'completed' ? { status: 'completed' } : {}),
          meta_data: [
            { key: WOO_TRACKING_ITEMS_META_KEY, value: nextTracking },
            { key: HOLDFAST_SHIPMENTS_META_KEY, value: nextShipments },
          ],
        },
      });
    }
    await this.ensureCustomerNote(order.id, carrier, shipment);
    return {
      outcome: 'confirmed',
      channelReference: String(order.id),
      carrierSent: carrier,
      carrierKnown: false,
      alreadyConfirmed: recorded,
    };
  }

  /** Adds the customer note unless one names this tracking number; re-checks after an unknown outcome. */
  private async ensureCustomerNote(
    orderId: number,
    carrier: string,
    shipment: ShipmentToConfirm,
  ): Promise<void> {
    const maxAttempts = this.options.maxNoteAttempts ?? 3;
    for (let attempt = 1; ; attempt++) {
      const { data: notes } = await this.client.request<WooNote[]>('orders.notes.list', {
        method: 'GET',
        path: `/orders/${orderId}/notes`,
        query: { type: 'customer' },
      });
      if (notes.some((n) => n.customer_note && n.note.includes(shipment.trackingNumber))) return;
      try {
        await this.client.request<WooNote>('orders.notes.create', {
          method: 'POST',
          path: `/orders/${orderId}/notes`,
          idempotent: false,
          body: { note: this.note(carrier, shipment), customer_note: true },
        });
        return;
      } catch (error) {
        if (error instanceof WooCommerceApiError && error.outcomeUnknown && attempt < maxAttempts) continue;
        throw error;
      }
    }
  }

  private note(carrier: string, shipment: ShipmentToConfirm): string {
    const template =
      this.options.noteTemplate ??
      'Your order has been shipped with {carrier}. Tracking number: {number}.{url}';
    return template
      .replace('{carrier}', carrier)
      .replace('{number}', shipment.trackingNumber)
      .replace('{url}', shipment.trackingUrl ? ` Track it at ${shipment.trackingUrl}` : '');
  }
}

function trackingItem(carrier: string, shipment: ShipmentToConfirm): WooTrackingItem {
  return {
    // Free text: the extension's own provider list differs per install; a custom provider always shows.
    tracking_provider: '',
    custom_tracking_provider: carrier,
    custom_tracking_link: shipment.trackingUrl ?? '',
    tracking_number: shipment.trackingNumber,
    date_shipped: String(Math.floor(Date.now() / 1000)),
    tracking_id: createHash('md5').update(`${shipment.trackingNumber}-${shipment.shipmentId}`).digest('hex'),
  };
}

function arrayMeta<T>(order: WooOrder, key: string): T[] {
  const value = order.meta_data.find((m) => m.key === key)?.value;
  return Array.isArray(value) ? (value as T[]) : [];
}

function shippedUnits(shipments: HoldfastShipmentRecord[], lineId: string): number {
  return shipments.reduce(
    (sum, s) => sum + s.lines.filter((l) => l.lineId === lineId).reduce((n, l) => n + l.quantity, 0),
    0,
  );
}

function checkLines(
  order: WooOrder,
  shipments: HoldfastShipmentRecord[],
  shipment: ShipmentToConfirm,
): string | undefined {
  for (const line of shipment.lines) {
    const item = order.line_items.find((i) => String(i.id) === line.lineId);
    if (!item) return `line ${line.lineId} is not in order ${order.id}`;
    const left = item.quantity - shippedUnits(shipments, line.lineId);
    if (line.quantity > left)
      return `line ${line.lineId}: ${line.quantity} units reported, ${left} left to ship`;
  }
  return undefined;
}
