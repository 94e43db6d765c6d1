import { bundleFigures } from './bundle-figures';
import { ordersBeyondOnHand } from './oversold-attribution';
import { channelFigures, type StockHead } from './stock-head';

const head = (sku: string, onHand: number, reserved: number, channelOnHand: StockHead['channelOnHand'] = {}): StockHead => {
  const restricted = Object.values(channelOnHand).reduce((a, b) => a + (b ?? 0), 0);
  return { sku, onHand, reserved, version: 1, sharedOnHand: onHand - restricted, channelOnHand };
};

describe(channelFigures.name, () => {
  it('counts a location only for the channels it serves, and every reservation for every channel', () => {
    // 6 units in a warehouse for everyone, 4 in a shop's back room that serves only the web shop.
    const figures = channelFigures(head('A', 10, 3, { shopify: 4 }));
    expect(figures).toEqual([
      { channel: 'amazon', onHand: 6, reserved: 3, available: 3 },
      { channel: 'shopify', onHand: 10, reserved: 3, available: 7 },
      { channel: 'woocommerce', onHand: 6, reserved: 3, available: 3 },
    ]);
  });
});

describe(bundleFigures.name, () => {
  it('is the minimum over components of whole bundles, and its numbers add up', () => {
    const figures = bundleFigures([
      { head: head('MUG', 10, 3), quantity: 2 }, // 5 bundles on hand, 3 available
      { head: head('TEA', 4, 0), quantity: 1 }, // 4 on hand, 4 available
    ]);
    expect(figures).toMatchObject({ onHand: 4, available: 3, reserved: 1 });
    for (const c of figures.channels) expect(c.available).toBe(c.onHand - c.reserved);
  });

  it('goes negative with an oversold component', () => {
    expect(bundleFigures([{ head: head('MUG', 1, 4), quantity: 2 }])).toMatchObject({ onHand: 0, available: -2, reserved: 2 });
  });
});

describe(ordersBeyondOnHand.name, () => {
  const order = (orderId: string) => ({ channel: 'amazon' as const, accountId: 'a', orderId });

  it('names the latest holds that cover the growth of the shortfall', () => {
    const named = ordersBeyondOnHand(3, [
      { order: order('1'), units: 5 },
      { order: order('2'), units: 2 },
      { order: order('3'), units: 1 },
    ]);
    expect(named?.map((o) => o.orderId)).toEqual(['3', '2']);
  });

  it('defers to the caller when no hold of the transaction explains it', () => {
    expect(ordersBeyondOnHand(2, [])).toBeNull();
  });
});
