import {
  createEnvelope,
  type Envelope,
  type EnvelopeOptions,
  type EventPayload,
  type RoutingKey,
} from '@holdfast/contracts';
import { currentTraceHeaders } from '@holdfast/messaging';
import type { EntityManager } from 'typeorm';
import { assertSchemaName } from './data-source-options';

/**
 * Writes events into the service's outbox inside the caller's transaction, so a state
 * change and its events commit or roll back together. The payload is validated against
 * its contract here (the publish-time check); the relay sends the row later.
 */
export class Outbox {
  private readonly table: string;
  private readonly listeners = new Set<() => void>();

  constructor(readonly schema: string) {
    this.table = `"${assertSchemaName(schema)}".outbox`;
  }

  async add<K extends RoutingKey>(
    manager: EntityManager,
    type: K,
    payload: EventPayload<K>,
    options?: EnvelopeOptions,
  ): Promise<Envelope<K>> {
    if (!manager.queryRunner?.isTransactionActive) {
      throw new Error('Outbox.add must run inside the transaction that changes the state');
    }
    const envelope = createEnvelope(type, payload, options);
    await manager.query(
      `INSERT INTO ${this.table} (message_id, routing_key, envelope, headers) VALUES ($1, $2, $3, $4)`,
      [envelope.messageId, envelope.type, JSON.stringify(envelope), JSON.stringify(currentTraceHeaders())],
    );
    // Nudge the relay; it usually runs after this transaction committed. If not, its
    // regular poll (every OUTBOX_POLL_MS) picks the row up, unless the code that commits
    // nudges it again (the inbox does, after each consumer transaction).
    const timer = setTimeout(() => this.nudge(), 5);
    timer.unref();
    return envelope;
  }

  /** Tells the relay that rows may be due now (call after a commit that wrote some). */
  nudge(): void {
    this.listeners.forEach((l) => l());
  }

  onWrite(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
