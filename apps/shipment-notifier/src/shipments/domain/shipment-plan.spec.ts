import type { OrderLine } from '@holdfast/contracts';
import { planShipment, type KnownOrder, type LineCommitment, type ShipmentRequest } from './shipment-plan';
import {
  OrderAwaitingPaymentError,
  OrderCanceledError,
  OrderFulfilledByChannelError,
  OrderLineAmbiguousError,
  OrderLineUnknownError,
  OrderUnknownError,
  QuantityAlreadyShippedError,
  QuantityExceedsOrderedError,
  ShipmentRequestInvalidError,
} from './shipment.errors';

const NOW = new Date('2026-11-20T12:00:00Z');
const DAY = 86_400_000;

function line(lineId: string, channelSku: string, ordered: number, extra: Partial<OrderLine> = {}): OrderLine {
  return { lineId, channelSku, quantityOrdered: ordered, quantityShipped: 0, quantityCanceled: 0, ...extra };
}

function order(overrides: Partial<KnownOrder> = {}): KnownOrder {
  return {
    channel: 'amazon',
    accountId: 'seller-1',
    orderId: '402-1',
    marketplaceId: 'APJ6JRA9NG5V4',
    status: 'confirmed',
    fulfilledBy: 'MERCHANT',
    lines: [line('L1', 'MUG', 3), line('L2', 'TEA', 1)],
    ...overrides,
  };
}

function request(overrides: Partial<ShipmentRequest> = {}): ShipmentRequest {
  return {
    channel: 'amazon',
    accountId: 'seller-1',
    orderId: '402-1',
    packages: [{ carrier: 'BRT', trackingNumber: 'T1', shipDate: NOW }],
    lines: [{ sku: 'MUG', quantity: 3 }],
    ...overrides,
  };
}

const plan = (o: KnownOrder | null, r: ShipmentRequest, c = new Map<string, LineCommitment>()) => planShipment(o, r, c, NOW, DAY);

describe(planShipment.name, () => {
  it('resolves lines by SKU or line id into one package, merging repeats', () => {
    const result = plan(order(), request({ lines: [{ sku: 'MUG', quantity: 1 }, { lineId: 'L1', quantity: 1 }, { lineId: 'L2', quantity: 1 }] }));
    expect(result.lines).toEqual([
      { lineId: 'L1', channelSku: 'MUG', quantity: 2 },
      { lineId: 'L2', channelSku: 'TEA', quantity: 1 },
    ]);
    expect(result.packages).toHaveLength(1);
    expect(result.packages[0]).toMatchObject({ carrier: 'BRT', trackingNumber: 'T1', shippingMethod: null, items: result.lines });
  });

  it('puts each package its own lines when there are several', () => {
    const result = plan(
      order(),
      request({
        lines: undefined,
        packages: [
          { carrier: 'BRT', trackingNumber: 'T1', shipDate: NOW, lines: [{ sku: 'MUG', quantity: 2 }] },
          { carrier: 'BRT', trackingNumber: 'T2', shipDate: NOW, lines: [{ sku: 'MUG', quantity: 1 }, { sku: 'TEA', quantity: 1 }] },
        ],
      }),
    );
    expect(result.packages.map((p) => p.items.map((i) => `${i.lineId}x${i.quantity}`))).toEqual([['L1x2'], ['L1x1', 'L2x1']]);
    expect(result.lines).toEqual([
      { lineId: 'L1', channelSku: 'MUG', quantity: 3 },
      { lineId: 'L2', channelSku: 'TEA', quantity: 1 },
    ]);
  });

  it('refuses a Pending order: awaiting payment, must not ship', () => {
    expect(() => plan(order({ status: 'pending' }), request())).toThrow(OrderAwaitingPaymentError);
    expect(() => plan(order({ status: 'pending' }), request())).toThrow(/Pending on Amazon: it is awaiting payment and must not ship/);
  });

  it('refuses cancelled, unknown and channel-fulfilled orders', () => {
    expect(() => plan(order({ status: 'canceled' }), request())).toThrow(OrderCanceledError);
    expect(() => plan(null, request())).toThrow(OrderUnknownError);
    expect(() => plan(order({ fulfilledBy: 'AMAZON' }), request())).toThrow(OrderFulfilledByChannelError);
  });

  it('refuses unknown lines and SKUs that name several lines', () => {
    expect(() => plan(order(), request({ lines: [{ lineId: 'L9', quantity: 1 }] }))).toThrow(OrderLineUnknownError);
    expect(() => plan(order(), request({ lines: [{ sku: 'NOPE', quantity: 1 }] }))).toThrow(OrderLineUnknownError);
    const twice = order({ lines: [line('L1', 'MUG', 1), line('L2', 'MUG', 1)] });
    expect(() => plan(twice, request({ lines: [{ sku: 'MUG', quantity: 1 }] }))).toThrow(OrderLineAmbiguousError);
  });

  it('refuses more than ordered (422) and more than remains after earlier shipments (409)', () => {
    expect(() => plan(order(), request({ lines: [{ sku: 'MUG', quantity: 4 }] }))).toThrow(QuantityExceedsOrderedError);
    const partlyCanceled = order({ lines: [line('L1', 'MUG', 3, { quantityCanceled: 1 })] });
    expect(() => plan(partlyCanceled, request({ lines: [{ sku: 'MUG', quantity: 3 }] }))).toThrow(QuantityExceedsOrderedError);

    const earlier = new Map([['L1', { confirmed: 1, unconfirmed: 1 }]]);
    expect(() => plan(order(), request({ lines: [{ sku: 'MUG', quantity: 2 }] }), earlier)).toThrow(QuantityAlreadyShippedError);
    expect(plan(order(), request({ lines: [{ sku: 'MUG', quantity: 1 }] }), earlier).lines[0].quantity).toBe(1);
  });

  it("counts the channel's shipped units and ours once, not twice", () => {
    // The order event already reports the 2 units we confirmed, plus nothing else.
    const caughtUp = order({ lines: [line('L1', 'MUG', 3, { quantityShipped: 2 })] });
    const ours = new Map([['L1', { confirmed: 2, unconfirmed: 0 }]]);
    expect(plan(caughtUp, request({ lines: [{ sku: 'MUG', quantity: 1 }] }), ours).lines[0].quantity).toBe(1);
    expect(() => plan(caughtUp, request({ lines: [{ sku: 'MUG', quantity: 2 }] }), ours)).toThrow(QuantityAlreadyShippedError);
    // Shipped outside Holdfast (Seller Central): the snapshot alone counts.
    expect(() => plan(caughtUp, request({ lines: [{ sku: 'MUG', quantity: 2 }] }))).toThrow(QuantityAlreadyShippedError);
  });

  it('refuses malformed shipments as invalid input', () => {
    const cases: Partial<ShipmentRequest>[] = [
      { packages: [{ carrier: 'BRT', trackingNumber: ' ', shipDate: NOW }] },
      { packages: [{ carrier: '--', trackingNumber: 'T', shipDate: NOW }] },
      { packages: [{ carrier: 'BRT', trackingNumber: 'T', shipDate: new Date(NOW.getTime() + DAY + 1) }] },
      { lines: [{ quantity: 1 }] },
      { lines: [{ lineId: 'L1', sku: 'MUG', quantity: 1 }] },
      { lines: [] },
      {
        packages: [
          { carrier: 'BRT', trackingNumber: 'T1', shipDate: NOW },
          { carrier: 'BRT', trackingNumber: 'T2', shipDate: NOW },
        ],
      },
      { packages: [{ carrier: 'BRT', trackingNumber: 'T1', shipDate: NOW, lines: [{ sku: 'MUG', quantity: 1 }] }] },
      { lines: undefined },
    ];
    for (const c of cases) expect(() => plan(order(), request(c))).toThrow(ShipmentRequestInvalidError);
  });

  it('checks the input before the order, so a bad request is a 400 even for an unknown order', () => {
    expect(() => plan(null, request({ lines: [] }))).toThrow(ShipmentRequestInvalidError);
  });
});
