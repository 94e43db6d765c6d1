/**
 * Amazon allows at most 5 feed submissions per 5 minutes per region (beside createFeed's
 * own usage plan). A sliding window of this process's submissions for one account; the
 * account lease makes this process the only submitter. `windowMs` is Amazon time divided by
 * any time scale of a simulator.
 */
export class FeedSubmissionBudget {
  private readonly submissions: number[] = [];

  constructor(
    readonly limit = 5,
    readonly windowMs = 300_000,
    private readonly now: () => number = Date.now,
  ) {
    if (!(limit >= 1) || !(windowMs > 0)) throw new RangeError('a feed budget needs limit >= 1 and a positive window');
  }

  private prune(): void {
    const horizon = this.now() - this.windowMs;
    while (this.submissions.length > 0 && this.submissions[0] <= horizon) this.submissions.shift();
  }

  /** Milliseconds until one more submission fits the window (0: now). */
  waitTime(): number {
    this.prune();
    if (this.submissions.length < this.limit) return 0;
    return Math.max(0, this.submissions[0] + this.windowMs - this.now());
  }

  record(): void {
    this.prune();
    this.submissions.push(this.now());
  }

  get used(): number {
    this.prune();
    return this.submissions.length;
  }
}
