import { invalidInput, notFound } from '../http/amazon-errors';
import { EU_MARKETPLACE_IDS } from '../orders/marketplaces';
import type { FulfilledBy, FulfillmentStatus, SimOrder } from '../orders/order';
import { amazonTime, orderItemV0, orderV0, V0_STATUS_TO_STATUS } from '../orders/order-views';
import { confirmShipment, type ConfirmShipmentBody } from '../orders/shipment-confirmation';
import { wholeSeconds } from '../orders/order';
import {
  queryNumber,
  queryString,
  queryStrings,
  unknownMarketplaces,
  type OperationHandlers,
} from './operation-context';

const ISO_8601 = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

function parseIso(value: string | undefined): number | undefined | 'invalid' {
  if (value === undefined) return undefined;
  if (!ISO_8601.test(value)) return 'invalid';
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? 'invalid' : ms;
}

/**
 * Orders API v0: getOrders and getOrderItems (deprecated, live until March 2027) and
 * confirmShipment (the only way to send tracking back).
 */
export const ordersV0Handlers: OperationHandlers<'getOrders' | 'getOrderItems' | 'confirmShipment'> = {
  getOrders(context) {
    const { world, now } = context;
    const marketplaceIds = queryStrings(context, 'MarketplaceIds') ?? [];
    const unknown = unknownMarketplaces(marketplaceIds);
    if (unknown.length > 0) return invalidInput(`Invalid MarketplaceIds: ${unknown.join(', ')}.`);
    const maxResults = queryNumber(context, 'MaxResultsPerPage') ?? 100;
    if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 100) {
      return invalidInput('MaxResultsPerPage must be between 1 and 100.');
    }

    const nextToken = queryString(context, 'NextToken');
    let orderIds: string[];
    let offset = 0;
    let beforeName: 'CreatedBefore' | 'LastUpdatedBefore' = 'CreatedBefore';
    let before = now - world.scaled(world.config.delays.dataLagMs);
    if (nextToken !== undefined) {
      // NextToken carries the original filters; v0 ignores the others.
      const redeemed = world.paginationTokens.redeem(
        nextToken,
        context.sellerId,
        'getOrders',
        undefined,
        now,
      );
      if (!redeemed.ok) return invalidInput(redeemed.reason);
      orderIds = redeemed.orderIds;
      offset = redeemed.offset;
    } else {
      const createdAfter = parseIso(queryString(context, 'CreatedAfter'));
      const createdBefore = parseIso(queryString(context, 'CreatedBefore'));
      const updatedAfter = parseIso(queryString(context, 'LastUpdatedAfter'));
      const updatedBefore = parseIso(queryString(context, 'LastUpdatedBefore'));
      for (const [name, value] of Object.entries({
        CreatedAfter: createdAfter,
        CreatedBefore: createdBefore,
        LastUpdatedAfter: updatedAfter,
        LastUpdatedBefore: updatedBefore,
      })) {
        if (value === 'invalid') return invalidInput(`${name} must be an ISO 8601 date.`);
      }
      const amazonOrderIds = queryStrings(context, 'AmazonOrderIds');
      if (createdAfter === undefined && updatedAfter === undefined && !amazonOrderIds) {
        return invalidInput('Either CreatedAfter or LastUpdatedAfter must be specified.');
      }
      if (createdAfter !== undefined && (updatedAfter !== undefined || updatedBefore !== undefined)) {
        return invalidInput('LastUpdatedAfter and LastUpdatedBefore cannot be set when CreatedAfter is set.');
      }
      if (updatedAfter !== undefined && createdBefore !== undefined) {
        return invalidInput('CreatedBefore cannot be set when LastUpdatedAfter is set.');
      }
      const dateField = updatedAfter !== undefined ? 'lastUpdated' : 'created';
      beforeName = dateField === 'created' ? 'CreatedBefore' : 'LastUpdatedBefore';
      const after = (dateField === 'created' ? createdAfter : updatedAfter) as number | undefined;
      const requestedBefore = (dateField === 'created' ? createdBefore : updatedBefore) as number | undefined;
      if (requestedBefore !== undefined) {
        if (requestedBefore > before)
          return invalidInput(`${beforeName} must be at least two minutes before the time of the request.`);
        if (after !== undefined && requestedBefore < after)
          return invalidInput(`${beforeName} must be equal to or after the matching After date.`);
        before = requestedBefore;
      }
      const v0Statuses = queryStrings(context, 'OrderStatuses');
      const statuses: FulfillmentStatus[] | undefined = v0Statuses?.map((s) => V0_STATUS_TO_STATUS[s]);
      if (statuses?.some((s) => s === undefined))
        return invalidInput(`Invalid OrderStatuses: ${v0Statuses?.join(', ')}.`);
      const channels = queryStrings(context, 'FulfillmentChannels');
      if (channels?.some((c) => c !== 'AFN' && c !== 'MFN'))
        return invalidInput('FulfillmentChannels must be AFN or MFN.');
      const fulfilledBy = channels?.map((c): FulfilledBy => (c === 'AFN' ? 'AMAZON' : 'MERCHANT'));
      orderIds = world.orders
        .search(
          {
            sellerId: context.sellerId,
            dateField,
            after: after ?? 0,
            before,
            marketplaceIds: marketplaceIds.length > 0 ? marketplaceIds : [...EU_MARKETPLACE_IDS],
            statuses,
            fulfilledBy,
            sellerOrderId: queryString(context, 'SellerOrderId'),
            orderIds: amazonOrderIds,
          },
          now,
        )
        .map((order) => order.orderId);
    }

    const page = orderIds.slice(offset, offset + maxResults);
    const payload: Record<string, unknown> = {
      Orders: page
        .map((id) => world.orders.get(id))
        .filter((order): order is SimOrder => order !== undefined)
        .map(orderV0),
    };
    if (offset + maxResults < orderIds.length) {
      payload['NextToken'] = world.paginationTokens.issue({
        sellerId: context.sellerId,
        operation: 'getOrders',
        filterKey: '',
        orderIds,
        offset: offset + maxResults,
        expiresAt: now + world.scaled(world.config.delays.paginationTokenTtlMs),
      });
    }
    if (nextToken === undefined) payload[beforeName] = amazonTime(before);
    return { status: 200, body: { payload } };
  },

  getOrderItems(context) {
    const orderId = context.parameters.path['orderId'];
    const order = context.world.orders.visibleTo(context.sellerId, orderId, context.now);
    if (!order) return notFound(`Order ${orderId} was not found.`);
    return {
      status: 200,
      body: {
        payload: {
          AmazonOrderId: order.orderId,
          OrderItems: order.lines.map((line) => orderItemV0(order, line)),
        },
      },
    };
  },

  confirmShipment(context) {
    const orderId = context.parameters.path['orderId'];
    const order = context.world.orders.visibleTo(context.sellerId, orderId, context.now);
    if (!order) return notFound(`Order ${orderId} was not found.`);
    const outcome = confirmShipment(
      order,
      context.parameters.body as ConfirmShipmentBody,
      context.world.carriers,
      wholeSeconds(context.now),
      context.dropSilently,
    );
    if (!outcome.accepted) return invalidInput(outcome.reason);
    return { status: 204 };
  },
};
