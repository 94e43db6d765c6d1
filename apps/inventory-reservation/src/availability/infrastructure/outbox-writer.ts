import {
  eventDefinition,
  validatePayload,
  type Envelope,
  type EnvelopeOptions,
  type EventPayload,
  type RoutingKey,
} from '@holdfast/contracts';
import { currentTraceHeaders } from '@holdfast/messaging';
import { Outbox } from '@holdfast/persistence';
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { INVENTORY_SCHEMA } from '../../config/inventory.config';

export interface PendingEvent<K extends RoutingKey = RoutingKey> {
  type: K;
  payload: EventPayload<K>;
  options?: EnvelopeOptions;
}

/** Rows per INSERT: well under Postgres' 65,535 bind parameters. */
const CHUNK = 2_000;

/**
 * Writes events into the outbox inside the caller's transaction: one INSERT per chunk
 * instead of one per event, since a bulk stock import changes tens of thousands of SKUs.
 *
 * The last event goes through `Outbox.add` (which also nudges the relay to publish at
 * once); the others are built here. Their payloads are validated against the contract
 * exactly as `createEnvelope` does; their headers are not re-validated, because this
 * code makes them from trusted parts (a fresh UUIDv7, the current time, the contract's
 * version), and that check cost more than the insert for 100,000 events.
 */
@Injectable()
export class OutboxWriter {
  private readonly table = `"${INVENTORY_SCHEMA}".outbox`;

  constructor(@Inject(Outbox) private readonly outbox: Outbox) {}

  async addAll(manager: EntityManager, events: readonly PendingEvent[]): Promise<void> {
    if (events.length === 0) return;
    if (!manager.queryRunner?.isTransactionActive) {
      throw new Error('OutboxWriter.addAll must run inside the transaction that changes the state');
    }
    const headers = JSON.stringify(currentTraceHeaders());
    const bulk = events.slice(0, -1);
    for (let i = 0; i < bulk.length; i += CHUNK) {
      const envelopes = bulk.slice(i, i + CHUNK).map((e) => envelopeOf(e));
      await manager.query(
        `INSERT INTO ${this.table} (message_id, routing_key, envelope, headers)
         SELECT m, k, e, $4::jsonb FROM unnest($1::uuid[], $2::text[], $3::jsonb[]) AS t(m, k, e)`,
        [envelopes.map((e) => e.messageId), envelopes.map((e) => e.type), envelopes.map((e) => JSON.stringify(e)), headers],
      );
    }
    const last = events[events.length - 1];
    await this.outbox.add(manager, last.type, last.payload, last.options);
  }
}

function envelopeOf<K extends RoutingKey>(event: PendingEvent<K>): Envelope<K> {
  const messageId = uuidv7();
  const options = event.options ?? {};
  return {
    messageId,
    type: event.type,
    version: eventDefinition(event.type).version,
    occurredAt: (options.occurredAt ?? new Date()).toISOString(),
    correlationId: options.correlationId ?? messageId,
    causationId: options.causationId ?? null,
    channelAccount: options.channelAccount ?? null,
    payload: validatePayload(event.type, event.payload),
  };
}
