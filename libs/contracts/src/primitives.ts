import { z } from 'zod';

/** Channels Holdfast speaks to. A wire value: adding one is fine, renaming one is a migration. */
export const ChannelSchema = z.enum(['amazon', 'shopify', 'woocommerce']);
export type Channel = z.infer<typeof ChannelSchema>;

/** Identifies a merchant's account on one channel (an Amazon seller account, a shop). */
export const ChannelAccountSchema = z.strictObject({
  channel: ChannelSchema,
  accountId: z.string().min(1).max(100),
});
export type ChannelAccount = z.infer<typeof ChannelAccountSchema>;

/** An internal or channel SKU. Amazon allows up to 40 characters; shops more. */
export const SkuSchema = z.string().min(1).max(200);

export const IsoDateTimeSchema = z.iso.datetime({ offset: true });

export const QuantitySchema = z.number().int().nonnegative();
