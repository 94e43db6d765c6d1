import type { Channel, GetMessage } from 'amqplib';
import { connect } from 'amqplib';
import { Headers, Topology } from './topology';

export interface DeadLetter {
  messageId: string;
  type: string | null;
  queue: string;
  failureKind: string | null;
  failureReason: string | null;
  deadLetteredAt: string | null;
  attempt: number;
  body: string;
}

function describe(queue: string, message: GetMessage): DeadLetter {
  const headers = (message.properties.headers ?? {}) as Record<string, unknown>;
  const str = (v: unknown): string | null => {
    if (v === undefined || v === null) return null;
    if (Buffer.isBuffer(v)) return v.toString();
    if (typeof v === 'string') return v;
    return JSON.stringify(v);
  };
  return {
    messageId: String(message.properties.messageId ?? ''),
    type: str(message.properties.type),
    queue,
    failureKind: str(headers[Headers.failureKind]) ?? (headers['x-first-death-reason'] ? 'broker' : null),
    failureReason: str(headers[Headers.failureReason]) ?? str(headers['x-first-death-reason']),
    deadLetteredAt: str(headers[Headers.deadLetteredAt]),
    attempt: Number(headers[Headers.attempt] ?? 1),
    body: message.content.toString('utf8'),
  };
}

/**
 * Inspection and replay of a consumer queue's dead letters (the `tools/dlq.mjs` command
 * and tests use it). It talks to the broker directly with basic.get: nothing here runs
 * inside a service.
 */
export class DeadLetterQueue {
  private constructor(
    private readonly channel: Channel,
    private readonly close_: () => Promise<void>,
    readonly namespace: string,
  ) {}

  static async open(url: string, namespace: string): Promise<DeadLetterQueue> {
    const connection = await connect(url);
    const channel = await connection.createConfirmChannel();
    return new DeadLetterQueue(channel, () => connection.close(), namespace);
  }

  /** Consumer queues of this namespace that have a dead-letter queue, by name. */
  dlqName(queue: string): string {
    return Topology.deadLetterQueue(queue);
  }

  async count(queue: string): Promise<number> {
    const { messageCount } = await this.channel.checkQueue(this.dlqName(queue));
    return messageCount;
  }

  /** Reads up to `limit` dead letters without removing them. */
  async list(queue: string, limit = 100): Promise<DeadLetter[]> {
    const taken: GetMessage[] = [];
    try {
      while (taken.length < limit) {
        const message = await this.channel.get(this.dlqName(queue), { noAck: false });
        if (!message) break;
        taken.push(message);
      }
      return taken.map((m) => describe(queue, m));
    } finally {
      for (const message of taken) this.channel.nack(message, false, true);
    }
  }

  /**
   * Moves dead letters back to their consumer queue (all, or the given message ids). Each
   * is republished with confirms before it is removed from the DLQ, so a crash mid-way
   * may duplicate (the consumer's inbox absorbs that) but never loses one.
   */
  async replay(queue: string, messageIds?: readonly string[]): Promise<number> {
    const wanted = messageIds ? new Set(messageIds) : null;
    const skipped: GetMessage[] = [];
    let replayed = 0;
    try {
      for (;;) {
        const message = await this.channel.get(this.dlqName(queue), { noAck: false });
        if (!message) break;
        const id = String(message.properties.messageId ?? '');
        if (wanted && !wanted.has(id)) {
          skipped.push(message);
          continue;
        }
        const {
          [Headers.failureKind]: _k,
          [Headers.failureReason]: _r,
          [Headers.deadLetteredAt]: _d,
          [Headers.attempt]: _a,
          'x-death': _x,
          ...headers
        } = (message.properties.headers ?? {}) as Record<string, unknown>;
        this.channel.sendToQueue(queue, message.content, {
          ...message.properties,
          headers,
          persistent: true,
        });
        await (this.channel as unknown as { waitForConfirms(): Promise<void> }).waitForConfirms();
        this.channel.ack(message);
        replayed++;
      }
    } finally {
      for (const message of skipped) this.channel.nack(message, false, true);
    }
    return replayed;
  }

  async close(): Promise<void> {
    await this.close_();
  }
}
