export type CallOutcome = 'ok' | 'throttled' | 'fault' | 'rejected' | 'unauthorized';

/** Counts calls per platform and operation and how each ended: what a test or a demo reads back. */
export class CallStatistics {
  private counts = new Map<string, Record<CallOutcome, number>>();

  record(platform: string, operation: string, outcome: CallOutcome): void {
    const key = `${platform} ${operation}`;
    const entry = this.counts.get(key) ?? { ok: 0, throttled: 0, fault: 0, rejected: 0, unauthorized: 0 };
    entry[outcome] += 1;
    this.counts.set(key, entry);
  }

  snapshot(): { platform: string; operation: string; counts: Record<CallOutcome, number> }[] {
    return [...this.counts.entries()]
      .map(([key, counts]) => {
        const [platform, operation] = key.split(' ');
        return { platform, operation, counts: { ...counts } };
      })
      .sort((a, b) => a.platform.localeCompare(b.platform) || a.operation.localeCompare(b.operation));
  }

  reset(): void {
    this.counts.clear();
  }
}
