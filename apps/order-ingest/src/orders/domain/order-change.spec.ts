import { revisionOf, type OrderSnapshot } from '@holdfast/contracts';
import { detectChange, eventFor, type RecordedOrder } from './order-change';

function order(overrides: Partial<OrderSnapshot> = {}, at = '2026-11-20T10:00:00Z'): OrderSnapshot {
  return {
    channel: 'amazon',
    accountId: 'acc',
    orderId: '402-0000000-0000001',
    marketplaceId: 'APJ6JRA9NG5V4',
    status: 'pending',
    channelStatus: 'PENDING',
    fulfilledBy: 'MERCHANT',
    purchasedAt: '2026-11-20T09:59:00.000Z',
    updatedAt: new Date(at).toISOString(),
    revision: revisionOf(at),
    lines: [
      { lineId: 'L1', channelSku: 'A', quantityOrdered: 2, quantityShipped: 0, quantityCanceled: 0 },
      { lineId: 'L2', channelSku: 'B', quantityOrdered: 1, quantityShipped: 0, quantityCanceled: 0 },
    ],
    ...overrides,
  };
}

const announced = (snapshot: OrderSnapshot): RecordedOrder => ({ snapshot, announced: true });
const importing = { importPending: true };

describe(detectChange.name, () => {
  describe('first sight', () => {
    it('a Pending order is order.placed', () => {
      expect(detectChange(null, order(), importing)).toMatchObject({ kind: 'new', event: 'order.placed', announced: true });
    });

    it('an order already paid is order.placed too', () => {
      const paid = order({ status: 'confirmed', channelStatus: 'UNSHIPPED' });
      expect(detectChange(null, paid, importing)).toMatchObject({ kind: 'new', event: 'order.placed' });
    });

    it('a Pending order of an account that does not import Pending is recorded, not announced', () => {
      expect(detectChange(null, order(), { importPending: false })).toMatchObject({ kind: 'new', event: null, announced: false });
    });

    it('an order first seen cancelled is recorded, not announced: nobody holds anything for it', () => {
      const canceled = order({ status: 'canceled', channelStatus: 'CANCELLED' });
      expect(detectChange(null, canceled, importing)).toMatchObject({ kind: 'new', event: null, announced: false });
    });
  });

  describe('changes of an announced order: exactly one event each', () => {
    const pending = order();

    it.each<[string, Partial<OrderSnapshot>, string]>([
      ['left Pending', { status: 'confirmed', channelStatus: 'UNSHIPPED' }, 'order.confirmed'],
      [
        'cancelled',
        {
          status: 'canceled',
          channelStatus: 'CANCELLED',
          lines: pending.lines.map((l) => ({ ...l, quantityCanceled: l.quantityOrdered })),
        },
        'order.canceled',
      ],
      ['PENDING_AVAILABILITY became PENDING', { channelStatus: 'PENDING' }, 'order.updated'],
      [
        'shipped (Amazon-fulfilled straight from Pending)',
        { status: 'shipped', channelStatus: 'SHIPPED', lines: pending.lines.map((l) => ({ ...l, quantityShipped: l.quantityOrdered })) },
        'order.shipped',
      ],
    ])('%s', (_name, change, event) => {
      const before = _name.startsWith('PENDING_AVAILABILITY') ? order({ channelStatus: 'PENDING_AVAILABILITY' }) : pending;
      const after = order(change, '2026-11-20T10:05:00Z');
      const result = detectChange(announced(before), after, importing);
      expect(result).toMatchObject({ kind: 'changed', event, announced: true });
      expect(result.kind === 'changed' && result.snapshot.revision).toBe(revisionOf('2026-11-20T10:05:00Z'));
    });

    it('one line cancelled in a paid order is order.canceled', () => {
      const paid = order({ status: 'confirmed', channelStatus: 'UNSHIPPED' });
      const oneLine = order(
        { status: 'confirmed', channelStatus: 'UNSHIPPED', lines: [paid.lines[0], { ...paid.lines[1], quantityCanceled: 1 }] },
        '2026-11-20T11:00:00Z',
      );
      expect(detectChange(announced(paid), oneLine, importing)).toMatchObject({ event: 'order.canceled' });
    });

    it('a partial shipment is order.shipped', () => {
      const paid = order({ status: 'confirmed', channelStatus: 'UNSHIPPED' });
      const partial = order(
        { status: 'partially_shipped', channelStatus: 'PARTIALLY_SHIPPED', lines: [{ ...paid.lines[0], quantityShipped: 1 }, paid.lines[1]] },
        '2026-11-20T11:00:00Z',
      );
      expect(eventFor(paid, partial)).toBe('order.shipped');
    });
  });

  describe('no event without a real change', () => {
    it('the same data again is unchanged', () => {
      expect(detectChange(announced(order()), order(), importing)).toEqual({ kind: 'unchanged', touch: null });
    });

    it('a newer time without a material change is recorded (touch) but emits nothing', () => {
      const result = detectChange(announced(order()), order({}, '2026-11-20T10:01:00Z'), importing);
      expect(result).toMatchObject({ kind: 'unchanged', touch: { updatedAt: '2026-11-20T10:01:00.000Z' } });
    });
  });

  describe('stale data never overwrites newer', () => {
    it('an older lastUpdatedTime is stale, whatever it says', () => {
      const confirmed = order({ status: 'confirmed', channelStatus: 'UNSHIPPED' }, '2026-11-20T10:05:00Z');
      expect(detectChange(announced(confirmed), order({}, '2026-11-20T10:00:00Z'), importing)).toEqual({ kind: 'stale' });
    });

    it('the same second going backwards is stale; going forwards gets the next tie-breaker', () => {
      const at = '2026-11-20T10:05:00Z';
      const confirmed = order({ status: 'confirmed', channelStatus: 'UNSHIPPED' }, at);
      expect(detectChange(announced(confirmed), order({}, at), importing)).toEqual({ kind: 'stale' });

      const canceled = order({ status: 'canceled', channelStatus: 'CANCELLED', lines: confirmed.lines.map((l) => ({ ...l, quantityCanceled: l.quantityOrdered })) }, at);
      const result = detectChange(announced(confirmed), canceled, importing);
      expect(result).toMatchObject({ kind: 'changed', event: 'order.canceled' });
      expect(result.kind === 'changed' && result.snapshot.revision).toBe(revisionOf(at, 1));
    });
  });

  describe('an order nobody heard of yet', () => {
    const silent: RecordedOrder = { snapshot: order(), announced: false };

    it('is announced as order.placed once it left Pending', () => {
      const paid = order({ status: 'confirmed', channelStatus: 'UNSHIPPED' }, '2026-11-20T10:30:00Z');
      expect(detectChange(silent, paid, { importPending: false })).toMatchObject({ kind: 'changed', event: 'order.placed', announced: true });
    });

    it('stays silent when it is cancelled while Pending', () => {
      const canceled = order({ status: 'canceled', channelStatus: 'CANCELLED' }, '2026-11-20T10:30:00Z');
      expect(detectChange(silent, canceled, { importPending: false })).toMatchObject({ kind: 'changed', event: null, announced: false });
    });
  });
});
