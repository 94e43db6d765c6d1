import type { ChannelAvailability } from '@holdfast/contracts';
import { canAccessAccount, type ApiKeyPrincipal } from '@holdfast/platform';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { channelFigures, shortfall } from '../../availability/domain/stock-head';
import { SkuNotFoundError } from '../../common/inventory.errors';
import { LedgerReadRepository, type LocationLevelView, type ReservationView } from '../infrastructure/ledger-read.repository';

export interface SkuExplanation {
  sku: string;
  kind: 'sku';
  onHand: number;
  reserved: number;
  available: number;
  version: number;
  /** Units reserved beyond on-hand (0 unless oversold). */
  shortfall: number;
  /** On-hand per location; they add up to `onHand`. */
  locations: (Omit<LocationLevelView, 'channels'> & { serves: LocationLevelView['channels'] | 'every channel' })[];
  /** Active reservations (pending, committed); their quantities add up to `reserved` (with `reservedByOtherAccounts`). */
  reservations: ReservationView[];
  /** Units held by accounts the caller's key may not see. */
  reservedByOtherAccounts: number;
  /** What each channel is offered: on-hand of the locations serving it − reserved. */
  channels: ChannelAvailability[];
  explanation: string;
}

export interface BundleExplanation {
  sku: string;
  kind: 'bundle';
  onHand: number;
  reserved: number;
  available: number;
  version: number;
  components: {
    sku: string;
    quantityPerBundle: number;
    onHand: number;
    reserved: number;
    available: number;
    /** Bundles this component alone allows: floor(available / quantityPerBundle). */
    bundlesAvailable: number;
  }[];
  channels: ChannelAvailability[];
  explanation: string;
}

/**
 * "Why does Amazon show 3?": the figures of a SKU and where they come from, read in one
 * consistent snapshot so they always add up: Σ locations = onHand, Σ reservations =
 * reserved, onHand − reserved = available.
 */
@Injectable()
export class ExplainAvailabilityQuery {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(LedgerReadRepository) private readonly read: LedgerReadRepository,
  ) {}

  async execute(sku: string, principal?: ApiKeyPrincipal): Promise<SkuExplanation | BundleExplanation> {
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      await manager.query('SET TRANSACTION READ ONLY');
      const bundle = await this.read.bundle(manager, sku);
      if (bundle) {
        const components = [];
        for (const c of bundle.components) {
          const head = await this.read.head(manager, c.sku);
          const onHand = head?.onHand ?? 0;
          const reserved = head?.reserved ?? 0;
          components.push({
            sku: c.sku,
            quantityPerBundle: c.quantity,
            onHand,
            reserved,
            available: onHand - reserved,
            bundlesAvailable: Math.floor((onHand - reserved) / c.quantity),
          });
        }
        const available = bundle.onHand - bundle.reserved;
        const scarcest = [...components].sort((a, b) => a.bundlesAvailable - b.bundlesAvailable)[0];
        return {
          sku,
          kind: 'bundle' as const,
          onHand: bundle.onHand,
          reserved: bundle.reserved,
          available,
          version: bundle.version,
          components,
          channels: bundle.channels,
          explanation: scarcest
            ? `${available} available: the scarcest component ${scarcest.sku} has ${scarcest.available} available, ${scarcest.quantityPerBundle} per bundle`
            : 'a bundle without components has nothing available',
        };
      }
      const head = await this.read.head(manager, sku);
      if (!head) throw new SkuNotFoundError(sku);
      const levels = await this.read.levels(manager, sku);
      const all = await this.read.activeReservations(manager, sku);
      const visible = principal ? all.filter((r) => canAccessAccount(principal, r.accountId)) : all;
      const hidden = all.filter((r) => !visible.includes(r)).reduce((sum, r) => sum + r.quantity, 0);
      const available = head.onHand - head.reserved;
      const perLocation = levels.map((l) => `${l.locationId} ${l.onHand}`).join(', ');
      const orders = new Set(all.map((r) => `${r.channel}/${r.accountId}/${r.orderId}`)).size;
      return {
        sku,
        kind: 'sku' as const,
        onHand: head.onHand,
        reserved: head.reserved,
        available,
        version: head.version,
        shortfall: shortfall(head),
        locations: levels.map(({ channels, ...l }) => ({ ...l, serves: channels ?? ('every channel' as const) })),
        reservations: visible,
        reservedByOtherAccounts: hidden,
        channels: channelFigures(head),
        explanation:
          `${head.onHand} on hand${perLocation ? ` (${perLocation})` : ''} − ${head.reserved} held by ` +
          `${all.length} reservation(s) of ${orders} order(s) = ${available} available`,
      };
    });
  }
}
