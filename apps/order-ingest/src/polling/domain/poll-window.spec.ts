import { advanceWindow, nextPollWindow } from './poll-window';

const settings = { overlapMs: 60_000, searchLagMs: 130_000, firstPollLookbackMs: 3_600_000 };
const now = new Date('2026-11-20T12:00:00.500Z');

describe(nextPollWindow.name, () => {
  it('the first poll starts the look-back before now and remembers that origin', () => {
    const { window, origin } = nextPollWindow({ origin: null, checkpoint: null }, now, settings);
    expect(origin.toISOString()).toBe('2026-11-20T11:00:00.500Z');
    expect(window).toEqual({ after: new Date('2026-11-20T11:00:00Z'), before: new Date('2026-11-20T11:57:50Z') });
  });

  it('until an order is seen, polls start at the origin, not at a moving clock', () => {
    const origin = new Date('2026-11-20T10:00:00Z');
    expect(nextPollWindow({ origin, checkpoint: null }, now, settings).window?.after).toEqual(origin);
  });

  it('later polls start the overlap before the checkpoint and end at least the data lag before now', () => {
    const { window } = nextPollWindow({ origin: new Date(0), checkpoint: new Date('2026-11-20T11:50:00Z') }, now, settings);
    expect(window).toEqual({ after: new Date('2026-11-20T11:49:00Z'), before: new Date('2026-11-20T11:57:50Z') });
  });

  it('no window when the checkpoint is closer to now than the data lag', () => {
    const { window } = nextPollWindow({ origin: new Date(0), checkpoint: new Date('2026-11-20T11:59:00Z') }, now, { ...settings, overlapMs: 0 });
    expect(window).toBeNull();
  });
});

describe(advanceWindow.name, () => {
  const t = (s: string) => new Date(`2026-11-20T${s}Z`);

  it('pages oldest first: the checkpoint follows each committed page', () => {
    let step = advanceWindow({ sorted: true, newest: null }, [t('10:00:00'), t('10:00:05')], false);
    expect(step.checkpoint).toEqual(t('10:00:05'));
    step = advanceWindow(step.progress, [t('10:00:05'), t('10:01:00')], true);
    expect(step.checkpoint).toEqual(t('10:01:00'));
  });

  it('a page older than one already committed: the checkpoint waits for the last page', () => {
    let step = advanceWindow({ sorted: true, newest: null }, [t('10:05:00')], false);
    step = advanceWindow(step.progress, [t('10:01:00')], false);
    expect(step.progress.sorted).toBe(false);
    expect(step.checkpoint).toBeNull();
    step = advanceWindow(step.progress, [t('10:03:00')], true);
    expect(step.checkpoint).toEqual(t('10:05:00'));
  });

  it('an empty last page keeps what was seen', () => {
    expect(advanceWindow({ sorted: true, newest: null }, [], true).checkpoint).toBeNull();
    expect(advanceWindow({ sorted: true, newest: t('10:00:00') }, [], true).checkpoint).toEqual(t('10:00:00'));
  });
});
