import { defineEvent } from '../event-definition';
import { RoutingKeys } from '../routing-keys';
import { OrderEventPayloadSchema } from './order-snapshot';

/** The whole order or some of its lines were cancelled; the snapshot says which quantities. */
export const OrderCanceledEvent = defineEvent({
  type: RoutingKeys.orderCanceled,
  version: 1,
  schema: OrderEventPayloadSchema,
  description: 'The whole order or some of its lines were cancelled; the snapshot says which quantities.',
});
