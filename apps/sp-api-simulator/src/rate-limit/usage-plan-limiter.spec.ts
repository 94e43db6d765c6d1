import { SimulatorClock } from '../support/simulator-clock';
import { UsagePlanLimiter } from './usage-plan-limiter';

describe(UsagePlanLimiter.name, () => {
  let now: number;
  const limiter = (timeScale = 1) =>
    new UsagePlanLimiter(
      new SimulatorClock(timeScale, () => now),
      new Map([['getOrder', { rate: 0.5, burst: 3 }]]),
    );
  const admitted = (l: UsagePlanLimiter, times: number, seller = 'S') =>
    Array.from({ length: times }, () => l.admit(seller, 'getOrder').admitted).filter(Boolean).length;

  beforeEach(() => {
    now = 1_000_000;
  });

  it('starts full, admits the burst, then refuses', () => {
    const l = limiter();
    expect(admitted(l, 5)).toBe(3);
  });

  it('refills at the rate, never above the burst', () => {
    const l = limiter();
    admitted(l, 3);
    now += 1999;
    expect(admitted(l, 1)).toBe(0);
    now += 1;
    expect(admitted(l, 1)).toBe(1);
    now += 60_000;
    expect(admitted(l, 10)).toBe(3);
  });

  it('refills time-scale times faster in real time', () => {
    const l = limiter(100);
    admitted(l, 3);
    now += 20; // 2 s of Amazon time
    expect(admitted(l, 5)).toBe(1);
  });

  it('keeps one bucket per seller', () => {
    const l = limiter();
    expect(admitted(l, 3, 'A')).toBe(3);
    expect(admitted(l, 3, 'B')).toBe(3);
  });

  it('applies overrides, per seller before the all-seller one, starting with a full bucket', () => {
    const l = limiter();
    admitted(l, 3, 'A');
    l.override('getOrder', { rate: 10, burst: 5 });
    l.override('getOrder', { rate: 1, burst: 1 }, 'B');
    expect(admitted(l, 10, 'A')).toBe(5);
    expect(admitted(l, 10, 'B')).toBe(1);
    expect(l.planFor('C', 'getOrder')).toEqual({ rate: 10, burst: 5 });
    l.reset();
    expect(l.planFor('C', 'getOrder')).toEqual({ rate: 0.5, burst: 3 });
  });
});
