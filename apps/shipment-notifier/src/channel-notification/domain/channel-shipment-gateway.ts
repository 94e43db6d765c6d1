import type { Channel } from '@holdfast/contracts';

/**
 * The channel-neutral port the sender talks to: one implementation per channel (Amazon,
 * Shopify, WooCommerce). It knows how to tell its channel that a package shipped, and how to
 * find out afterwards whether the channel has it.
 */
export interface ChannelShipmentGateway {
  readonly channel: Channel;

  /**
   * What a carrier without a mapping becomes. `hold`: the package waits for a mapping (Amazon,
   * where the only fallback is the generic `Other`). `free-text`: the ERP's carrier name is sent
   * as written (web shops show any carrier name next to the tracking number).
   */
  readonly unmappedCarriers: 'hold' | 'free-text';

  /** Accounts this process holds credentials for; the sender leases and serves each. */
  accounts(): string[];

  /**
   * Tells the channel about one package. Must not retry anything that may have taken effect:
   * the sender owns those retries and looks the package up first (`findPackage`).
   */
  confirmPackage(accountId: string, pkg: PackageConfirmation): Promise<ConfirmOutcome>;

  /**
   * Whether the channel holds the package (Amazon: by its reference id; web shops, which have no
   * such id: by its tracking number), for reconciliation after an unknown outcome and for
   * verification after a confirmation. Throws `ChannelUnavailableError` when the channel cannot
   * be asked right now.
   */
  findPackage(accountId: string, pkg: PackageRef): Promise<PackageLookup>;
}

/** One package as the sender knows it, to look it up at its channel. */
export interface PackageRef {
  shipmentId: string;
  orderId: string;
  packageReferenceId: string;
  trackingNumber: string;
}

export interface PackageConfirmation {
  /** Holdfast's shipment id (web shops record it with the tracking). */
  shipmentId: string;
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
  /** The channel took it (`carrierSent`: the carrier as the channel got it, when it differs from the mapped code). */
  | { kind: 'accepted'; carrierSent?: string }
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
