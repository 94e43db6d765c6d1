import fc from 'fast-check';
import {
  availabilityVersionOf,
  DEFAULT_QUANTITY_RULES,
  effectiveRules,
  publishedQuantity,
  sellableUnits,
  type QuantityRules,
} from './published-quantity';

const rules = (r: Partial<QuantityRules>): QuantityRules => ({ ...DEFAULT_QUANTITY_RULES, ...r });

describe(publishedQuantity.name, () => {
  it('shows everything by default', () => {
    expect(publishedQuantity(12, DEFAULT_QUANTITY_RULES)).toBe(12);
  });

  it.each([
    ['buffer', rules({ safetyBuffer: 3 }), 10, 7],
    ['buffer larger than stock', rules({ safetyBuffer: 3 }), 2, 0],
    ['cap', rules({ maxQuantity: 5 }), 10, 5],
    ['share rounds down', rules({ sharePercent: 50 }), 7, 3],
    ['buffer, then share, then cap', rules({ safetyBuffer: 2, sharePercent: 50, maxQuantity: 3 }), 20, 3],
    ['buffer then share', rules({ safetyBuffer: 2, sharePercent: 50 }), 9, 3],
    ['zero below N', rules({ zeroBelow: 4 }), 3, 0],
    ['at N it shows', rules({ zeroBelow: 4 }), 4, 4],
    ['oversold stock', DEFAULT_QUANTITY_RULES, -3, 0],
    ['cap of zero', rules({ maxQuantity: 0 }), 10, 0],
  ])('%s', (_name, r, available, expected) => {
    expect(publishedQuantity(available, r)).toBe(expected);
  });

  it('is never negative and never above available, whatever the rules', () => {
    const anyRules = fc.record({
      safetyBuffer: fc.integer({ min: 0, max: 1_000 }),
      maxQuantity: fc.option(fc.integer({ min: 0, max: 1_000 }), { nil: null }),
      sharePercent: fc.integer({ min: 0, max: 100 }),
      zeroBelow: fc.integer({ min: 0, max: 1_000 }),
    });
    fc.assert(
      fc.property(fc.integer({ min: -1_000, max: 100_000 }), anyRules, (available, r) => {
        const shown = publishedQuantity(available, r);
        return Number.isInteger(shown) && shown >= 0 && shown <= Math.max(0, available);
      }),
    );
  });

  it('never shows more when less is available', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 100 }), (a, b, share) => {
        const r = rules({ safetyBuffer: 2, sharePercent: share, zeroBelow: 0 });
        return publishedQuantity(Math.min(a, b), r) <= publishedQuantity(Math.max(a, b), r);
      }),
    );
  });
});

describe(sellableUnits.name, () => {
  it('is the minimum over the components of floor(available / units per bundle)', () => {
    expect(sellableUnits([{ sku: 'MUG', quantity: 1, available: 9 }])).toBe(9);
    expect(
      sellableUnits([
        { sku: 'MUG', quantity: 2, available: 9 },
        { sku: 'LID', quantity: 1, available: 7 },
      ]),
    ).toBe(4);
    expect(sellableUnits([{ sku: 'MUG', quantity: 2, available: -4 }])).toBe(0);
  });
});

describe(effectiveRules.name, () => {
  it('takes the listing override field by field, then the account, then the defaults', () => {
    const account = rules({ safetyBuffer: 2, maxQuantity: 50 });
    expect(effectiveRules(account, { sharePercent: 80 })).toEqual({ safetyBuffer: 2, maxQuantity: 50, sharePercent: 80, zeroBelow: 0 });
    expect(effectiveRules(account, { maxQuantity: null, safetyBuffer: 0 })).toEqual({ safetyBuffer: 0, maxQuantity: 50, sharePercent: 100, zeroBelow: 0 });
    expect(effectiveRules(null, {})).toEqual(DEFAULT_QUANTITY_RULES);
  });
});

describe(availabilityVersionOf.name, () => {
  it('grows whenever a component version grows', () => {
    expect(availabilityVersionOf([{ version: 3 }, { version: 5 }])).toBe(8);
  });
});
