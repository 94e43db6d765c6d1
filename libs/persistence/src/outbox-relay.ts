import type { EnvelopePublisher } from '@holdfast/messaging';
import type { Envelope } from '@holdfast/contracts';
import { Logger } from '@nestjs/common';
import { context, propagation, SpanKind, trace } from '@opentelemetry/api';
import type { DataSource } from 'typeorm';
import { assertSchemaName } from './data-source-options';
import type { Outbox } from './outbox';
import { defineCounter, defineGauge } from '@holdfast/telemetry';

export interface OutboxRelayOptions {
  schema: string;
  /** Rows claimed per transaction. */
  batchSize?: number;
  /** Poll interval when idle. */
  pollIntervalMs?: number;
  /** Backoff base for a row whose publish failed (unroutable, broker down). */
  retryBaseMs?: number;
  /** Sent rows older than this are deleted. */
  retentionHours?: number;
  /**
   * Fault injection for crash tests and the fault runner: SIGKILL this process after a
   * row of this type was published and confirmed, before it is marked sent.
   */
  killAfterPublish?: string;
}

interface OutboxRow {
  id: string;
  envelope: Envelope;
  headers: Record<string, string>;
  attempts: number;
}

const tracer = trace.getTracer('@holdfast/persistence');

/** The relays of this process (one per service), read when Prometheus scrapes. */
const relays = new Set<OutboxRelay>();

defineGauge({
  name: 'holdfast_outbox_backlog',
  help: 'Outbox rows not yet published.',
  async collect() {
    let total = 0;
    for (const relay of relays) total += (await relay.backlog().catch(() => ({ count: 0 }))).count;
    this.set(total);
  },
});
defineGauge({
  name: 'holdfast_outbox_oldest_age_seconds',
  help: 'Age of the oldest unpublished outbox row.',
  async collect() {
    let oldest = 0;
    for (const relay of relays)
      oldest = Math.max(
        oldest,
        (await relay.backlog().catch(() => ({ oldestAgeSeconds: 0 }))).oldestAgeSeconds,
      );
    this.set(oldest);
  },
});
const relayedRows = defineCounter<'outcome'>({
  name: 'holdfast_outbox_relayed_total',
  help: 'Outbox rows the relay tried to publish, by outcome (published, failed).',
  labelNames: ['outcome'],
});

/**
 * Publishes outbox rows. Each pass claims a batch with `FOR UPDATE SKIP LOCKED` (so
 * several replicas share the work without sending a row twice at the same time),
 * publishes each row with confirms, and marks it sent in the same transaction, after
 * the confirm. A crash between the confirm and the commit leaves the row unsent: it is
 * published again and the consumers' inbox drops the duplicate. Never lost, maybe twice.
 */
export class OutboxRelay {
  private readonly logger = new Logger(OutboxRelay.name);
  private readonly table: string;
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly retryBaseMs: number;
  private readonly retentionHours: number;
  private readonly killAfterPublish?: string;
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  /** An event was written since the current pass began: the next pass starts at once. */
  private written = false;
  private unsubscribe?: () => void;
  private lastCleanup = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly publisher: EnvelopePublisher,
    options: OutboxRelayOptions,
    outbox?: Outbox,
  ) {
    this.table = `"${assertSchemaName(options.schema)}".outbox`;
    this.batchSize = options.batchSize ?? 100;
    this.pollIntervalMs = options.pollIntervalMs ?? 100;
    this.retryBaseMs = options.retryBaseMs ?? 500;
    this.retentionHours = options.retentionHours ?? 72;
    this.killAfterPublish = options.killAfterPublish;
    this.unsubscribe = outbox?.onWrite(() => {
      this.written = true;
      this.wake?.();
    });
  }

  start(): void {
    relays.add(this);
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Stops polling after the batch in flight, then drains what is due (graceful shutdown). */
  async stop({ drain = true, drainTimeoutMs = 5_000 } = {}): Promise<void> {
    this.unsubscribe?.();
    relays.delete(this);
    if (!this.running) return;
    this.running = false;
    this.wake?.();
    await this.loop;
    if (!drain) return;
    const deadline = Date.now() + drainTimeoutMs;
    while (Date.now() < deadline) {
      const { published, failed } = await this.relayOnce().catch(() => ({ published: 0, failed: 1 }));
      if (published === 0 || failed > 0) break;
    }
  }

  private async run(): Promise<void> {
    while (this.running) {
      let full = false;
      this.written = false;
      try {
        const { published, claimed } = await this.relayOnce();
        full = claimed === this.batchSize && published > 0;
        await this.cleanup();
      } catch (error) {
        this.logger.warn(`outbox relay pass failed: ${(error as Error).message}`);
      }
      // A nudge that came while the pass ran would otherwise wait a whole poll interval.
      if (!full && !this.written && this.running) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.pollIntervalMs);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wake = undefined;
      }
    }
  }

  /** One pass: claim due rows, publish them, record the outcome. Exposed for tests. */
  async relayOnce(): Promise<{ claimed: number; published: number; failed: number }> {
    return this.dataSource.transaction(async (manager) => {
      const rows: OutboxRow[] = await manager.query(
        `SELECT id, envelope, headers, attempts FROM ${this.table}
          WHERE sent_at IS NULL AND available_at <= now()
          ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [this.batchSize],
      );
      if (rows.length === 0) return { claimed: 0, published: 0, failed: 0 };
      const results = await Promise.allSettled(rows.map((row) => this.publishRow(row)));
      if (
        this.killAfterPublish &&
        rows.some((r, i) => r.envelope.type === this.killAfterPublish && results[i].status === 'fulfilled')
      ) {
        process.kill(process.pid, 'SIGKILL');
      }
      const sent = rows.filter((_, i) => results[i].status === 'fulfilled').map((r) => r.id);
      if (sent.length > 0) {
        await manager.query(
          `UPDATE ${this.table} SET sent_at = now(), attempts = attempts + 1 WHERE id = ANY($1::bigint[])`,
          [sent],
        );
      }
      relayedRows.inc({ outcome: 'published' }, sent.length);
      let failed = 0;
      for (const [i, result] of results.entries()) {
        if (result.status === 'fulfilled') continue;
        failed++;
        relayedRows.inc({ outcome: 'failed' });
        const row = rows[i];
        const delay = Math.min(this.retryBaseMs * 2 ** row.attempts, 60_000);
        const message = (result.reason as Error)?.message ?? String(result.reason);
        this.logger.warn(`could not publish ${row.envelope.type} ${row.envelope.messageId}: ${message}`);
        await manager.query(
          `UPDATE ${this.table} SET attempts = attempts + 1, last_error = $2,
             available_at = now() + ($3::int * interval '1 millisecond') WHERE id = $1`,
          [row.id, message.slice(0, 2000), delay],
        );
      }
      return { claimed: rows.length, published: sent.length, failed };
    });
  }

  private async publishRow(row: OutboxRow): Promise<void> {
    // Continue the trace of the transaction that wrote the event: relay → consumer.
    const parent = propagation.extract(context.active(), row.headers ?? {});
    const span = tracer.startSpan(
      `${row.envelope.type} publish`,
      {
        kind: SpanKind.PRODUCER,
        attributes: { 'messaging.system': 'rabbitmq', 'messaging.message.id': row.envelope.messageId },
      },
      parent,
    );
    try {
      const headers: Record<string, string> = {};
      propagation.inject(trace.setSpan(parent, span), headers);
      await this.publisher.publishEnvelope(row.envelope, headers);
    } finally {
      span.end();
    }
  }

  private async cleanup(): Promise<void> {
    if (Date.now() - this.lastCleanup < 60_000) return;
    this.lastCleanup = Date.now();
    await this.dataSource.query(
      `DELETE FROM ${this.table} WHERE sent_at < now() - ($1::int * interval '1 hour')`,
      [this.retentionHours],
    );
  }

  /** Unsent rows and the age of the oldest, for metrics and readiness. */
  async backlog(): Promise<{ count: number; oldestAgeSeconds: number }> {
    const [row] = await this.dataSource.query<{ count: number; age: number }[]>(
      `SELECT count(*)::int AS count, coalesce(extract(epoch FROM now() - min(created_at)), 0)::float AS age
         FROM ${this.table} WHERE sent_at IS NULL`,
    );
    return { count: row.count, oldestAgeSeconds: row.age };
  }
}
