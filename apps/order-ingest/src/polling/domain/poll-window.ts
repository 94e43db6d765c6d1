/**
 * Where the next poll of an account searches (by `lastUpdatedTime`), from what is
 * committed: the checkpoint is the newest `lastUpdatedTime` Amazon returned and we
 * committed, never our clock. A poll starts `overlap` before it (orders Amazon shows late
 * with an older time are still caught; snapshots drop the repeats) and ends far enough
 * before now for Amazon to accept it (`before` ≥ 2 minutes in the past).
 */
export interface PollPosition {
  /** Where the account's first poll started; used until a first order is seen. */
  origin: Date | null;
  checkpoint: Date | null;
}

export interface PollWindow {
  after: Date;
  before: Date;
}

export function nextPollWindow(
  position: PollPosition,
  now: Date,
  settings: { overlapMs: number; searchLagMs: number; firstPollLookbackMs: number },
): { window: PollWindow | null; origin: Date } {
  const origin = position.origin ?? new Date(now.getTime() - settings.firstPollLookbackMs);
  const start = position.checkpoint ? new Date(position.checkpoint.getTime() - settings.overlapMs) : origin;
  const before = new Date(now.getTime() - settings.searchLagMs);
  // Whole seconds, as Amazon keeps them: the window never ends mid-second of an order it skips.
  before.setUTCMilliseconds(0);
  const after = new Date(Math.floor(start.getTime() / 1000) * 1000);
  return { window: after < before ? { after, before } : null, origin };
}

/**
 * Progress of a window across its pages. The checkpoint follows the newest
 * `lastUpdatedTime` of each committed page while pages come oldest first (as Amazon
 * returns them by the searched date); if a page ever holds an order older than one
 * already committed, order is not guaranteed and the checkpoint waits for the window's
 * last page, so a crash never skips what a later page would have carried.
 */
export interface WindowProgress {
  sorted: boolean;
  newest: Date | null;
}

export function advanceWindow(
  progress: WindowProgress,
  pageTimes: readonly Date[],
  lastPage: boolean,
): { progress: WindowProgress; checkpoint: Date | null } {
  if (pageTimes.length === 0) {
    return { progress, checkpoint: lastPage ? progress.newest : progress.sorted ? progress.newest : null };
  }
  const oldest = new Date(Math.min(...pageTimes.map((t) => t.getTime())));
  const newestOfPage = new Date(Math.max(...pageTimes.map((t) => t.getTime())));
  const sorted = progress.sorted && (progress.newest === null || oldest >= progress.newest);
  const newest = progress.newest === null || newestOfPage > progress.newest ? newestOfPage : progress.newest;
  const next = { sorted, newest };
  return { progress: next, checkpoint: sorted || lastPage ? newest : null };
}
