import { z } from 'zod';
import { defineEvent } from '../event-definition';
import { ChannelSchema, SkuSchema } from '../primitives';
import { RoutingKeys } from '../routing-keys';

export const StockOversoldPayloadSchema = z.strictObject({
  sku: SkuSchema,
  /** Units reserved beyond what is on hand (positive). */
  shortfall: z.number().int().positive(),
  orders: z
    .array(z.strictObject({ channel: ChannelSchema, accountId: z.string().min(1), orderId: z.string().min(1) }))
    .min(1),
});
export type StockOversoldPayload = z.infer<typeof StockOversoldPayloadSchema>;

export const StockOversoldEvent = defineEvent({
  type: RoutingKeys.stockOversold,
  version: 1,
  schema: StockOversoldPayloadSchema,
  description: 'A reservation drove available below zero: the channels sold more than is on hand.',
});
