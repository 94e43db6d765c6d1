import { z } from 'zod';
import { defineEvent } from '../event-definition';
import { ChannelSchema } from '../primitives';
import { RoutingKeys } from '../routing-keys';

export const ShipmentFailedPayloadSchema = z.strictObject({
  shipmentId: z.string().min(1).max(100),
  channel: ChannelSchema,
  accountId: z.string().min(1).max(100),
  orderId: z.string().min(1).max(100),
  /** The channel's error code, or a Holdfast one (`UnmappedCarrier`). */
  code: z.string().min(1).max(100),
  message: z.string().min(1).max(2000),
  /** Held for an operator (e.g. unmapped carrier) rather than failed at the channel. */
  held: z.boolean(),
});
export type ShipmentFailedPayload = z.infer<typeof ShipmentFailedPayloadSchema>;

export const ShipmentFailedEvent = defineEvent({
  type: RoutingKeys.shipmentFailed,
  version: 1,
  schema: ShipmentFailedPayloadSchema,
  description: 'A shipment could not be confirmed at a channel, or is held for an operator.',
});
