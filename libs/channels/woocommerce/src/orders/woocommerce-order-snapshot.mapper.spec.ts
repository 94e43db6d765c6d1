import {
  wooCommerceOrderStatus,
  wooCommerceSnapshotFromOrder,
  WooCommercePayloadError,
} from './woocommerce-order-snapshot.mapper';

const order = (status: string) => ({
  id: 1042,
  status,
  date_created: '2026-11-25T15:00:00',
  date_created_gmt: '2026-11-25T14:00:00',
  date_modified: '2026-11-25T15:07:00',
  date_modified_gmt: '2026-11-25T14:07:00',
  billing: { first_name: 'Ada', email: 'ada@example.com' },
  line_items: [
    { id: 7, sku: 'W-1', quantity: 2, product_id: 100, variation_id: 0 },
    { id: 8, sku: '', quantity: 1, product_id: 101, variation_id: 0 },
  ],
});

describe('WooCommerce order mapping', () => {
  it.each([
    ['pending', 'pending'],
    ['on-hold', 'pending'],
    ['processing', 'confirmed'],
    ['completed', 'shipped'],
    ['partially-shipped', 'partially_shipped'],
    ['cancelled', 'canceled'],
    ['refunded', 'canceled'],
    ['failed', 'canceled'],
    ['checkout-draft', null],
    ['awaiting-pickup', 'pending'],
  ])('%s → %s', (status, expected) => {
    expect(wooCommerceOrderStatus(status)).toBe(expected);
  });

  it('reads GMT times without a zone as UTC and keeps no buyer data', () => {
    expect(wooCommerceSnapshotFromOrder(order('completed'), 'store')).toEqual({
      channel: 'woocommerce',
      accountId: 'store',
      orderId: '1042',
      marketplaceId: null,
      status: 'shipped',
      channelStatus: 'completed',
      fulfilledBy: 'MERCHANT',
      purchasedAt: '2026-11-25T14:00:00.000Z',
      updatedAt: '2026-11-25T14:07:00.000Z',
      revision: Date.parse('2026-11-25T14:07:00Z') * 1000 + 302,
      lines: [
        { lineId: '7', channelSku: 'W-1', quantityOrdered: 2, quantityShipped: 2, quantityCanceled: 0 },
      ],
    });
    expect(JSON.stringify(wooCommerceSnapshotFromOrder(order('processing'), 'store'))).not.toMatch(
      /Ada|example\.com/,
    );
  });

  it('orders two changes within one second by the stage of the order', () => {
    const processing = wooCommerceSnapshotFromOrder(order('processing'), 'store')!;
    const cancelled = wooCommerceSnapshotFromOrder(order('cancelled'), 'store')!;
    expect(cancelled.revision).toBeGreaterThan(processing.revision);
    expect(cancelled.lines[0].quantityCanceled).toBe(2);
  });

  it('skips drafts and refuses what is not an order', () => {
    expect(wooCommerceSnapshotFromOrder(order('checkout-draft'), 'store')).toBeNull();
    expect(() => wooCommerceSnapshotFromOrder({ id: 'x' }, 'store')).toThrow(WooCommercePayloadError);
  });
});
