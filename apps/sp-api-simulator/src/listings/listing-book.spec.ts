import { SeededRandom } from '../support/seeded-random';
import { ListingBook, type ListingChangeRequest } from './listing-book';

const SELLER = 'A2SIMSELLER0001';
const IT = 'APJ6JRA9NG5V4';

function quantityPatch(sku: string, quantity: number, reference: string): ListingChangeRequest {
  return {
    sellerId: SELLER,
    sku,
    source: 'patch',
    reference,
    receivedAt: 1_000,
    marketplaceIds: [IT],
    productType: 'HOME',
    kind: 'patches',
    patches: [
      {
        op: 'merge',
        path: '/attributes/fulfillment_availability',
        value: [{ fulfillment_channel_code: 'DEFAULT', quantity }],
      },
    ],
  };
}

describe('the listing book history', () => {
  it('records every quantity change (control, PATCH, feed) with a sequence across listings', () => {
    const book = new ListingBook({ autoCreate: false }, new SeededRandom(1));
    book.seed({ sellerId: SELLER, sku: 'A', productType: 'HOME', quantity: 0, marketplaceIds: [IT] }, 1_000);
    book.seed({ sellerId: SELLER, sku: 'B', productType: 'HOME', quantity: 3, marketplaceIds: [IT] }, 1_000);
    expect(book.apply(quantityPatch('A', 5, 'sub-1'), 2_000).applied).toBe(true);
    expect(book.apply({ ...quantityPatch('A', 2, '42/1'), source: 'feed' }, 2_000).applied).toBe(true);
    expect(book.apply(quantityPatch('B', 1, 'sub-2'), 3_000).applied).toBe(true);

    const a = book.get(SELLER, 'A')!.history;
    expect(a.map((c) => [c.sequence, c.source, c.reference, c.quantityBefore, c.quantityAfter])).toEqual([
      [1, 'control', 'seed', null, 0],
      [3, 'patch', 'sub-1', 0, 5],
      [4, 'feed', '42/1', 5, 2],
    ]);
    expect(a[2].appliedAt).toBe(2_000);
    const b = book.get(SELLER, 'B')!.history;
    expect(b.map((c) => [c.sequence, c.quantityAfter])).toEqual([
      [2, 3],
      [5, 1],
    ]);
  });

  it('records nothing for a change it refuses, and starts the sequence again after a reset', () => {
    const book = new ListingBook({ autoCreate: false }, new SeededRandom(1));
    expect(book.apply(quantityPatch('UNKNOWN', 5, 'sub-1'), 2_000).applied).toBe(false);
    expect(book.get(SELLER, 'UNKNOWN')).toBeUndefined();
    book.seed({ sellerId: SELLER, sku: 'A', productType: 'HOME', quantity: 1, marketplaceIds: [IT] }, 1_000);
    expect(book.apply({ ...quantityPatch('A', 9, 'sub-2'), productType: 'SHOES' }, 2_000).applied).toBe(
      false,
    );
    expect(book.get(SELLER, 'A')!.history.map((c) => c.sequence)).toEqual([1]);
    book.reset();
    book.seed({ sellerId: SELLER, sku: 'C', productType: 'HOME', quantity: 1, marketplaceIds: [IT] }, 1_000);
    expect(book.get(SELLER, 'C')!.history.map((c) => c.sequence)).toEqual([1]);
  });
});
