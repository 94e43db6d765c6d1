import { DomainError } from '@holdfast/platform';

/** The notifier has never heard of the order (no order.* event for it, or not yet). */
export class OrderUnknownError extends DomainError {
  readonly code = 'shipment.order-unknown';
  readonly kind = 'rule-violation';

  constructor(channel: string, accountId: string, orderId: string) {
    super(
      `Order ${orderId} of ${channel} account ${accountId} is not known here (yet): ` +
        'a shipment can only be accepted for an order imported from the channel.',
      { channel, accountId, orderId },
    );
  }
}

export class OrderAwaitingPaymentError extends DomainError {
  readonly code = 'shipment.order-awaiting-payment';
  readonly kind = 'conflict';

  constructor(orderId: string, channelStatus: string) {
    super(
      `Order ${orderId} is ${channelStatus}: it is awaiting payment and must not ship. ` +
        'Send the shipment again once the channel has confirmed the order.',
      { orderId, orderStatus: 'pending' },
    );
  }
}

export class OrderCanceledError extends DomainError {
  readonly code = 'shipment.order-canceled';
  readonly kind = 'conflict';

  constructor(orderId: string) {
    super(`Order ${orderId} is cancelled: it must not ship.`, { orderId, orderStatus: 'canceled' });
  }
}

export class OrderFulfilledByChannelError extends DomainError {
  readonly code = 'shipment.order-fulfilled-by-channel';
  readonly kind = 'rule-violation';

  constructor(orderId: string) {
    super(`Order ${orderId} is fulfilled by the channel (FBA): the merchant does not ship it.`, { orderId });
  }
}

export class OrderLineUnknownError extends DomainError {
  readonly code = 'shipment.line-unknown';
  readonly kind = 'rule-violation';

  constructor(orderId: string, reference: string) {
    super(`Order ${orderId} has no line ${reference}.`, { orderId, line: reference });
  }
}

export class OrderLineAmbiguousError extends DomainError {
  readonly code = 'shipment.line-ambiguous';
  readonly kind = 'rule-violation';

  constructor(orderId: string, sku: string) {
    super(`Order ${orderId} has several lines with SKU ${sku}: name the line by its channel order item id.`, {
      orderId,
      sku,
    });
  }
}

export class QuantityExceedsOrderedError extends DomainError {
  readonly code = 'shipment.quantity-exceeds-ordered';
  readonly kind = 'rule-violation';

  constructor(orderId: string, lineId: string, requested: number, shippable: number) {
    super(
      `Line ${lineId} of order ${orderId}: ${requested} unit(s) requested, but only ${shippable} were ordered and not cancelled.`,
      { orderId, lineId, requested, shippable },
    );
  }
}

export class QuantityAlreadyShippedError extends DomainError {
  readonly code = 'shipment.quantity-already-shipped';
  readonly kind = 'conflict';

  constructor(orderId: string, lineId: string, requested: number, remaining: number) {
    super(
      `Line ${lineId} of order ${orderId}: ${requested} unit(s) requested, but only ${remaining} remain after earlier shipments.`,
      { orderId, lineId, requested, remaining },
    );
  }
}

/** Well-formed JSON whose content does not make a shipment (rules checked beyond the DTO). */
export class ShipmentRequestInvalidError extends DomainError {
  readonly code = 'shipment.request-invalid';
  readonly kind = 'invalid-input';

  constructor(message: string, field?: string) {
    super(message, field ? { errors: [{ field, pointer: `#/${field.replace(/\[(\d+)\]/g, '/$1').replace(/\./g, '/')}`, detail: message }] } : {});
  }
}

export class ShipmentNotFoundError extends DomainError {
  readonly code = 'shipment.not-found';
  readonly kind = 'not-found';

  constructor(id: string) {
    super(`No shipment ${id}.`);
  }
}

export class ShipmentInManifestError extends DomainError {
  readonly code = 'shipment.in-manifest';
  readonly kind = 'conflict';

  constructor(id: string, manifestId: string) {
    super(`Shipment ${id} is on manifest ${manifestId}: it is sent when the manifest is marked shipped.`, {
      manifestId,
    });
  }
}

export class ShipmentNotRetryableError extends DomainError {
  readonly code = 'shipment.not-retryable';
  readonly kind = 'conflict';

  constructor(id: string, status: string) {
    super(`Shipment ${id} is ${status}: only failed or held shipments (or confirmations Amazon did not apply) can be retried.`, {
      status,
    });
  }
}

export class ShipmentNotVoidableError extends DomainError {
  readonly code = 'shipment.not-voidable';
  readonly kind = 'conflict';

  constructor(id: string, reason: string) {
    super(`Shipment ${id} cannot be voided: ${reason}.`);
  }
}

export class ManifestNotFoundError extends DomainError {
  readonly code = 'manifest.not-found';
  readonly kind = 'not-found';

  constructor(id: string) {
    super(`No manifest ${id}.`);
  }
}

export class ManifestAlreadyShippedError extends DomainError {
  readonly code = 'manifest.already-shipped';
  readonly kind = 'conflict';

  constructor(id: string) {
    super(`Manifest ${id} is already shipped: its shipments can no longer change.`);
  }
}

export class ManifestEmptyError extends DomainError {
  readonly code = 'manifest.empty';
  readonly kind = 'rule-violation';

  constructor(id: string) {
    super(`Manifest ${id} has no shipments: add shipments before marking it shipped.`);
  }
}

export class ShipmentNotAddableError extends DomainError {
  readonly code = 'manifest.shipment-not-addable';
  readonly kind = 'conflict';

  constructor(shipmentId: string, reason: string) {
    super(`Shipment ${shipmentId} cannot be added to the manifest: ${reason}.`, { shipmentId });
  }
}

export class ShipmentVoidedError extends DomainError {
  readonly code = 'shipment.voided';
  readonly kind = 'conflict';

  constructor(id: string) {
    super(`Shipment ${id} is voided.`);
  }
}
