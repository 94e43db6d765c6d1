import { nextCheckpoint, reconcileSince, shopLeaseResource } from './shop-account';

const at = (iso: string) => new Date(iso);

describe('shop reconciliation window', () => {
  it('starts the overlap before the checkpoint, or the first lookback before now', () => {
    expect(
      reconcileSince(at('2026-05-01T10:00:00Z'), at('2026-05-01T12:00:00Z'), 300_000, 86_400_000),
    ).toEqual(at('2026-05-01T09:55:00Z'));
    expect(reconcileSince(null, at('2026-05-01T12:00:00Z'), 300_000, 86_400_000)).toEqual(
      at('2026-04-30T12:00:00Z'),
    );
  });

  it('moves the checkpoint to the newest update seen, never back and never past the run start', () => {
    const start = at('2026-05-01T12:00:00Z');
    expect(nextCheckpoint(null, at('2026-05-01T11:00:00Z'), start)).toEqual(at('2026-05-01T11:00:00Z'));
    expect(nextCheckpoint(at('2026-05-01T11:30:00Z'), at('2026-05-01T11:00:00Z'), start)).toEqual(
      at('2026-05-01T11:30:00Z'),
    );
    expect(nextCheckpoint(null, at('2026-05-01T12:05:00Z'), start)).toEqual(start);
    expect(nextCheckpoint(at('2026-05-01T11:30:00Z'), null, start)).toEqual(at('2026-05-01T11:30:00Z'));
    expect(nextCheckpoint(null, null, start)).toBeNull();
  });

  it('names one lease per shop, apart from the Amazon accounts', () => {
    expect(shopLeaseResource('shopify', 'a.myshopify.com')).toBe('shop-orders:shopify:a.myshopify.com');
    expect(shopLeaseResource('woocommerce', 'a')).not.toBe(shopLeaseResource('shopify', 'a'));
  });
});
