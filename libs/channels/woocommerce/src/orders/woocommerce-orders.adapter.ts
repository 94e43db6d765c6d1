import type { OrderSnapshot } from '@holdfast/contracts';
import { WooCommerceApiError, type WooCommerceRestClient } from '../client/woocommerce-rest-client';
import type { ShopOrderSource, ShopOrdersPage } from '@holdfast/channels-web-shop';
import { wooCommerceSnapshotFromOrder } from './woocommerce-order-snapshot.mapper';

const MAX_PAGE = 100;

/**
 * WooCommerce's side of order intake: the reconciliation listing (orders modified since the
 * checkpoint, in GMT) and a single-order read, both mapped as the webhooks are. The listing pages
 * by ascending id, not by modification time: an order changed while the run pages through would
 * move under a time sort and push another order past a page boundary unseen.
 */
export class WooCommerceOrdersAdapter implements ShopOrderSource {
  readonly channel = 'woocommerce' as const;

  constructor(
    readonly accountId: string,
    private readonly client: WooCommerceRestClient,
  ) {}

  async *ordersUpdatedSince(
    since: Date,
    options: { pageSize?: number } = {},
  ): AsyncGenerator<ShopOrdersPage> {
    const perPage = Math.min(MAX_PAGE, Math.max(1, options.pageSize ?? MAX_PAGE));
    // modified_after is exclusive and WooCommerce keeps whole seconds: one second earlier includes the checkpoint's second.
    const after = new Date(Math.floor(since.getTime() / 1000) * 1000 - 1000).toISOString().slice(0, 19);
    let highWatermark: string | null = null;
    for (let page = 1; ; page++) {
      const { data, headers } = await this.client.request<unknown[]>('orders.list', {
        method: 'GET',
        path: '/orders',
        query: {
          modified_after: after,
          dates_are_gmt: true,
          orderby: 'id',
          order: 'asc',
          per_page: perPage,
          page,
          status: 'any',
        },
      });
      const orders: OrderSnapshot[] = [];
      for (const raw of data) {
        const snapshot = wooCommerceSnapshotFromOrder(raw, this.accountId);
        if (snapshot) orders.push(snapshot);
        const modified = modifiedOf(raw);
        if (modified && (highWatermark === null || modified > highWatermark)) highWatermark = modified;
      }
      yield { orders, highWatermark };
      const totalPages = Number(headers.get('x-wp-totalpages') ?? '0');
      if (data.length < perPage || page >= totalPages) return;
    }
  }

  async fetchOrder(orderId: string): Promise<OrderSnapshot | null> {
    try {
      const { data } = await this.client.request<unknown>('orders.get', {
        method: 'GET',
        path: `/orders/${encodeURIComponent(orderId)}`,
      });
      return wooCommerceSnapshotFromOrder(data, this.accountId);
    } catch (error) {
      if (error instanceof WooCommerceApiError && error.details.status === 404) return null;
      throw error;
    }
  }
}

function modifiedOf(raw: unknown): string | null {
  const value =
    typeof raw === 'object' && raw !== null
      ? (raw as Record<string, unknown>)['date_modified_gmt']
      : undefined;
  if (typeof value !== 'string') return null;
  const ms = Date.parse(/(Z|[+-]\d{2}:?\d{2})$/.test(value) ? value : `${value}Z`);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}
