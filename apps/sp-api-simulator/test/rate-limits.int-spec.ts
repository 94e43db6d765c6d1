import { IT, SimulatorHarness, minutesAgo } from './support/simulator-harness';

const QUOTA_EXCEEDED = {
  errors: [{ code: 'QuotaExceeded', message: 'You exceeded your quota for the requested resource.' }],
};

describe('usage plans', () => {
  describe('at real time', () => {
    let harness: SimulatorHarness;
    let orderId: string;

    beforeAll(async () => {
      harness = await SimulatorHarness.start();
      orderId = (
        await harness.createOrder({
          marketplaceId: IT,
          createdAt: minutesAgo(10),
          items: [{ sellerSku: 'RL-1', quantity: 1 }],
        })
      ).orderId;
    });

    afterAll(async () => {
      await harness.close();
    });

    it('a burst beyond the plan (getOrder: 0.5/s, burst 30) gets 429 QuotaExceeded', async () => {
      const results = [];
      for (let i = 0; i < 40; i++)
        results.push(await harness.https('GET', `/orders/2026-01-01/orders/${orderId}`));
      const admitted = results.filter((r) => r.status === 200);
      const throttled = results.filter((r) => r.status === 429);
      // 30 from the bucket, at most one more refilled while the loop ran.
      expect(admitted.length).toBeGreaterThanOrEqual(30);
      expect(admitted.length).toBeLessThanOrEqual(31);
      expect(admitted.length + throttled.length).toBe(40);
      expect(results.slice(0, 30).every((r) => r.status === 200)).toBe(true);
      for (const r of throttled) {
        expect(r.json).toEqual(QUOTA_EXCEEDED);
        expect(harness.violations('getOrder', 429, r.json)).toEqual([]);
      }
      expect(admitted[0].headers['x-amzn-ratelimit-limit']).toBe('0.5');

      const stats = (await harness.control('GET', '/_sim/stats')).json;
      expect(stats.operations.getOrder.throttled).toBe(throttled.length);
    });

    it('buckets are per seller: another seller is not throttled by the first one', async () => {
      await harness.control('POST', '/_sim/sellers', {
        refreshToken: 'Atzr|second-seller',
        sellerId: 'A3SECONDSELLER',
      });
      const other = await harness.createOrder({
        sellerId: 'A3SECONDSELLER',
        marketplaceId: IT,
        createdAt: minutesAgo(10),
        items: [{ sellerSku: 'RL-2', quantity: 1 }],
      });
      const token = await harness.accessToken('Atzr|second-seller');
      const result = await harness.https('GET', `/orders/2026-01-01/orders/${other.orderId}`, { token });
      expect(result.status).toBe(200);
      // And a seller does not see another seller's orders.
      expect((await harness.https('GET', `/orders/2026-01-01/orders/${orderId}`, { token })).status).toBe(
        404,
      );
    });

    it('the amazon-sp-api client surfaces a 429 instead of retrying forever', async () => {
      const sp = harness.client();
      await expect(
        sp.callAPI({ operation: 'getOrder', endpoint: 'orders', path: { orderId } }),
      ).rejects.toMatchObject({ code: 'QuotaExceeded' });
    });
  });

  describe('under time scaling', () => {
    const TIME_SCALE = 100;
    let harness: SimulatorHarness;
    let orderId: string;

    beforeAll(async () => {
      harness = await SimulatorHarness.start({ timeScale: TIME_SCALE });
      orderId = (
        await harness.createOrder({
          marketplaceId: IT,
          createdAt: minutesAgo(10),
          items: [{ sellerSku: 'RL-3', quantity: 1 }],
        })
      ).orderId;
    });

    afterAll(async () => {
      await harness.close();
    });

    /**
     * Empties the bucket, then calls as fast as four connections allow for `windowMs` and counts
     * the admitted calls, then empties the bucket again and counts those too: together they are
     * the tokens refilled in the window (give or take the fraction of a token left when the bucket
     * ran dry), over the time from the first empty bucket to the last. Counting what was banked at
     * the end keeps the figure independent of how busy the machine is: a pause between calls banks
     * tokens (up to the burst) instead of losing them.
     */
    async function measureRefillPerSecond(
      call: () => Promise<{ status: number }>,
      windowMs: number,
    ): Promise<number> {
      while ((await call()).status !== 429) {
        /* drain */
      }
      const start = performance.now();
      let admitted = 0;
      const worker = async () => {
        while (performance.now() - start < windowMs) {
          if ((await call()).status === 200) admitted++;
        }
      };
      await Promise.all([worker(), worker(), worker(), worker()]);
      while ((await call()).status === 200) admitted++;
      // Up to the last drain's 429: tokens refilled while it drained were counted, so its time is too.
      const elapsedSeconds = (performance.now() - start) / 1000;
      return admitted / elapsedSeconds;
    }

    it('getOrder refills at 0.5/s × time scale, within 5 %', async () => {
      const rate = await measureRefillPerSecond(
        () => harness.https('GET', `/orders/2026-01-01/orders/${orderId}`),
        2000,
      );
      expect(Math.abs(rate - 0.5 * TIME_SCALE) / (0.5 * TIME_SCALE)).toBeLessThan(0.05);
    });

    it('an overridden plan refills at its own rate, and the header reports it unscaled', async () => {
      const override = await harness.control('POST', '/_sim/usage-plans', {
        operation: 'getOrderItems',
        rate: 0.3,
        // A burst of one second of refill at this scale, so a busy machine's pauses bank tokens.
        burst: 30,
      });
      expect(override.status).toBe(200);
      const first = await harness.https('GET', `/orders/v0/orders/${orderId}/orderItems`);
      expect(first.headers['x-amzn-ratelimit-limit']).toBe('0.3');
      const rate = await measureRefillPerSecond(
        () => harness.https('GET', `/orders/v0/orders/${orderId}/orderItems`),
        2000,
      );
      expect(Math.abs(rate - 0.3 * TIME_SCALE) / (0.3 * TIME_SCALE)).toBeLessThan(0.05);
    });
  });
});
