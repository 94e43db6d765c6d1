import { defineEvent } from '../event-definition';
import { RoutingKeys } from '../routing-keys';
import { OrderEventPayloadSchema } from './order-snapshot';

/** A real change to lines, quantities or status that is not a confirmation, cancellation or shipment. */
export const OrderUpdatedEvent = defineEvent({
  type: RoutingKeys.orderUpdated,
  version: 1,
  schema: OrderEventPayloadSchema,
  description: 'A real change to lines, quantities or status that is not a confirmation, cancellation or shipment.',
});
