import { DomainError } from '@holdfast/platform';

export class UnknownSkuError extends DomainError {
  readonly code = 'listing.unknown-sku';
  readonly kind = 'invalid-input';

  constructor(skus: string[]) {
    super(
      `No availability is known for SKU(s) ${skus.slice(0, 20).join(', ')}${skus.length > 20 ? ', …' : ''}: ` +
        'a listing can only sell SKUs that inventory-reservation has published availability for.',
      { skus: skus.slice(0, 100) },
    );
  }
}

export class UnknownChannelAccountError extends DomainError {
  readonly code = 'listing.unknown-account';
  readonly kind = 'invalid-input';

  constructor(channel: string, accountId: string) {
    super(`No ${channel} account ${accountId} is configured for publishing.`, { channel, accountId });
  }
}

/** A listing definition the channel would refuse, or that contradicts itself. */
export class InvalidListingError extends DomainError {
  readonly code = 'listing.invalid';
  readonly kind = 'invalid-input';

  constructor(problems: string[], where?: { index: number }) {
    super(`${where ? `listings[${where.index}]: ` : ''}${problems.join('; ')}`, { problems, ...(where ? { index: where.index } : {}) });
  }
}

export class ListingNotFoundError extends DomainError {
  readonly code = 'listing.not-found';
  readonly kind = 'not-found';

  constructor(id: string) {
    super(`No listing ${id}.`);
  }
}

export class ListingExistsError extends DomainError {
  readonly code = 'listing.exists';
  readonly kind = 'conflict';

  constructor(channel: string, accountId: string, channelSku: string, existingId: string) {
    super(`${channel} account ${accountId} already has a listing for channel SKU ${channelSku}; change it with PATCH /v1/listings/${existingId}.`, {
      listingId: existingId,
    });
  }
}
