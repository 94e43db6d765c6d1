import { ENVELOPE_PUBLISHER, type EnvelopePublisher } from '@holdfast/messaging';
import {
  Inject,
  Module,
  type BeforeApplicationShutdown,
  type DynamicModule,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions, type ServiceDatabaseOptions } from './data-source-options';
import { InboxUnitOfWork } from './inbox';
import { Outbox } from './outbox';
import { OutboxRelay, type OutboxRelayOptions } from './outbox-relay';

export const PERSISTENCE_OPTIONS = Symbol('PERSISTENCE_OPTIONS');

export interface PersistenceOptions extends ServiceDatabaseOptions {
  relay?: Omit<OutboxRelayOptions, 'schema'> & { enabled?: boolean };
}

class RelayLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    @Inject(OutboxRelay) private readonly relay: OutboxRelay,
    @Inject(PERSISTENCE_OPTIONS) private readonly options: PersistenceOptions,
  ) {}

  onApplicationBootstrap(): void {
    if (this.options.relay?.enabled !== false) this.relay.start();
  }

  /** Before the broker connection closes: stop claiming rows and flush what is due. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.relay.stop({ drain: true });
  }
}

/**
 * A service's database: TypeORM on its own schema, the outbox with its relay (started
 * with the app, drained on shutdown) and the inbox unit of work for the consumer.
 * Requires MessagingModule (for ENVELOPE_PUBLISHER).
 */
@Module({})
export class PersistenceModule {
  static forRootAsync(options: {
    imports?: DynamicModule['imports'];
    inject?: unknown[];
    useFactory: (...args: never[]) => PersistenceOptions;
  }): DynamicModule {
    const inject = (options.inject ?? []) as never[];
    return {
      module: PersistenceModule,
      global: true,
      imports: [
        ...(options.imports ?? []),
        TypeOrmModule.forRootAsync({
          imports: options.imports ?? [],
          inject,
          useFactory: (...args: unknown[]) =>
            buildDataSourceOptions(options.useFactory(...(args as never[]))),
        }),
      ],
      providers: [
        { provide: PERSISTENCE_OPTIONS, useFactory: options.useFactory, inject },
        {
          provide: Outbox,
          useFactory: (o: PersistenceOptions) => new Outbox(o.schema),
          inject: [PERSISTENCE_OPTIONS],
        },
        {
          provide: OutboxRelay,
          useFactory: (ds: DataSource, publisher: EnvelopePublisher, o: PersistenceOptions, outbox: Outbox) =>
            new OutboxRelay(ds, publisher, { ...o.relay, schema: o.schema }, outbox),
          inject: [DataSource, ENVELOPE_PUBLISHER, PERSISTENCE_OPTIONS, Outbox],
        },
        {
          provide: InboxUnitOfWork,
          useFactory: (ds: DataSource, o: PersistenceOptions, outbox: Outbox) =>
            new InboxUnitOfWork(ds, o.schema, outbox),
          inject: [DataSource, PERSISTENCE_OPTIONS, Outbox],
        },
        RelayLifecycle,
      ],
      exports: [TypeOrmModule, PERSISTENCE_OPTIONS, Outbox, OutboxRelay, InboxUnitOfWork],
    };
  }
}
