import { z } from 'zod';
import { defineEvent } from '../event-definition';
import { ChannelSchema, IsoDateTimeSchema, SkuSchema } from '../primitives';
import { RoutingKeys } from '../routing-keys';

export const ShipmentConfirmedPayloadSchema = z.strictObject({
  shipmentId: z.string().min(1).max(100),
  channel: ChannelSchema,
  accountId: z.string().min(1).max(100),
  orderId: z.string().min(1).max(100),
  /** Carrier code as sent to the channel and the tracking number: ids, not personal data. */
  packages: z
    .array(
      z.strictObject({
        packageReferenceId: z.string().min(1).max(50),
        carrierCode: z.string().min(1).max(100),
        trackingNumber: z.string().min(1).max(100),
      }),
    )
    .min(1),
  lines: z
    .array(
      z.strictObject({
        lineId: z.string().min(1).max(100),
        channelSku: SkuSchema,
        quantity: z.number().int().positive(),
      }),
    )
    .min(1),
  confirmedAt: IsoDateTimeSchema,
});
export type ShipmentConfirmedPayload = z.infer<typeof ShipmentConfirmedPayloadSchema>;

export const ShipmentConfirmedEvent = defineEvent({
  type: RoutingKeys.shipmentConfirmed,
  version: 1,
  schema: ShipmentConfirmedPayloadSchema,
  description: 'A channel accepted a shipment confirmation; the shipped lines are fulfilled.',
});
