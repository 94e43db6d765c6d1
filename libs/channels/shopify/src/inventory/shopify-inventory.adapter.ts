import { randomUUID } from 'node:crypto';
import type { ShopifyGraphqlCaller } from '../client/shopify-graphql-caller';
import type { AvailabilityOutcome, AvailabilityUpdate, ShopAvailabilityTarget } from '@holdfast/channels-web-shop';

interface VariantStock {
  inventoryItemId: string;
  locationIds: string[];
  tracked: boolean;
}

interface VariantsData {
  productVariants: {
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    nodes: {
      sku: string | null;
      inventoryItem: {
        id: string;
        tracked: boolean;
        inventoryLevels: { nodes: { location: { id: string } }[] };
      };
    }[];
  };
}

interface SetQuantitiesData {
  inventorySetQuantities: {
    inventoryAdjustmentGroup: { id: string } | null;
    userErrors: { code: string | null; field: string[] | null; message: string }[];
  } | null;
}

const LOOKUP_PAGE = 50;
const LEVELS_PER_ITEM = 5;
/** Shopify accepts at most 250 quantities per inventorySetQuantities call. */
export const SHOPIFY_MAX_QUANTITIES_PER_CALL = 250;

const VARIANTS_BY_SKU = /* GraphQL */ `
  query HoldfastVariantsBySku($first: Int!, $after: String, $query: String!) {
    productVariants(first: $first, after: $after, query: $query) {
      pageInfo { hasNextPage endCursor }
      nodes {
        sku
        inventoryItem {
          id
          tracked
          inventoryLevels(first: ${LEVELS_PER_ITEM}) { nodes { location { id } } }
        }
      }
    }
  }
`;

const SET_AVAILABLE = /* GraphQL */ `
  mutation HoldfastSetAvailable($input: InventorySetQuantitiesInput!, $idempotencyKey: String!) {
    inventorySetQuantities(input: $input) @idempotent(key: $idempotencyKey) {
      inventoryAdjustmentGroup {
        id
      }
      userErrors {
        code
        field
        message
      }
    }
  }
`;

export interface ShopifyInventoryOptions {
  /** The location Holdfast manages; without it, an item stocked at exactly one location uses that one. */
  locationId?: string;
  /** Quantities per mutation (≤ 250). Every mutation costs 10 points whatever its size. */
  batchSize?: number;
  /** How long a SKU → inventory item lookup is trusted. */
  directoryTtlMs?: number;
  now?: () => number;
}

/**
 * Availability on Shopify: `inventorySetQuantities` on the `available` quantity of each variant's
 * inventory item at the managed location, up to 250 quantities per call, each call with its own
 * idempotency key (kept across retries of that call). `changeFromQuantity: null` opts out of
 * compare-and-swap: Holdfast is the source of truth for this number and the publisher orders the
 * versions before calling. The cost-based throttle is honoured by the caller.
 */
export class ShopifyInventoryAdapter implements ShopAvailabilityTarget {
  readonly channel = 'shopify' as const;
  private readonly directory = new Map<string, { stock: VariantStock | null; at: number }>();
  private readonly batchSize: number;
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(
    readonly accountId: string,
    private readonly caller: ShopifyGraphqlCaller,
    private readonly options: ShopifyInventoryOptions = {},
  ) {
    this.batchSize = Math.min(SHOPIFY_MAX_QUANTITIES_PER_CALL, Math.max(1, options.batchSize ?? 100));
    this.ttlMs = options.directoryTtlMs ?? 10 * 60_000;
    this.now = options.now ?? Date.now;
  }

  async setAvailable(updates: readonly AvailabilityUpdate[]): Promise<AvailabilityOutcome[]> {
    // The last update per SKU wins: the caller coalesces, this only guards against duplicates in one call.
    const wanted = new Map<string, number>();
    for (const update of updates) wanted.set(update.sku, Math.max(0, Math.trunc(update.quantity)));
    await this.resolve([...wanted.keys()]);

    const outcomes = new Map<string, AvailabilityOutcome>();
    const ready: { sku: string; inventoryItemId: string; locationId: string; quantity: number }[] = [];
    for (const [sku, quantity] of wanted) {
      const stock = this.directory.get(sku)?.stock ?? null;
      if (!stock) {
        outcomes.set(sku, { sku, outcome: 'unknown_sku' });
        continue;
      }
      if (!stock.tracked) {
        outcomes.set(sku, {
          sku,
          outcome: 'rejected',
          code: 'NOT_TRACKED',
          message: 'inventory is not tracked for this variant',
        });
        continue;
      }
      const location = this.locationFor(stock);
      if ('problem' in location) {
        outcomes.set(sku, { sku, outcome: 'rejected', code: location.code, message: location.problem });
        continue;
      }
      ready.push({ sku, inventoryItemId: stock.inventoryItemId, locationId: location.locationId, quantity });
    }

    for (let start = 0; start < ready.length; start += this.batchSize) {
      await this.setBatch(ready.slice(start, start + this.batchSize), outcomes);
    }
    return [...wanted.keys()].map(
      (sku) => outcomes.get(sku) ?? { sku, outcome: 'rejected', code: 'NOT_SENT', message: 'not sent' },
    );
  }

  /** Forgets cached lookups, e.g. after products were re-created in the shop. */
  forget(skus?: readonly string[]): void {
    if (!skus) this.directory.clear();
    else for (const sku of skus) this.directory.delete(sku);
  }

  private async setBatch(
    batch: { sku: string; inventoryItemId: string; locationId: string; quantity: number }[],
    outcomes: Map<string, AvailabilityOutcome>,
  ): Promise<void> {
    let remaining = batch;
    // The mutation is all or nothing: a quantity it refuses is set aside and the rest sent again.
    while (remaining.length > 0) {
      const { data } = await this.caller.request<SetQuantitiesData>('inventorySetQuantities', SET_AVAILABLE, {
        estimatedCost: 10,
        variables: {
          idempotencyKey: randomUUID(),
          input: {
            name: 'available',
            reason: 'correction',
            referenceDocumentUri: `gid://holdfast/AvailabilityPublish/${randomUUID()}`,
            quantities: remaining.map((entry) => ({
              inventoryItemId: entry.inventoryItemId,
              locationId: entry.locationId,
              quantity: entry.quantity,
              changeFromQuantity: null,
            })),
          },
        },
      });
      const payload = data.inventorySetQuantities;
      const userErrors = payload?.userErrors ?? [];
      if (userErrors.length === 0) {
        for (const entry of remaining)
          outcomes.set(entry.sku, { sku: entry.sku, outcome: 'applied', quantity: entry.quantity });
        return;
      }
      const refused = new Set<number>();
      for (const error of userErrors) {
        const index =
          error.field?.[0] === 'input' && error.field[1] === 'quantities' ? Number(error.field[2]) : NaN;
        if (!Number.isInteger(index) || !remaining[index]) {
          // An error about the whole call (name, reason, idempotency): nothing was applied.
          for (const entry of remaining)
            outcomes.set(entry.sku, {
              sku: entry.sku,
              outcome: 'rejected',
              code: error.code ?? 'USER_ERROR',
              message: error.message,
            });
          return;
        }
        const entry = remaining[index];
        refused.add(index);
        outcomes.set(entry.sku, {
          sku: entry.sku,
          outcome: 'rejected',
          code: error.code ?? 'USER_ERROR',
          message: error.message,
        });
        // A stale directory entry (item deleted, no longer stocked) is looked up again next time.
        this.directory.delete(entry.sku);
      }
      remaining = remaining.filter((_, index) => !refused.has(index));
    }
  }

  private locationFor(stock: VariantStock): { locationId: string } | { problem: string; code: string } {
    const configured = this.options.locationId;
    if (configured) {
      return stock.locationIds.includes(configured)
        ? { locationId: configured }
        : { problem: `the item is not stocked at ${configured}`, code: 'ITEM_NOT_STOCKED_AT_LOCATION' };
    }
    if (stock.locationIds.length === 1) return { locationId: stock.locationIds[0] };
    return {
      problem:
        stock.locationIds.length === 0
          ? 'the item is not stocked at any location'
          : 'the item is stocked at several locations: configure locationId',
      code: stock.locationIds.length === 0 ? 'ITEM_NOT_STOCKED_AT_LOCATION' : 'AMBIGUOUS_LOCATION',
    };
  }

  private async resolve(skus: string[]): Promise<void> {
    const now = this.now();
    const missing = skus.filter((sku) => {
      const known = this.directory.get(sku);
      // A miss is retried sooner: the product may have been created since.
      return !known || now - known.at > (known.stock ? this.ttlMs : Math.min(this.ttlMs, 60_000));
    });
    for (let start = 0; start < missing.length; start += LOOKUP_PAGE) {
      const chunk = missing.slice(start, start + LOOKUP_PAGE);
      const found = new Map<string, VariantStock>();
      const query = chunk.map((sku) => `sku:${quote(sku)}`).join(' OR ');
      let after: string | null = null;
      for (;;) {
        const { data }: { data: VariantsData } = await this.caller.request<VariantsData>(
          'productVariants',
          VARIANTS_BY_SKU,
          {
            estimatedCost: 2 + LOOKUP_PAGE * (2 + 2 + LEVELS_PER_ITEM * 2),
            variables: { first: LOOKUP_PAGE, after, query },
          },
        );
        for (const node of data.productVariants.nodes) {
          // Shopify's search may match loosely; only an exact SKU counts.
          if (node.sku === null || !chunk.includes(node.sku) || found.has(node.sku)) continue;
          found.set(node.sku, {
            inventoryItemId: node.inventoryItem.id,
            tracked: node.inventoryItem.tracked,
            locationIds: node.inventoryItem.inventoryLevels.nodes.map((level) => level.location.id),
          });
        }
        if (!data.productVariants.pageInfo.hasNextPage || !data.productVariants.pageInfo.endCursor) break;
        after = data.productVariants.pageInfo.endCursor;
      }
      for (const sku of chunk) this.directory.set(sku, { stock: found.get(sku) ?? null, at: now });
    }
  }
}

/** A search value in double quotes, so SKUs with spaces, colons or dashes stay one term. */
function quote(value: string): string {
  return `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}
