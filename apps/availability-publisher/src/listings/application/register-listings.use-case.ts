import { inTransaction } from '@holdfast/persistence';
import { assertAccountAccess, DomainError, type ApiKeyPrincipal } from '@holdfast/platform';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { ChannelPublisherRegistry } from '../../publishing/application/channel-publisher.registry';
import {
  InvalidListingError,
  ListingExistsError,
  ListingNotFoundError,
  UnknownChannelAccountError,
  UnknownSkuError,
} from '../domain/listing.errors';
import type { ListingComponent, QuantityRuleOverrides } from '../domain/published-quantity';
import { ListingRepository, type FulfilledBy, type ListingFields, type ListingRecord } from '../infrastructure/listing.repository';
import { DesiredQuantityRefresher } from './desired-quantity.refresher';

/** A listing as the API takes it. */
export interface ListingInput {
  channel: string;
  accountId: string;
  marketplaceId?: string;
  channelSku: string;
  productType?: string;
  fulfilledBy?: FulfilledBy;
  sku?: string;
  bundle?: ListingComponent[];
  rules?: QuantityRuleOverrides;
}

export type ListingChanges = Partial<Omit<ListingInput, 'channel' | 'accountId'>>;

/**
 * Creates, imports, changes and removes listings. Every write checks the definition
 * against the channel (a configured account, a marketplace of it, Amazon's SKU rules),
 * refuses SKUs no availability is known for, and recomputes the desired quantity in the same
 * transaction: a new or redefined listing is published by the next round of its account.
 */
@Injectable()
export class RegisterListingsUseCase {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(ListingRepository) private readonly listings: ListingRepository,
    @Inject(DesiredQuantityRefresher) private readonly refresher: DesiredQuantityRefresher,
    @Inject(ChannelPublisherRegistry) private readonly channels: ChannelPublisherRegistry,
  ) {}

  async create(principal: ApiKeyPrincipal, input: ListingInput): Promise<ListingRecord> {
    assertAccountAccess(principal, input.accountId);
    const fields = this.define(input);
    return inTransaction(this.dataSource, async (manager) => {
      await this.assertKnownSkus(manager, [fields]);
      const existing = await this.listings.findByKey(manager, fields.channel, fields.accountId, fields.channelSku);
      if (existing) throw new ListingExistsError(fields.channel, fields.accountId, fields.channelSku, existing.id);
      const [{ id }] = await this.listings.upsert(manager, [fields]);
      await this.refresher.refreshListings(manager, [id]);
      return this.mustFind(manager, id);
    });
  }

  /** All or nothing: one bad listing refuses the whole import, naming its index. */
  async import(principal: ApiKeyPrincipal, inputs: ListingInput[]): Promise<{ created: number; updated: number }> {
    const fields = inputs.map((input, index) => {
      try {
        assertAccountAccess(principal, input.accountId);
        return this.define(input);
      } catch (error) {
        if (error instanceof DomainError && error.kind === 'invalid-input') throw new InvalidListingError([error.message], { index });
        throw error;
      }
    });
    const seen = new Map<string, number>();
    fields.forEach((f, index) => {
      const key = `${f.channel}\u0000${f.accountId}\u0000${f.channelSku}`;
      const first = seen.get(key);
      if (first !== undefined) throw new InvalidListingError([`duplicates listings[${first}] (${f.channelSku})`], { index });
      seen.set(key, index);
    });
    return inTransaction(this.dataSource, async (manager) => {
      await this.assertKnownSkus(manager, fields);
      const written = await this.listings.upsert(manager, fields);
      await this.refresher.refreshListings(
        manager,
        written.map((w) => w.id),
      );
      const created = written.filter((w) => w.inserted).length;
      return { created, updated: written.length - created };
    });
  }

  async update(principal: ApiKeyPrincipal, id: string, changes: ListingChanges): Promise<ListingRecord> {
    return inTransaction(this.dataSource, async (manager) => {
      const current = await this.mustFind(manager, id);
      assertAccountAccess(principal, current.accountId);
      const next = this.define({
        channel: current.channel,
        accountId: current.accountId,
        marketplaceId: changes.marketplaceId ?? current.marketplaceId ?? undefined,
        channelSku: changes.channelSku ?? current.channelSku,
        productType: changes.productType ?? current.productType ?? undefined,
        fulfilledBy: changes.fulfilledBy ?? current.fulfilledBy,
        ...(changes.sku !== undefined || changes.bundle !== undefined
          ? { sku: changes.sku, bundle: changes.bundle }
          : current.components.length === 1 && current.components[0].quantity === 1
            ? { sku: current.components[0].sku }
            : { bundle: current.components }),
        rules: changes.rules !== undefined ? changes.rules : current.rules,
      });
      await this.assertKnownSkus(manager, [next]);
      if (next.channelSku !== current.channelSku) {
        const clash = await this.listings.findByKey(manager, next.channel, next.accountId, next.channelSku);
        if (clash) throw new ListingExistsError(next.channel, next.accountId, next.channelSku, clash.id);
      }
      await this.listings.update(manager, id, next);
      if (changes.sku !== undefined || changes.bundle !== undefined) {
        await this.listings.replaceComponents(manager, [id], [next.components]);
      }
      await this.refresher.refreshListings(manager, [id]);
      return this.mustFind(manager, id);
    });
  }

  async delete(principal: ApiKeyPrincipal, id: string): Promise<void> {
    await inTransaction(this.dataSource, async (manager) => {
      const current = await this.mustFind(manager, id);
      assertAccountAccess(principal, current.accountId);
      await this.listings.delete(manager, id);
    });
  }

  private async mustFind(manager: EntityManager, id: string): Promise<ListingRecord> {
    const listing = await this.listings.find(manager, id);
    if (!listing) throw new ListingNotFoundError(id);
    return listing;
  }

  private async assertKnownSkus(manager: EntityManager, fields: readonly ListingFields[]): Promise<void> {
    const skus = [...new Set(fields.flatMap((f) => f.components.map((c) => c.sku)))];
    const known = await this.listings.knownSkus(manager, skus);
    const unknown = skus.filter((s) => !known.has(s));
    if (unknown.length > 0) throw new UnknownSkuError(unknown);
  }

  /** Validates a definition against the channel and normalises it. */
  private define(input: ListingInput): ListingFields {
    const publisher = this.channels.publisher(input.channel);
    const account = this.channels.account(input.channel, input.accountId);
    if (!publisher || !account) throw new UnknownChannelAccountError(input.channel, input.accountId);
    const problems: string[] = [];
    if ((input.sku === undefined) === (input.bundle === undefined)) problems.push('give either sku or bundle, not both or neither');
    const components: ListingComponent[] = input.bundle
      ? input.bundle.map((c) => ({ sku: c.sku, quantity: c.quantity }))
      : input.sku !== undefined
        ? [{ sku: input.sku, quantity: 1 }]
        : [];
    if (new Set(components.map((c) => c.sku)).size !== components.length) problems.push('a bundle names each SKU once');
    const marketplaceId = input.marketplaceId ?? account.marketplaceIds?.[0] ?? null;
    const fields: ListingFields = {
      channel: input.channel,
      accountId: input.accountId,
      marketplaceId,
      channelSku: input.channelSku,
      productType: input.productType ?? null,
      fulfilledBy: input.fulfilledBy ?? 'MERCHANT',
      rules: {
        safetyBuffer: input.rules?.safetyBuffer ?? null,
        maxQuantity: input.rules?.maxQuantity ?? null,
        sharePercent: input.rules?.sharePercent ?? null,
        zeroBelow: input.rules?.zeroBelow ?? null,
      },
      components,
    };
    problems.push(...publisher.checkListing(fields));
    if (problems.length > 0) throw new InvalidListingError(problems);
    return fields;
  }
}
