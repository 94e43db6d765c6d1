import type { ChannelAvailability } from '@holdfast/contracts';
import { CHANNELS, channelFigures, type StockHead } from './stock-head';

export interface BundleComponent {
  head: StockHead;
  /** Units of the component in one bundle. */
  quantity: number;
}

export interface BundleFigures {
  onHand: number;
  reserved: number;
  available: number;
  channels: ChannelAvailability[];
}

/**
 * A bundle exists only through its components: it can be sold as many times as its
 * scarcest component allows. `onHand` counts whole bundles the shelves could make,
 * `available` whole bundles not yet held, and `reserved` is their difference (what the
 * reservations on the components cost the bundle), so the bundle's numbers add up like
 * a SKU's. A bundle without components has nothing.
 */
export function bundleFigures(components: readonly BundleComponent[]): BundleFigures {
  if (components.length === 0) {
    return {
      onHand: 0,
      reserved: 0,
      available: 0,
      channels: CHANNELS.map((channel) => ({ channel, onHand: 0, reserved: 0, available: 0 })),
    };
  }
  const perComponent = components.map((c) => ({ c, channels: channelFigures(c.head) }));
  const min = (values: number[]) => Math.min(...values);
  const onHand = min(components.map((c) => Math.floor(c.head.onHand / c.quantity)));
  const available = min(components.map((c) => Math.floor((c.head.onHand - c.head.reserved) / c.quantity)));
  const channels = CHANNELS.map((channel, i) => {
    const channelOnHand = min(perComponent.map(({ c, channels: f }) => Math.floor(f[i].onHand / c.quantity)));
    const channelAvailable = min(perComponent.map(({ c, channels: f }) => Math.floor(f[i].available / c.quantity)));
    return {
      channel,
      onHand: channelOnHand,
      reserved: channelOnHand - channelAvailable,
      available: channelAvailable,
    };
  });
  return { onHand, reserved: onHand - available, available, channels };
}
