import { revisionOf, type OrderSnapshot } from '@holdfast/contracts';
import { reconcileOrder, type OrderReconciliationInput, type StoredReservation } from './order-reconciliation';
import { isLegalTransition } from './reservation-state';

function snapshot(
  status: OrderSnapshot['status'],
  lines: { id?: string; sku: string; ordered: number; shipped?: number; canceled?: number }[],
  overrides: Partial<OrderSnapshot> = {},
): OrderSnapshot {
  return {
    channel: 'amazon',
    accountId: 'acc',
    orderId: 'O-1',
    marketplaceId: null,
    status,
    channelStatus: status,
    fulfilledBy: 'MERCHANT',
    purchasedAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
    revision: revisionOf('2026-01-01T00:00:00Z'),
    lines: lines.map((l, i) => ({
      lineId: l.id ?? `L${i + 1}`,
      channelSku: l.sku,
      quantityOrdered: l.ordered,
      quantityShipped: l.shipped ?? 0,
      quantityCanceled: l.canceled ?? 0,
    })),
    ...overrides,
  };
}

function input(overrides: Partial<OrderReconciliationInput>): OrderReconciliationInput {
  return {
    status: overrides.snapshot?.status ?? null,
    revision: 1,
    snapshot: null,
    newShipmentLines: [],
    holdsMerchantStock: true,
    resolve: (sku) => [{ sku, unitQuantity: 1, bundleSku: null }],
    existing: [],
    ...overrides,
  };
}

/** Applies a reconciliation's writes to the stored rows, as the repository does. */
function store(existing: StoredReservation[], writes: StoredReservation[]): StoredReservation[] {
  const rows = new Map(existing.map((r) => [`${r.lineId}/${r.sku}`, r]));
  for (const w of writes) rows.set(`${w.lineId}/${w.sku}`, w);
  return [...rows.values()];
}

describe(reconcileOrder.name, () => {
  it('holds the open units of a Pending order and names the growth for oversold', () => {
    const result = reconcileOrder(input({ snapshot: snapshot('pending', [{ sku: 'A', ordered: 3 }]), status: 'pending' }));
    expect(result.writes).toEqual([expect.objectContaining({ sku: 'A', state: 'pending', quantity: 3, fulfilled: 0 })]);
    expect(result.movements).toEqual([{ sku: 'A', reservedDelta: 3, shippedUnits: 0, heldIncrease: 3 }]);
    expect(result.transitions).toEqual([expect.objectContaining({ from: null, to: 'pending', toQuantity: 3 })]);
  });

  it('commits on payment, fulfils on shipment (on-hand falls), releases what was cancelled', () => {
    const placed = reconcileOrder(
      input({ snapshot: snapshot('pending', [{ sku: 'A', ordered: 3 }, { sku: 'B', ordered: 1 }]), status: 'pending' }),
    );
    let rows = store([], placed.writes);
    const paid = reconcileOrder(
      input({
        snapshot: snapshot('confirmed', [{ sku: 'A', ordered: 3, canceled: 1 }, { sku: 'B', ordered: 1 }]),
        status: 'confirmed',
        existing: rows,
      }),
    );
    expect(paid.movements).toEqual([{ sku: 'A', reservedDelta: -1, shippedUnits: 0, heldIncrease: 0 }]);
    rows = store(rows, paid.writes);
    expect(rows.map((r) => [r.sku, r.state, r.quantity])).toEqual([
      ['A', 'committed', 2],
      ['B', 'committed', 1],
    ]);
    const shipped = reconcileOrder(
      input({
        snapshot: snapshot('shipped', [{ sku: 'A', ordered: 3, canceled: 1, shipped: 2 }, { sku: 'B', ordered: 1, shipped: 1 }]),
        status: 'shipped',
        existing: rows,
      }),
    );
    expect(shipped.movements).toEqual([
      { sku: 'A', reservedDelta: -2, shippedUnits: 2, heldIncrease: 0 },
      { sku: 'B', reservedDelta: -1, shippedUnits: 1, heldIncrease: 0 },
    ]);
    expect(store(rows, shipped.writes).map((r) => [r.state, r.quantity, r.fulfilled])).toEqual([
      ['fulfilled', 0, 2],
      ['fulfilled', 0, 1],
    ]);
  });

  it('counts a shipment confirmed before the snapshot that reports it only once', () => {
    const placed = store([], reconcileOrder(input({ snapshot: snapshot('confirmed', [{ sku: 'A', ordered: 2 }]), status: 'confirmed' })).writes);
    const confirmed = reconcileOrder(
      input({ status: 'confirmed', newShipmentLines: [{ lineId: 'L1', channelSku: 'A', quantity: 1 }], existing: placed }),
    );
    expect(confirmed.movements).toEqual([{ sku: 'A', reservedDelta: -1, shippedUnits: 1, heldIncrease: 0 }]);
    const rows = store(placed, confirmed.writes);
    const reported = reconcileOrder(
      input({
        snapshot: snapshot('partially_shipped', [{ sku: 'A', ordered: 2, shipped: 1 }]),
        status: 'partially_shipped',
        existing: rows,
      }),
    );
    expect(reported.movements).toEqual([]);
    expect(reported.writes).toEqual([expect.objectContaining({ state: 'committed', quantity: 1, fulfilled: 1 })]);
  });

  it('takes a shipment of an order not seen yet off on-hand without reserving, then reconciles', () => {
    const early = reconcileOrder(
      input({ status: null, newShipmentLines: [{ lineId: 'L1', channelSku: 'A', quantity: 1 }] }),
    );
    expect(early.writes).toEqual([expect.objectContaining({ ordered: null, state: 'fulfilled', quantity: 0, fulfilled: 1 })]);
    expect(early.movements).toEqual([{ sku: 'A', reservedDelta: 0, shippedUnits: 1, heldIncrease: 0 }]);
    const placed = reconcileOrder(
      input({ snapshot: snapshot('pending', [{ sku: 'A', ordered: 2 }]), status: 'pending', existing: early.writes }),
    );
    expect(placed.rejected).toEqual([]);
    expect(placed.writes).toEqual([expect.objectContaining({ state: 'pending', quantity: 1, fulfilled: 1 })]);
    expect(placed.movements).toEqual([{ sku: 'A', reservedDelta: 1, shippedUnits: 0, heldIncrease: 1 }]);
  });

  it('leaves a tombstone: a cancelled line never holds again, and the refusal is recorded', () => {
    const canceled = store(
      [],
      reconcileOrder(input({ snapshot: snapshot('canceled', [{ sku: 'A', ordered: 2, canceled: 2 }]), status: 'canceled' })).writes,
    );
    expect(canceled).toEqual([expect.objectContaining({ state: 'released', quantity: 0 })]);
    const revived = reconcileOrder(
      input({ snapshot: snapshot('confirmed', [{ sku: 'A', ordered: 2 }]), status: 'confirmed', existing: canceled }),
    );
    expect(revived.writes).toEqual([]);
    expect(revived.movements).toEqual([]);
    expect(revived.rejected).toEqual([
      expect.objectContaining({ from: 'released', to: 'committed', reason: expect.stringContaining('tombstone') }),
    ]);
  });

  it('refuses committed → pending', () => {
    const paid = store([], reconcileOrder(input({ snapshot: snapshot('confirmed', [{ sku: 'A', ordered: 1 }]), status: 'confirmed' })).writes);
    const back = reconcileOrder(input({ snapshot: snapshot('pending', [{ sku: 'A', ordered: 1 }]), status: 'pending', existing: paid }));
    expect(back.rejected).toEqual([expect.objectContaining({ from: 'committed', to: 'pending' })]);
    expect(back.writes).toEqual([]);
  });

  it('releases lines a newer snapshot no longer lists', () => {
    const two = store(
      [],
      reconcileOrder(input({ snapshot: snapshot('pending', [{ sku: 'A', ordered: 1 }, { sku: 'B', ordered: 2 }]), status: 'pending' })).writes,
    );
    const one = reconcileOrder(input({ snapshot: snapshot('pending', [{ sku: 'A', ordered: 1 }]), status: 'pending', existing: two }));
    expect(one.writes).toEqual([expect.objectContaining({ sku: 'B', state: 'released', quantity: 0 })]);
    expect(one.movements).toEqual([{ sku: 'B', reservedDelta: -2, shippedUnits: 0, heldIncrease: 0 }]);
  });

  it('reserves a bundle line on each component, quantity times units per bundle', () => {
    const resolve = (sku: string) =>
      sku === 'GIFT-BOX'
        ? [
            { sku: 'MUG', unitQuantity: 2, bundleSku: 'GIFT-BOX' },
            { sku: 'TEA', unitQuantity: 1, bundleSku: 'GIFT-BOX' },
          ]
        : [{ sku, unitQuantity: 1, bundleSku: null }];
    const result = reconcileOrder(input({ snapshot: snapshot('confirmed', [{ sku: 'GIFT-BOX', ordered: 3 }]), status: 'confirmed', resolve }));
    expect(result.movements).toEqual([
      { sku: 'MUG', reservedDelta: 6, shippedUnits: 0, heldIncrease: 6 },
      { sku: 'TEA', reservedDelta: 3, shippedUnits: 0, heldIncrease: 3 },
    ]);
  });

  it('holds nothing for an order the account does not reserve (Amazon-fulfilled)', () => {
    const result = reconcileOrder(
      input({ snapshot: snapshot('pending', [{ sku: 'A', ordered: 1 }], { fulfilledBy: 'AMAZON' }), status: 'pending', holdsMerchantStock: false }),
    );
    expect(result).toEqual({ writes: [], transitions: [], rejected: [], movements: [] });
  });
});

describe(isLegalTransition.name, () => {
  it.each([
    [null, 'fulfilled', true],
    ['pending', 'committed', true],
    ['pending', 'fulfilled', true],
    ['committed', 'released', true],
    ['committed', 'pending', false],
    ['fulfilled', 'released', false],
    ['released', 'pending', false],
    ['released', 'fulfilled', false],
  ] as const)('%s → %s: %s', (from, to, legal) => {
    expect(isLegalTransition(from, to)).toBe(legal);
  });
});
