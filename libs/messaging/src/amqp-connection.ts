import { Logger } from '@nestjs/common';
import type { Channel, ConfirmChannel } from 'amqplib';
import amqp, { type AmqpConnectionManager, type ChannelWrapper } from 'amqp-connection-manager';
import type { ResolvedMessagingOptions } from './messaging.options';

/**
 * One connection to RabbitMQ per process, with reconnection owned by
 * amqp-connection-manager: after a broker restart or a dropped connection it reconnects
 * and re-runs every channel's setup (topology, consumers), so callers never hold a dead
 * channel. Broker "blocked" alarms (memory/disk) are surfaced in the log and readiness.
 */
export class AmqpConnection {
  private readonly logger = new Logger(AmqpConnection.name);
  private readonly manager: AmqpConnectionManager;
  private blockedReason: string | null = null;
  private closed = false;

  constructor(readonly options: ResolvedMessagingOptions) {
    this.manager = amqp.connect([options.url], {
      heartbeatIntervalInSeconds: options.heartbeatSeconds,
      reconnectTimeInSeconds: options.reconnectSeconds,
      connectionOptions: { clientProperties: { connection_name: options.serviceName } },
    });
    this.manager.on('connect', () => this.logger.log('connected to RabbitMQ'));
    this.manager.on('disconnect', ({ err }) => {
      if (!this.closed)
        this.logger.warn(`disconnected from RabbitMQ: ${err?.message ?? 'closed'}; reconnecting`);
    });
    this.manager.on('connectFailed', ({ err }) => {
      if (!this.closed) this.logger.warn(`cannot connect to RabbitMQ: ${err?.message}; retrying`);
    });
    this.manager.on('blocked', ({ reason }) => {
      this.blockedReason = reason;
      this.logger.error(`RabbitMQ blocked publishing: ${reason}`);
    });
    this.manager.on('unblocked', () => {
      this.blockedReason = null;
      this.logger.log('RabbitMQ unblocked publishing');
    });
  }

  get isConnected(): boolean {
    return this.manager.isConnected();
  }

  get blocked(): string | null {
    return this.blockedReason;
  }

  /** Throws when the broker is unreachable or has blocked this connection. */
  assertReady(): void {
    if (!this.isConnected) throw new Error('not connected to RabbitMQ');
    if (this.blockedReason) throw new Error(`RabbitMQ blocked this connection: ${this.blockedReason}`);
  }

  createChannel(name: string, setup: (channel: ConfirmChannel) => Promise<void>): ChannelWrapper {
    return this.manager.createChannel({ name, confirm: true, json: false, setup });
  }

  createPlainChannel(name: string, setup: (channel: Channel) => Promise<void>): ChannelWrapper {
    return this.manager.createChannel({ name, confirm: false, json: false, setup });
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.manager.close();
  }
}
