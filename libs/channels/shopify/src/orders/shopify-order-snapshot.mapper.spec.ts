import {
  shopifyOrderStatus,
  shopifySnapshotFromWebhook,
  ShopifyPayloadError,
} from './shopify-order-snapshot.mapper';

const order = (overrides: Record<string, unknown> = {}) => ({
  id: 5900100100007,
  name: '#1001',
  email: 'buyer@example.com',
  created_at: '2026-11-25T15:00:00+01:00',
  updated_at: '2026-11-25T15:05:00+01:00',
  cancelled_at: null,
  financial_status: 'paid',
  fulfillment_status: null,
  customer: { first_name: 'Ada', last_name: 'Lovelace' },
  line_items: [
    { id: 11, sku: 'SKU-A', quantity: 3, current_quantity: 3, fulfillable_quantity: 3 },
    { id: 12, sku: '', quantity: 1, current_quantity: 1, fulfillable_quantity: 1 },
  ],
  fulfillments: [],
  ...overrides,
});

describe('Shopify order mapping', () => {
  it.each([
    [{ financialStatus: 'pending', fulfillmentStatus: 'unfulfilled', cancelled: false }, 'pending'],
    [{ financialStatus: 'expired', fulfillmentStatus: 'unfulfilled', cancelled: false }, 'pending'],
    [{ financialStatus: 'authorized', fulfillmentStatus: 'unfulfilled', cancelled: false }, 'confirmed'],
    [{ financialStatus: 'paid', fulfillmentStatus: 'unfulfilled', cancelled: false }, 'confirmed'],
    [
      { financialStatus: 'partially_refunded', fulfillmentStatus: 'unfulfilled', cancelled: false },
      'confirmed',
    ],
    [{ financialStatus: 'paid', fulfillmentStatus: 'partial', cancelled: false }, 'partially_shipped'],
    [{ financialStatus: 'paid', fulfillmentStatus: 'fulfilled', cancelled: false }, 'shipped'],
    [{ financialStatus: 'refunded', fulfillmentStatus: 'unfulfilled', cancelled: false }, 'canceled'],
    [{ financialStatus: 'voided', fulfillmentStatus: 'unfulfilled', cancelled: false }, 'canceled'],
    [{ financialStatus: 'paid', fulfillmentStatus: 'unfulfilled', cancelled: true }, 'canceled'],
  ] as const)('%o → %s', (facts, expected) => {
    expect(shopifyOrderStatus(facts)).toBe(expected);
  });

  it('keeps ids, quantities and times, drops lines without a SKU and every piece of buyer data', () => {
    const snapshot = shopifySnapshotFromWebhook(order(), 'shop.myshopify.com');
    expect(snapshot).toEqual({
      channel: 'shopify',
      accountId: 'shop.myshopify.com',
      orderId: '5900100100007',
      marketplaceId: null,
      status: 'confirmed',
      channelStatus: 'paid/unfulfilled',
      fulfilledBy: 'MERCHANT',
      purchasedAt: '2026-11-25T14:00:00.000Z',
      updatedAt: '2026-11-25T14:05:00.000Z',
      revision: Date.parse('2026-11-25T14:05:00Z') * 1000 + 100,
      lines: [
        { lineId: '11', channelSku: 'SKU-A', quantityOrdered: 3, quantityShipped: 0, quantityCanceled: 0 },
      ],
    });
    expect(JSON.stringify(snapshot)).not.toMatch(/Lovelace|example\.com|#1001/);
  });

  it('counts shipped units from successful fulfillments and removed units as cancelled', () => {
    const snapshot = shopifySnapshotFromWebhook(
      order({
        fulfillment_status: 'partial',
        line_items: [{ id: 11, sku: 'SKU-A', quantity: 3, current_quantity: 2, fulfillable_quantity: 1 }],
        fulfillments: [
          { status: 'success', line_items: [{ id: 11, quantity: 1 }] },
          { status: 'cancelled', line_items: [{ id: 11, quantity: 1 }] },
        ],
      }),
      'shop',
    );
    expect(snapshot?.lines[0]).toEqual({
      lineId: '11',
      channelSku: 'SKU-A',
      quantityOrdered: 3,
      quantityShipped: 1,
      quantityCanceled: 1,
    });
    // Two changes in one second still order: a later stage of the order's life has the higher revision.
    const paidSameSecond = shopifySnapshotFromWebhook(order(), 'shop');
    expect(snapshot!.revision).toBeGreaterThan(paidSameSecond!.revision);
  });

  it('returns null when no line holds stock and refuses what is not an order', () => {
    expect(
      shopifySnapshotFromWebhook(order({ line_items: [{ id: 1, sku: null, quantity: 1 }] }), 'shop'),
    ).toBeNull();
    expect(() => shopifySnapshotFromWebhook({ id: 'x' }, 'shop')).toThrow(ShopifyPayloadError);
  });
});
