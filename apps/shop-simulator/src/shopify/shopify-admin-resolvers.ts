import { getDirectiveValues, GraphQLError, type GraphQLResolveInfo } from 'graphql';
import { utcIso } from '../support/shop-time';
import { paginate, type PageArgs } from './shopify-connection';
import { compare, matchesSearch, parseSearchQuery } from './shopify-search';
import type {
  FulfillmentOrderLine,
  InventoryLevel,
  ShopifyFulfillment,
  ShopifyFulfillmentOrder,
  ShopifyLineItem,
  ShopifyLocation,
  ShopifyOrder,
  ShopifyOrderTopic,
  ShopifyShop,
  ShopifyVariant,
  TrackingInfo,
} from './shopify-shop';
import { must } from '../support/must';

export interface AdminRequestContext {
  shop: ShopifyShop;
  apiVersion: string;
  /** Orders a mutation changed, with the webhook topics the change triggers. */
  changedOrders: Map<number, Set<ShopifyOrderTopic>>;
}

export function gid(type: string, id: number): string {
  return `gid://shopify/${type}/${id}`;
}

export function parseGid(value: string, type: string): number | undefined {
  const match = /^gid:\/\/shopify\/([A-Za-z]+)\/(\d+)(\?.*)?$/.exec(value);
  if (!match || match[1] !== type) return undefined;
  return Number(match[2]);
}

const REASONS = new Set([
  'correction',
  'cycle_count_available',
  'damaged',
  'movement_created',
  'movement_updated',
  'movement_received',
  'movement_canceled',
  'other',
  'promotion',
  'quality_control',
  'received',
  'reservation_created',
  'reservation_deleted',
  'reservation_updated',
  'restock',
  'safety_stock',
  'shrinkage',
]);

const MAX_QUANTITY = 1_000_000_000;
const MAX_INPUT_ITEMS = 250;

// ── node views ───────────────────────────────────────────────────────────────────────────────

function locationNode(location: ShopifyLocation) {
  return {
    id: gid('Location', location.id),
    legacyResourceId: String(location.id),
    name: location.name,
    isActive: location.active,
  };
}

function levelNode(shop: ShopifyShop, variant: ShopifyVariant, level: InventoryLevel) {
  return {
    id: `${gid('InventoryLevel', level.locationId * 1000 + (variant.inventoryItemId % 1000))}?inventory_item_id=${variant.inventoryItemId}`,
    item: () => inventoryItemNode(shop, variant),
    location: locationNode(shop.requireLocation(level.locationId)),
    updatedAt: utcIso(level.updatedAt),
    quantities: ({ names }: { names: string[] }) =>
      names.map((name) => ({
        id: `${gid('InventoryQuantity', variant.inventoryItemId)}?location_id=${level.locationId}&name=${name}`,
        name,
        quantity: quantityOf(level, name),
        updatedAt: utcIso(level.updatedAt),
      })),
  };
}

function quantityOf(level: InventoryLevel, name: string): number {
  switch (name) {
    case 'available':
      return level.available;
    case 'committed':
      return level.committed;
    case 'on_hand':
      return level.available + level.committed;
    default:
      return 0;
  }
}

function inventoryItemNode(shop: ShopifyShop, variant: ShopifyVariant): Record<string, unknown> {
  return {
    id: gid('InventoryItem', variant.inventoryItemId),
    legacyResourceId: String(variant.inventoryItemId),
    sku: variant.sku,
    tracked: variant.tracked,
    variant: () => variantNode(shop, variant),
    inventoryLevel: ({ locationId }: { locationId: string }) => {
      const id = parseGid(locationId, 'Location');
      const level = variant.levels.find((l) => l.locationId === id);
      return level ? levelNode(shop, variant, level) : null;
    },
    inventoryLevels: (args: PageArgs) =>
      paginate(
        variant.levels.map((level) => levelNode(shop, variant, level)),
        args,
        (node) => node.id,
      ),
  };
}

function variantNode(shop: ShopifyShop, variant: ShopifyVariant): Record<string, unknown> {
  return {
    id: gid('ProductVariant', variant.id),
    legacyResourceId: String(variant.id),
    sku: variant.sku,
    title: variant.title,
    displayName: `${variant.productTitle} - ${variant.title}`,
    inventoryQuantity: variant.levels.reduce((sum, level) => sum + level.available, 0),
    inventoryItem: () => inventoryItemNode(shop, variant),
    product: {
      id: gid('Product', variant.productId),
      legacyResourceId: String(variant.productId),
      title: variant.productTitle,
    },
  };
}

function lineItemNode(shop: ShopifyShop, item: ShopifyLineItem) {
  const variant = item.variantId === null ? undefined : shop.variants.get(item.variantId);
  return {
    id: gid('LineItem', item.id),
    sku: item.sku,
    name: item.name,
    title: item.name,
    quantity: item.quantity,
    currentQuantity: item.currentQuantity,
    unfulfilledQuantity: Math.max(0, item.currentQuantity - item.fulfilledQuantity),
    variant: () => (variant ? variantNode(shop, variant) : null),
  };
}

function fulfillmentOrderNode(shop: ShopifyShop, fulfillmentOrder: ShopifyFulfillmentOrder) {
  const order = shop.requireOrder(fulfillmentOrder.orderId);
  const location = shop.requireLocation(fulfillmentOrder.locationId);
  return {
    id: gid('FulfillmentOrder', fulfillmentOrder.id),
    status: fulfillmentOrder.status,
    createdAt: utcIso(fulfillmentOrder.createdAt),
    updatedAt: utcIso(fulfillmentOrder.updatedAt),
    orderId: gid('Order', fulfillmentOrder.orderId),
    assignedLocation: { location: locationNode(location), name: location.name },
    lineItems: (args: PageArgs) =>
      paginate(
        fulfillmentOrder.lineItems.map((line: FulfillmentOrderLine) => {
          const item = must(
            order.lineItems.find((i) => i.id === line.lineItemId),
            `line item ${line.lineItemId}`,
          );
          return {
            id: gid('FulfillmentOrderLineItem', line.id),
            sku: item.sku,
            totalQuantity: line.totalQuantity,
            remainingQuantity: line.remainingQuantity,
            lineItem: lineItemNode(shop, item),
          };
        }),
        args,
        (node) => node.id,
      ),
  };
}

function fulfillmentNode(shop: ShopifyShop, fulfillment: ShopifyFulfillment) {
  const order = shop.requireOrder(fulfillment.orderId);
  return {
    id: gid('Fulfillment', fulfillment.id),
    legacyResourceId: String(fulfillment.id),
    name: fulfillment.name,
    status: fulfillment.status,
    createdAt: utcIso(fulfillment.createdAt),
    updatedAt: utcIso(fulfillment.updatedAt),
    trackingInfo: ({ first }: { first?: number | null }) =>
      fulfillment.tracking
        .slice(0, first ?? undefined)
        .map((t: TrackingInfo) => ({ company: t.company, number: t.number, url: t.url })),
    fulfillmentLineItems: (args: PageArgs) =>
      paginate(
        fulfillment.lines.map((line) => ({
          id: gid('FulfillmentLineItem', line.id),
          quantity: line.quantity,
          lineItem: lineItemNode(
            shop,
            must(
              order.lineItems.find((i) => i.id === line.lineItemId),
              `line item ${line.lineItemId}`,
            ),
          ),
        })),
        args,
        (node) => node.id,
      ),
  };
}

export function orderNode(shop: ShopifyShop, order: ShopifyOrder) {
  return {
    id: gid('Order', order.id),
    legacyResourceId: String(order.id),
    name: order.name,
    createdAt: utcIso(order.createdAt),
    updatedAt: utcIso(order.updatedAt),
    processedAt: utcIso(order.processedAt),
    cancelledAt: order.cancelledAt === null ? null : utcIso(order.cancelledAt),
    cancelReason: order.cancelReason?.toUpperCase() ?? null,
    closed: order.closedAt !== null,
    closedAt: order.closedAt === null ? null : utcIso(order.closedAt),
    test: order.test,
    email: order.email,
    displayFinancialStatus: order.financialStatus.toUpperCase(),
    displayFulfillmentStatus: shop.displayFulfillmentStatus(order),
    lineItems: (args: PageArgs) =>
      paginate(
        order.lineItems.map((item) => lineItemNode(shop, item)),
        args,
        (node) => node.id,
      ),
    fulfillmentOrders: (args: PageArgs) =>
      paginate(
        order.fulfillmentOrderIds.map((id) =>
          fulfillmentOrderNode(shop, must(shop.fulfillmentOrders.get(id), `fulfillment order ${id}`)),
        ),
        args,
        (node) => node.id,
      ),
    fulfillments: ({ first }: { first?: number | null }) =>
      order.fulfillmentIds
        .slice(0, first ?? undefined)
        .map((id) => fulfillmentNode(shop, must(shop.fulfillments.get(id), `fulfillment ${id}`))),
  };
}

// ── root resolvers ───────────────────────────────────────────────────────────────────────────

interface OrdersArgs extends PageArgs {
  query?: string | null;
  sortKey: 'CREATED_AT' | 'ID' | 'NUMBER' | 'PROCESSED_AT' | 'UPDATED_AT';
  reverse: boolean;
}

interface VariantsArgs extends PageArgs {
  query?: string | null;
  sortKey: 'ID' | 'SKU';
  reverse: boolean;
}

interface InventoryQuantityInput {
  inventoryItemId: string;
  locationId: string;
  quantity: number;
  changeFromQuantity?: number | null;
}

interface InventorySetQuantitiesInput {
  name: string;
  reason: string;
  referenceDocumentUri?: string | null;
  quantities: InventoryQuantityInput[];
}

interface FulfillmentInput {
  lineItemsByFulfillmentOrder: {
    fulfillmentOrderId: string;
    fulfillmentOrderLineItems?: { id: string; quantity: number }[] | null;
  }[];
  notifyCustomer?: boolean | null;
  trackingInfo?: {
    company?: string | null;
    number?: string | null;
    numbers?: string[] | null;
    url?: string | null;
    urls?: string[] | null;
  } | null;
}

type UserError = { code?: string | null; field: string[] | null; message: string };

export const rootResolvers = {
  shop: (_args: unknown, context: AdminRequestContext) => ({
    id: gid('Shop', 1),
    name: context.shop.domain.replace('.myshopify.com', ''),
    myshopifyDomain: context.shop.domain,
    ianaTimezone: 'Europe/Rome',
  }),

  orders: (args: OrdersArgs, context: AdminRequestContext) => {
    const { shop } = context;
    const query = parseSearchQuery(args.query);
    const matching = [...shop.orders.values()].filter((order) =>
      matchesSearch(query, (term) => {
        switch (term.field) {
          case 'updated_at':
          case 'created_at':
          case 'processed_at': {
            const expected = Date.parse(term.value);
            if (!Number.isFinite(expected)) return false;
            const actual =
              term.field === 'updated_at'
                ? order.updatedAt
                : term.field === 'created_at'
                  ? order.createdAt
                  : order.processedAt;
            return compare(term.comparator, Math.floor(actual / 1000) * 1000, expected);
          }
          case 'status':
            if (term.value === 'any') return true;
            if (term.value === 'open') return order.closedAt === null;
            if (term.value === 'closed') return order.closedAt !== null;
            if (term.value === 'cancelled') return order.cancelledAt !== null;
            return false;
          case 'financial_status':
            return order.financialStatus === term.value;
          case 'name':
            return order.name === term.value || order.name === `#${term.value}`;
          case 'id':
            return compare(term.comparator, order.id, Number(term.value));
          default:
            return undefined;
        }
      }),
    );
    const sortValue = (order: ShopifyOrder): number => {
      switch (args.sortKey) {
        case 'CREATED_AT':
          return order.createdAt;
        case 'UPDATED_AT':
          return Math.floor(order.updatedAt / 1000);
        case 'PROCESSED_AT':
          return order.processedAt;
        case 'NUMBER':
          return order.number;
        case 'ID':
          return order.id;
      }
    };
    matching.sort((a, b) => sortValue(a) - sortValue(b) || a.id - b.id);
    if (args.reverse) matching.reverse();
    return mapConnection(
      paginate(matching, args, (order) => String(order.id)),
      (order) => orderNode(shop, order),
    );
  },

  order: ({ id }: { id: string }, context: AdminRequestContext) => {
    const orderId = parseGid(id, 'Order');
    const order = orderId === undefined ? undefined : context.shop.orders.get(orderId);
    return order ? orderNode(context.shop, order) : null;
  },

  fulfillmentOrder: ({ id }: { id: string }, context: AdminRequestContext) => {
    const fulfillmentOrderId = parseGid(id, 'FulfillmentOrder');
    const fulfillmentOrder =
      fulfillmentOrderId === undefined ? undefined : context.shop.fulfillmentOrders.get(fulfillmentOrderId);
    return fulfillmentOrder ? fulfillmentOrderNode(context.shop, fulfillmentOrder) : null;
  },

  productVariants: (args: VariantsArgs, context: AdminRequestContext) => {
    const { shop } = context;
    const query = parseSearchQuery(args.query);
    const matching = [...shop.variants.values()].filter((variant) =>
      matchesSearch(query, (term) => {
        switch (term.field) {
          case 'sku':
            return variant.sku === term.value;
          case 'product_id':
            return String(variant.productId) === term.value;
          case 'id':
            return String(variant.id) === term.value;
          default:
            return undefined;
        }
      }),
    );
    matching.sort((a, b) => (args.sortKey === 'SKU' ? a.sku.localeCompare(b.sku) : 0) || a.id - b.id);
    if (args.reverse) matching.reverse();
    return mapConnection(
      paginate(matching, args, (variant) => String(variant.id)),
      (variant) => variantNode(shop, variant),
    );
  },

  productVariant: ({ id }: { id: string }, context: AdminRequestContext) => {
    const variantId = parseGid(id, 'ProductVariant');
    const variant = variantId === undefined ? undefined : context.shop.variants.get(variantId);
    return variant ? variantNode(context.shop, variant) : null;
  },

  inventoryItem: ({ id }: { id: string }, context: AdminRequestContext) => {
    const itemId = parseGid(id, 'InventoryItem');
    const variant = itemId === undefined ? undefined : context.shop.variantByInventoryItem(itemId);
    return variant ? inventoryItemNode(context.shop, variant) : null;
  },

  locations: (args: PageArgs & { includeInactive: boolean }, context: AdminRequestContext) =>
    mapConnection(
      paginate(
        context.shop.locations.filter((l) => args.includeInactive || l.active),
        args,
        (l) => String(l.id),
      ),
      locationNode,
    ),

  location: ({ id }: { id?: string | null }, context: AdminRequestContext) => {
    if (id === undefined || id === null) return locationNode(context.shop.primaryLocation);
    const locationId = parseGid(id, 'Location');
    const location = context.shop.locations.find((l) => l.id === locationId);
    return location ? locationNode(location) : null;
  },

  inventorySetQuantities: (
    { input }: { input: InventorySetQuantitiesInput },
    context: AdminRequestContext,
    info: GraphQLResolveInfo,
  ) => {
    const { shop } = context;
    const key = idempotencyKey(info);
    if (key === undefined && context.apiVersion >= '2026-04') {
      throw new GraphQLError('The @idempotent directive is required for this mutation.', {
        extensions: { code: 'BAD_REQUEST' },
      });
    }
    if (input.quantities.length > MAX_INPUT_ITEMS) {
      throw new GraphQLError(
        `The input array size of ${input.quantities.length} is greater than the maximum allowed of ${MAX_INPUT_ITEMS}.`,
        {
          extensions: { code: 'MAX_INPUT_SIZE_EXCEEDED' },
        },
      );
    }
    const fingerprint = JSON.stringify(input);
    if (key !== undefined) {
      const seen = shop.idempotency.get(key);
      if (seen && seen.fingerprint !== fingerprint) {
        return payload(null, [
          {
            code: 'IDEMPOTENCY_KEY_PARAMETER_MISMATCH',
            field: null,
            message: 'The same idempotency key cannot be used with different operation parameters.',
          },
        ]);
      }
      if (seen) return seen.response;
    }

    const userErrors: UserError[] = [];
    if (input.name !== 'available' && input.name !== 'on_hand') {
      userErrors.push({
        code: 'INVALID_NAME',
        field: ['input', 'name'],
        message: "The quantity name must be either 'available' or 'on_hand'.",
      });
    }
    if (!REASONS.has(input.reason)) {
      userErrors.push({
        code: 'INVALID_REASON',
        field: ['input', 'reason'],
        message: 'The specified reason is invalid.',
      });
    }
    if (
      input.referenceDocumentUri !== undefined &&
      input.referenceDocumentUri !== null &&
      !validReferenceDocument(input.referenceDocumentUri)
    ) {
      userErrors.push({
        code: 'INVALID_REFERENCE_DOCUMENT',
        field: ['input', 'referenceDocumentUri'],
        message: 'The specified reference document is invalid.',
      });
    }
    const plan: { variant: ShopifyVariant; level: InventoryLevel; quantity: number }[] = [];
    input.quantities.forEach((entry, index) => {
      const field = (name: string) => ['input', 'quantities', String(index), name];
      if (context.apiVersion >= '2026-04' && !('changeFromQuantity' in entry)) {
        userErrors.push({
          code: null,
          field: field('changeFromQuantity'),
          message: 'changeFromQuantity must be given: pass null to skip the compare-and-swap check.',
        });
        return;
      }
      const itemId = parseGid(entry.inventoryItemId, 'InventoryItem');
      const variant = itemId === undefined ? undefined : shop.variantByInventoryItem(itemId);
      if (!variant) {
        userErrors.push({
          code: 'INVALID_INVENTORY_ITEM',
          field: field('inventoryItemId'),
          message: 'The specified inventory item could not be found.',
        });
        return;
      }
      const locationId = parseGid(entry.locationId, 'Location');
      if (locationId === undefined || !shop.locations.some((l) => l.id === locationId)) {
        userErrors.push({
          code: 'INVALID_LOCATION',
          field: field('locationId'),
          message: 'The specified location could not be found.',
        });
        return;
      }
      const level = variant.levels.find((l) => l.locationId === locationId);
      if (!level) {
        userErrors.push({
          code: 'ITEM_NOT_STOCKED_AT_LOCATION',
          field: field('locationId'),
          message: 'The specified inventory item is not stocked at the location.',
        });
        return;
      }
      if (!variant.tracked) {
        userErrors.push({
          code: 'NON_MUTABLE_INVENTORY_ITEM',
          field: field('inventoryItemId'),
          message: 'The specified inventory item is not tracked.',
        });
        return;
      }
      if (entry.quantity > MAX_QUANTITY) {
        userErrors.push({
          code: 'INVALID_QUANTITY_TOO_HIGH',
          field: field('quantity'),
          message: "The quantity can't be higher than 1,000,000,000.",
        });
        return;
      }
      if (entry.quantity < 0 && input.name === 'on_hand') {
        userErrors.push({
          code: 'INVALID_QUANTITY_NEGATIVE',
          field: field('quantity'),
          message: "The quantity can't be negative.",
        });
        return;
      }
      const current = input.name === 'on_hand' ? level.available + level.committed : level.available;
      if (
        entry.changeFromQuantity !== undefined &&
        entry.changeFromQuantity !== null &&
        entry.changeFromQuantity !== current
      ) {
        userErrors.push({
          code: 'CHANGE_FROM_QUANTITY_STALE',
          field: field('changeFromQuantity'),
          message: 'The changeFromQuantity value does not match persisted value.',
        });
        return;
      }
      plan.push({ variant, level, quantity: entry.quantity });
    });

    // All or nothing: one bad quantity rejects the whole call, as the real mutation does.
    if (userErrors.length > 0) return remember(shop, key, fingerprint, payload(null, userErrors));

    const createdAt = Date.now();
    const changes = plan.flatMap(({ variant, level, quantity }) =>
      shop
        .setQuantity(
          variant,
          level,
          input.name as 'available' | 'on_hand',
          quantity,
          'api:inventorySetQuantities',
          input.reason,
          input.referenceDocumentUri,
        )
        .map((change) => ({
          ...change,
          item: inventoryItemNode(shop, variant),
          location: locationNode(shop.requireLocation(level.locationId)),
        })),
    );
    const group = {
      id: gid('InventoryAdjustmentGroup', shop.adjustmentGroupId()),
      createdAt: utcIso(createdAt),
      reason: input.reason,
      referenceDocumentUri: input.referenceDocumentUri ?? null,
      changes: () => changes,
    };
    return remember(shop, key, fingerprint, payload(group, []));
  },

  fulfillmentCreate: (
    { fulfillment, message }: { fulfillment: FulfillmentInput; message?: string | null },
    context: AdminRequestContext,
  ) => {
    const { shop } = context;
    const userErrors: UserError[] = [];
    const lines: { fulfillmentOrderId: number; items?: { id: number; quantity: number }[] }[] = [];
    fulfillment.lineItemsByFulfillmentOrder.forEach((entry, index) => {
      const fulfillmentOrderId = parseGid(entry.fulfillmentOrderId, 'FulfillmentOrder');
      if (fulfillmentOrderId === undefined) {
        userErrors.push({
          field: ['fulfillment', 'lineItemsByFulfillmentOrder', String(index), 'fulfillmentOrderId'],
          message: 'Invalid id.',
        });
        return;
      }
      let items: { id: number; quantity: number }[] | undefined;
      if (entry.fulfillmentOrderLineItems) {
        items = [];
        for (const item of entry.fulfillmentOrderLineItems) {
          const id = parseGid(item.id, 'FulfillmentOrderLineItem');
          if (id === undefined) {
            userErrors.push({
              field: [
                'fulfillment',
                'lineItemsByFulfillmentOrder',
                String(index),
                'fulfillmentOrderLineItems',
              ],
              message: 'Invalid id.',
            });
            continue;
          }
          items.push({ id, quantity: item.quantity });
        }
      }
      lines.push({ fulfillmentOrderId, items });
    });
    const tracking = trackingOf(fulfillment.trackingInfo, userErrors);
    if (userErrors.length > 0) return { fulfillment: null, userErrors };
    const result = shop.createFulfillment({
      lines,
      tracking,
      notifyCustomer: fulfillment.notifyCustomer ?? false,
      message: message ?? null,
    });
    if (!result.fulfillment) return { fulfillment: null, userErrors: result.userErrors };
    const order = shop.requireOrder(result.fulfillment.orderId);
    const topics = context.changedOrders.get(order.id) ?? new Set<ShopifyOrderTopic>();
    topics.add('orders/updated');
    topics.add(
      shop.displayFulfillmentStatus(order) === 'FULFILLED'
        ? 'orders/fulfilled'
        : 'orders/partially_fulfilled',
    );
    context.changedOrders.set(order.id, topics);
    return { fulfillment: fulfillmentNode(shop, result.fulfillment), userErrors: [] };
  },
};

function mapConnection<T, U>(connection: ReturnType<typeof paginate<T>>, map: (item: T) => U) {
  return {
    nodes: connection.nodes.map(map),
    edges: connection.edges.map((edge) => ({ cursor: edge.cursor, node: map(edge.node) })),
    pageInfo: connection.pageInfo,
  };
}

function trackingOf(input: FulfillmentInput['trackingInfo'], userErrors: UserError[]): TrackingInfo[] {
  if (!input) return [];
  if (input.url && input.urls)
    userErrors.push({
      field: ['fulfillment', 'trackingInfo'],
      message: 'Provide either url or urls, not both.',
    });
  if (input.number && input.numbers)
    userErrors.push({
      field: ['fulfillment', 'trackingInfo'],
      message: 'Provide either number or numbers, not both.',
    });
  if (input.url && !input.number)
    userErrors.push({
      field: ['fulfillment', 'trackingInfo', 'number'],
      message: 'A tracking number is required when a tracking URL is given.',
    });
  const numbers = input.numbers ?? (input.number ? [input.number] : []);
  const urls = input.urls ?? (input.url ? [input.url] : []);
  if (numbers.length === 0) return input.company ? [{ company: input.company, number: null, url: null }] : [];
  return numbers.map((number, index) => ({
    company: input.company ?? null,
    number,
    url: urls[index] ?? null,
  }));
}

function payload(group: unknown, userErrors: UserError[]) {
  return { inventoryAdjustmentGroup: group, userErrors };
}

function remember<T>(shop: ShopifyShop, key: string | undefined, fingerprint: string, response: T): T {
  if (key !== undefined) shop.idempotency.set(key, { fingerprint, response });
  return response;
}

function idempotencyKey(info: GraphQLResolveInfo): string | undefined {
  const directive = info.schema.getDirective('idempotent');
  if (!directive) return undefined;
  const values = getDirectiveValues(directive, info.fieldNodes[0], info.variableValues);
  const key = values?.['key'];
  return typeof key === 'string' ? key : undefined;
}

function validReferenceDocument(uri: string): boolean {
  if (uri.startsWith('gid://shopify/')) return false;
  return /^[a-z][a-z0-9+.-]*:\/\/?.+/i.test(uri);
}
