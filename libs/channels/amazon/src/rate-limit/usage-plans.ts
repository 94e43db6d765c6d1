/**
 * Amazon's documented default usage plans (requests per second, burst) for the operations
 * Holdfast calls. Sellers can have higher plans: these seed the limiter, configuration
 * overrides them, and `x-amzn-RateLimit-Limit` corrects them at run time.
 */
export const DEFAULT_USAGE_PLANS = {
  searchOrders: { rate: 0.0056, burst: 20 },
  getOrder: { rate: 0.5, burst: 30 },
  getOrders: { rate: 0.0167, burst: 20 },
  getOrderItems: { rate: 0.5, burst: 30 },
  confirmShipment: { rate: 2, burst: 10 },
  patchListingsItem: { rate: 5, burst: 5 },
  getListingsItem: { rate: 5, burst: 10 },
  createFeedDocument: { rate: 0.5, burst: 15 },
  createFeed: { rate: 0.0083, burst: 15 },
  getFeed: { rate: 2, burst: 15 },
  getFeedDocument: { rate: 0.0222, burst: 10 },
} as const satisfies Record<string, UsagePlan>;

export interface UsagePlan {
  /** Tokens per second. */
  rate: number;
  burst: number;
}

export type SpApiOperation = keyof typeof DEFAULT_USAGE_PLANS;

export function isSpApiOperation(value: string): value is SpApiOperation {
  return Object.hasOwn(DEFAULT_USAGE_PLANS, value);
}

/**
 * Parses `SPAPI_USAGE_PLANS` overrides: `searchOrders=0.0167/20,getOrder=1/30`.
 */
export function parseUsagePlanOverrides(
  text: string | undefined,
): Partial<Record<SpApiOperation, UsagePlan>> {
  const plans: Partial<Record<SpApiOperation, UsagePlan>> = {};
  for (const entry of (text ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const match = /^([A-Za-z]+)=([0-9.]+)\/([0-9]+)$/.exec(entry);
    if (!match || !isSpApiOperation(match[1]))
      throw new Error(`invalid usage plan "${entry}" (expected operation=rate/burst)`);
    const rate = Number(match[2]);
    const burst = Number(match[3]);
    if (!(rate > 0) || !(burst >= 1))
      throw new Error(`invalid usage plan "${entry}": rate > 0 and burst >= 1`);
    plans[match[1]] = { rate, burst };
  }
  return plans;
}
