import type { OrderSnapshot } from '@holdfast/contracts';
import type { ShopifyGraphqlCaller } from '../client/shopify-graphql-caller';
import type { ShopOrderSource, ShopOrdersPage } from '@holdfast/channels-web-shop';
import {
  shopifyFactsFromGraphql,
  shopifySnapshotFromFacts,
  type ShopifyGraphqlLineItem,
  type ShopifyGraphqlOrderNode,
} from './shopify-order-snapshot.mapper';

const LINE_PAGE = 50;
// 2 + first × (1 order + 2 + 50 line items): 15 orders stay under Shopify's 1000-point single-query cap.
const DEFAULT_ORDER_PAGE = 15;

const ORDER_FIELDS = /* GraphQL */ `
  id
  legacyResourceId
  createdAt
  updatedAt
  cancelledAt
  displayFinancialStatus
  displayFulfillmentStatus
  lineItems(first: ${LINE_PAGE}) {
    pageInfo { hasNextPage endCursor }
    nodes { id sku quantity currentQuantity unfulfilledQuantity }
  }
`;

const ORDERS_UPDATED_SINCE = /* GraphQL */ `
  query HoldfastOrdersUpdatedSince($first: Int!, $after: String, $query: String!) {
    orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
      pageInfo { hasNextPage endCursor }
      nodes { ${ORDER_FIELDS} }
    }
  }
`;

const ORDER_BY_ID = /* GraphQL */ `
  query HoldfastOrder($id: ID!) {
    order(id: $id) { ${ORDER_FIELDS} }
  }
`;

const MORE_LINE_ITEMS = /* GraphQL */ `
  query HoldfastOrderLineItems($id: ID!, $after: String) {
    order(id: $id) {
      lineItems(first: 100, after: $after) {
        pageInfo {
          hasNextPage
          endCursor
        }
        nodes {
          id
          sku
          quantity
          currentQuantity
          unfulfilledQuantity
        }
      }
    }
  }
`;

interface OrdersPageData {
  orders: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: ShopifyGraphqlOrderNode[] };
}

/**
 * Shopify's side of order intake over the GraphQL Admin API: the reconciliation listing (orders
 * with `updated_at` at or after the checkpoint, sorted by it) and a single-order read. Both map
 * through the same facts as the webhooks, so a webhook and a poll of one order give one snapshot.
 */
export class ShopifyOrdersAdapter implements ShopOrderSource {
  readonly channel = 'shopify' as const;

  constructor(
    readonly accountId: string,
    private readonly caller: ShopifyGraphqlCaller,
  ) {}

  async *ordersUpdatedSince(
    since: Date,
    options: { pageSize?: number } = {},
  ): AsyncGenerator<ShopOrdersPage> {
    const first = Math.min(options.pageSize ?? DEFAULT_ORDER_PAGE, DEFAULT_ORDER_PAGE);
    // Shopify's search compares whole seconds; >= keeps an order changed in the checkpoint's second.
    const query = `updated_at:>='${new Date(Math.floor(since.getTime() / 1000) * 1000).toISOString()}'`;
    let after: string | null = null;
    for (;;) {
      const { data }: { data: OrdersPageData } = await this.caller.request<OrdersPageData>(
        'orders',
        ORDERS_UPDATED_SINCE,
        {
          estimatedCost: 2 + first * (3 + LINE_PAGE),
          variables: { first, after, query },
        },
      );
      const orders: OrderSnapshot[] = [];
      let highWatermark: string | null = null;
      for (const node of data.orders.nodes) {
        const snapshot = await this.snapshot(node);
        if (snapshot) orders.push(snapshot);
        const updatedAt = new Date(node.updatedAt).toISOString();
        if (highWatermark === null || updatedAt > highWatermark) highWatermark = updatedAt;
      }
      yield { orders, highWatermark };
      if (!data.orders.pageInfo.hasNextPage || !data.orders.pageInfo.endCursor) return;
      after = data.orders.pageInfo.endCursor;
    }
  }

  async fetchOrder(orderId: string): Promise<OrderSnapshot | null> {
    const { data } = await this.caller.request<{ order: ShopifyGraphqlOrderNode | null }>(
      'order',
      ORDER_BY_ID,
      {
        estimatedCost: 3 + LINE_PAGE,
        variables: { id: `gid://shopify/Order/${orderId}` },
      },
    );
    return data.order ? this.snapshot(data.order) : null;
  }

  private async snapshot(node: ShopifyGraphqlOrderNode): Promise<OrderSnapshot | null> {
    const lines: ShopifyGraphqlLineItem[] = [...node.lineItems.nodes];
    let pageInfo = node.lineItems.pageInfo;
    while (pageInfo.hasNextPage && pageInfo.endCursor) {
      const { data } = await this.caller.request<{
        order: { lineItems: ShopifyGraphqlOrderNode['lineItems'] } | null;
      }>('orderLineItems', MORE_LINE_ITEMS, {
        estimatedCost: 103,
        variables: { id: node.id, after: pageInfo.endCursor },
      });
      if (!data.order) break;
      lines.push(...data.order.lineItems.nodes);
      pageInfo = data.order.lineItems.pageInfo;
    }
    return shopifySnapshotFromFacts(shopifyFactsFromGraphql(node, lines), this.accountId);
  }
}
