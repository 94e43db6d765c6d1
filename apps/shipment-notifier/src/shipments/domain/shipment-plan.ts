import type { FulfilledBy, OrderLine, OrderStatus } from '@holdfast/contracts';
import { carrierKey } from '../../carrier-mapping/domain/carrier-key';
import {
  OrderAwaitingPaymentError,
  OrderCanceledError,
  OrderFulfilledByChannelError,
  OrderLineAmbiguousError,
  OrderLineUnknownError,
  OrderUnknownError,
  QuantityAlreadyShippedError,
  QuantityExceedsOrderedError,
  ShipmentRequestInvalidError,
} from './shipment.errors';

/** What the notifier knows of an order, from `order.*` events. */
export interface KnownOrder {
  channel: string;
  accountId: string;
  orderId: string;
  marketplaceId: string | null;
  status: OrderStatus;
  fulfilledBy: FulfilledBy;
  lines: OrderLine[];
}

/** A line as the ERP names it: by the channel's order item id, or by SKU. */
export interface LineRequest {
  lineId?: string;
  sku?: string;
  quantity: number;
}

export interface PackageRequest {
  carrier: string;
  trackingNumber: string;
  shipDate: Date;
  shippingMethod?: string;
  lines?: LineRequest[];
}

export interface ShipmentRequest {
  channel: string;
  accountId: string;
  orderId: string;
  lines?: LineRequest[];
  packages: PackageRequest[];
}

export interface ShippedLine {
  lineId: string;
  channelSku: string;
  quantity: number;
}

export interface PlannedPackage {
  carrier: string;
  trackingNumber: string;
  shipDate: Date;
  shippingMethod: string | null;
  items: ShippedLine[];
}

export interface ShipmentPlan {
  packages: PlannedPackage[];
  /** Every line of the shipment with its total quantity. */
  lines: ShippedLine[];
}

/** Units of one order line that earlier shipments (not voided) of this service already claim. */
export interface LineCommitment {
  /** In packages the channel confirmed. */
  confirmed: number;
  /** In packages not confirmed (yet): pending, sent, held or failed. */
  unconfirmed: number;
}

const CHANNEL_NAMES: Record<string, string> = { amazon: 'Amazon', shopify: 'Shopify', woocommerce: 'WooCommerce' };

/**
 * Turns an ERP shipment into packages of order lines, or refuses it: a Pending order must not
 * ship (it is awaiting payment), nor a cancelled or channel-fulfilled one, nor more units than
 * were ordered or remain after earlier shipments. Lines go either on the shipment (one
 * package) or on each package (several packages: the channel needs to know what is in each).
 */
export function planShipment(
  order: KnownOrder | null,
  request: ShipmentRequest,
  commitments: ReadonlyMap<string, LineCommitment>,
  now: Date,
  maxShipDateFutureMs: number,
): ShipmentPlan {
  checkShape(request, now, maxShipDateFutureMs);
  if (!order) throw new OrderUnknownError(request.channel, request.accountId, request.orderId);
  if (order.fulfilledBy !== 'MERCHANT') throw new OrderFulfilledByChannelError(order.orderId);
  if (order.status === 'pending') {
    throw new OrderAwaitingPaymentError(order.orderId, `Pending on ${CHANNEL_NAMES[order.channel] ?? order.channel}`);
  }
  if (order.status === 'canceled') throw new OrderCanceledError(order.orderId);

  const packages: PlannedPackage[] = request.packages.map((p, index) => {
    const requested = p.lines ?? (index === 0 ? (request.lines ?? []) : []);
    return {
      carrier: p.carrier.trim(),
      trackingNumber: p.trackingNumber.trim(),
      shipDate: p.shipDate,
      shippingMethod: p.shippingMethod?.trim() ? p.shippingMethod.trim() : null,
      items: mergeLines(requested.map((l) => resolveLine(order, l))),
    };
  });
  const lines = mergeLines(packages.flatMap((p) => p.items));

  for (const line of lines) {
    const orderLine = order.lines.find((l) => l.lineId === line.lineId) as OrderLine;
    const shippable = orderLine.quantityOrdered - orderLine.quantityCanceled;
    if (line.quantity > shippable) {
      throw new QuantityExceedsOrderedError(order.orderId, line.lineId, line.quantity, shippable);
    }
    const earlier = commitments.get(line.lineId) ?? { confirmed: 0, unconfirmed: 0 };
    // The channel's own count includes what we confirmed once its order event caught up;
    // what we have not confirmed yet is in no snapshot.
    const shipped = Math.max(orderLine.quantityShipped, earlier.confirmed) + earlier.unconfirmed;
    const remaining = Math.max(0, shippable - shipped);
    if (line.quantity > remaining) {
      throw new QuantityAlreadyShippedError(order.orderId, line.lineId, line.quantity, remaining);
    }
  }
  return { packages, lines };
}

function checkShape(request: ShipmentRequest, now: Date, maxShipDateFutureMs: number): void {
  const shipmentLines = request.lines !== undefined;
  const packageLines = request.packages.filter((p) => p.lines !== undefined).length;
  if (shipmentLines && packageLines > 0) {
    throw new ShipmentRequestInvalidError('Give the lines either on the shipment or on each package, not both.', 'lines');
  }
  if (!shipmentLines && packageLines < request.packages.length) {
    throw new ShipmentRequestInvalidError('Every package needs its lines (or give the lines on the shipment for a single package).', 'packages');
  }
  if (shipmentLines && request.packages.length > 1) {
    throw new ShipmentRequestInvalidError(
      'With several packages, give each package its own lines: the channel is told what is in each package.',
      'lines',
    );
  }
  request.packages.forEach((p, i) => {
    if (carrierKey(p.carrier) === '') {
      throw new ShipmentRequestInvalidError('The carrier must contain at least one letter or digit.', `packages[${i}].carrier`);
    }
    if (p.trackingNumber.trim() === '') {
      throw new ShipmentRequestInvalidError('The tracking number must not be blank.', `packages[${i}].trackingNumber`);
    }
    if (p.shipDate.getTime() > now.getTime() + maxShipDateFutureMs) {
      throw new ShipmentRequestInvalidError(
        `The ship date ${p.shipDate.toISOString()} is more than ${Math.round(maxShipDateFutureMs / 60_000)} minutes in the future.`,
        `packages[${i}].shipDate`,
      );
    }
    const lines = p.lines ?? request.lines ?? [];
    if (lines.length === 0) throw new ShipmentRequestInvalidError('A package needs at least one line.', `packages[${i}].lines`);
  });
  const all = [...(request.lines ?? []), ...request.packages.flatMap((p) => p.lines ?? [])];
  all.forEach((l) => {
    if ((l.lineId === undefined) === (l.sku === undefined)) {
      throw new ShipmentRequestInvalidError('Name each line by exactly one of lineId (the channel order item id) or sku.', 'lines');
    }
  });
}

function resolveLine(order: KnownOrder, request: LineRequest): ShippedLine {
  if (request.lineId !== undefined) {
    const line = order.lines.find((l) => l.lineId === request.lineId);
    if (!line) throw new OrderLineUnknownError(order.orderId, request.lineId);
    return { lineId: line.lineId, channelSku: line.channelSku, quantity: request.quantity };
  }
  const sku = request.sku as string;
  const matches = order.lines.filter((l) => l.channelSku === sku);
  if (matches.length === 0) throw new OrderLineUnknownError(order.orderId, `with SKU ${sku}`);
  if (matches.length > 1) throw new OrderLineAmbiguousError(order.orderId, sku);
  return { lineId: matches[0].lineId, channelSku: matches[0].channelSku, quantity: request.quantity };
}

function mergeLines(lines: ShippedLine[]): ShippedLine[] {
  const merged = new Map<string, ShippedLine>();
  for (const line of lines) {
    const known = merged.get(line.lineId);
    if (known) known.quantity += line.quantity;
    else merged.set(line.lineId, { ...line });
  }
  return [...merged.values()];
}
