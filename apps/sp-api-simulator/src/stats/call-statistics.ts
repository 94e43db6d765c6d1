export interface OperationCounters {
  calls: number;
  succeeded: number;
  throttled: number;
  invalid: number;
  unauthorized: number;
  notFound: number;
  serverErrors: number;
  faultsInjected: number;
  responseSchemaViolations: number;
}

const emptyCounters = (): OperationCounters => ({
  calls: 0,
  succeeded: 0,
  throttled: 0,
  invalid: 0,
  unauthorized: 0,
  notFound: 0,
  serverErrors: 0,
  faultsInjected: 0,
  responseSchemaViolations: 0,
});

/** Calls per operation and how they ended, for GET /_sim/stats and benchmarks. */
export class CallStatistics {
  private readonly byOperation = new Map<string, OperationCounters>();
  private startedAt = new Date();
  private lastViolations: { operation: string; status: number; problems: string[] }[] = [];

  counters(operation: string): OperationCounters {
    let counters = this.byOperation.get(operation);
    if (!counters) {
      counters = emptyCounters();
      this.byOperation.set(operation, counters);
    }
    return counters;
  }

  recordOutcome(operation: string, status: number): void {
    const counters = this.counters(operation);
    if (status >= 200 && status < 300) counters.succeeded += 1;
    else if (status === 429) counters.throttled += 1;
    else if (status === 400) counters.invalid += 1;
    else if (status === 401 || status === 403) counters.unauthorized += 1;
    else if (status === 404) counters.notFound += 1;
    else if (status >= 500) counters.serverErrors += 1;
  }

  recordViolation(operation: string, status: number, problems: string[]): void {
    this.counters(operation).responseSchemaViolations += 1;
    this.lastViolations = [...this.lastViolations.slice(-19), { operation, status, problems }];
  }

  snapshot(): {
    startedAt: string;
    totals: OperationCounters;
    operations: Record<string, OperationCounters>;
    recentResponseSchemaViolations: { operation: string; status: number; problems: string[] }[];
  } {
    const totals = emptyCounters();
    const operations: Record<string, OperationCounters> = {};
    for (const [operation, counters] of [...this.byOperation].sort(([a], [b]) => a.localeCompare(b))) {
      operations[operation] = { ...counters };
      for (const key of Object.keys(totals) as (keyof OperationCounters)[]) totals[key] += counters[key];
    }
    return {
      startedAt: this.startedAt.toISOString(),
      totals,
      operations,
      recentResponseSchemaViolations: this.lastViolations,
    };
  }

  reset(): void {
    this.byOperation.clear();
    this.lastViolations = [];
    this.startedAt = new Date();
  }
}
