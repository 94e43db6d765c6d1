/**
 * What Holdfast asks of Amazon about listings, for one seller account: read a listing
 * (product type, fulfilment channel, quantity) and set its merchant-fulfilled quantity.
 * The availability publisher talks to this interface; `SpApiAmazonListings` is the SP-API
 * adapter (Listings Items API 2021-08-01).
 */
export interface AmazonListings {
  /**
   * `getListingsItem` with summaries and fulfillment availability. Null when Amazon has no
   * such SKU in the marketplace (404). Read-only: retried on 5xx and timeouts.
   */
  getListingsItem(input: { sku: string; marketplaceId: string }, signal?: AbortSignal): Promise<AmazonListingSnapshot | null>;

  /**
   * `patchListingsItem` with one `merge` on `/attributes/fulfillment_availability`
   * (`merge` keeps lead time and restock date). `ACCEPTED` means queued, not applied:
   * the caller confirms with a later read-back. Throws `SpApiError` for HTTP failures.
   */
  patchQuantity(input: AmazonQuantityChange, signal?: AbortSignal): Promise<AmazonPatchResult>;
}

export interface AmazonQuantityChange {
  sku: string;
  marketplaceId: string;
  /** Required by Amazon on every PATCH and feed message; `getListingsItem` returns it. */
  productType: string;
  quantity: number;
}

/** An issue as the Listings Items API and the feed processing report return it. */
export interface AmazonListingIssue {
  code: string;
  message: string;
  severity: 'ERROR' | 'WARNING' | 'INFO';
}

export interface AmazonPatchResult {
  /** ACCEPTED: queued; INVALID: refused with issues; VALID: only for validation previews. */
  status: 'ACCEPTED' | 'INVALID' | 'VALID';
  submissionId: string;
  issues: AmazonListingIssue[];
}

export interface AmazonFulfillmentAvailability {
  /** `DEFAULT` for merchant-fulfilled, `AMAZON_EU`, `AMAZON_NA`, … for FBA. */
  fulfillmentChannelCode: string;
  quantity: number | null;
}

export interface AmazonListingSnapshot {
  sku: string;
  productType: string | null;
  fulfillmentAvailability: AmazonFulfillmentAvailability[];
}

/** Amazon's code for the merchant's own fulfilment channel in `fulfillment_availability`. */
export const MERCHANT_FULFILLMENT_CHANNEL = 'DEFAULT';

/** Amazon limits seller SKUs to 40 characters. */
export const AMAZON_SKU_MAX_LENGTH = 40;

/**
 * The patch that sets the merchant-fulfilled quantity, the same in `patchListingsItem`
 * bodies and `JSON_LISTINGS_FEED` messages.
 */
export function fulfillmentQuantityPatches(quantity: number): {
  op: 'merge';
  path: '/attributes/fulfillment_availability';
  value: { fulfillment_channel_code: string; quantity: number }[];
}[] {
  if (!Number.isInteger(quantity) || quantity < 0) throw new RangeError(`quantity must be a whole number >= 0, got ${quantity}`);
  return [
    {
      op: 'merge',
      path: '/attributes/fulfillment_availability',
      value: [{ fulfillment_channel_code: MERCHANT_FULFILLMENT_CHANNEL, quantity }],
    },
  ];
}

/** The merchant-fulfilled quantity Amazon shows, or null when it shows none. */
export function merchantQuantity(snapshot: AmazonListingSnapshot): number | null {
  return snapshot.fulfillmentAvailability.find((f) => f.fulfillmentChannelCode === MERCHANT_FULFILLMENT_CHANNEL)?.quantity ?? null;
}

/**
 * An offer only Amazon fulfils (FBA): it lists an Amazon channel and no merchant one.
 * Merchant stock must never be published to it: a DEFAULT quantity would silently turn it
 * into a merchant-fulfilled offer.
 */
export function isAmazonFulfilledOnly(snapshot: AmazonListingSnapshot): boolean {
  const channels = snapshot.fulfillmentAvailability.map((f) => f.fulfillmentChannelCode);
  return channels.length > 0 && !channels.includes(MERCHANT_FULFILLMENT_CHANNEL);
}
