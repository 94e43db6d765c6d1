import { SeededRandom } from '../support/seeded-random';
import { CarrierList, DEFAULT_CARRIER_CODES } from './carrier-list';
import { allowedTransitions, moveOrder, OrderTransitionError, type SimOrder } from './order';
import { OrderFactory } from './order-factory';
import { confirmShipment, type ConfirmShipmentBody } from './shipment-confirmation';

const IT = 'APJ6JRA9NG5V4';

describe('simulated orders', () => {
  const build = (overrides: Partial<Parameters<OrderFactory['build']>[0]> = {}, seed = 1): SimOrder =>
    new OrderFactory(new SeededRandom(seed)).build(
      {
        sellerId: 'S',
        marketplaceId: IT,
        fulfilledBy: 'MERCHANT',
        status: 'PENDING',
        items: [
          { sellerSku: 'A', quantity: 2 },
          { sellerSku: 'B', quantity: 1 },
        ],
        ...overrides,
      },
      1_700_000_000_500,
      () => false,
    );

  it('is built with Amazon-shaped ids, whole-second times and the same data for the same seed', () => {
    const order = build();
    expect(order.orderId).toMatch(/^\d{3}-\d{7}-\d{7}$/);
    expect(order.lines[0].orderItemId).toMatch(/^\d{14}$/);
    expect(order.createdTime).toBe(1_700_000_000_000);
    expect(order.paymentAuthorized).toBe(false);
    expect(build()).toEqual(order);
    expect(build({}, 2).orderId).not.toBe(order.orderId);
  });

  it('follows the merchant and Amazon lifecycles', () => {
    expect(allowedTransitions({ status: 'PENDING', fulfilledBy: 'MERCHANT' })).toEqual([
      'UNSHIPPED',
      'CANCELLED',
    ]);
    expect(allowedTransitions({ status: 'PENDING', fulfilledBy: 'AMAZON' })).toContain('SHIPPED');
    const order = build();
    expect(() => moveOrder(order, 'SHIPPED', 1_700_000_100_000, 'control')).toThrow(OrderTransitionError);
    moveOrder(order, 'UNSHIPPED', 1_700_000_100_000, 'control');
    expect(order.paymentAuthorized).toBe(true);
    expect(order.lastUpdatedTime).toBe(1_700_000_100_000);
    moveOrder(order, 'SHIPPED', 1_700_000_200_000, 'control');
    expect(order.lines.every((l) => l.quantityShipped === l.quantityOrdered)).toBe(true);
    expect(order.history.map((h) => h.to)).toEqual(['PENDING', 'UNSHIPPED', 'SHIPPED']);
  });

  describe(confirmShipment.name, () => {
    const carriers = new CarrierList({
      codes: [...DEFAULT_CARRIER_CODES],
      byMarketplace: {},
      otherRejectedIn: ['A1F83G8C2ARO7P'],
    });
    const body = (
      order: SimOrder,
      detail: Partial<ConfirmShipmentBody['packageDetail']> = {},
    ): ConfirmShipmentBody => ({
      marketplaceId: IT,
      packageDetail: {
        packageReferenceId: '1',
        carrierCode: 'BRT',
        trackingNumber: 'T1',
        shipDate: '2025-01-01T00:00:00Z',
        orderItems: [{ orderItemId: order.lines[0].orderItemId, quantity: 2 }],
        ...detail,
      },
    });

    it('ships package by package and refuses what Amazon refuses', () => {
      const order = build({ status: 'UNSHIPPED' });
      const reason = (detail: Partial<ConfirmShipmentBody['packageDetail']>) => {
        const outcome = confirmShipment(order, body(order, detail), carriers, 1, false);
        return outcome.accepted ? 'accepted' : outcome.reason;
      };
      expect(reason({ carrierCode: 'brt' })).toMatch(/not a valid carrier code/);
      expect(reason({ carrierCode: 'Other' })).toMatch(/carrierName is required/);
      expect(reason({ packageReferenceId: '-1' })).toMatch(/positive numeric/);
      expect(
        reason({
          orderItems: [
            { orderItemId: order.lines[0].orderItemId, quantity: 1 },
            { orderItemId: order.lines[0].orderItemId, quantity: 2 },
          ],
        }),
      ).toMatch(/exceeds/);
      expect(reason({})).toBe('accepted');
      expect(order.status).toBe('PARTIALLY_SHIPPED');
      expect(reason({ orderItems: [{ orderItemId: order.lines[1].orderItemId, quantity: 1 }] })).toMatch(
        /already confirmed/,
      );
      expect(
        reason({
          packageReferenceId: '2',
          orderItems: [{ orderItemId: order.lines[1].orderItemId, quantity: 1 }],
        }),
      ).toBe('accepted');
      expect(order.status).toBe('SHIPPED');
    });

    it('a silently dropped confirmation is recorded but changes nothing', () => {
      const order = build({ status: 'UNSHIPPED' });
      const outcome = confirmShipment(order, body(order), carriers, 1, true);
      expect(outcome.accepted).toBe(true);
      expect(order.status).toBe('UNSHIPPED');
      expect(order.packages[0].dropped).toBe(true);
      // The seller's retry is not a duplicate: Amazon never took the first one.
      expect(confirmShipment(order, body(order), carriers, 2, false).accepted).toBe(true);
    });
  });
});
