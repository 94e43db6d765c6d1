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
import { HoldfastBatchContext, HoldfastContext, type DeliveryInfo, type UnitOfWork } from './message-context';
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
  /**
   * The handler takes batches: `@Payload()` is an array of payloads and `@Ctx()` a
   * `HoldfastBatchContext`, one transaction for all of them. A batch is what the queue's
   * consumer has received and not yet started (at most `prefetch` messages), so it grows
   * with the backlog and costs no waiting when the queue is quiet.
   */
  batch?: boolean;
}

type Outcome = 'ack' | 'requeue';

/** A delivery parsed and routed, ready for its handler. */
interface Prepared {
  message: ConsumeMessage;
  delivery: DeliveryInfo;
  handler: MessageHandler;
  headers: Record<string, unknown>;
}

/** Why a delivery never reaches a handler. */
interface Refused {
  message: ConsumeMessage;
  kind: 'invalid' | 'unhandled';
  reason: string;
}

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
  private readonly prepared = new WeakMap<ConsumeMessage, Prepared | Refused>();
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
          const work = this.nextWork(queue, pending);
          active++;
          const stopTimer = processingSeconds.startTimer({ queue });
          const task = this.handleWork(queue, work)
            .then((outcomes) => {
              outcomes.forEach(([message, outcome]) => this.settle(channel, message, outcome));
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

  /**
   * Takes the next unit of work off `pending`: one message, or for a batch handler the
   * first message with every later pending one of the same handler (up to `prefetch`).
   * Messages of other handlers keep their place.
   */
  private nextWork(queue: string, pending: ConsumeMessage[]): Prepared[] | Refused {
    const first = this.prepare(queue, pending.shift() as ConsumeMessage);
    if ('kind' in first) return first;
    const extras = first.handler.extras as HandlerExtras | undefined;
    if (!extras?.batch) return [first];
    const batch = [first];
    for (let i = 0; i < pending.length && batch.length < this.options.prefetch;) {
      const next = this.prepare(queue, pending[i]);
      // One decorator's patterns share their extras object: same object, same method.
      if (!('kind' in next) && next.handler.extras === extras) {
        batch.push(next);
        pending.splice(i, 1);
      } else {
        i++;
      }
    }
    return batch;
  }

  /** Parses, validates and routes a delivery (once: a message left in `pending` keeps its result). */
  private prepare(queue: string, message: ConsumeMessage): Prepared | Refused {
    const known = this.prepared.get(message);
    if (known) return known;
    const result = this.parse(queue, message);
    this.prepared.set(message, result);
    return result;
  }

  private parse(queue: string, message: ConsumeMessage): Prepared | Refused {
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
      return { message, kind: 'invalid', reason };
    }
    const handler = this.getHandlerByPattern(envelope.type);
    if (!handler)
      return { message, kind: 'unhandled', reason: `no handler for ${envelope.type} on ${queue}` };
    // Lag of first deliveries only: a retry's age is its backoff, not the consumer falling behind.
    if (attempt === 1 && !message.fields.redelivered) {
      const occurred = Date.parse(envelope.occurredAt);
      if (Number.isFinite(occurred))
        consumerLagSeconds.observe({ queue }, Math.max(0, (Date.now() - occurred) / 1000));
    }
    const delivery: DeliveryInfo = { envelope, queue, attempt, redelivered: message.fields.redelivered };
    return { message, delivery, handler, headers };
  }

  private async handleWork(queue: string, work: Prepared[] | Refused): Promise<[ConsumeMessage, Outcome][]> {
    if ('kind' in work)
      return [[work.message, await this.deadLetter(queue, work.message, work.kind, work.reason)]];
    const batch = (work[0].handler.extras as HandlerExtras | undefined)?.batch === true;
    const spans = work.map(({ delivery, headers }) => {
      const parent = contextFromHeaders(headers);
      const span = tracer.startSpan(
        `${delivery.envelope.type} process`,
        {
          kind: SpanKind.CONSUMER,
          attributes: {
            'messaging.system': 'rabbitmq',
            'messaging.operation': 'process',
            'messaging.destination.name': queue,
            'messaging.message.id': delivery.envelope.messageId,
            'messaging.message.conversation_id': delivery.envelope.correlationId,
            ...(batch ? { 'messaging.batch.message_count': work.length } : {}),
          },
        },
        parent,
      );
      return { span, parent };
    });
    try {
      // A batch runs in its first message's span: events it writes carry that trace.
      await otelContext.with(trace.setSpan(spans[0].parent, spans[0].span), () =>
        batch ? this.runBatchHandler(queue, work) : this.runHandler(work[0].handler, queue, work[0].delivery),
      );
      if (work.some((w) => this.transportOptions.killAfterCommit === w.delivery.envelope.type)) {
        process.kill(process.pid, 'SIGKILL');
      }
      spans.forEach(({ span }) => span.setStatus({ code: SpanStatusCode.OK }));
      return work.map((w) => [w.message, 'ack']);
    } catch (error) {
      for (const { span } of spans) {
        span.recordException(error as Error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
      }
      if (work.length === 1) {
        return [
          [
            work[0].message,
            await this.onHandlerFailure(queue, work[0].message, work[0].delivery.attempt, error),
          ],
        ];
      }
      // One bad message must not hold its neighbours back or drag them into the retry
      // queues: the batch, rolled back whole, is applied again one message at a time.
      this.logger.warn(
        `a batch of ${work.length} failed on ${queue}, applying it message by message: ${(error as Error).message}`,
      );
      const outcomes: [ConsumeMessage, Outcome][] = [];
      for (const item of work) outcomes.push(...(await this.handleWork(queue, [item])));
      return outcomes;
    } finally {
      spans.forEach(({ span }) => span.end());
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

  /** A batch handler over the messages not applied before, in one unit of work. */
  private async runBatchHandler(queue: string, work: Prepared[]): Promise<void> {
    const handler = work[0].handler;
    const invoke = async (transaction: unknown, deliveries: DeliveryInfo[]) => {
      const result: unknown = await handler(
        deliveries.map((d) => d.envelope.payload),
        new HoldfastBatchContext([deliveries, transaction]),
      );
      if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
    };
    const deliveries = work.map((w) => w.delivery);
    const unitOfWork = this.transportOptions.unitOfWork;
    if (!unitOfWork) {
      await invoke(undefined, deliveries);
      consumedMessages.inc({ queue, outcome: 'applied' }, deliveries.length);
      return;
    }
    if (!unitOfWork.runBatchOnce) {
      for (const d of deliveries) await this.runHandlerOnce(unitOfWork, queue, d, (tx) => invoke(tx, [d]));
      return;
    }
    let applied = 0;
    await unitOfWork.runBatchOnce(
      queue,
      deliveries.map((d) => d.envelope.messageId),
      async (transaction, fresh) => {
        // Each fresh id once: a message published twice may sit in one batch twice.
        const seen = new Set<string>();
        const chosen = deliveries.filter((d) => {
          const id = d.envelope.messageId.toLowerCase();
          if (!fresh.has(id) || seen.has(id)) return false;
          seen.add(id);
          return true;
        });
        applied = chosen.length;
        await invoke(transaction, chosen);
      },
    );
    consumedMessages.inc({ queue, outcome: 'applied' }, applied);
    consumedMessages.inc({ queue, outcome: 'duplicate' }, deliveries.length - applied);
  }

  private async runHandlerOnce(
    unitOfWork: UnitOfWork,
    queue: string,
    delivery: DeliveryInfo,
    invoke: (transaction: unknown) => Promise<void>,
  ): Promise<void> {
    const outcome = await unitOfWork.runOnce(queue, delivery.envelope.messageId, invoke);
    consumedMessages.inc({ queue, outcome: outcome === 'duplicate' ? 'duplicate' : 'applied' });
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
