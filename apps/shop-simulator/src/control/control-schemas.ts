import { z } from 'zod';
import { FAULT_KINDS } from '../faults/fault-injector';
import { FINANCIAL_STATUSES, ORDER_TOPICS } from '../shopify/shopify-shop';
import { WOO_ORDER_STATUSES, WOO_TOPICS } from '../woocommerce/woo-store';

/** How the webhooks of a control action go out: sent, lost on the way, or signed with a wrong secret. */
export const webhookMode = z.enum(['send', 'suppress', 'invalid-signature']).default('send');
const sku = z.string().min(1).max(200);
const quantity = z.number().int().min(1).max(100_000);
const url = z.url({ protocol: /^https?$/ });

export const faultInput = z.strictObject({
  platform: z.enum(['shopify', 'woocommerce', '*']).default('*'),
  operation: z.string().min(1).default('*'),
  kind: z.enum(FAULT_KINDS),
  share: z.number().min(0).max(1).default(1),
  latencyMs: z.number().int().min(0).max(120_000).optional(),
  phase: z.enum(['before', 'after']).optional(),
  account: z.string().min(1).optional(),
  limit: z.number().int().positive().optional(),
});

export const replayInput = z.strictObject({ url: url.optional() }).default({});

export const shopInput = z.strictObject({
  domain: z.string().regex(/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/i, 'a <name>.myshopify.com domain'),
  accessToken: z.string().min(8),
  webhookSecret: z.string().min(8),
  webhookUrl: url.nullable().optional(),
  topics: z.array(z.enum(ORDER_TOPICS)).optional(),
  locations: z.array(z.string().min(1)).min(1).max(10).optional(),
  timezoneOffsetMinutes: z.number().int().min(-720).max(840).optional(),
  bucketSize: z.number().positive().optional(),
  restoreRate: z.number().positive().optional(),
});

export const shopWebhooksInput = z.strictObject({
  url: url.nullable(),
  topics: z.array(z.enum(ORDER_TOPICS)).optional(),
});

export const throttleInput = z.strictObject({
  maximumAvailable: z.number().positive().optional(),
  restoreRate: z.number().positive().optional(),
  currentlyAvailable: z.number().min(0).optional(),
});

export const shopifyProductsInput = z.strictObject({
  products: z
    .array(
      z.strictObject({
        sku,
        title: z.string().min(1).optional(),
        available: z.number().int().min(0).default(0),
        locationIds: z.array(z.number().int().positive()).min(1).optional(),
        price: z
          .string()
          .regex(/^\d+(\.\d{1,2})?$/)
          .optional(),
      }),
    )
    .min(1)
    .max(5000),
});

const orderLines = z
  .array(
    z.strictObject({
      sku,
      quantity,
      price: z
        .string()
        .regex(/^\d+(\.\d{1,2})?$/)
        .optional(),
    }),
  )
  .min(1)
  .max(250);

export const shopifyOrderInput = z.strictObject({
  lines: orderLines,
  financialStatus: z.enum(FINANCIAL_STATUSES).default('paid'),
  test: z.boolean().optional(),
  webhook: webhookMode,
});

export const shopifyStatusInput = z.strictObject({
  status: z.enum([...FINANCIAL_STATUSES, 'cancelled']),
  webhook: webhookMode,
});

export const shopifyEmitInput = z.strictObject({
  topic: z.enum(ORDER_TOPICS),
  webhook: webhookMode,
});

export const storeInput = z.strictObject({
  storeId: z.string().regex(/^[a-z0-9-]{1,40}$/),
  consumerKey: z.string().min(8),
  consumerSecret: z.string().min(8),
  webhookSecret: z.string().min(8),
  webhookUrl: url.nullable().optional(),
  topics: z.array(z.enum(WOO_TOPICS)).optional(),
  timezoneOffsetMinutes: z.number().int().min(-720).max(840).optional(),
  requestsPerSecond: z.number().positive().optional(),
  burst: z.number().int().positive().optional(),
});

export const storeWebhooksInput = z.strictObject({
  url: url.nullable(),
  topics: z.array(z.enum(WOO_TOPICS)).optional(),
});

export const rateLimitInput = z.strictObject({
  requestsPerSecond: z.number().positive().optional(),
  burst: z.number().int().positive().optional(),
});

const wooStock = z.number().int().min(-100_000).max(1_000_000).nullable().optional();

export const wooProductsInput = z.strictObject({
  products: z
    .array(
      z.union([
        z.strictObject({
          sku,
          name: z.string().min(1).optional(),
          stockQuantity: wooStock,
          price: z.string().optional(),
        }),
        z.strictObject({
          sku,
          name: z.string().min(1).optional(),
          variations: z
            .array(z.strictObject({ sku, stockQuantity: wooStock, price: z.string().optional() }))
            .min(1)
            .max(1000),
        }),
      ]),
    )
    .min(1)
    .max(5000),
});

export const wooOrderInput = z.strictObject({
  lines: orderLines,
  status: z.enum(['pending', 'on-hold', 'processing']).default('processing'),
  customerNote: z.string().max(1000).optional(),
  webhook: webhookMode,
});

export const wooStatusInput = z.strictObject({
  status: z.enum([...WOO_ORDER_STATUSES, 'paid']),
  webhook: webhookMode,
});

export const wooEmitInput = z.strictObject({
  topic: z.enum(WOO_TOPICS),
  webhook: webhookMode,
});

export const resetInput = z.strictObject({}).default({});
