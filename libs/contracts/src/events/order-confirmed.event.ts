import { defineEvent } from '../event-definition';
import { RoutingKeys } from '../routing-keys';
import { OrderEventPayloadSchema } from './order-snapshot';

/** An order left Pending: payment cleared, the order was re-read and is complete. */
export const OrderConfirmedEvent = defineEvent({
  type: RoutingKeys.orderConfirmed,
  version: 1,
  schema: OrderEventPayloadSchema,
  description: 'An order left Pending: payment cleared, the order was re-read and is complete.',
});
