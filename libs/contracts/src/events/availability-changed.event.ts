import { z } from 'zod';
import { defineEvent } from '../event-definition';
import { ChannelSchema, SkuSchema } from '../primitives';
import { RoutingKeys } from '../routing-keys';

/**
 * The figures one channel sees: only the stock locations that serve that channel count
 * towards its `onHand`, while every active reservation counts towards `reserved` (units
 * held for any channel are gone for all of them).
 */
export const ChannelAvailabilitySchema = z
  .strictObject({
    channel: ChannelSchema,
    onHand: z.number().int().nonnegative(),
    reserved: z.number().int().nonnegative(),
    /** onHand − reserved for this channel; negative when oversold. */
    available: z.number().int(),
  })
  .refine((c) => c.available === c.onHand - c.reserved, {
    message: 'available must equal onHand - reserved',
    path: ['available'],
  });
export type ChannelAvailability = z.infer<typeof ChannelAvailabilitySchema>;

export const AvailabilityChangedPayloadSchema = z
  .strictObject({
    /** Internal SKU (or bundle SKU, whose figures derive from its components). */
    sku: SkuSchema,
    onHand: z.number().int().nonnegative(),
    reserved: z.number().int().nonnegative(),
    /** onHand − reserved; negative when the channels already sold more than there is. */
    available: z.number().int(),
    /** Per-SKU monotonic version: a consumer never lets a lower version overwrite a higher one. */
    version: z.number().int().positive(),
    /**
     * Added field (optional, same payload version): the figures per channel, which differ
     * from the totals when some stock locations do not serve every channel. Publishers
     * use the entry of their channel when present and the totals otherwise.
     */
    channels: z.array(ChannelAvailabilitySchema).max(20).optional(),
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
