import type { OrderSnapshot } from '@holdfast/contracts';
import { detectChange } from '../../orders/domain/order-change';

function shopOrder(status: OrderSnapshot['status'], updatedAt: string, canceled = 0): OrderSnapshot {
  return {
    channel: 'shopify',
    accountId: 'demo.myshopify.com',
    orderId: '1001',
    marketplaceId: null,
    status,
    channelStatus:
      status === 'canceled' ? 'cancelled' : status === 'pending' ? 'pending/unfulfilled' : 'paid/unfulfilled',
    fulfilledBy: 'MERCHANT',
    purchasedAt: '2026-05-01T10:00:00.000Z',
    updatedAt,
    revision: 0,
    lines: [
      {
        lineId: '11',
        channelSku: 'MUG-01',
        quantityOrdered: 2,
        quantityShipped: 0,
        quantityCanceled: canceled,
      },
    ],
  };
}

const T = '2026-05-01T10:00:05.000Z';

describe('change detection for web shop orders', () => {
  it('places an unpaid order as pending (it holds stock), whatever the account options say of Amazon Pending', () => {
    const change = detectChange(null, shopOrder('pending', T), { importPending: true });
    expect(change).toMatchObject({ kind: 'new', event: 'order.placed', snapshot: { status: 'pending' } });
  });

  it('takes a payment within the same second as progress, and a lagging pending copy of that second as stale', () => {
    const placed = detectChange(null, shopOrder('pending', T), { importPending: true });
    if (placed.kind !== 'new') throw new Error('expected new');
    const recorded = { snapshot: placed.snapshot, announced: true };
    const paid = detectChange(recorded, shopOrder('confirmed', T), { importPending: true });
    expect(paid).toMatchObject({ kind: 'changed', event: 'order.confirmed' });
    if (paid.kind !== 'changed') throw new Error('expected changed');
    expect(paid.snapshot.revision).toBeGreaterThan(placed.snapshot.revision);
    expect(
      detectChange({ snapshot: paid.snapshot, announced: true }, shopOrder('pending', T), {
        importPending: true,
      }),
    ).toEqual({
      kind: 'stale',
    });
  });

  it('cancels with order.canceled; an older copy never overwrites the cancellation', () => {
    const placed = detectChange(null, shopOrder('confirmed', T), { importPending: true });
    if (placed.kind !== 'new') throw new Error('expected new');
    const canceled = detectChange(
      { snapshot: placed.snapshot, announced: true },
      shopOrder('canceled', '2026-05-01T10:01:00.000Z', 2),
      {
        importPending: true,
      },
    );
    expect(canceled).toMatchObject({ kind: 'changed', event: 'order.canceled' });
    if (canceled.kind !== 'changed') throw new Error('expected changed');
    expect(
      detectChange({ snapshot: canceled.snapshot, announced: true }, shopOrder('confirmed', T), {
        importPending: true,
      }),
    ).toEqual({
      kind: 'stale',
    });
  });
});
