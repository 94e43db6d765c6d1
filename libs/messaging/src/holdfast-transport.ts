import { ContractViolationError, parseEnvelope, type Envelope } from '@holdfast/contracts';
import { Logger } from '@nestjs/common';
import { Server, type CustomTransportStrategy, type MessageHandler } from '@nestjs/microservices';
import { context as otelContext, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { ConfirmChannel, ConsumeMessage } from 'amqplib';
import type { ChannelWrapper } from 'amqp-connection-manager';
import { isObservable, lastValueFrom } from 'rxjs';
import { AmqpConnection } from './amqp-connection';
import { EventPublisher } from './event-publisher';
import { PermanentFailure } from './failures';
import { HoldfastContext, type DeliveryInfo, type UnitOfWork } from './message-context';
import {
  resolveMessagingOptions,
  type MessagingOptions,
  type ResolvedMessagingOptions,
} from './messaging.options';
import { declareConsumerQueue, declareExchanges, Headers, Topology } from './topology';
import { contextFromHeaders } from './trace-context';
import { consumedMessages, consumerLagSeconds, deadLetters, processingSeconds } from './messaging.metrics';

export interface HoldfastTransportOptions extends MessagingOptions {
  /** Runs each handler inside a transaction with inbox dedupe (persistence lib). */
  unitOfWork?: UnitOfWork;
  /**
   * Fault injection for crash tests and the fault runner: SIGKILL this process after
   * the handler's transaction committed for a message of this type, before the ack.
   */
  killAfterCommit?: string;
}

/** `@EventPattern('order.placed', { queue: 'orders' })`: the queue purpose, default `events`. */
export interface HandlerExtras {
  queue?: string;
}

type Outcome = 'ack' | 'requeue';

const tracer = trace.getTracer('@holdfast/messaging');

/**
 * A NestJS custom transport on amqplib that enforces Holdfast's messaging rules, so that
 * no service has to: handlers stay plain `@EventPattern` methods.
 *
 * Why not the stock `Transport.RMQ`: it acks before or regardless of the handler's
 * transaction unless carefully configured, has no notion of delayed retry queues,
 * per-message dead-lettering with a reason, payload validation, an inbox, or a
 * topic-exchange binding per handler. See the lib README for the full comparison.
 *
 * Per message: parse and validate the envelope (invalid → dead-letter queue at once),
 * run the handler (inside the unit of work when given), then ack. A failure is retried
 * through the backoff queues, then dead-lettered; `PermanentFailure` skips the retries.
 * Nothing is acked before the handler's transaction committed.
 */
export class HoldfastTransport extends Server implements CustomTransportStrategy {
  protected override readonly logger = new Logger(HoldfastTransport.name);
  readonly options: ResolvedMessagingOptions;
  private connection?: AmqpConnection;
  private publisher?: EventPublisher;
  private readonly channels: ChannelWrapper[] = [];
  private readonly consumerTags = new Map<ConfirmChannel, string[]>();
  private readonly inFlight = new Set<Promise<void>>();
  private closing = false;

  constructor(private readonly transportOptions: HoldfastTransportOptions) {
    super();
    this.options = resolveMessagingOptions(transportOptions);
  }

  /** Queue name → routing keys, from the registered handlers. */
  queueBindings(): Map<string, string[]> {
    const bindings = new Map<string, string[]>();
    for (const [pattern, handler] of this.messageHandlers) {
      const purpose = (handler.extras as HandlerExtras | undefined)?.queue ?? 'events';
      const queue = Topology.queue(this.options.namespace, this.options.serviceName, purpose);
      bindings.set(queue, [...(bindings.get(queue) ?? []), pattern]);
    }
    return bindings;
  }

  listen(callback: (...optionalParams: unknown[]) => unknown): void {
    this.connection = new AmqpConnection(this.options);
    this.publisher = new EventPublisher(this.connection, `${this.options.serviceName}.consumer`);
    for (const [queue, routingKeys] of this.queueBindings()) {
      this.channels.push(this.consume(queue, routingKeys));
    }
    Promise.all(this.channels.map((c) => c.waitForConnect())).then(
      () => callback(),
      (error: unknown) => callback(error),
    );
  }

  get isReady(): boolean {
    return !!this.connection?.isConnected && !this.connection.blocked;
  }

  private consume(queue: string, routingKeys: string[]): ChannelWrapper {
    // The setup runs again on every reconnect: topology is re-declared and the consumer
    // re-subscribed on the new channel. Each message is acked on the channel that
    // delivered it; if that channel died meanwhile, the broker redelivers it instead.
    const connection = this.connection;
    if (!connection) throw new Error('listen() first');
    return connection.createChannel(`${this.options.serviceName}.${queue}`, async (channel) => {
      await declareExchanges(channel, this.options.namespace);
      await declareConsumerQueue(channel, this.options, queue, routingKeys);
      await channel.prefetch(this.options.prefetch);
      const pending: ConsumeMessage[] = [];
      let active = 0;
      const pump = () => {
        while (active < this.options.concurrency && pending.length > 0) {
          const message = pending.shift();
          if (!message) break;
          active++;
          const stopTimer = processingSeconds.startTimer({ queue });
          const task = this.handleDelivery(queue, message)
            .then((outcome) => {
              this.settle(channel, message, outcome);
              stopTimer();
            })
            .finally(() => {
              active--;
              this.inFlight.delete(task);
              pump();
            });
          this.inFlight.add(task);
        }
      };
      const { consumerTag } = await channel.consume(queue, (message) => {
        if (!message) return; // consumer cancelled by the broker; the wrapper re-subscribes
        pending.push(message);
        pump();
      });
      this.consumerTags.set(channel, [...(this.consumerTags.get(channel) ?? []), consumerTag]);
      channel.once('close', () => this.consumerTags.delete(channel));
    });
  }

  private settle(channel: ConfirmChannel, message: ConsumeMessage, outcome: Outcome): void {
    try {
      if (outcome === 'ack') channel.ack(message);
      else channel.nack(message, false, true);
    } catch (error) {
      // The channel closed under us: the broker redelivers the message and the inbox
      // makes the second run a no-op.
      this.logger.warn(`could not settle message: ${(error as Error).message}`);
    }
  }

  private async handleDelivery(queue: string, message: ConsumeMessage): Promise<Outcome> {
    const headers = (message.properties.headers ?? {}) as Record<string, unknown>;
    const attempt = Number(headers[Headers.attempt] ?? 1) || 1;
    let envelope: Envelope;
    try {
      envelope = parseEnvelope(JSON.parse(message.content.toString('utf8')));
    } catch (error) {
      const reason =
        error instanceof ContractViolationError
          ? error.message
          : `unparseable body: ${(error as Error).message}`;
      return this.deadLetter(queue, message, 'invalid', reason);
    }
    const handler = this.getHandlerByPattern(envelope.type);
    if (!handler) {
      return this.deadLetter(queue, message, 'unhandled', `no handler for ${envelope.type} on ${queue}`);
    }
    // Lag of first deliveries only: a retry's age is its backoff, not the consumer falling behind.
    if (attempt === 1 && !message.fields.redelivered) {
      const occurred = Date.parse(envelope.occurredAt);
      if (Number.isFinite(occurred))
        consumerLagSeconds.observe({ queue }, Math.max(0, (Date.now() - occurred) / 1000));
    }
    const delivery: DeliveryInfo = { envelope, queue, attempt, redelivered: message.fields.redelivered };
    const parent = contextFromHeaders(headers);
    const span = tracer.startSpan(
      `${envelope.type} process`,
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          'messaging.system': 'rabbitmq',
          'messaging.operation': 'process',
          'messaging.destination.name': queue,
          'messaging.message.id': envelope.messageId,
          'messaging.message.conversation_id': envelope.correlationId,
        },
      },
      parent,
    );
    try {
      await otelContext.with(trace.setSpan(parent, span), () => this.runHandler(handler, queue, delivery));
      if (this.transportOptions.killAfterCommit === envelope.type) process.kill(process.pid, 'SIGKILL');
      span.setStatus({ code: SpanStatusCode.OK });
      return 'ack';
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
      return this.onHandlerFailure(queue, message, attempt, error);
    } finally {
      span.end();
    }
  }

  private async runHandler(handler: MessageHandler, queue: string, delivery: DeliveryInfo): Promise<void> {
    const invoke = async (transaction: unknown) => {
      const result: unknown = await handler(
        delivery.envelope.payload,
        new HoldfastContext([delivery, transaction]),
      );
      if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
    };
    const unitOfWork = this.transportOptions.unitOfWork;
    if (!unitOfWork) {
      await invoke(undefined);
      consumedMessages.inc({ queue, outcome: 'applied' });
      return;
    }
    const outcome = await unitOfWork.runOnce(queue, delivery.envelope.messageId, invoke);
    consumedMessages.inc({ queue, outcome: outcome === 'duplicate' ? 'duplicate' : 'applied' });
    if (outcome === 'duplicate') {
      this.logger.debug(`message ${delivery.envelope.messageId} already applied on ${queue}; acknowledging`);
    }
  }

  private async onHandlerFailure(
    queue: string,
    message: ConsumeMessage,
    attempt: number,
    error: unknown,
  ): Promise<Outcome> {
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    if (error instanceof PermanentFailure || error instanceof ContractViolationError) {
      return this.deadLetter(queue, message, 'permanent', reason);
    }
    const delays = this.options.retryDelaysMs;
    if (attempt > delays.length) {
      return this.deadLetter(queue, message, 'exhausted', `failed ${attempt} attempts; last: ${reason}`);
    }
    const delayMs = delays[attempt - 1];
    this.logger.warn(`handler failed on ${queue} (attempt ${attempt}), retrying in ${delayMs} ms: ${reason}`);
    try {
      await this.requirePublisher().publishRaw('', Topology.retryQueue(queue, delayMs), message.content, {
        ...this.propsOf(message),
        headers: {
          ...this.headersOf(message),
          [Headers.attempt]: attempt + 1,
          [Headers.failureReason]: reason.slice(0, 1000),
        },
      });
      consumedMessages.inc({ queue, outcome: 'retried' });
      return 'ack';
    } catch (publishError) {
      consumedMessages.inc({ queue, outcome: 'requeued' });
      this.logger.error(`could not schedule retry: ${(publishError as Error).message}`);
      return 'requeue';
    }
  }

  private async deadLetter(
    queue: string,
    message: ConsumeMessage,
    kind: 'invalid' | 'unhandled' | 'permanent' | 'exhausted',
    reason: string,
  ): Promise<Outcome> {
    this.logger.error(
      `dead-lettering message ${String(message.properties.messageId)} from ${queue} (${kind}): ${reason}`,
    );
    try {
      await this.requirePublisher().publishRaw(
        Topology.deadLetterExchange(this.options.namespace),
        queue,
        message.content,
        {
          ...this.propsOf(message),
          headers: {
            ...this.headersOf(message),
            [Headers.failureKind]: kind,
            [Headers.failureReason]: reason.slice(0, 2000),
            [Headers.originalQueue]: queue,
            [Headers.deadLetteredAt]: new Date().toISOString(),
          },
        },
      );
      deadLetters.inc({ queue, kind });
      consumedMessages.inc({ queue, outcome: 'dead_lettered' });
      return 'ack';
    } catch (error) {
      consumedMessages.inc({ queue, outcome: 'requeued' });
      this.logger.error(`could not dead-letter: ${(error as Error).message}`);
      return 'requeue';
    }
  }

  private requirePublisher(): EventPublisher {
    if (!this.publisher) throw new Error('listen() first');
    return this.publisher;
  }

  private propsOf(message: ConsumeMessage) {
    const p = message.properties;
    return {
      messageId: (p.messageId as string | undefined) ?? `unknown-${Date.now()}`,
      type: p.type as string | undefined,
      correlationId: p.correlationId as string | undefined,
    };
  }

  private headersOf(message: ConsumeMessage): Record<string, unknown> {
    const {
      'x-death': _death,
      'x-delivery-count': _count,
      ...rest
    } = (message.properties.headers ?? {}) as Record<string, unknown>;
    return rest;
  }

  /** Graceful shutdown: stop consuming, finish what is in flight, then close. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    for (const [channel, tags] of this.consumerTags) {
      for (const tag of tags) await channel.cancel(tag).catch(() => undefined);
    }
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
    for (const channel of this.channels) await channel.close().catch(() => undefined);
    await this.publisher?.close().catch(() => undefined);
    await this.connection?.close().catch(() => undefined);
  }

  on(): never {
    throw new Error('HoldfastTransport emits no events; use the readiness check instead');
  }

  unwrap<T>(): T {
    return this.connection as T;
  }
}
