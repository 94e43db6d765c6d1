import { ShopifyApiError } from '@holdfast/channels-shopify';
import { WooCommerceApiError } from '@holdfast/channels-woocommerce';
import type {
  AvailabilityOutcome,
  AvailabilityUpdate,
  ShopAvailabilityTarget,
} from '@holdfast/channels-web-shop';
import type { PublishItem } from '../domain/channel-publisher';
import { WebShopChannelPublisher } from './web-shop-channel-publisher';
import { classifyShopifyError, classifyWooCommerceError } from './web-shop-channels';

/** A shop that answers with what the test scripts: the port's contract, no I/O. */
class ScriptedShop implements ShopAvailabilityTarget {
  readonly channel = 'woocommerce' as const;
  readonly calls: AvailabilityUpdate[][] = [];
  constructor(
    readonly accountId: string,
    private readonly answer: (updates: readonly AvailabilityUpdate[]) => AvailabilityOutcome[],
  ) {}
  async setAvailable(updates: readonly AvailabilityUpdate[]): Promise<AvailabilityOutcome[]> {
    this.calls.push([...updates]);
    await Promise.resolve();
    return this.answer(updates);
  }
}

const item = (n: number, channelSku: string, quantity: number): PublishItem => ({
  listingId: `l-${n}`,
  itemNo: n,
  channelSku,
  quantity,
  marketplaceId: null,
  productType: null,
});

function publisherFor(shop: ScriptedShop) {
  return new WebShopChannelPublisher({
    channel: 'woocommerce',
    targets: [shop],
    maxItems: 100,
    quietMs: 300,
    worthWaitingMs: 2_000,
    uncertainHoldMs: 30_000,
    maxSkuLength: 200,
    classify: classifyWooCommerceError,
  });
}

describe(WebShopChannelPublisher.name, () => {
  it('sends one call for the batch and maps each SKU’s answer to its listing', async () => {
    const shop = new ScriptedShop('store', () => [
      { sku: 'A', outcome: 'applied', quantity: 3 },
      { sku: 'B', outcome: 'unknown_sku' },
      { sku: 'C', outcome: 'rejected', code: 'woocommerce_rest_invalid_id', message: 'gone' },
      { sku: 'D', outcome: 'applied', quantity: 1 },
    ]);
    const progress = await publisherFor(shop).deliver('store', 'api', [
      item(1, 'A', 3),
      item(2, 'B', 4),
      item(3, 'C', 5),
      item(4, 'D', 2),
      item(5, 'E', 6),
    ]);
    expect(shop.calls).toHaveLength(1);
    expect(progress.open).toBeUndefined();
    expect(progress.outcomes).toEqual([
      { listingId: 'l-1', result: 'applied' },
      expect.objectContaining({ listingId: 'l-2', result: 'failed', code: 'UnknownSku', retryable: true }),
      expect.objectContaining({
        listingId: 'l-3',
        result: 'failed',
        code: 'woocommerce_rest_invalid_id',
        retryable: false,
      }),
      // A confirmation of another quantity is no confirmation.
      expect.objectContaining({ listingId: 'l-4', result: 'failed', code: 'QuantityMismatch' }),
      expect.objectContaining({ listingId: 'l-5', result: 'failed', code: 'NoOutcome' }),
    ]);
  });

  it('holds every SKU of a call that may have landed (5xx after the client’s retries), not one that was refused', async () => {
    const unavailable = new ScriptedShop('store', () => {
      throw new WooCommerceApiError('transient', 'products.batch', 'HTTP 503', { status: 503 });
    });
    const lost = await publisherFor(unavailable).deliver('store', 'api', [item(1, 'A', 3), item(2, 'B', 4)]);
    expect(lost.outcomes).toEqual([
      expect.objectContaining({
        listingId: 'l-1',
        code: 'ShopUnavailable:503',
        retryable: true,
        uncertain: true,
      }),
      expect.objectContaining({
        listingId: 'l-2',
        code: 'ShopUnavailable:503',
        retryable: true,
        uncertain: true,
      }),
    ]);

    const throttled = new ScriptedShop('store', () => {
      throw new WooCommerceApiError('throttled', 'products.batch', 'Too many requests', {
        status: 429,
        code: 'woocommerce_rest_too_many_requests',
      });
    });
    expect((await publisherFor(throttled).deliver('store', 'api', [item(1, 'A', 3)])).outcomes).toEqual([
      expect.objectContaining({
        code: 'woocommerce_rest_too_many_requests',
        retryable: true,
        uncertain: false,
      }),
    ]);

    const refused = new ScriptedShop('store', () => {
      throw new WooCommerceApiError('rejected', 'products.batch', 'HTTP 401', { status: 401 });
    });
    expect((await publisherFor(refused).deliver('store', 'api', [item(1, 'A', 3)])).outcomes).toEqual([
      expect.objectContaining({ code: 'Rejected:401', retryable: false, uncertain: false }),
    ]);
  });

  it('sends one batch at a time per shop', () => {
    const publisher = publisherFor(new ScriptedShop('store', () => []));
    expect(
      publisher.decide('store', { ready: 5, sending: {}, open: {}, arrivalsPerSecond: 0 }),
    ).toMatchObject({ action: 'send', method: 'api', maxItems: 100 });
    expect(
      publisher.decide('store', { ready: 5, sending: { api: 1 }, open: {}, arrivalsPerSecond: 0 }),
    ).toMatchObject({ action: 'wait' });
  });

  it('refuses listings of unknown stores, with a marketplace or a product type, or a padded SKU', () => {
    const publisher = publisherFor(new ScriptedShop('store', () => []));
    const ok = { accountId: 'store', marketplaceId: null, channelSku: 'MUG-1', productType: null };
    expect(publisher.checkListing(ok)).toEqual([]);
    expect(publisher.checkListing({ ...ok, accountId: 'other' })).toEqual([
      'no woocommerce account other is configured',
    ]);
    expect(
      publisher.checkListing({
        ...ok,
        marketplaceId: 'APJ6JRA9NG5V4',
        productType: 'HOME',
        channelSku: ' MUG-1',
      }),
    ).toHaveLength(3);
  });

  it('reads Shopify’s errors: THROTTLED is its own code, a lost answer may have landed', () => {
    expect(
      classifyShopifyError(
        new ShopifyApiError('throttled', 'inventorySetQuantities', 'Throttled', { code: 'THROTTLED' }),
      ),
    ).toEqual({
      kind: 'throttled',
      code: 'THROTTLED',
      message: 'Throttled',
    });
    expect(
      classifyShopifyError(new ShopifyApiError('transient', 'inventorySetQuantities', 'socket hang up')),
    ).toMatchObject({
      kind: 'transient',
      code: 'ShopUnavailable',
    });
    expect(classifyShopifyError(new Error('bug'))).toMatchObject({ kind: 'unknown', code: 'InternalError' });
  });
});
