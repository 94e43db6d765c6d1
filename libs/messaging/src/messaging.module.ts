import { Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { AmqpConnection } from './amqp-connection';
import { ENVELOPE_PUBLISHER, EventPublisher } from './event-publisher';
import { resolveMessagingOptions, type MessagingOptions } from './messaging.options';

export const MESSAGING_OPTIONS = Symbol('MESSAGING_OPTIONS');

class MessagingLifecycle implements OnApplicationShutdown {
  constructor(
    @Inject(EventPublisher) private readonly publisher: EventPublisher,
    @Inject(AmqpConnection) private readonly connection: AmqpConnection,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.publisher.close().catch(() => undefined);
    await this.connection.close().catch(() => undefined);
  }
}

/**
 * The publishing side for a Nest app: one connection and one confirming publisher,
 * also offered as ENVELOPE_PUBLISHER for the outbox relay. Consuming is the
 * HoldfastTransport's job (connected with `app.connectMicroservice`).
 */
@Module({})
export class MessagingModule {
  static forRootAsync(options: {
    imports?: DynamicModule['imports'];
    inject?: unknown[];
    useFactory: (...args: never[]) => MessagingOptions;
  }): DynamicModule {
    return {
      module: MessagingModule,
      global: true,
      imports: options.imports ?? [],
      providers: [
        {
          provide: MESSAGING_OPTIONS,
          useFactory: options.useFactory,
          inject: (options.inject ?? []) as never[],
        },
        {
          provide: AmqpConnection,
          useFactory: (o: MessagingOptions) => new AmqpConnection(resolveMessagingOptions(o)),
          inject: [MESSAGING_OPTIONS],
        },
        {
          provide: EventPublisher,
          useFactory: (c: AmqpConnection, o: MessagingOptions) =>
            new EventPublisher(c, `${o.serviceName}.publisher`),
          inject: [AmqpConnection, MESSAGING_OPTIONS],
        },
        { provide: ENVELOPE_PUBLISHER, useExisting: EventPublisher },
        MessagingLifecycle,
      ],
      exports: [MESSAGING_OPTIONS, AmqpConnection, EventPublisher, ENVELOPE_PUBLISHER],
    };
  }
}
