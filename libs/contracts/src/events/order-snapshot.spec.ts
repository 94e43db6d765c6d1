import fc from 'fast-check';
import { RevisionSchema, revisionOf } from './order-snapshot';

// The last instant whose revision still fits a JavaScript safe integer (tie-breaker ≤ 991).
const LAST_MS = Math.floor(Number.MAX_SAFE_INTEGER / 1000);

describe('revisionOf', () => {
  it('is the timestamp in milliseconds × 1000 plus the tie-breaker', () => {
    expect(revisionOf('2025-03-14T09:12:45Z')).toBe(1741943565000000);
    expect(revisionOf(new Date('2025-03-14T09:12:45.250Z'), 7)).toBe(1741943565250007);
  });

  it('reads an offset timestamp as the same instant', () => {
    expect(revisionOf('2025-03-14T10:12:45+01:00')).toBe(revisionOf('2025-03-14T09:12:45Z'));
  });

  it('orders by time first, tie-breaker second', () => {
    expect(revisionOf('2025-03-14T09:12:45.001Z', 0)).toBeGreaterThan(
      revisionOf('2025-03-14T09:12:45.000Z', 999),
    );
    expect(revisionOf('2025-03-14T09:12:45Z', 2)).toBeGreaterThan(revisionOf('2025-03-14T09:12:45Z', 1));
  });

  it('keeps (time, tie-breaker) order and always yields a valid revision', () => {
    const instant = fc.integer({ min: 0, max: LAST_MS - 1 });
    const tie = fc.integer({ min: 0, max: 999 });
    fc.assert(
      fc.property(instant, tie, instant, tie, (ms1, t1, ms2, t2) => {
        const a = revisionOf(new Date(ms1), t1);
        const b = revisionOf(new Date(ms2), t2);
        expect(RevisionSchema.safeParse(a).success).toBe(true);
        expect(Math.sign(a - b)).toBe(Math.sign(ms1 - ms2 || t1 - t2));
      }),
    );
  });

  it.each([[-1], [1000], [1.5], [Number.NaN]])('rejects tie-breaker %p', (tieBreaker) => {
    expect(() => revisionOf('2025-03-14T09:12:45Z', tieBreaker)).toThrow(RangeError);
  });

  it.each([['not a date'], [''], [new Date(Number.NaN)]])('rejects updatedAt %p', (updatedAt) => {
    expect(() => revisionOf(updatedAt)).toThrow(RangeError);
  });

  it('rejects instants whose revision would be negative or lose precision', () => {
    expect(() => revisionOf('1969-12-31T23:59:59.999Z')).toThrow(RangeError);
    expect(revisionOf(new Date(LAST_MS), 991)).toBe(Number.MAX_SAFE_INTEGER);
    expect(() => revisionOf(new Date(LAST_MS), 992)).toThrow(RangeError);
    expect(() => revisionOf('2300-01-01T00:00:00Z')).toThrow(RangeError);
  });
});
