import { chooseQuantityDelivery, type QuantityDeliveryConditions } from './quantity-delivery-strategy';

/** Amazon's default plans: 5 patches/s (burst 5), a feed turning around in 3 minutes. */
const amazonDefaults = (backlog: number, overrides: Partial<QuantityDeliveryConditions> = {}): QuantityDeliveryConditions => ({
  backlog,
  patchTokens: 5,
  patchRatePerSecond: 5,
  patchApplyMs: 15_000,
  feedWaitMs: 0,
  feedDurationMs: 180_000,
  feedSpacingMs: 60_000,
  ...overrides,
});

describe(chooseQuantityDelivery.name, () => {
  it('sends a few SKUs by PATCH and thousands by feed', () => {
    expect(chooseQuantityDelivery(amazonDefaults(3)).method).toBe('patch');
    expect(chooseQuantityDelivery(amazonDefaults(100)).method).toBe('patch');
    expect(chooseQuantityDelivery(amazonDefaults(10_000)).method).toBe('feed');
  });

  it('breaks even where the PATCH queue outlasts a feed turnaround', () => {
    // (backlog - 5) / 5 per s + 15 s  vs  180 s  →  break-even at 830.
    expect(chooseQuantityDelivery(amazonDefaults(830)).method).toBe('patch');
    expect(chooseQuantityDelivery(amazonDefaults(832)).method).toBe('feed');
  });

  it('keeps patching when the feed budget is spent for a while', () => {
    const spent = amazonDefaults(2_000, { feedWaitMs: 240_000 });
    const choice = chooseQuantityDelivery(spent);
    expect(choice.feedEtaMs).toBe(420_000);
    expect(choice.patchEtaMs).toBe(414_000);
    expect(choice.method).toBe('patch');
  });

  it('counts the further feeds a backlog over 25,000 messages needs', () => {
    const choice = chooseQuantityDelivery(amazonDefaults(60_000));
    expect(choice.feedEtaMs).toBe(2 * 60_000 + 180_000);
    expect(choice.method).toBe('feed');
  });

  it('waits for a feed while changes arrive faster than PATCHes can be sent', () => {
    // 30 SKUs so far, 200 more every second: PATCHing them would never catch up.
    expect(chooseQuantityDelivery(amazonDefaults(30, { arrivalsPerSecond: 200 })).method).toBe('feed');
    // Arriving slower than the PATCH rate, or once quiet: the ETAs decide.
    expect(chooseQuantityDelivery(amazonDefaults(30, { arrivalsPerSecond: 4 })).method).toBe('patch');
    expect(chooseQuantityDelivery(amazonDefaults(30, { arrivalsPerSecond: 0 })).method).toBe('patch');
    // No feed can go now (budget spent): PATCHes meanwhile.
    expect(chooseQuantityDelivery(amazonDefaults(30, { arrivalsPerSecond: 200, feedWaitMs: 60_000 })).method).toBe('patch');
  });

  it('follows a higher usage plan learned from x-amzn-RateLimit-Limit', () => {
    expect(chooseQuantityDelivery(amazonDefaults(2_000, { patchRatePerSecond: 50, patchTokens: 50 })).method).toBe('patch');
  });
});
