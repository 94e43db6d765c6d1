import type { ListingRecord } from '../infrastructure/listing.repository';

export type ListingState =
  | 'not-published'
  | 'waiting-for-availability'
  | 'waiting-for-product-type'
  | 'in-flight'
  | 'failing'
  | 'pending'
  | 'in-sync';

/** Where a listing stands, in one word an operator can filter on. */
export function listingState(l: ListingRecord): ListingState {
  if (l.fulfilledBy === 'AMAZON') return 'not-published';
  if (l.desiredQuantity === null) return 'waiting-for-availability';
  if (l.attemptId) return 'in-flight';
  if (l.lastErrorCode) return 'failing';
  if (l.channel === 'amazon' && l.productType === null) return 'waiting-for-product-type';
  if (l.desiredSeq > l.ackedSeq || l.forcePublish) return 'pending';
  return 'in-sync';
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

/** The listing as the operations API shows it: definition, desired, acknowledged, in flight, last error. */
export function listingView(l: ListingRecord) {
  const single = l.components.length === 1 && l.components[0].quantity === 1;
  return {
    id: l.id,
    channel: l.channel,
    accountId: l.accountId,
    marketplaceId: l.marketplaceId,
    channelSku: l.channelSku,
    productType: l.productType,
    fulfilledBy: l.fulfilledBy,
    ...(single ? { sku: l.components[0].sku } : { bundle: l.components }),
    rules: Object.fromEntries(Object.entries(l.rules).filter(([, v]) => v !== null && v !== undefined)),
    state: listingState(l),
    desired: {
      quantity: l.desiredQuantity,
      availabilityVersion: l.availabilityVersion,
      at: iso(l.desiredAt),
      pendingSince: iso(l.pendingSince),
    },
    acknowledged:
      l.ackedAt === null
        ? null
        : { quantity: l.ackedQuantity, availabilityVersion: l.ackedVersion, at: iso(l.ackedAt), method: l.ackedMethod },
    inFlight:
      l.attemptId === null
        ? null
        : { attemptId: l.attemptId, method: l.attemptMethod, quantity: l.attemptQuantity, since: iso(l.attemptStartedAt) },
    republishRequested: l.forcePublish,
    lastAttemptAt: iso(l.lastAttemptAt),
    error:
      l.lastErrorCode === null
        ? null
        : {
            code: l.lastErrorCode,
            message: l.lastErrorMessage,
            at: iso(l.lastErrorAt),
            failures: l.failures,
            nextAttemptAt: iso(l.nextAttemptAt),
            holdUntil: iso(l.holdUntil),
          },
    createdAt: iso(l.createdAt),
    updatedAt: iso(l.updatedAt),
  };
}
