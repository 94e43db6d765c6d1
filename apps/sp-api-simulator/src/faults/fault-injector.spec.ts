import { FaultInjector } from './fault-injector';

describe(FaultInjector.name, () => {
  it('serves stacked limited faults one after the other, each counted only when it takes effect', () => {
    const faults = new FaultInjector(1);
    faults.add({ operation: 'confirmShipment', kind: 'http500', share: 1, limit: 1 });
    faults.add({ operation: 'confirmShipment', kind: 'http503', share: 1, limit: 1 });
    faults.add({ operation: 'confirmShipment', kind: 'malformedBody', share: 1, limit: 1 });
    const kinds = () => {
      const plan = faults.plan('confirmShipment', 'S');
      return [plan.failBefore, plan.breakAfter];
    };
    expect(kinds()).toEqual(['http500', undefined]);
    expect(kinds()).toEqual(['http503', undefined]);
    expect(kinds()).toEqual([undefined, 'malformedBody']);
    expect(kinds()).toEqual([undefined, undefined]);
    expect(faults.list().map((rule) => rule.injected)).toEqual([1, 1, 1]);
  });

  it('adds latency to a failing call; a call that fails before it is handled is not silently dropped', () => {
    const faults = new FaultInjector(1);
    faults.add({ operation: '*', kind: 'latency', share: 1, latencyMs: 200 });
    faults.add({ operation: 'getOrder', kind: 'silentDrop', share: 1, limit: 1 });
    faults.add({ operation: 'getOrder', kind: 'connectionReset', share: 1, limit: 1 });
    const first = faults.plan('getOrder', 'S');
    expect(first).toMatchObject({ latencyMs: 200, failBefore: 'connectionReset', silentDrop: false });
    const second = faults.plan('getOrder', 'S');
    expect(second).toMatchObject({ latencyMs: 200, silentDrop: true });
    expect(second.failBefore).toBeUndefined();
  });

  it('draws the same faults for the same seed', () => {
    const run = () => {
      const faults = new FaultInjector(7);
      faults.add({ operation: 'getOrder', kind: 'http503', share: 0.3 });
      faults.add({ operation: 'getOrder', kind: 'http500', share: 0.3 });
      return Array.from({ length: 50 }, () => faults.plan('getOrder', 'S').failBefore ?? '-').join(',');
    };
    expect(run()).toBe(run());
  });
});
