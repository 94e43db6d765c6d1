import { shouldKeepCoalescing } from './coalescing';

describe(shouldKeepCoalescing.name, () => {
  const base = { now: 10_000, quietMs: 300, worthWaitingMs: 2_000 };

  it('holds a batch back while changes keep arriving', () => {
    expect(shouldKeepCoalescing({ ...base, lastChangeAt: 9_900, oldestReadySince: 9_500 })).toBe(true);
  });

  it('sends once the account has been quiet', () => {
    expect(shouldKeepCoalescing({ ...base, lastChangeAt: 9_700, oldestReadySince: 9_500 })).toBe(false);
  });

  it('sends a steady stream once its oldest change has waited long enough', () => {
    expect(shouldKeepCoalescing({ ...base, lastChangeAt: 9_990, oldestReadySince: 8_000 })).toBe(false);
  });

  it('has nothing to hold without a ready listing', () => {
    expect(shouldKeepCoalescing({ ...base, lastChangeAt: 9_990, oldestReadySince: null })).toBe(false);
  });
});
