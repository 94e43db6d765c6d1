import { defineEvent } from '../event-definition';
import { RoutingKeys } from '../routing-keys';
import { OrderEventPayloadSchema } from './order-snapshot';

/** The channel reports the order (or some lines) shipped; the snapshot carries shipped quantities. */
export const OrderShippedEvent = defineEvent({
  type: RoutingKeys.orderShipped,
  version: 1,
  schema: OrderEventPayloadSchema,
  description: 'The channel reports the order (or some lines) shipped; the snapshot carries shipped quantities.',
});
