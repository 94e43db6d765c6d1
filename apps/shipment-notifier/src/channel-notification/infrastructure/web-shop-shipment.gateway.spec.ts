import { ShopifyApiError } from '@holdfast/channels-shopify';
import {
  WooCommerceApiError,
  type ShipmentToConfirm,
  type ShopShipmentConfirmer,
} from '@holdfast/channels-woocommerce';
import type { PackageConfirmation } from '../domain/channel-shipment-gateway';
import { WebShopShipmentGateway } from './web-shop-shipment.gateway';

/** A shop that answers what the test says and remembers what it was asked. */
function shop(answer: () => ReturnType<ShopShipmentConfirmer['confirmShipment']>) {
  const asked: ShipmentToConfirm[] = [];
  const confirmer: ShopShipmentConfirmer = {
    channel: 'shopify',
    accountId: 'shop-1',
    confirmShipment: (shipment) => {
      asked.push(shipment);
      return answer();
    },
  };
  const gateway = new WebShopShipmentGateway(
    'shopify',
    new Map([
      ['shop-1', { confirmer, finder: { find: () => Promise.resolve({ kind: 'absent' as const }) } }],
    ]),
  );
  return { gateway, asked };
}

const pkg: PackageConfirmation = {
  shipmentId: '5f0c0c1e-0000-4000-8000-000000000001',
  orderId: '1001',
  marketplaceId: null,
  packageReferenceId: '2',
  carrierCode: 'BRT',
  carrierName: null,
  shippingMethod: null,
  trackingNumber: 'T-1',
  shipDate: new Date('2026-11-20T10:00:00Z'),
  items: [{ lineId: '77', quantity: 2 }],
};

describe(WebShopShipmentGateway.name, () => {
  it('sends one shop shipment per package, named the same on every attempt, and reports the carrier as sent', async () => {
    const { gateway, asked } = shop(() =>
      Promise.resolve({
        outcome: 'confirmed',
        channelReference: 'f-1',
        carrierSent: 'BRT',
        carrierKnown: true,
        alreadyConfirmed: false,
      }),
    );
    await expect(gateway.confirmPackage('shop-1', pkg)).resolves.toEqual({
      kind: 'accepted',
      carrierSent: 'BRT',
    });
    await gateway.confirmPackage('shop-1', pkg);
    expect(asked).toEqual([
      {
        shipmentId: `${pkg.shipmentId}/2`,
        orderId: '1001',
        lines: [{ lineId: '77', quantity: 2 }],
        carrier: 'BRT',
        trackingNumber: 'T-1',
      },
      expect.objectContaining({ shipmentId: `${pkg.shipmentId}/2` }),
    ]);
  });

  it("sends an `Other` mapping's name", async () => {
    const { gateway, asked } = shop(() =>
      Promise.resolve({
        outcome: 'confirmed',
        channelReference: 'f-1',
        carrierSent: 'x',
        carrierKnown: false,
        alreadyConfirmed: false,
      }),
    );
    await gateway.confirmPackage('shop-1', { ...pkg, carrierCode: 'Other', carrierName: 'Corriere Locale' });
    expect(asked[0].carrier).toBe('Corriere Locale');
  });

  it.each([
    [
      new ShopifyApiError('throttled', 'fulfillmentCreate', 'Throttled', { code: 'THROTTLED' }),
      { kind: 'not-applied', code: 'THROTTLED' },
    ],
    [
      new WooCommerceApiError('throttled', 'orders.update', 'Too many requests', { status: 429 }),
      { kind: 'not-applied', code: 'HTTP_429' },
    ],
    [
      new ShopifyApiError('transient', 'fulfillmentCreate', 'Bad gateway', { status: 502 }),
      { kind: 'unknown', code: 'HTTP_502' },
    ],
    [new WooCommerceApiError('malformed', 'orders.get', 'not JSON'), { kind: 'unknown', code: 'MALFORMED' }],
    [
      new WooCommerceApiError('rejected', 'orders.update', 'Invalid ID.', {
        status: 400,
        code: 'woocommerce_rest_shop_order_invalid_id',
      }),
      { kind: 'rejected', code: 'woocommerce_rest_shop_order_invalid_id' },
    ],
    [new Error('socket hang up'), { kind: 'unknown', code: 'UnknownError' }],
  ])('classifies %s', async (error, expected) => {
    const { gateway } = shop(() => Promise.reject(error));
    await expect(gateway.confirmPackage('shop-1', pkg)).resolves.toMatchObject(expected);
  });

  it("passes a shop's refusal on with its code and message", async () => {
    const { gateway } = shop(() =>
      Promise.resolve({ outcome: 'rejected', code: 'ORDER_CANCELLED', message: 'order 1001 is cancelled' }),
    );
    await expect(gateway.confirmPackage('shop-1', pkg)).resolves.toEqual({
      kind: 'rejected',
      code: 'ORDER_CANCELLED',
      message: 'order 1001 is cancelled',
    });
  });

  it('does not call for an account it has no credentials for', async () => {
    const { gateway, asked } = shop(() => Promise.reject(new Error('not called')));
    await expect(gateway.confirmPackage('shop-2', pkg)).resolves.toMatchObject({
      kind: 'not-applied',
      code: 'ChannelAccountNotConfigured',
    });
    await expect(gateway.findPackage('shop-2', { ...pkg })).rejects.toMatchObject({
      code: 'ChannelAccountNotConfigured',
    });
    expect(asked).toEqual([]);
  });
});
