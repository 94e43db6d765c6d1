import { revisionOf } from '@holdfast/contracts';
import { AMAZON_STATUS_TO_ORDER_STATUS, mapAmazonOrder, withoutPersonalData } from './amazon-order.mapper';

/** An order as Orders API v2026-01-01 returns it with includedData=FULFILLMENT. */
function amazonOrder(overrides: Record<string, unknown> = {}, fulfillment: Record<string, unknown> = {}) {
  return {
    orderId: '402-1234567-7654321',
    createdTime: '2026-11-20T09:00:00Z',
    lastUpdatedTime: '2026-11-20T09:05:07Z',
    salesChannel: { channelName: 'AMAZON', marketplaceId: 'APJ6JRA9NG5V4', marketplaceName: 'Amazon.it' },
    fulfillment: { fulfillmentStatus: 'PENDING', fulfilledBy: 'MERCHANT', ...fulfillment },
    orderItems: [
      { orderItemId: '11111111111111', quantityOrdered: 2, product: { sellerSku: 'MUG-01' } },
      {
        orderItemId: '22222222222222',
        quantityOrdered: 3,
        product: { sellerSku: 'TEA-02' },
        fulfillment: { quantityFulfilled: 0, quantityUnfulfilled: 3 },
      },
    ],
    ...overrides,
  };
}

describe(mapAmazonOrder.name, () => {
  it('maps a Pending merchant order to a pending snapshot with its lines', () => {
    const result = mapAmazonOrder(amazonOrder(), 'seller-it');
    expect(result).toMatchObject({ ok: true });
    if (!result.ok) return;
    expect(result.order.snapshot).toEqual({
      channel: 'amazon',
      accountId: 'seller-it',
      orderId: '402-1234567-7654321',
      marketplaceId: 'APJ6JRA9NG5V4',
      status: 'pending',
      channelStatus: 'PENDING',
      fulfilledBy: 'MERCHANT',
      purchasedAt: '2026-11-20T09:00:00.000Z',
      updatedAt: '2026-11-20T09:05:07.000Z',
      revision: revisionOf('2026-11-20T09:05:07Z'),
      lines: [
        { lineId: '11111111111111', channelSku: 'MUG-01', quantityOrdered: 2, quantityShipped: 0, quantityCanceled: 0 },
        { lineId: '22222222222222', channelSku: 'TEA-02', quantityOrdered: 3, quantityShipped: 0, quantityCanceled: 0 },
      ],
    });
    expect(result.order.buyerData).toBeNull();
  });

  it.each(Object.entries(AMAZON_STATUS_TO_ORDER_STATUS))('maps %s to %s', (amazon, holdfast) => {
    const result = mapAmazonOrder(amazonOrder({}, { fulfillmentStatus: amazon }), 'a');
    expect(result.ok && result.order.snapshot.status).toBe(holdfast);
    expect(result.ok && result.order.snapshot.channelStatus).toBe(amazon);
  });

  it('uses the tie-breaker in the revision', () => {
    const result = mapAmazonOrder(amazonOrder(), 'a', 7);
    expect(result.ok && result.order.snapshot.revision).toBe(revisionOf('2026-11-20T09:05:07Z', 7));
  });

  it('takes shipped quantities from the item fulfillment, all of them for a SHIPPED order that does not say', () => {
    const partial = amazonOrder(
      {
        orderItems: [
          {
            orderItemId: '1',
            quantityOrdered: 3,
            product: { sellerSku: 'S' },
            fulfillment: { quantityFulfilled: 1, quantityUnfulfilled: 2 },
          },
        ],
      },
      { fulfillmentStatus: 'PARTIALLY_SHIPPED' },
    );
    const shipped = amazonOrder({}, { fulfillmentStatus: 'SHIPPED', fulfilledBy: 'AMAZON' });
    const a = mapAmazonOrder(partial, 'a');
    const b = mapAmazonOrder(shipped, 'a');
    expect(a.ok && a.order.snapshot.lines[0]).toMatchObject({ quantityShipped: 1, quantityCanceled: 0 });
    expect(b.ok && b.order.snapshot.lines.map((l) => l.quantityShipped)).toEqual([2, 3]);
    expect(b.ok && b.order.snapshot.fulfilledBy).toBe('AMAZON');
  });

  it('cancels the unshipped units of a cancelled order and of an item with a cancellation execution', () => {
    const canceled = mapAmazonOrder(amazonOrder({}, { fulfillmentStatus: 'CANCELLED' }), 'a');
    expect(canceled.ok && canceled.order.snapshot.lines.map((l) => l.quantityCanceled)).toEqual([2, 3]);
    const oneLine = amazonOrder(
      {
        orderItems: [
          { orderItemId: '1', quantityOrdered: 2, product: { sellerSku: 'A' } },
          {
            orderItemId: '2',
            quantityOrdered: 1,
            product: { sellerSku: 'B' },
            cancellation: { cancellationExecution: { cancelledBy: 'BUYER' } },
          },
        ],
      },
      { fulfillmentStatus: 'UNSHIPPED' },
    );
    const result = mapAmazonOrder(oneLine, 'a');
    expect(result.ok && result.order.snapshot.lines.map((l) => l.quantityCanceled)).toEqual([0, 1]);
    expect(result.ok && result.order.snapshot.status).toBe('confirmed');
  });

  it('extracts buyer and recipient when the order carries them, and reads delivery hints', () => {
    const raw = amazonOrder(
      {
        buyer: { buyerName: 'Giulia Rossi', buyerEmail: 'x@marketplace.amazon.it' },
        recipient: { deliveryAddress: { name: 'Giulia Rossi', addressLine1: 'Via Roma 1', city: 'Milano', countryCode: 'IT' } },
        packages: [{ packageReferenceId: '1', packageStatus: { status: 'DELIVERED' } }],
      },
      { fulfillmentStatus: 'SHIPPED', deliverByWindow: { latestDateTime: '2026-11-25T18:00:00Z' } },
    );
    const result = mapAmazonOrder(raw, 'a');
    expect(result.ok && result.order.buyerData).toEqual({
      buyer: { name: 'Giulia Rossi', email: 'x@marketplace.amazon.it' },
      recipient: { name: 'Giulia Rossi', addressLine1: 'Via Roma 1', city: 'Milano', countryCode: 'IT' },
    });
    expect(result.ok && result.order.delivered).toBe(true);
    expect(result.ok && result.order.deliverBy?.toISOString()).toBe('2026-11-25T18:00:00.000Z');
    // The snapshot itself carries none of it.
    expect(JSON.stringify(result.ok && result.order.snapshot)).not.toMatch(/Giulia|Milano/);
  });

  describe('orders that cannot be imported say why, with what could be read of them', () => {
    it.each([
      ['an unknown status', amazonOrder({}, { fulfillmentStatus: 'ON_THE_MOON' }), 'unknown-status'],
      ['no items', amazonOrder({ orderItems: [] }), 'no-items'],
      ['no fulfilledBy', amazonOrder({}, { fulfilledBy: undefined }), 'unknown-fulfilled-by'],
      ['an unknown fulfilledBy', amazonOrder({}, { fulfilledBy: 'DROPSHIPPER' }), 'unknown-fulfilled-by'],
      [
        'an item without SKU',
        amazonOrder({ orderItems: [{ orderItemId: '1', quantityOrdered: 1, product: {} }] }),
        'malformed',
      ],
      [
        'a quantity as a string',
        amazonOrder({ orderItems: [{ orderItemId: '1', quantityOrdered: '1', product: { sellerSku: 'A' } }] }),
        'malformed',
      ],
      [
        'more fulfilled than ordered',
        amazonOrder({
          orderItems: [{ orderItemId: '1', quantityOrdered: 1, product: { sellerSku: 'A' }, fulfillment: { quantityFulfilled: 2 } }],
        }),
        'invalid-quantities',
      ],
      ['no fulfillment dataset', amazonOrder({ fulfillment: undefined }), 'malformed'],
      ['a bad lastUpdatedTime', amazonOrder({ lastUpdatedTime: 'yesterday' }), 'malformed'],
    ])('%s', (_name, raw, problem) => {
      const result = mapAmazonOrder(raw, 'a');
      expect(result).toMatchObject({ ok: false, problem, orderId: '402-1234567-7654321' });
      expect(!result.ok && result.detail.length).toBeGreaterThan(0);
    });

    it('not an object at all', () => {
      expect(mapAmazonOrder('garbage', 'a')).toMatchObject({ ok: false, problem: 'malformed', orderId: null, lastUpdatedTime: null });
      expect(mapAmazonOrder({ orderId: 42 }, 'a')).toMatchObject({ ok: false, problem: 'malformed', orderId: null });
    });

    it('keeps the lastUpdatedTime of a broken order when it can be read', () => {
      const result = mapAmazonOrder(amazonOrder({ orderItems: [] }), 'a');
      expect(!result.ok && result.lastUpdatedTime?.toISOString()).toBe('2026-11-20T09:05:07.000Z');
    });
  });
});

describe(withoutPersonalData.name, () => {
  it('drops buyer and recipient, keeps the rest', () => {
    const raw = amazonOrder({ buyer: { buyerName: 'X' }, recipient: { deliveryAddress: { name: 'X' } } });
    const stripped = withoutPersonalData(raw) as Record<string, unknown>;
    expect(stripped['buyer']).toBeUndefined();
    expect(stripped['recipient']).toBeUndefined();
    expect(stripped['orderId']).toBe(raw.orderId);
  });
});
