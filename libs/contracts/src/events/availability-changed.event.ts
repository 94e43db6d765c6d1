import { z } from 'zod';
import { defineEvent } from '../event-definition';
import { SkuSchema } from '../primitives';
import { RoutingKeys } from '../routing-keys';

export const AvailabilityChangedPayloadSchema = z
  .strictObject({
    /** Internal SKU. */
    sku: SkuSchema,
    onHand: z.number().int().nonnegative(),
    reserved: z.number().int().nonnegative(),
    /** onHand − reserved; negative when the channels already sold more than there is. */
    available: z.number().int(),
    /** Per-SKU monotonic version: a consumer never lets a lower version overwrite a higher one. */
    version: z.number().int().positive(),
  })
  .refine((p) => p.available === p.onHand - p.reserved, {
    message: 'available must equal onHand - reserved',
    path: ['available'],
  });
export type AvailabilityChangedPayload = z.infer<typeof AvailabilityChangedPayloadSchema>;

export const AvailabilityChangedEvent = defineEvent({
  type: RoutingKeys.availabilityChanged,
  version: 1,
  schema: AvailabilityChangedPayloadSchema,
  description: 'The true available quantity of an internal SKU changed (published once per transaction per SKU).',
});
