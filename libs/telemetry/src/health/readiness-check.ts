/**
 * One thing the process needs before it can take traffic (the database answers, the broker
 * connection is up). `check` resolves when ready and rejects, with a reason, when not.
 * Libraries with such dependencies register one with `ReadinessRegistry`.
 */
export interface ReadinessCheck {
  /** Stable, short, shown in the /health/ready answer: `database`, `broker`. */
  readonly name: string;
  check(): Promise<void>;
}

export interface ReadinessResult {
  name: string;
  status: 'up' | 'down';
}

export interface ReadinessReport {
  ready: boolean;
  checks: ReadinessResult[];
  /** Names of the checks that are down. */
  failing: string[];
}
