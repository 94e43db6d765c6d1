/**
 * The Orders API as order-ingest needs it (Orders API v2026-01-01): search a window of
 * orders page by page, read one order. Orders come back as Amazon's raw JSON (`unknown`):
 * the caller maps each one with `mapAmazonOrder` and records the ones that do not map as
 * ingest errors, so one malformed order never costs the rest of its page.
 */
export const AMAZON_FULFILLMENT_STATUSES = [
  'PENDING_AVAILABILITY',
  'PENDING',
  'UNSHIPPED',
  'PARTIALLY_SHIPPED',
  'SHIPPED',
  'CANCELLED',
  'UNFULFILLABLE',
] as const;
export type AmazonFulfillmentStatus = (typeof AMAZON_FULFILLMENT_STATUSES)[number];

export const AMAZON_FULFILLED_BY = ['MERCHANT', 'AMAZON'] as const;
export type AmazonFulfilledBy = (typeof AMAZON_FULFILLED_BY)[number];

/** Datasets of `includedData`; BUYER and RECIPIENT are personal data (see the mapper). */
export type AmazonIncludedData = 'BUYER' | 'RECIPIENT' | 'FULFILLMENT' | 'PACKAGES' | 'CANCELLATION' | 'PROCEEDS';

/** Amazon allows at most 100 orders per page and 50 marketplaces per search. */
export const MAX_ORDERS_PER_PAGE = 100;
export const MAX_MARKETPLACES_PER_SEARCH = 50;

/**
 * One search window. By `lastUpdated` for polls, by `created` for catch-up runs: Amazon
 * refuses to mix the two pairs, and `before` must lie at least two minutes in the past.
 */
export type OrderSearchWindow =
  | { by: 'lastUpdated'; after: Date; before: Date }
  | { by: 'created'; after: Date; before?: Date };

export interface OrderSearchQuery {
  window: OrderSearchWindow;
  marketplaceIds: readonly string[];
  /** Absent: every status. */
  fulfillmentStatuses?: readonly AmazonFulfillmentStatus[];
  /** Absent: merchant- and Amazon-fulfilled. */
  fulfilledBy?: readonly AmazonFulfilledBy[];
  maxResultsPerPage?: number;
  includedData?: readonly AmazonIncludedData[];
}

export interface OrderSearchPage {
  /** Amazon's orders as received, one JSON object each (or whatever Amazon sent). */
  orders: unknown[];
  /** Token of the next page (valid 24 h, only with the same filters); null on the last page. */
  nextToken: string | null;
  /** The upper bound Amazon applied (`lastUpdatedBefore` or `createdBefore`), when it says. */
  appliedBefore: string | null;
}

export interface AmazonOrders {
  /** One page of a search; `paginationToken` continues a search made with the same query. */
  searchOrders(query: OrderSearchQuery, paginationToken?: string, signal?: AbortSignal): Promise<OrderSearchPage>;
  /** One order by id, or null when Amazon does not know it (404). */
  getOrder(orderId: string, includedData: readonly AmazonIncludedData[], signal?: AbortSignal): Promise<unknown>;
}

/**
 * Every page of a search, following `nextToken` with the same filters (Amazon requires
 * them repeated). Starts at `resumeToken` when a caller resumes an interrupted search.
 */
export async function* searchOrderPages(
  orders: AmazonOrders,
  query: OrderSearchQuery,
  resumeToken?: string,
  signal?: AbortSignal,
): AsyncGenerator<OrderSearchPage & { requestToken: string | null }> {
  let token: string | undefined = resumeToken;
  for (;;) {
    const page = await orders.searchOrders(query, token, signal);
    yield { ...page, requestToken: token ?? null };
    if (!page.nextToken) return;
    token = page.nextToken;
  }
}
