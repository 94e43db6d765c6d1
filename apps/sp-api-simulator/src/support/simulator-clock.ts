/**
 * Wall-clock time with a scale for durations. Timestamps stay real (clients compare them with their
 * own clock), but every configured delay is divided by `timeScale` and usage plans refill
 * `timeScale` times faster, so tests run quickly while the arithmetic stays Amazon's.
 */
export class SimulatorClock {
  constructor(
    readonly timeScale: number,
    private readonly source: () => number = Date.now,
  ) {
    if (!(timeScale > 0)) throw new Error(`time scale must be positive, got ${timeScale}`);
  }

  now(): number {
    return this.source();
  }

  /** A configured (Amazon-time) duration in real milliseconds. */
  scaled(amazonMs: number): number {
    return amazonMs / this.timeScale;
  }
}
