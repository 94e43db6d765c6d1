import { invalidInput, notFound } from '../http/amazon-errors';
import { EU_MARKETPLACE_IDS } from '../orders/marketplaces';
import type { FulfilledBy, FulfillmentStatus } from '../orders/order';
import { amazonTime, orderV2026 } from '../orders/order-views';
import type { SimOrder } from '../orders/order';
import {
  queryNumber,
  queryString,
  queryStrings,
  unknownMarketplaces,
  type OperationHandlers,
} from './operation-context';

/**
 * Orders API v2026-01-01: searchOrders with Amazon's rules (exactly one of createdAfter and
 * lastUpdatedAfter, the pairs never mixed, *Before at least two minutes in the past, 1-100 per page,
 * pagination tokens that expire and must come with the same filters) and getOrder.
 */
export const ordersV2026Handlers: OperationHandlers<'searchOrders' | 'getOrder'> = {
  searchOrders(context) {
    const { world, now } = context;
    const createdAfter = queryString(context, 'createdAfter');
    const createdBefore = queryString(context, 'createdBefore');
    const lastUpdatedAfter = queryString(context, 'lastUpdatedAfter');
    const lastUpdatedBefore = queryString(context, 'lastUpdatedBefore');

    if ((createdAfter === undefined) === (lastUpdatedAfter === undefined)) {
      return invalidInput('Exactly one of createdAfter and lastUpdatedAfter must be provided.');
    }
    if (createdAfter !== undefined && lastUpdatedBefore !== undefined) {
      return invalidInput('lastUpdatedBefore cannot be provided together with createdAfter.');
    }
    if (lastUpdatedAfter !== undefined && createdBefore !== undefined) {
      return invalidInput('createdBefore cannot be provided together with lastUpdatedAfter.');
    }
    const dateField = createdAfter !== undefined ? 'created' : 'lastUpdated';
    const beforeName = dateField === 'created' ? 'createdBefore' : 'lastUpdatedBefore';
    const afterName = dateField === 'created' ? 'createdAfter' : 'lastUpdatedAfter';
    const after = Date.parse((createdAfter ?? lastUpdatedAfter) as string);
    const beforeText = createdBefore ?? lastUpdatedBefore;
    const latestAllowed = now - world.scaled(world.config.delays.dataLagMs);
    let before = latestAllowed;
    if (beforeText !== undefined) {
      before = Date.parse(beforeText);
      if (before > latestAllowed) {
        return invalidInput(`${beforeName} must be at least two minutes before the time of the request.`);
      }
      if (before < after) return invalidInput(`${beforeName} must be equal to or after ${afterName}.`);
    }
    if (after > now) return invalidInput(`${afterName} must not be in the future.`);

    const maxResults = queryNumber(context, 'maxResultsPerPage') ?? 100;
    if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 100) {
      return invalidInput('maxResultsPerPage must be between 1 and 100.');
    }
    const marketplaceIds = queryStrings(context, 'marketplaceIds') ?? [...EU_MARKETPLACE_IDS];
    const unknown = unknownMarketplaces(marketplaceIds);
    if (unknown.length > 0) return invalidInput(`Invalid marketplaceIds: ${unknown.join(', ')}.`);
    const statuses = queryStrings(context, 'fulfillmentStatuses') as FulfillmentStatus[] | undefined;
    const fulfilledBy = queryStrings(context, 'fulfilledBy') as FulfilledBy[] | undefined;
    const includedData = new Set(queryStrings(context, 'includedData') ?? []);

    const filterKey = JSON.stringify({
      dateField,
      after: createdAfter ?? lastUpdatedAfter,
      before: beforeText ?? null,
      marketplaceIds: [...marketplaceIds].sort(),
      statuses: statuses ? [...statuses].sort() : null,
      fulfilledBy: fulfilledBy ? [...fulfilledBy].sort() : null,
      maxResults,
    });

    let orderIds: string[];
    let offset = 0;
    const token = queryString(context, 'paginationToken');
    if (token !== undefined) {
      const redeemed = world.paginationTokens.redeem(token, context.sellerId, 'searchOrders', filterKey, now);
      if (!redeemed.ok) return invalidInput(redeemed.reason);
      orderIds = redeemed.orderIds;
      offset = redeemed.offset;
    } else {
      orderIds = world.orders
        .search(
          { sellerId: context.sellerId, dateField, after, before, marketplaceIds, statuses, fulfilledBy },
          now,
        )
        .map((order) => order.orderId);
    }

    const pageIds = orderIds.slice(offset, offset + maxResults);
    const body: Record<string, unknown> = {
      orders: pageIds
        .map((id) => world.orders.get(id))
        .filter((order): order is SimOrder => order !== undefined)
        .map((order) => orderV2026(order, includedData)),
    };
    if (offset + maxResults < orderIds.length) {
      body['pagination'] = {
        nextToken: world.paginationTokens.issue({
          sellerId: context.sellerId,
          operation: 'searchOrders',
          filterKey,
          orderIds,
          offset: offset + maxResults,
          expiresAt: now + world.scaled(world.config.delays.paginationTokenTtlMs),
        }),
      };
    }
    body[beforeName] = amazonTime(before);
    return { status: 200, body };
  },

  getOrder(context) {
    const orderId = context.parameters.path['orderId'];
    const order = context.world.orders.visibleTo(context.sellerId, orderId, context.now);
    if (!order) return notFound(`Order ${orderId} was not found.`);
    const includedData = new Set(queryStrings(context, 'includedData') ?? []);
    return { status: 200, body: { order: orderV2026(order, includedData) } };
  },
};
