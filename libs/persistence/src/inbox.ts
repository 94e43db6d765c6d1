import type { UnitOfWork } from '@holdfast/messaging';
import type { DataSource, EntityManager } from 'typeorm';
import { assertSchemaName } from './data-source-options';
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
  ) {
    this.table = `"${assertSchemaName(schema)}".inbox`;
  }

  async runOnce(
    consumer: string,
    messageId: string,
    work: (manager: EntityManager) => Promise<void>,
  ): Promise<'applied' | 'duplicate'> {
    return inTransaction(this.dataSource, async (manager) => {
      const inserted: unknown[] = await manager.query(
        `INSERT INTO ${this.table} (consumer, message_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1`,
        [consumer, messageId],
      );
      if (inserted.length === 0) return 'duplicate';
      await work(manager);
      return 'applied';
    });
  }
}
