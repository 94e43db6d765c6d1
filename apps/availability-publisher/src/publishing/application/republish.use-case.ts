import { inTransaction } from '@holdfast/persistence';
import { assertAccountAccess, DomainError, type ApiKeyPrincipal } from '@holdfast/platform';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { UnknownChannelAccountError, UnknownSkuError } from '../../listings/domain/listing.errors';
import { ListingRepository } from '../../listings/infrastructure/listing.repository';
import { PublicationRepository } from '../infrastructure/publication.repository';
import { ChannelPublisherRegistry } from './channel-publisher.registry';

export class RepublishScopeError extends DomainError {
  readonly code = 'republish.invalid-scope';
  readonly kind = 'invalid-input';
}

export type RepublishScope =
  | { kind: 'sku'; sku: string }
  | { kind: 'listing'; listingId: string }
  | { kind: 'account'; channel: string; accountId: string }
  | { kind: 'all' };

/**
 * Sends the desired quantity again even where the channel acknowledged it: after a
 * channel outage, a manual change on the channel, or a suspicion. It clears backoff, so a
 * failing listing is tried at once; it leaves an uncertainty hold alone (that protects
 * against a stale change still landing). The account's usual round sends it, by PATCH or
 * feed, so republishing everything costs a feed, not one call per SKU.
 */
@Injectable()
export class RepublishUseCase {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(PublicationRepository) private readonly publications: PublicationRepository,
    @Inject(ListingRepository) private readonly listings: ListingRepository,
    @Inject(ChannelPublisherRegistry) private readonly channels: ChannelPublisherRegistry,
  ) {}

  async execute(principal: ApiKeyPrincipal, scope: RepublishScope): Promise<{ listings: number }> {
    return inTransaction(this.dataSource, async (manager) => {
      switch (scope.kind) {
        case 'sku': {
          if ((await this.listings.knownSkus(manager, [scope.sku])).size === 0) throw new UnknownSkuError([scope.sku]);
          return { listings: await this.publications.requestRepublish(manager, { sku: scope.sku, accounts: principal.accounts }) };
        }
        case 'listing': {
          const listing = await this.listings.find(manager, scope.listingId);
          if (!listing) throw new RepublishScopeError(`No listing ${scope.listingId}.`);
          assertAccountAccess(principal, listing.accountId);
          return { listings: await this.publications.requestRepublish(manager, { listingId: scope.listingId, accounts: null }) };
        }
        case 'account': {
          if (!this.channels.account(scope.channel, scope.accountId)) throw new UnknownChannelAccountError(scope.channel, scope.accountId);
          assertAccountAccess(principal, scope.accountId);
          return {
            listings: await this.publications.requestRepublish(manager, {
              channel: scope.channel,
              accountId: scope.accountId,
              accounts: null,
            }),
          };
        }
        case 'all':
          return { listings: await this.publications.requestRepublish(manager, { accounts: principal.accounts }) };
      }
    });
  }
}
