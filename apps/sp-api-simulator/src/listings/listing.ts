/** A seller's listing (one SKU) as Amazon holds it, with the history of changes that reached it. */
export interface ListingChange {
  /**
   * Order of application across every listing of the simulator (1, 2, …): two changes applied in
   * the same millisecond are still ordered, so a checker can tell which quantity Amazon showed last.
   */
  sequence: number;
  source: 'patch' | 'feed' | 'control';
  /** submissionId of a PATCH, `feedId/messageId` of a feed message. */
  reference: string;
  receivedAt: number;
  appliedAt: number;
  operations: string[];
  quantityBefore: number | null;
  quantityAfter: number | null;
  fulfillmentChannelBefore: string;
  fulfillmentChannelAfter: string;
}

export interface SimListing {
  sellerId: string;
  sku: string;
  productType: string;
  asin: string;
  itemName: string;
  marketplaceIds: string[];
  /** DEFAULT for merchant-fulfilled, AMAZON_EU for FBA. */
  fulfillmentChannelCode: string;
  attributes: Record<string, unknown[]>;
  createdAt: number;
  updatedAt: number;
  history: ListingChange[];
}

export const MERCHANT_CHANNEL = 'DEFAULT';

export interface FulfillmentAvailabilityEntry {
  fulfillment_channel_code: string;
  quantity?: number;
  lead_time_to_ship_max_days?: number;
  restock_date?: string;
  marketplace_id?: string;
  [key: string]: unknown;
}

export function fulfillmentAvailability(
  attributes: Record<string, unknown[]>,
): FulfillmentAvailabilityEntry[] {
  const entries = attributes['fulfillment_availability'] ?? [];
  return entries.filter(
    (e): e is FulfillmentAvailabilityEntry =>
      typeof e === 'object' &&
      e !== null &&
      typeof (e as Record<string, unknown>)['fulfillment_channel_code'] === 'string',
  );
}

/** The quantity on the listing's own fulfilment channel, or null when none is set. */
export function listingQuantity(
  listing: Pick<SimListing, 'attributes' | 'fulfillmentChannelCode'>,
): number | null {
  const entry = fulfillmentAvailability(listing.attributes).find(
    (e) => e.fulfillment_channel_code === listing.fulfillmentChannelCode,
  );
  return typeof entry?.quantity === 'number' ? entry.quantity : null;
}
