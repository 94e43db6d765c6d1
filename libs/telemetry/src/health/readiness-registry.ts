import { Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import type { ReadinessCheck, ReadinessReport, ReadinessResult } from './readiness-check';

export const DEFAULT_READINESS_TIMEOUT_MS = 3_000;

/** The pseudo-check reported while the application shuts down. */
export const SHUTTING_DOWN = 'shutting-down';

/**
 * Collects readiness checks from whichever libraries the app imports. Telemetry cannot
 * depend on persistence or messaging, so they come to it: inject this registry and call
 * `register` (typically in a provider's constructor or onModuleInit).
 */
@Injectable()
export class ReadinessRegistry implements BeforeApplicationShutdown {
  private readonly logger = new Logger(ReadinessRegistry.name);
  private readonly checks = new Map<string, ReadinessCheck>();
  private draining = false;
  timeoutMs = DEFAULT_READINESS_TIMEOUT_MS;

  /** Adds a check; returns a function that removes it. Names must be unique. */
  register(check: ReadinessCheck): () => void {
    if (this.checks.has(check.name)) {
      throw new Error(`a readiness check named "${check.name}" is already registered`);
    }
    this.checks.set(check.name, check);
    return () => {
      if (this.checks.get(check.name) === check) this.checks.delete(check.name);
    };
  }

  registeredNames(): string[] {
    return [...this.checks.keys()];
  }

  /** Runs every check concurrently, each bounded by `timeoutMs` so a hung dependency reads as down. */
  async evaluate(): Promise<ReadinessReport> {
    const results: ReadinessResult[] = await Promise.all(
      [...this.checks.values()].map(async (check): Promise<ReadinessResult> => {
        try {
          await withTimeout(check.check(), this.timeoutMs);
          return { name: check.name, status: 'up' };
        } catch (error) {
          // The reason goes to the log, not to the unauthenticated probe answer.
          this.logger.warn(`readiness check ${check.name} failed: ${describe(error)}`);
          return { name: check.name, status: 'down' };
        }
      }),
    );
    // Stop taking traffic as soon as shutdown begins, before connections are closed.
    if (this.draining) results.push({ name: SHUTTING_DOWN, status: 'down' });
    const failing = results.filter((r) => r.status === 'down').map((r) => r.name);
    return { ready: failing.length === 0, checks: results, failing };
  }

  beforeApplicationShutdown(): void {
    this.draining = true;
  }
}

function withTimeout(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
