import { Logger } from '@nestjs/common';
import {
  createEnvelope,
  type Envelope,
  type EnvelopeOptions,
  type EventPayload,
  type RoutingKey,
} from '@holdfast/contracts';
import type { ConfirmChannel, Message } from 'amqplib';
import type { ChannelWrapper } from 'amqp-connection-manager';
import type { AmqpConnection } from './amqp-connection';
import { UnroutableMessageError } from './failures';
import { declareAuditQueue, declareExchanges, Topology } from './topology';
import { currentTraceHeaders } from './trace-context';
import { publishedMessages } from './messaging.metrics';

/** What the outbox relay needs from a publisher: send one stored envelope, confirmed. */
export interface EnvelopePublisher {
  publishEnvelope(envelope: Envelope, headers?: Record<string, string>): Promise<void>;
}

export const ENVELOPE_PUBLISHER = Symbol('ENVELOPE_PUBLISHER');

/**
 * Publishes to the events exchange with publisher confirms and `mandatory`: the promise
 * resolves only once the broker has taken responsibility for the message, and rejects
 * when it nacks it or when no queue is bound to the routing key (basic.return, which the
 * broker sends before the confirm). Services publish through their outbox; direct use is
 * for the relay, tools and tests.
 */
export class EventPublisher implements EnvelopePublisher {
  private readonly logger = new Logger(EventPublisher.name);
  private readonly channel: ChannelWrapper;
  private readonly returned = new Set<string>();
  private readonly exchange: string;

  constructor(
    private readonly connection: AmqpConnection,
    private readonly appId: string,
  ) {
    const { namespace } = connection.options;
    this.exchange = Topology.eventsExchange(namespace);
    this.channel = connection.createChannel(`${appId}.publisher`, async (channel: ConfirmChannel) => {
      await declareExchanges(channel, namespace);
      await declareAuditQueue(channel, namespace);
      channel.on('return', (message: Message) => {
        const id = message.properties.messageId as string | undefined;
        if (id) this.returned.add(id);
      });
    });
  }

  /** Validates the payload against its contract, then publishes it. */
  async publish<K extends RoutingKey>(
    type: K,
    payload: EventPayload<K>,
    options?: EnvelopeOptions,
  ): Promise<Envelope<K>> {
    const envelope = createEnvelope(type, payload, options);
    await this.publishEnvelope(envelope);
    return envelope;
  }

  async publishEnvelope(
    envelope: Envelope,
    headers: Record<string, string> = currentTraceHeaders(),
  ): Promise<void> {
    await this.publishRaw(this.exchange, envelope.type, Buffer.from(JSON.stringify(envelope)), {
      messageId: envelope.messageId,
      type: envelope.type,
      correlationId: envelope.correlationId,
      headers,
    });
  }

  /** Publishes bytes as they are (DLQ replay, retries, poison-message tests). */
  async publishRaw(
    exchange: string,
    routingKey: string,
    body: Buffer,
    props: { messageId: string; type?: string; correlationId?: string; headers?: Record<string, unknown> },
  ): Promise<void> {
    try {
      await this.channel.publish(exchange, routingKey, body, {
        persistent: true,
        mandatory: true,
        contentType: 'application/json',
        appId: this.appId,
        timestamp: Math.floor(Date.now() / 1000),
        messageId: props.messageId,
        type: props.type,
        correlationId: props.correlationId,
        headers: props.headers ?? {},
      });
    } catch (error) {
      publishedMessages.inc({ outcome: 'failed' });
      throw error;
    }
    if (this.returned.delete(props.messageId)) {
      publishedMessages.inc({ outcome: 'unroutable' });
      this.logger.warn(`message ${props.messageId} (${routingKey}) was unroutable`);
      throw new UnroutableMessageError(exchange || '(default)', routingKey);
    }
    publishedMessages.inc({ outcome: 'confirmed' });
  }

  async close(): Promise<void> {
    await this.channel.close();
  }
}
