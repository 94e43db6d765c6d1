import { z } from 'zod';
import { defineEvent } from '../event-definition';
import { RoutingKeys } from '../routing-keys';
import { ListingPublicationSchema } from './listing-published.event';

export const ListingPublishFailedPayloadSchema = ListingPublicationSchema.extend({
  /** The channel's error code, or a Holdfast one (`Timeout`, `FeedFatal`). */
  code: z.string().min(1).max(100),
  message: z.string().min(1).max(2000),
  attempt: z.number().int().positive(),
  willRetry: z.boolean(),
});
export type ListingPublishFailedPayload = z.infer<typeof ListingPublishFailedPayloadSchema>;

export const ListingPublishFailedEvent = defineEvent({
  type: RoutingKeys.listingPublishFailed,
  version: 1,
  schema: ListingPublishFailedPayloadSchema,
  description: 'Publishing a quantity to a channel listing failed (it may be retried).',
});
