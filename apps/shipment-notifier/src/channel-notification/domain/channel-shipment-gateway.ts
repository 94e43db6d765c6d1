import type { Channel } from '@holdfast/contracts';

/**
 * The channel-neutral port the sender talks to: one implementation per channel (Amazon
 * here; Shopify and WooCommerce plug in the same way). It knows how to tell its channel that
 * a package shipped, and how to find out afterwards whether the channel has it.
 */
export interface ChannelShipmentGateway {
  readonly channel: Channel;

  /** Accounts this process holds credentials for; the sender leases and serves each. */
  accounts(): string[];

  /**
   * Tells the channel about one package. Must not retry anything that may have taken effect:
   * the sender owns those retries and looks the package up first (`findPackage`).
   */
  confirmPackage(accountId: string, pkg: PackageConfirmation): Promise<ConfirmOutcome>;

  /**
   * Whether the channel holds the package (by its reference id), for reconciliation after an
   * unknown outcome and for verification after a confirmation. Throws `ChannelUnavailableError`
   * when the channel cannot be asked right now.
   */
  findPackage(accountId: string, orderId: string, packageReferenceId: string): Promise<PackageLookup>;
}

export interface PackageConfirmation {
  orderId: string;
  marketplaceId: string | null;
  packageReferenceId: string;
  /** The channel's carrier code, from the carrier mapping. */
  carrierCode: string;
  carrierName: string | null;
  shippingMethod: string | null;
  trackingNumber: string;
  shipDate: Date;
  /** lineId is the channel's order item id. */
  items: { lineId: string; quantity: number }[];
}

export type ConfirmOutcome =
  /** The channel took it. */
  | { kind: 'accepted' }
  /** The channel refused it; sending the same again would be refused again. */
  | { kind: 'rejected'; code: string; message: string }
  /** It may or may not have taken effect (5xx, timeout, connection lost). */
  | { kind: 'unknown'; code: string; message: string }
  /** Certainly not applied and worth trying later (throttled, channel down before the call). */
  | { kind: 'not-applied'; code: string; message: string };

export type PackageLookup =
  /** The channel has a package with this reference id. */
  | { kind: 'present'; trackingNumber: string | null }
  | { kind: 'absent' }
  /** The channel does not know the order at all. */
  | { kind: 'order-unknown' };

export class ChannelUnavailableError extends Error {
  override readonly name = 'ChannelUnavailableError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Nest injection token for the list of gateways. */
export const CHANNEL_SHIPMENT_GATEWAYS = Symbol('CHANNEL_SHIPMENT_GATEWAYS');
