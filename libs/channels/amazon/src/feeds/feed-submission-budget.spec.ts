import { FeedSubmissionBudget } from './feed-submission-budget';

describe(FeedSubmissionBudget.name, () => {
  it('allows 5 submissions per 5 minutes and says when the next one fits', () => {
    let now = 1_000_000;
    const budget = new FeedSubmissionBudget(5, 300_000, () => now);
    for (let i = 0; i < 5; i++) {
      expect(budget.waitTime()).toBe(0);
      budget.record();
      now += 10_000;
    }
    // Five used at t0 … t0+40 s; now t0+50 s: the first leaves the window at t0+300 s.
    expect(budget.waitTime()).toBe(250_000);
    now += 250_000;
    expect(budget.waitTime()).toBe(0);
    expect(budget.used).toBe(4);
  });
});
