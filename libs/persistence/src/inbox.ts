import type { UnitOfWork } from '@holdfast/messaging';
import type { DataSource, EntityManager } from 'typeorm';
import { assertSchemaName } from './data-source-options';
import type { Outbox } from './outbox';
import { inTransaction } from './transactions';

/**
 * Exactly-once effects on an at-least-once broker: the inbox row (consumer, messageId)
 * is inserted in the same transaction as the handler's effects. A redelivered message
 * finds the row and is only acknowledged; a crash before commit leaves neither.
 */
export class InboxUnitOfWork implements UnitOfWork<EntityManager> {
  private readonly table: string;

  constructor(
    private readonly dataSource: DataSource,
    schema: string,
    /** Nudged after each commit that applied something: its events are due now. */
    private readonly outbox?: Outbox,
  ) {
    this.table = `"${assertSchemaName(schema)}".inbox`;
  }

  async runOnce(
    consumer: string,
    messageId: string,
    work: (manager: EntityManager) => Promise<void>,
  ): Promise<'applied' | 'duplicate'> {
    const outcome = await inTransaction(this.dataSource, async (manager) => {
      const inserted: unknown[] = await manager.query(
        `INSERT INTO ${this.table} (consumer, message_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1`,
        [consumer, messageId],
      );
      if (inserted.length === 0) return 'duplicate';
      await work(manager);
      return 'applied' as const;
    });
    if (outcome === 'applied') this.outbox?.nudge();
    return outcome;
  }

  /**
   * One transaction for a batch: the inbox rows of all messages (inserted in sorted order,
   * so two batches sharing an id never deadlock) and the effects of the fresh ones.
   */
  async runBatchOnce(
    consumer: string,
    messageIds: readonly string[],
    work: (manager: EntityManager, fresh: ReadonlySet<string>) => Promise<void>,
  ): Promise<ReadonlySet<string>> {
    const ids = [...new Set(messageIds)].sort();
    const fresh = await inTransaction(this.dataSource, async (manager) => {
      const inserted: { message_id: string }[] = await manager.query(
        `INSERT INTO ${this.table} (consumer, message_id)
         SELECT $1, m FROM unnest($2::uuid[]) WITH ORDINALITY AS t(m, i) ORDER BY i
         ON CONFLICT DO NOTHING RETURNING message_id`,
        [consumer, ids],
      );
      const applied = new Set(inserted.map((r) => r.message_id));
      if (applied.size > 0) await work(manager, applied);
      return applied;
    });
    if (fresh.size > 0) this.outbox?.nudge();
    return fresh;
  }
}
