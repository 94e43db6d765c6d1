import { defineEvent } from '../event-definition';
import { RoutingKeys } from '../routing-keys';
import { OrderEventPayloadSchema } from './order-snapshot';

/** An order seen for the first time, Pending or already paid. Holds its units. */
export const OrderPlacedEvent = defineEvent({
  type: RoutingKeys.orderPlaced,
  version: 1,
  schema: OrderEventPayloadSchema,
  description: 'An order seen for the first time, Pending or already paid. Holds its units.',
});
