import { ShopifyCostLimiter } from './shopify-cost-limiter';

describe(ShopifyCostLimiter.name, () => {
  it('waits for the points it needs at the restore rate the shop reported', async () => {
    let now = 0;
    const waits: number[] = [];
    const limiter = new ShopifyCostLimiter({
      now: () => now,
      sleep: async (ms) => {
        waits.push(ms);
        now += ms;
      },
    });
    limiter.observe({ maximumAvailable: 2000, currentlyAvailable: 100, restoreRate: 100 });
    await limiter.acquire(100);
    expect(waits).toEqual([]);
    await limiter.acquire(300);
    // 300 points at 100 per second: three seconds.
    expect(waits).toEqual([3000]);
    expect(limiter.status()).toEqual({ maximumAvailable: 2000, currentlyAvailable: 0, restoreRate: 100 });
    expect(limiter.waitFor(50)).toBe(500);
  });
});
