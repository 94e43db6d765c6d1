import type { WooCommerceRestClient } from '../client/woocommerce-rest-client';
import type { AvailabilityOutcome, AvailabilityUpdate, ShopAvailabilityTarget } from '@holdfast/channels-web-shop';

/** WooCommerce refuses a batch of more than 100 items (413 woocommerce_rest_request_entity_too_large). */
export const WOOCOMMERCE_MAX_BATCH = 100;
const PAGE = 100;

interface CatalogueEntry {
  /** The product, or for a variation its variable parent. */
  productId: number;
  variationId: number | null;
}

interface ProductRow {
  id: number;
  sku: string | null;
  type: string;
  variations?: number[];
}

interface BatchAnswer {
  update?: { id: number; error?: { code: string; message: string } }[];
}

export interface WooCommerceInventoryOptions {
  /** How long the SKU → product/variation directory is trusted. */
  directoryTtlMs?: number;
  /** An unknown SKU triggers a directory refresh at most this often. */
  refreshOnMissAfterMs?: number;
  now?: () => number;
}

/**
 * Availability on WooCommerce: `stock_quantity` set through `products/batch` for simple products
 * and `products/<parent>/variations/batch` for variations, at most 100 items per request, with
 * `manage_stock: true` so the number counts. SKUs are found in a directory of the catalogue (the
 * products endpoint does not list variations), refreshed when it ages or an unknown SKU shows up.
 */
export class WooCommerceInventoryAdapter implements ShopAvailabilityTarget {
  readonly channel = 'woocommerce' as const;
  private directory = new Map<string, CatalogueEntry>();
  private loadedAt = -Infinity;
  private readonly now: () => number;

  constructor(
    readonly accountId: string,
    private readonly client: WooCommerceRestClient,
    private readonly options: WooCommerceInventoryOptions = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  async setAvailable(updates: readonly AvailabilityUpdate[]): Promise<AvailabilityOutcome[]> {
    const wanted = new Map<string, number>();
    for (const update of updates) wanted.set(update.sku, Math.max(0, Math.trunc(update.quantity)));
    await this.ensureDirectory([...wanted.keys()]);

    const outcomes = new Map<string, AvailabilityOutcome>();
    const simple: { sku: string; id: number; quantity: number }[] = [];
    const byParent = new Map<number, { sku: string; id: number; quantity: number }[]>();
    for (const [sku, quantity] of wanted) {
      const entry = this.directory.get(sku);
      if (!entry) {
        outcomes.set(sku, { sku, outcome: 'unknown_sku' });
      } else if (entry.variationId === null) {
        simple.push({ sku, id: entry.productId, quantity });
      } else {
        byParent.set(entry.productId, [
          ...(byParent.get(entry.productId) ?? []),
          { sku, id: entry.variationId, quantity },
        ]);
      }
    }

    await this.sendBatches('products.batch', '/products/batch', simple, outcomes);
    for (const [parentId, items] of byParent) {
      await this.sendBatches('variations.batch', `/products/${parentId}/variations/batch`, items, outcomes);
    }
    return [...wanted.keys()].map(
      (sku) => outcomes.get(sku) ?? { sku, outcome: 'rejected', code: 'NOT_SENT', message: 'not sent' },
    );
  }

  /** Forgets the directory, e.g. after products were re-created in the store. */
  forget(): void {
    this.directory.clear();
    this.loadedAt = -Infinity;
  }

  private async sendBatches(
    operation: string,
    path: string,
    items: { sku: string; id: number; quantity: number }[],
    outcomes: Map<string, AvailabilityOutcome>,
  ): Promise<void> {
    for (let start = 0; start < items.length; start += WOOCOMMERCE_MAX_BATCH) {
      const chunk = items.slice(start, start + WOOCOMMERCE_MAX_BATCH);
      // Absolute quantities: a retried batch (5xx, 429, lost answer) lands in the same state.
      const { data } = await this.client.request<BatchAnswer>(operation, {
        method: 'POST',
        path,
        idempotent: true,
        body: {
          update: chunk.map((item) => ({ id: item.id, manage_stock: true, stock_quantity: item.quantity })),
        },
      });
      const answers = new Map((data.update ?? []).map((answer) => [answer.id, answer]));
      for (const item of chunk) {
        const answer = answers.get(item.id);
        if (!answer) {
          outcomes.set(item.sku, {
            sku: item.sku,
            outcome: 'rejected',
            code: 'NO_ANSWER',
            message: 'the batch answer does not mention this item',
          });
        } else if (answer.error) {
          outcomes.set(item.sku, {
            sku: item.sku,
            outcome: 'rejected',
            code: answer.error.code,
            message: answer.error.message,
          });
          // The product may have been deleted or re-created: look it up afresh next time.
          this.directory.delete(item.sku);
        } else {
          outcomes.set(item.sku, { sku: item.sku, outcome: 'applied', quantity: item.quantity });
        }
      }
    }
  }

  private async ensureDirectory(skus: string[]): Promise<void> {
    const age = this.now() - this.loadedAt;
    const stale = age > (this.options.directoryTtlMs ?? 10 * 60_000);
    const missing = skus.some((sku) => !this.directory.has(sku));
    if (stale || (missing && age > (this.options.refreshOnMissAfterMs ?? 60_000))) await this.loadDirectory();
  }

  private async loadDirectory(): Promise<void> {
    const directory = new Map<string, CatalogueEntry>();
    const variable: number[] = [];
    for await (const product of this.pages<ProductRow>(
      'products.list',
      '/products',
      'id,sku,type,variations',
    )) {
      if (product.type === 'variable') variable.push(product.id);
      else if (product.sku) directory.set(product.sku, { productId: product.id, variationId: null });
    }
    for (const parentId of variable) {
      for await (const variation of this.pages<ProductRow>(
        'variations.list',
        `/products/${parentId}/variations`,
        'id,sku',
      )) {
        if (variation.sku) directory.set(variation.sku, { productId: parentId, variationId: variation.id });
      }
    }
    this.directory = directory;
    this.loadedAt = this.now();
  }

  private async *pages<T>(operation: string, path: string, fields: string): AsyncGenerator<T> {
    for (let page = 1; ; page++) {
      const { data, headers } = await this.client.request<T[]>(operation, {
        method: 'GET',
        path,
        query: { per_page: PAGE, page, _fields: fields, order: 'asc', orderby: 'id' },
      });
      yield* data;
      const totalPages = Number(headers.get('x-wp-totalpages') ?? '0');
      if (data.length < PAGE || page >= totalPages) return;
    }
  }
}
