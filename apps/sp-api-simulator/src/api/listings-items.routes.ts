import { randomUUID } from 'node:crypto';
import { invalidInput, notFound, unauthorized } from '../http/amazon-errors';
import type { ListingChangeRequest } from '../listings/listing-book';
import type { PatchOperation } from '../listings/listing-patch';
import { listingItemView } from '../listings/listing-view';
import {
  queryString,
  queryStrings,
  unknownMarketplaces,
  type OperationContext,
  type OperationHandlers,
} from './operation-context';
import type { HttpReply } from '../http/http-exchange';

function checkSellerAndMarketplaces(context: OperationContext): HttpReply | undefined {
  // Another seller's listings are not this token's to see.
  if (context.parameters.path['sellerId'] !== context.sellerId) return unauthorized();
  const unknown = unknownMarketplaces(queryStrings(context, 'marketplaceIds') ?? []);
  if (unknown.length > 0)
    return invalidInput(`Invalid marketplaceIds: ${unknown.join(', ')}.`, 'BAD_REQUEST');
  return undefined;
}

/**
 * Listings Items API 2021-08-01. A PATCH answers ACCEPTED (queued) and is applied after the
 * configured delay, as Amazon does; VALIDATION_PREVIEW only checks.
 */
export const listingsItemsHandlers: OperationHandlers<'getListingsItem' | 'patchListingsItem'> = {
  getListingsItem(context) {
    const refused = checkSellerAndMarketplaces(context);
    if (refused) return refused;
    const sku = context.parameters.path['sku'];
    const marketplaceIds = queryStrings(context, 'marketplaceIds') ?? [];
    const listing = context.world.listings.get(context.sellerId, sku);
    if (!listing || !marketplaceIds.some((id) => listing.marketplaceIds.includes(id))) {
      return notFound(
        `SKU '${sku}' was not found in marketplace(s) ${marketplaceIds.join(', ')}.`,
        'NOT_FOUND',
      );
    }
    const includedData = new Set(queryStrings(context, 'includedData') ?? ['summaries']);
    return { status: 200, body: listingItemView(listing, marketplaceIds, includedData) };
  },

  patchListingsItem(context) {
    const refused = checkSellerAndMarketplaces(context);
    if (refused) return refused;
    const { world, now } = context;
    const sku = context.parameters.path['sku'];
    const body = context.parameters.body as { productType: string; patches: PatchOperation[] };
    const submissionId = randomUUID().replace(/-/g, '');
    const change: ListingChangeRequest = {
      sellerId: context.sellerId,
      sku,
      source: 'patch',
      reference: submissionId,
      receivedAt: now,
      marketplaceIds: queryStrings(context, 'marketplaceIds') ?? [],
      productType: body.productType,
      kind: 'patches',
      patches: body.patches,
    };
    const issues = world.listings.precheck(change);
    const invalid = issues.some((issue) => issue.severity === 'ERROR');
    const preview = queryString(context, 'mode') === 'VALIDATION_PREVIEW';
    const status = invalid ? 'INVALID' : preview ? 'VALID' : 'ACCEPTED';
    if (status === 'ACCEPTED' && !context.dropSilently) world.queueListingChange(change);

    const includedData = new Set(queryStrings(context, 'includedData') ?? ['issues']);
    const response: Record<string, unknown> = { sku, status, submissionId };
    if (includedData.has('issues')) response['issues'] = issues;
    if (includedData.has('identifiers')) {
      const listing = world.listings.get(context.sellerId, sku);
      response['identifiers'] = listing
        ? change.marketplaceIds
            .filter((id) => listing.marketplaceIds.includes(id))
            .map((marketplaceId) => ({ marketplaceId, asin: listing.asin }))
        : [];
    }
    return { status: 200, body: response };
  },
};
