import type { SeededRandom } from '../support/seeded-random';
import { cloneJson } from '../support/json-value';
import { listingQuantity, MERCHANT_CHANNEL, type SimListing } from './listing';
import {
  applyPatches,
  channelAfterPatches,
  checkPatches,
  type ListingIssue,
  type PatchOperation,
} from './listing-patch';

export interface SeedListing {
  sellerId: string;
  sku: string;
  productType: string;
  quantity?: number;
  fulfillmentChannelCode?: string;
  leadTimeToShipMaxDays?: number;
  marketplaceIds: string[];
  itemName?: string;
  asin?: string;
}

/** A change that reached Amazon: the patches of one PATCH call or one feed message. */
export interface ListingChangeRequest {
  sellerId: string;
  sku: string;
  source: 'patch' | 'feed';
  reference: string;
  receivedAt: number;
  marketplaceIds: string[];
  productType?: string;
  /** patches: JSON patches; update: the full attribute set; delete: remove the listing. */
  kind: 'patches' | 'update' | 'delete';
  patches?: PatchOperation[];
  attributes?: Record<string, unknown[]>;
}

export interface ListingChangeOutcome {
  applied: boolean;
  issues: ListingIssue[];
  listing?: SimListing;
}

export interface ListingBookSettings {
  /** Create a listing when a change names an unknown SKU (convenient for demos) instead of refusing it. */
  autoCreate: boolean;
}

export class ListingBook {
  private readonly listings = new Map<string, SimListing>();
  /** The sequence of the last change applied to any listing (see ListingChange.sequence). */
  private lastSequence = 0;

  constructor(
    private readonly settings: ListingBookSettings,
    private readonly random: SeededRandom,
  ) {}

  seed(input: SeedListing, at: number): SimListing {
    const existing = this.get(input.sellerId, input.sku);
    const channel = input.fulfillmentChannelCode ?? existing?.fulfillmentChannelCode ?? MERCHANT_CHANNEL;
    const listing: SimListing = existing ?? {
      sellerId: input.sellerId,
      sku: input.sku,
      productType: input.productType,
      asin: input.asin ?? `B0${this.random.hex(8).toUpperCase()}`,
      itemName: input.itemName ?? `Simulated product ${input.sku}`,
      marketplaceIds: input.marketplaceIds,
      fulfillmentChannelCode: channel,
      attributes: {},
      createdAt: at,
      updatedAt: at,
      history: [],
    };
    const quantityBefore = existing ? listingQuantity(existing) : null;
    const channelBefore = listing.fulfillmentChannelCode;
    listing.productType = input.productType;
    listing.marketplaceIds = input.marketplaceIds;
    listing.fulfillmentChannelCode = channel;
    if (input.itemName) listing.itemName = input.itemName;
    if (input.asin) listing.asin = input.asin;
    if (input.quantity !== undefined) {
      const entry: Record<string, unknown> = { fulfillment_channel_code: channel, quantity: input.quantity };
      if (input.leadTimeToShipMaxDays !== undefined)
        entry['lead_time_to_ship_max_days'] = input.leadTimeToShipMaxDays;
      listing.attributes['fulfillment_availability'] = [entry];
    }
    listing.updatedAt = at;
    listing.history.push({
      sequence: ++this.lastSequence,
      source: 'control',
      reference: 'seed',
      receivedAt: at,
      appliedAt: at,
      operations: ['seed'],
      quantityBefore,
      quantityAfter: listingQuantity(listing),
      fulfillmentChannelBefore: channelBefore,
      fulfillmentChannelAfter: listing.fulfillmentChannelCode,
    });
    this.listings.set(key(input.sellerId, input.sku), listing);
    return listing;
  }

  get(sellerId: string, sku: string): SimListing | undefined {
    return this.listings.get(key(sellerId, sku));
  }

  list(sellerId?: string): SimListing[] {
    return [...this.listings.values()].filter((l) => sellerId === undefined || l.sellerId === sellerId);
  }

  /** Issues that make a change INVALID up front (before it is queued). */
  precheck(change: ListingChangeRequest): ListingIssue[] {
    const issues: ListingIssue[] = [];
    const listing = this.get(change.sellerId, change.sku);
    if (change.kind === 'patches') issues.push(...checkPatches(change.patches ?? []));
    if (!listing && change.kind !== 'update' && !this.settings.autoCreate) {
      issues.push({
        code: 'LISTING_NOT_FOUND',
        message: `SKU '${change.sku}' has no listing to change.`,
        severity: 'ERROR',
        categories: [],
      });
    }
    if (listing && change.productType !== undefined && change.productType !== listing.productType) {
      issues.push({
        code: 'PRODUCT_TYPE_MISMATCH',
        message: `The listing's product type is ${listing.productType}, not ${change.productType}.`,
        severity: 'ERROR',
        categories: [],
      });
    }
    return issues;
  }

  apply(change: ListingChangeRequest, at: number): ListingChangeOutcome {
    const issues = this.precheck(change);
    if (issues.some((i) => i.severity === 'ERROR')) return { applied: false, issues };

    let listing = this.get(change.sellerId, change.sku);
    if (change.kind === 'delete') {
      if (listing) this.listings.delete(key(change.sellerId, change.sku));
      return { applied: true, issues };
    }
    if (!listing) {
      listing = {
        sellerId: change.sellerId,
        sku: change.sku,
        productType: change.productType ?? 'PRODUCT',
        asin: `B0${this.random.hex(8).toUpperCase()}`,
        itemName: `Simulated product ${change.sku}`,
        marketplaceIds: [...change.marketplaceIds],
        fulfillmentChannelCode: MERCHANT_CHANNEL,
        attributes: {},
        createdAt: at,
        updatedAt: at,
        history: [],
      };
      this.listings.set(key(change.sellerId, change.sku), listing);
    }
    const attributes =
      change.kind === 'update'
        ? cloneJson(change.attributes ?? {})
        : applyPatches(listing.attributes, change.patches ?? []);
    const { channel, issues: channelIssues } = channelAfterPatches(listing, attributes);
    const quantityBefore = listingQuantity(listing);
    const channelBefore = listing.fulfillmentChannelCode;
    listing.attributes = attributes;
    listing.fulfillmentChannelCode = channel;
    listing.updatedAt = at;
    listing.history.push({
      sequence: ++this.lastSequence,
      source: change.source,
      reference: change.reference,
      receivedAt: change.receivedAt,
      appliedAt: at,
      operations:
        change.kind === 'update' ? ['update'] : (change.patches ?? []).map((p) => `${p.op} ${p.path}`),
      quantityBefore,
      quantityAfter: listingQuantity(listing),
      fulfillmentChannelBefore: channelBefore,
      fulfillmentChannelAfter: channel,
    });
    return { applied: true, issues: [...issues, ...channelIssues], listing };
  }

  reset(): void {
    this.listings.clear();
    this.lastSequence = 0;
  }
}

function key(sellerId: string, sku: string): string {
  return `${sellerId}\u0000${sku}`;
}
