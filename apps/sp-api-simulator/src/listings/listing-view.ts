import type { JsonObject } from '../support/json-value';
import { amazonTime } from '../orders/order-views';
import { fulfillmentAvailability, listingQuantity, type SimListing } from './listing';

export const LISTING_INCLUDED_DATA = [
  'summaries',
  'attributes',
  'issues',
  'offers',
  'fulfillmentAvailability',
  'procurement',
  'relationships',
  'productTypes',
] as const;

/** Listings Items API 2021-08-01 `Item` for the requested marketplaces and datasets. */
export function listingItemView(
  listing: SimListing,
  marketplaceIds: string[],
  includedData: ReadonlySet<string>,
): JsonObject {
  const markets = marketplaceIds.filter((id) => listing.marketplaceIds.includes(id));
  const quantity = listingQuantity(listing) ?? 0;
  const item: JsonObject = { sku: listing.sku };
  if (includedData.has('summaries')) {
    item['summaries'] = markets.map((marketplaceId) => ({
      marketplaceId,
      asin: listing.asin,
      productType: listing.productType,
      conditionType: 'new_new',
      status: quantity > 0 ? ['BUYABLE', 'DISCOVERABLE'] : ['DISCOVERABLE'],
      itemName: listing.itemName,
      createdDate: amazonTime(listing.createdAt),
      lastUpdatedDate: amazonTime(listing.updatedAt),
    }));
  }
  if (includedData.has('attributes')) item['attributes'] = structuredClone(listing.attributes);
  if (includedData.has('issues')) item['issues'] = [];
  if (includedData.has('offers')) item['offers'] = [];
  if (includedData.has('fulfillmentAvailability')) {
    item['fulfillmentAvailability'] = fulfillmentAvailability(listing.attributes).map((entry) => {
      const availability: JsonObject = { fulfillmentChannelCode: entry.fulfillment_channel_code };
      if (typeof entry.quantity === 'number') availability['quantity'] = entry.quantity;
      return availability;
    });
  }
  if (includedData.has('procurement')) item['procurement'] = [];
  if (includedData.has('relationships'))
    item['relationships'] = markets.map((marketplaceId) => ({ marketplaceId, relationships: [] }));
  if (includedData.has('productTypes')) {
    item['productTypes'] = markets.map((marketplaceId) => ({
      marketplaceId,
      productType: listing.productType,
    }));
  }
  return item;
}
