import { SpApiRateLimiter } from './sp-api-rate-limiter';

/** A limiter on a clock the test moves; sleeping moves it too. */
function limiterAt(settleOnResponse: boolean) {
  let now = 0;
  const limiter = new SpApiRateLimiter({
    now: () => now,
    sleep: async (ms) => {
      now += ms;
    },
    overrides: { searchOrders: { rate: 1, burst: 1 } },
    settleOnResponse,
  });
  return { limiter, at: () => now, advance: (ms: number) => (now += ms) };
}

describe('SpApiRateLimiter', () => {
  it('paces calls at the plan: one token a second after the burst', async () => {
    const { limiter, at } = limiterAt(false);
    expect(await limiter.acquire('s', 'searchOrders')).toBe(0);
    expect(await limiter.acquire('s', 'searchOrders')).toBe(1000);
    expect(at()).toBe(1000);
  });

  it('counts the time a call was in flight as spent, so the next one never reaches Amazon before its token', async () => {
    const { limiter, advance } = limiterAt(true);
    const takenAt = await limiter.acquire('s', 'searchOrders');
    advance(300); // Amazon took the token somewhere within these 300 ms.
    limiter.settle('s', 'searchOrders', takenAt);
    // A token a second from the answer, not from the request.
    expect(await limiter.acquire('s', 'searchOrders')).toBe(1300);
  });

  it('settling is off unless asked for', async () => {
    const { limiter, advance } = limiterAt(false);
    const takenAt = await limiter.acquire('s', 'searchOrders');
    advance(300);
    limiter.settle('s', 'searchOrders', takenAt);
    expect(await limiter.acquire('s', 'searchOrders')).toBe(1000);
  });

  it('a 429 empties the bucket: the next call waits a whole token', async () => {
    const { limiter, advance } = limiterAt(false);
    await limiter.acquire('s', 'searchOrders');
    advance(1500);
    limiter.observe('s', 'searchOrders', 429);
    expect(await limiter.acquire('s', 'searchOrders')).toBe(2500);
    expect(limiter.throttledCount('s', 'searchOrders')).toBe(1);
  });
});
