import { z } from 'zod';
import {
  faultInput,
  rateLimitInput,
  replayInput,
  shopifyEmitInput,
  shopifyOrderInput,
  shopifyProductsInput,
  shopifyStatusInput,
  shopInput,
  shopWebhooksInput,
  storeInput,
  storeWebhooksInput,
  throttleInput,
  wooEmitInput,
  wooOrderInput,
  wooProductsInput,
  wooStatusInput,
} from './control-schemas';

type Operation = {
  summary: string;
  description?: string;
  body?: z.ZodType;
  query?: { name: string; description: string }[];
  responses?: Record<string, string>;
};

const shopParam = {
  name: 'shop',
  in: 'path',
  required: true,
  schema: { type: 'string' },
  description: 'The shop domain, e.g. holdfast-demo.myshopify.com',
};
const storeParam = {
  name: 'store',
  in: 'path',
  required: true,
  schema: { type: 'string' },
  description: 'The store id, e.g. demo',
};

const PATHS: Record<string, Record<string, Operation>> = {
  '/_sim/health': { get: { summary: 'Liveness, with the shop API and control URLs' } },
  '/_sim/openapi.json': { get: { summary: 'This document' } },
  '/_sim/stats': {
    get: {
      summary: 'Calls per platform and operation, by outcome (ok, throttled, fault, rejected, unauthorized)',
    },
  },
  '/_sim/reset': {
    post: {
      summary: 'Forget everything; the default shop and store are registered again; seeded streams restart',
      responses: { '204': 'reset' },
    },
  },
  '/_sim/faults': {
    get: { summary: 'Fault rules in force' },
    post: {
      summary: 'Add a fault rule',
      description:
        'kind: http500 | http502 | http503 | latency | connectionReset. phase `after` applies the change and then fails the answer (the client cannot tell it happened). operation: a Shopify GraphQL root field (inventorySetQuantities, fulfillmentCreate, orders, productVariants, order) or a WooCommerce operation (orders.list, orders.get, orders.update, orders.notes.list, orders.notes.create, products.list, products.get, products.update, products.batch, variations.list, variations.update, variations.batch); `*` for all. Draws are seeded by SIM_SEED.',
      body: faultInput,
      responses: { '201': 'the rule, with its id' },
    },
    delete: { summary: 'Remove every fault rule', responses: { '204': 'removed' } },
  },
  '/_sim/faults/{faultId}': {
    delete: { summary: 'Remove one fault rule', responses: { '204': 'removed', '404': 'no such rule' } },
  },
  '/_sim/webhooks': {
    get: {
      summary:
        'Every webhook delivery: exact headers and body, state (pending, delivered, failed, suppressed), each attempt',
      query: [
        { name: 'platform', description: 'shopify | woocommerce' },
        { name: 'account', description: 'shop domain or store id' },
        { name: 'topic', description: 'orders/create, order.updated, …' },
      ],
    },
  },
  '/_sim/webhooks/{deliveryId}': { get: { summary: 'One delivery' } },
  '/_sim/webhooks/{deliveryId}/replay': {
    post: {
      summary: 'Send a recorded delivery again, byte for byte, same delivery id and signature (a replay)',
      body: replayInput,
    },
  },
  '/_sim/shopify/shops': {
    get: { summary: 'Registered Shopify shops' },
    post: {
      summary:
        'Register a shop (domain, Admin API access token, webhook secret, webhook URL, locations, bucket)',
      body: shopInput,
    },
  },
  '/_sim/shopify/shops/{shop}': {
    get: { summary: 'One shop: locations (ids for inventory calls), webhooks, throttle status' },
  },
  '/_sim/shopify/shops/{shop}/webhooks': {
    put: { summary: 'Where and which orders/* webhooks go', body: shopWebhooksInput },
  },
  '/_sim/shopify/shops/{shop}/throttle': {
    put: {
      summary: 'Set the GraphQL cost bucket (maximumAvailable, restoreRate, currentlyAvailable)',
      body: throttleInput,
    },
  },
  '/_sim/shopify/shops/{shop}/products': {
    post: {
      summary: 'Create products, one variant each, with an inventory item stocked at the given locations',
      body: shopifyProductsInput,
    },
  },
  '/_sim/shopify/shops/{shop}/inventory': {
    get: {
      summary: 'Inventory levels per SKU and location (available, committed, on hand)',
      query: [{ name: 'sku', description: 'repeat or comma-separate' }],
    },
  },
  '/_sim/shopify/shops/{shop}/inventory/history': {
    get: {
      summary:
        'Every quantity change with its source (api:inventorySetQuantities, order:<id>, fulfillment:<id>, control)',
      query: [
        { name: 'sku', description: 'repeat or comma-separate' },
        { name: 'source', description: 'prefix, e.g. api:' },
      ],
    },
  },
  '/_sim/shopify/shops/{shop}/orders': {
    get: { summary: 'Orders with fulfillment orders, fulfillments and tracking' },
    post: {
      summary:
        'Create an order (pending = unpaid, paid, authorized, …); sends orders/create (and orders/paid), or loses it with webhook=suppress',
      body: shopifyOrderInput,
    },
  },
  '/_sim/shopify/shops/{shop}/orders/{orderId}': {
    get: {
      summary:
        'One order: fulfillmentStatus unfulfilled | partially_fulfilled | fulfilled, fulfillments with tracking',
    },
  },
  '/_sim/shopify/shops/{shop}/orders/{orderId}/status': {
    post: {
      summary: 'Mark paid (or another financial status) or cancel (restocks); sends the matching webhooks',
      body: shopifyStatusInput,
    },
  },
  '/_sim/shopify/shops/{shop}/orders/{orderId}/webhooks': {
    post: { summary: "Send one of the order's webhooks again, as it is now", body: shopifyEmitInput },
  },
  '/_sim/shopify/shops/{shop}/fulfillments': {
    get: {
      summary: 'Fulfillments received through fulfillmentCreate, with tracking company, number and URL',
      query: [{ name: 'orderId', description: 'numeric order id' }],
    },
  },
  '/_sim/woocommerce/stores': {
    get: { summary: 'Registered WooCommerce stores, with their REST base URL' },
    post: {
      summary: 'Register a store (consumer key and secret, webhook secret and URL, rate limit)',
      body: storeInput,
    },
  },
  '/_sim/woocommerce/stores/{store}': { get: { summary: 'One store' } },
  '/_sim/woocommerce/stores/{store}/webhooks': {
    put: {
      summary: 'Delivery URL of the order.* webhooks; re-enables disabled ones',
      body: storeWebhooksInput,
    },
  },
  '/_sim/woocommerce/stores/{store}/webhooks/ping': {
    post: { summary: 'Send the unsigned ping WooCommerce sends when a webhook is saved' },
  },
  '/_sim/woocommerce/stores/{store}/rate-limit': {
    put: { summary: 'Requests per second and burst before the REST API answers 429', body: rateLimitInput },
  },
  '/_sim/woocommerce/stores/{store}/products': {
    post: {
      summary: 'Create simple products, or variable products with variations, with stock',
      body: wooProductsInput,
    },
  },
  '/_sim/woocommerce/stores/{store}/stock': {
    get: {
      summary: 'Stock quantity per SKU (simple products and variations)',
      query: [{ name: 'sku', description: 'repeat or comma-separate' }],
    },
  },
  '/_sim/woocommerce/stores/{store}/stock/history': {
    get: {
      summary:
        'Every stock change with its source (api:products.batch, api:variations.batch, order:<id>, control)',
      query: [
        { name: 'sku', description: 'repeat or comma-separate' },
        { name: 'source', description: 'prefix' },
      ],
    },
  },
  '/_sim/woocommerce/stores/{store}/orders': {
    get: { summary: 'Orders with status, tracking items (_wc_shipment_tracking_items) and notes' },
    post: {
      summary: 'Create an order (pending = unpaid, on-hold, processing = paid); sends order.created',
      body: wooOrderInput,
    },
  },
  '/_sim/woocommerce/stores/{store}/orders/{orderId}': { get: { summary: 'One order' } },
  '/_sim/woocommerce/stores/{store}/orders/{orderId}/status': {
    post: {
      summary: 'Change status (paid = processing, cancelled, …) with stock side effects; sends order.updated',
      body: wooStatusInput,
    },
  },
  '/_sim/woocommerce/stores/{store}/orders/{orderId}/webhooks': {
    post: { summary: "Send one of the order's webhooks again", body: wooEmitInput },
  },
  '/_sim/woocommerce/stores/{store}/shipments': {
    get: { summary: 'Orders that received tracking, with the tracking items and notes' },
  },
};

let cached: unknown;

/** The control API as OpenAPI 3.1; request bodies come from the same zod schemas that validate them. */
export function controlOpenApiDocument(): unknown {
  if (cached) return cached;
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [path, operations] of Object.entries(PATHS)) {
    paths[path] = {};
    for (const [method, operation] of Object.entries(operations)) {
      const parameters = [
        ...(path.includes('{shop}') ? [shopParam] : []),
        ...(path.includes('{store}') ? [storeParam] : []),
        ...[...path.matchAll(/\{(orderId|faultId|deliveryId)\}/g)].map((m) => ({
          name: m[1],
          in: 'path',
          required: true,
          schema: { type: 'string' },
        })),
        ...(operation.query ?? []).map((q) => ({
          name: q.name,
          in: 'query',
          required: false,
          schema: { type: 'string' },
          description: q.description,
        })),
      ];
      const responses = Object.fromEntries(
        Object.entries(
          operation.responses ?? {
            [method === 'post' && !path.includes('/status') && !path.includes('replay') ? '201' : '200']:
              'ok',
          },
        ).map(([status, description]) => [status, { description }]),
      );
      responses['400'] ??= { description: 'invalid request (application/problem+json)' };
      paths[path][method] = {
        summary: operation.summary,
        ...(operation.description ? { description: operation.description } : {}),
        ...(parameters.length > 0 ? { parameters } : {}),
        ...(operation.body
          ? {
              requestBody: {
                required: true,
                content: {
                  'application/json': {
                    schema: z.toJSONSchema(operation.body, { io: 'input', unrepresentable: 'any' }),
                  },
                },
              },
            }
          : {}),
        responses,
      };
    }
  }
  cached = {
    openapi: '3.1.0',
    info: {
      title: 'Holdfast shop simulator: control API',
      version: '1.0.0',
      description:
        'Drives the simulated Shopify shops and WooCommerce stores. The shop APIs themselves are on the other port: Shopify GraphQL Admin API at POST /admin/api/{version}/graphql.json (X-Shopify-Access-Token), WooCommerce REST API v3 at /woocommerce/{store}/wp-json/wc/v3 (basic auth with the consumer key and secret).',
    },
    paths,
  };
  return cached;
}
