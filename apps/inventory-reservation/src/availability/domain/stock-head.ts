import { ChannelSchema, type Channel, type ChannelAvailability } from '@holdfast/contracts';

/**
 * The ledger head of one internal SKU: on-hand summed over its locations, units held by
 * active reservations, and the availability version. Every change to a SKU locks its
 * head first (in sorted SKU order) and bumps the version once per transaction.
 */
export interface StockHead {
  sku: string;
  onHand: number;
  reserved: number;
  version: number;
  /** On-hand at locations that serve every channel. */
  sharedOnHand: number;
  /** On-hand at locations that serve only some channels, per channel. */
  channelOnHand: Partial<Record<Channel, number>>;
}

export const CHANNELS: readonly Channel[] = ChannelSchema.options;

export function available(head: Pick<StockHead, 'onHand' | 'reserved'>): number {
  return head.onHand - head.reserved;
}

/** Units reserved beyond on-hand (0 when not oversold). */
export function shortfall(head: Pick<StockHead, 'onHand' | 'reserved'>): number {
  return Math.max(0, head.reserved - head.onHand);
}

/**
 * `available = Σ on_hand (locations that serve the channel) − Σ active reservations`:
 * units held for one channel are gone for every channel.
 */
export function channelFigures(head: StockHead): ChannelAvailability[] {
  return CHANNELS.map((channel) => {
    const onHand = head.sharedOnHand + (head.channelOnHand[channel] ?? 0);
    return { channel, onHand, reserved: head.reserved, available: onHand - head.reserved };
  });
}

export function sameFigures(a: StockHead, b: StockHead): boolean {
  return (
    a.onHand === b.onHand &&
    a.reserved === b.reserved &&
    a.sharedOnHand === b.sharedOnHand &&
    CHANNELS.every((c) => (a.channelOnHand[c] ?? 0) === (b.channelOnHand[c] ?? 0))
  );
}
