/**
 * The wire names of every event Holdfast publishes.
 *
 * WARNING: these strings are a wire contract. They are RabbitMQ routing keys and the
 * `type` field of every envelope already written to outboxes, queues and dead-letter
 * queues. Changing one is a migration (publish both names, move every consumer's
 * binding, drain the old queues), never a rename.
 */
export const RoutingKeys = {
  orderPlaced: 'order.placed',
  orderConfirmed: 'order.confirmed',
  orderUpdated: 'order.updated',
  orderCanceled: 'order.canceled',
  orderShipped: 'order.shipped',
  availabilityChanged: 'availability.changed',
  stockOversold: 'stock.oversold',
  shipmentConfirmed: 'shipment.confirmed',
  shipmentFailed: 'shipment.failed',
  listingPublished: 'listing.published',
  listingPublishFailed: 'listing.publish-failed',
} as const;

export type RoutingKey = (typeof RoutingKeys)[keyof typeof RoutingKeys];

export const ALL_ROUTING_KEYS: readonly RoutingKey[] = Object.values(RoutingKeys);

/** The order lifecycle events, all carrying the same order snapshot. */
export const ORDER_ROUTING_KEYS = [
  RoutingKeys.orderPlaced,
  RoutingKeys.orderConfirmed,
  RoutingKeys.orderUpdated,
  RoutingKeys.orderCanceled,
  RoutingKeys.orderShipped,
] as const;

export type OrderRoutingKey = (typeof ORDER_ROUTING_KEYS)[number];

export function isRoutingKey(value: string): value is RoutingKey {
  return (ALL_ROUTING_KEYS as readonly string[]).includes(value);
}
