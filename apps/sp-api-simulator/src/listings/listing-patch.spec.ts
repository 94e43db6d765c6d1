import { applyPatches, checkPatches } from './listing-patch';

describe('listing patches', () => {
  const availability = {
    fulfillment_availability: [
      {
        fulfillment_channel_code: 'DEFAULT',
        quantity: 4,
        lead_time_to_ship_max_days: 3,
        restock_date: '2030-01-01',
      },
    ],
  };

  it('merge changes the quantity and keeps lead time and restock date', () => {
    const next = applyPatches(availability, [
      {
        op: 'merge',
        path: '/attributes/fulfillment_availability',
        value: [{ fulfillment_channel_code: 'DEFAULT', quantity: 9 }],
      },
    ]);
    expect(next['fulfillment_availability']).toEqual([
      {
        fulfillment_channel_code: 'DEFAULT',
        quantity: 9,
        lead_time_to_ship_max_days: 3,
        restock_date: '2030-01-01',
      },
    ]);
    expect(availability.fulfillment_availability[0].quantity).toBe(4);
  });

  it('replace swaps the whole attribute, losing the lead time', () => {
    const next = applyPatches(availability, [
      {
        op: 'replace',
        path: '/attributes/fulfillment_availability',
        value: [{ fulfillment_channel_code: 'DEFAULT', quantity: 1 }],
      },
    ]);
    expect(next['fulfillment_availability']).toEqual([{ fulfillment_channel_code: 'DEFAULT', quantity: 1 }]);
  });

  it('merge adds an entry for another channel; delete removes matching entries or the attribute', () => {
    const merged = applyPatches(availability, [
      {
        op: 'merge',
        path: '/attributes/fulfillment_availability',
        value: [{ fulfillment_channel_code: 'AMAZON_EU' }],
      },
    ]);
    expect(merged['fulfillment_availability']).toHaveLength(2);
    const deleted = applyPatches(merged, [
      {
        op: 'delete',
        path: '/attributes/fulfillment_availability',
        value: [{ fulfillment_channel_code: 'AMAZON_EU' }],
      },
    ]);
    expect(deleted['fulfillment_availability']).toEqual(availability.fulfillment_availability);
    expect(applyPatches(merged, [{ op: 'delete', path: '/attributes/fulfillment_availability' }])).toEqual(
      {},
    );
  });

  it('flags paths outside /attributes, missing values and impossible quantities', () => {
    expect(
      checkPatches([{ op: 'merge', path: '/fulfillment_availability', value: [] }]).map((i) => i.code),
    ).toEqual(['INVALID_ATTRIBUTE_PATH']);
    expect(checkPatches([{ op: 'replace', path: '/attributes/item_name' }]).map((i) => i.code)).toEqual([
      'MISSING_VALUE',
    ]);
    const codes = (quantity: unknown) =>
      checkPatches([
        {
          op: 'merge',
          path: '/attributes/fulfillment_availability',
          value: [{ fulfillment_channel_code: 'DEFAULT', quantity }],
        },
      ]).map((i) => i.code);
    expect(codes(-1)).toEqual(['INVALID_QUANTITY']);
    expect(codes(1.5)).toEqual(['INVALID_QUANTITY']);
    expect(codes('3')).toEqual(['INVALID_QUANTITY']);
    expect(codes(0)).toEqual([]);
    expect(
      checkPatches([
        { op: 'merge', path: '/attributes/fulfillment_availability', value: [{ quantity: 1 }] },
      ]).map((i) => i.code),
    ).toEqual(['MISSING_FULFILLMENT_CHANNEL']);
  });
});
