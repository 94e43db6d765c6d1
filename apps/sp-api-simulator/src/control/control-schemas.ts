import { z } from 'zod';
import { FAULT_KINDS } from '../faults/fault-injector';
import { OPERATION_NAMES } from '../models/operation-catalog';
import { EU_MARKETPLACE_IDS } from '../orders/marketplaces';
import { FULFILLED_BY, FULFILLMENT_STATUSES } from '../orders/order';

/**
 * Bodies the control API accepts (and the scenario file reuses). Unknown fields are refused, so a
 * typo in a test fixture fails loudly instead of being ignored.
 */
const marketplaceId = z.enum(EU_MARKETPLACE_IDS as [string, ...string[]]);
const operationName = z.enum(OPERATION_NAMES as [string, ...string[]]);

export const orderLineInput = z.strictObject({
  sellerSku: z.string().min(1),
  quantity: z.number().int().min(1).max(1000),
  unitPrice: z
    .string()
    .regex(/^\d{1,7}(\.\d{1,2})?$/)
    .optional(),
  asin: z.string().min(1).optional(),
  title: z.string().min(1).optional(),
});

export const createOrderInput = z.strictObject({
  sellerId: z.string().min(1).optional(),
  marketplaceId,
  fulfilledBy: z.enum(FULFILLED_BY).default('MERCHANT'),
  status: z.enum(FULFILLMENT_STATUSES).default('PENDING'),
  items: z.array(orderLineInput).min(1).max(100),
  orderId: z
    .string()
    .regex(/^\d{3}-\d{7}-\d{7}$/)
    .optional(),
  sellerOrderId: z.string().min(1).optional(),
  createdAt: z.iso.datetime({ offset: true }).optional(),
  /** Amazon-time ms before the SP-API shows the order; its lastUpdatedTime stays at creation. */
  visibilityDelayMs: z.number().min(0).optional(),
});
export type CreateOrderInput = z.infer<typeof createOrderInput>;

export const generateOrdersInput = z.strictObject({
  count: z.number().int().min(1).max(10_000),
  sellerId: z.string().min(1).optional(),
  marketplaceIds: z.array(marketplaceId).min(1).optional(),
  fulfilledBy: z.enum(['MERCHANT', 'AMAZON', 'MIXED']).default('MERCHANT'),
  status: z.enum(FULFILLMENT_STATUSES).default('PENDING'),
  skus: z.array(z.string().min(1)).min(1).optional(),
  maxLines: z.number().int().min(1).max(10).default(3),
  maxQuantity: z.number().int().min(1).max(20).default(2),
  /** Spread creation times over this many Amazon-time ms before now. */
  createdWithinMs: z.number().min(0).default(0),
  visibilityDelayMs: z.number().min(0).optional(),
});
export type GenerateOrdersInput = z.infer<typeof generateOrdersInput>;

export const orderStatusInput = z.strictObject({ status: z.enum(FULFILLMENT_STATUSES) });

export const seedListingInput = z.strictObject({
  sellerId: z.string().min(1).optional(),
  productType: z.string().min(1),
  quantity: z.number().int().min(0).optional(),
  fulfillmentChannelCode: z.string().min(1).default('DEFAULT'),
  leadTimeToShipMaxDays: z.number().int().min(0).optional(),
  marketplaceIds: z.array(marketplaceId).min(1).optional(),
  itemName: z.string().min(1).optional(),
  asin: z.string().min(1).optional(),
});
export type SeedListingInput = z.infer<typeof seedListingInput>;

export const seedListingWithSkuInput = seedListingInput.extend({ sku: z.string().min(1) });

export const bulkListingsInput = z.strictObject({
  listings: z.array(seedListingWithSkuInput).min(1).max(50_000),
});

export const faultInput = z.strictObject({
  operation: z.union([operationName, z.literal('*')]),
  kind: z.enum(FAULT_KINDS),
  share: z.number().min(0).max(1).default(1),
  latencyMs: z.number().min(0).optional(),
  phase: z.enum(['before', 'after']).optional(),
  sellerId: z.string().min(1).optional(),
  limit: z.number().int().min(1).optional(),
  orderId: z.string().min(1).optional(),
});

export const usagePlanInput = z.strictObject({
  operation: operationName,
  rate: z.number().positive(),
  burst: z.number().int().min(1),
  sellerId: z.string().min(1).optional(),
});

export const sellerInput = z.strictObject({ refreshToken: z.string().min(1), sellerId: z.string().min(1) });

export const carriersInput = z.strictObject({
  codes: z.array(z.string().min(1)).optional(),
  byMarketplace: z.record(z.string(), z.array(z.string().min(1))).optional(),
  otherRejectedIn: z.array(z.string()).optional(),
});

export const resetInput = z.strictObject({ reloadScenario: z.boolean().default(true) });

export const scenarioInput = z.strictObject({
  description: z.string().optional(),
  sellers: z.array(sellerInput).optional(),
  carriers: carriersInput.optional(),
  usagePlans: z.array(usagePlanInput).optional(),
  listings: z.array(seedListingWithSkuInput).optional(),
  orders: z.array(createOrderInput).optional(),
  generate: z.array(generateOrdersInput).optional(),
  faults: z.array(faultInput).optional(),
});
export type ScenarioInput = z.infer<typeof scenarioInput>;
