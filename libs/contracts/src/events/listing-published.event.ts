import { z } from 'zod';
import { defineEvent } from '../event-definition';
import { ChannelSchema, IsoDateTimeSchema, SkuSchema } from '../primitives';
import { RoutingKeys } from '../routing-keys';

/** What a channel listing was last told, for audit and metrics. */
export const ListingPublicationSchema = z.strictObject({
  channel: ChannelSchema,
  accountId: z.string().min(1).max(100),
  marketplaceId: z.string().min(1).max(50).nullable(),
  /** The SKU as the channel knows it. */
  channelSku: SkuSchema,
  quantity: z.number().int().nonnegative(),
  /** The availability.changed version the quantity came from. */
  availabilityVersion: z.number().int().nonnegative(),
});

export const ListingPublishedPayloadSchema = ListingPublicationSchema.extend({
  method: z.enum(['patch', 'feed', 'api']),
  publishedAt: IsoDateTimeSchema,
});
export type ListingPublishedPayload = z.infer<typeof ListingPublishedPayloadSchema>;

export const ListingPublishedEvent = defineEvent({
  type: RoutingKeys.listingPublished,
  version: 1,
  schema: ListingPublishedPayloadSchema,
  description: 'A channel accepted and applied a listing quantity (the feed report or read-back confirmed it).',
});
