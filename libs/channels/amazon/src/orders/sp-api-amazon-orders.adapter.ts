import { SpApiError, type SpApiCaller } from '../sp-api-caller';
import {
  MAX_MARKETPLACES_PER_SEARCH,
  MAX_ORDERS_PER_PAGE,
  type AmazonIncludedData,
  type AmazonOrders,
  type OrderSearchPage,
  type OrderSearchQuery,
} from './amazon-orders.port';

/** Amazon prints order times at whole seconds; so do we, which keeps filter keys stable. */
function amazonTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * AmazonOrders over the SP-API (Orders API v2026-01-01) through an SpApiCaller: every call
 * waits for the account's rate limiter, 429s are retried with jittered backoff, and a body
 * that is not what the model promises is a `malformed` SpApiError (never retried blindly).
 */
export class SpApiAmazonOrders implements AmazonOrders {
  constructor(private readonly caller: SpApiCaller) {}

  async searchOrders(query: OrderSearchQuery, paginationToken?: string, signal?: AbortSignal): Promise<OrderSearchPage> {
    if (query.marketplaceIds.length === 0 || query.marketplaceIds.length > MAX_MARKETPLACES_PER_SEARCH) {
      throw new RangeError(`a search takes 1 to ${MAX_MARKETPLACES_PER_SEARCH} marketplaces`);
    }
    const pageSize = query.maxResultsPerPage ?? MAX_ORDERS_PER_PAGE;
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_ORDERS_PER_PAGE) {
      throw new RangeError(`maxResultsPerPage must be 1 to ${MAX_ORDERS_PER_PAGE}`);
    }
    const window = query.window;
    const q: Record<string, unknown> = {
      marketplaceIds: [...query.marketplaceIds],
      maxResultsPerPage: pageSize,
    };
    if (window.by === 'lastUpdated') {
      q['lastUpdatedAfter'] = amazonTime(window.after);
      q['lastUpdatedBefore'] = amazonTime(window.before);
    } else {
      q['createdAfter'] = amazonTime(window.after);
      if (window.before) q['createdBefore'] = amazonTime(window.before);
    }
    if (query.fulfillmentStatuses?.length) q['fulfillmentStatuses'] = [...query.fulfillmentStatuses];
    if (query.fulfilledBy?.length) q['fulfilledBy'] = [...query.fulfilledBy];
    if (query.includedData?.length) q['includedData'] = [...query.includedData];
    // Amazon wants every filter repeated with the token.
    if (paginationToken) q['paginationToken'] = paginationToken;

    const response = await this.caller.call<unknown>(
      'searchOrders',
      { operation: 'searchOrders', endpoint: 'orders', query: q },
      { signal },
    );
    const body = response.body;
    if (!isObject(body) || !Array.isArray(body['orders'])) {
      throw new SpApiError('malformed', 'searchOrders', response.status, 'UnexpectedShape', 'the response has no orders array');
    }
    const pagination = body['pagination'];
    const nextToken = isObject(pagination) && typeof pagination['nextToken'] === 'string' ? pagination['nextToken'] : null;
    const before = body['lastUpdatedBefore'] ?? body['createdBefore'];
    return {
      orders: body['orders'] as unknown[],
      nextToken: nextToken && nextToken.length > 0 ? nextToken : null,
      appliedBefore: typeof before === 'string' ? before : null,
    };
  }

  async getOrder(orderId: string, includedData: readonly AmazonIncludedData[], signal?: AbortSignal): Promise<unknown> {
    try {
      const response = await this.caller.call<unknown>(
        'getOrder',
        {
          operation: 'getOrder',
          endpoint: 'orders',
          path: { orderId },
          ...(includedData.length > 0 ? { query: { includedData: [...includedData] } } : {}),
        },
        { signal },
      );
      const body = response.body;
      if (!isObject(body) || !isObject(body['order'])) {
        throw new SpApiError('malformed', 'getOrder', response.status, 'UnexpectedShape', 'the response has no order object');
      }
      return body['order'];
    } catch (error) {
      if (error instanceof SpApiError && error.status === 404) return null;
      throw error;
    }
  }
}
