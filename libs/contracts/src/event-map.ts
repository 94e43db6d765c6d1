import type { z } from 'zod';
import { AvailabilityChangedEvent } from './events/availability-changed.event';
import { OrderCanceledEvent } from './events/order-canceled.event';
import { OrderConfirmedEvent } from './events/order-confirmed.event';
import { OrderPlacedEvent } from './events/order-placed.event';
import { OrderShippedEvent } from './events/order-shipped.event';
import { OrderUpdatedEvent } from './events/order-updated.event';
import { ListingPublishFailedEvent } from './events/listing-publish-failed.event';
import { ListingPublishedEvent } from './events/listing-published.event';
import { ShipmentConfirmedEvent } from './events/shipment-confirmed.event';
import { ShipmentFailedEvent } from './events/shipment-failed.event';
import { StockOversoldEvent } from './events/stock-oversold.event';
import type { RoutingKey } from './routing-keys';

/**
 * Routing key → event definition. The `satisfies` clause makes the compiler refuse a
 * routing key without a definition, and a definition filed under the wrong key.
 */
export const EVENTS = {
  'order.placed': OrderPlacedEvent,
  'order.confirmed': OrderConfirmedEvent,
  'order.updated': OrderUpdatedEvent,
  'order.canceled': OrderCanceledEvent,
  'order.shipped': OrderShippedEvent,
  'availability.changed': AvailabilityChangedEvent,
  'stock.oversold': StockOversoldEvent,
  'shipment.confirmed': ShipmentConfirmedEvent,
  'shipment.failed': ShipmentFailedEvent,
  'listing.published': ListingPublishedEvent,
  'listing.publish-failed': ListingPublishFailedEvent,
} as const satisfies { [K in RoutingKey]: { type: K; version: number; schema: z.ZodType } };

/** The payload type published under routing key K: `publish('order.placed', payload)` is checked against it. */
export type EventPayload<K extends RoutingKey> = z.output<(typeof EVENTS)[K]['schema']>;

export type EventPayloadMap = { [K in RoutingKey]: EventPayload<K> };

export function eventDefinition<K extends RoutingKey>(type: K): (typeof EVENTS)[K] {
  return EVENTS[type];
}
