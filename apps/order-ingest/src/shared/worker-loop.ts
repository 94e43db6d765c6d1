/** What the loop drives: one per account or shop, each deciding on its tick whether to work. */
export interface TickingWorker {
  tick(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The background loop of order-ingest's workers (Amazon accounts, web shops): every `tickMs`
 * it ticks every worker, then runs the housekeeping when it is due; stopping wakes the sleep,
 * waits for the pass in progress, then stops each worker.
 */
export class WorkerLoop {
  private stopping = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private lastHousekeeping = 0;

  constructor(
    private readonly workers: readonly TickingWorker[],
    private readonly tickMs: number,
    private readonly housekeeping: { everyMs: number; run: () => Promise<void> },
  ) {}

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.loop;
    await Promise.all(this.workers.map((w) => w.stop()));
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      await Promise.all(this.workers.map((w) => w.tick()));
      if (Date.now() - this.lastHousekeeping >= this.housekeeping.everyMs) {
        this.lastHousekeeping = Date.now();
        await this.housekeeping.run();
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.tickMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = null;
    }
  }
}
