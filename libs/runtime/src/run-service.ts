import { HoldfastTransport, MessagingModule, RethrowHandlerErrors } from '@holdfast/messaging';
import {
  buildDataSourceOptions,
  InboxUnitOfWork,
  PersistenceModule,
  revertLastMigration,
  runMigrations,
} from '@holdfast/persistence';
import { configureHttpEdge, HttpEdgeModule } from '@holdfast/platform';
import { ReadinessRegistry, TelemetryModule, useTelemetryLogger } from '@holdfast/telemetry';
import { AmqpConnection } from '@holdfast/messaging';
import {
  Inject,
  Injectable,
  Logger,
  Module,
  type DynamicModule,
  type INestApplication,
  type Type,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { EntitySchema, MixedList } from 'typeorm';
import { DataSource } from 'typeorm';
import { ConfigError, parseEnv, ServiceEnvSchema, type ServiceEnv } from './service-config';

export interface ServiceDefinition {
  /** The service's name: queue prefix, log name, connection name. */
  name: string;
  /** Its own Postgres schema. */
  schema: string;
  defaultHttpPort: number;
  /** Feature modules of the service. */
  imports: DynamicModule['imports'];
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities?: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>;
  /** Shown in the OpenAPI document. */
  description?: string;
}

/** Readiness: the database answers and the broker connection is up and not blocked. */
// Registered in the constructor: a hybrid app runs module init hooks twice (HTTP app, then
// the deferred consumer), and a readiness check must be registered once.
@Injectable()
class InfrastructureReadiness {
  constructor(
    @Inject(ReadinessRegistry) registry: ReadinessRegistry,
    @Inject(DataSource) dataSource: DataSource,
    @Inject(AmqpConnection) amqp: AmqpConnection,
  ) {
    registry.register({ name: 'database', check: async () => void (await dataSource.query('SELECT 1')) });
    registry.register({ name: 'broker', check: async () => amqp.assertReady() });
  }
}

export function loadServiceEnv(
  definition: ServiceDefinition,
  env: NodeJS.ProcessEnv = process.env,
): ServiceEnv {
  return parseEnv(ServiceEnvSchema, { HTTP_PORT: String(definition.defaultHttpPort), ...env });
}

/** The root module of a service: broker, database (outbox, inbox, relay) and its features. */
export function serviceRootModule(definition: ServiceDefinition, env: ServiceEnv): Type {
  @Module({
    providers: [InfrastructureReadiness],
    imports: [
      TelemetryModule.forRoot({ serviceName: definition.name, logLevel: env.LOG_LEVEL }),
      HttpEdgeModule.forRoot({ apiKeys: env.API_KEYS }),
      MessagingModule.forRootAsync({
        useFactory: () => ({
          url: env.AMQP_URL,
          namespace: env.AMQP_NAMESPACE,
          serviceName: definition.name,
        }),
      }),
      PersistenceModule.forRootAsync({
        useFactory: () => ({
          url: env.DATABASE_URL,
          schema: definition.schema,
          entities: definition.entities ?? [],
          migrations: definition.migrations,
          poolSize: env.DATABASE_POOL_SIZE,
          applicationName: definition.name,
          relay: { pollIntervalMs: env.OUTBOX_POLL_MS, killAfterPublish: env.FAULT_KILL_AFTER_PUBLISH },
        }),
      }),
      ...(definition.imports ?? []),
    ],
  })
  class ServiceRootModule {}
  return ServiceRootModule;
}

async function migrate(
  definition: ServiceDefinition,
  env: ServiceEnv,
  direction: 'up' | 'down',
): Promise<void> {
  const dataSource = new DataSource(
    buildDataSourceOptions({
      url: env.DATABASE_URL,
      schema: definition.schema,
      entities: definition.entities ?? [],
      migrations: definition.migrations,
      applicationName: `${definition.name}-migrate`,
    }),
  );
  await dataSource.initialize();
  try {
    if (direction === 'down') {
      await revertLastMigration(dataSource, definition.schema);
      new Logger(definition.name).log('reverted the last migration');
    } else {
      const applied = await runMigrations(dataSource, definition.schema);
      new Logger(definition.name).log(
        applied.length ? `applied migrations: ${applied.join(', ')}` : 'schema is up to date',
      );
    }
  } finally {
    await dataSource.destroy();
  }
}

/** Starts the service (HTTP + consumers + outbox relay) and returns the Nest app. */
export async function startService(
  definition: ServiceDefinition,
  env: ServiceEnv,
): Promise<INestApplication> {
  if (env.MIGRATE_ON_START === 'true') await migrate(definition, env, 'up');
  const app = await NestFactory.create<NestExpressApplication>(serviceRootModule(definition, env), {
    bufferLogs: true,
    // Keeps each parsed body's bytes as `request.rawBody`: webhook signatures are computed
    // over the exact bytes sent, which re-serialised JSON does not reproduce.
    rawBody: true,
  });
  useTelemetryLogger(app);
  app.enableShutdownHooks();
  configureHttpEdge(app, {
    bodyLimit: env.HTTP_BODY_LIMIT,
    openApi: { title: `Holdfast ${definition.name}`, version: '1', description: definition.description },
  });
  // The consumer does not inherit the HTTP edge's pipes and filters: payloads are
  // validated against their contracts by the transport, and handler errors must reach it
  // unchanged.
  const consumer = app.connectMicroservice(
    {
      strategy: new HoldfastTransport({
        url: env.AMQP_URL,
        namespace: env.AMQP_NAMESPACE,
        serviceName: definition.name,
        prefetch: env.AMQP_PREFETCH,
        deliveryLimit: env.AMQP_DELIVERY_LIMIT,
        retryDelaysMs: env.AMQP_RETRY_DELAYS_MS.split(',').map(Number),
        unitOfWork: app.get(InboxUnitOfWork),
        killAfterCommit: env.FAULT_KILL_AFTER_COMMIT,
      }),
    },
    { inheritAppConfig: false, deferInitialization: true },
  );
  consumer.useGlobalFilters(new RethrowHandlerErrors());
  await app.startAllMicroservices();
  await app.listen(env.HTTP_PORT, env.HTTP_HOST);
  new Logger(definition.name).log(
    `listening on ${env.HTTP_HOST}:${env.HTTP_PORT} (namespace ${env.AMQP_NAMESPACE})`,
  );
  return app;
}

/**
 * The `main.ts` of every service: `node main.js` starts it, `node main.js migrate` runs
 * its migrations (the Kubernetes Job and the dev start script use that), `migrate:revert`
 * reverts the last one. A bad environment exits with code 1 naming the variable.
 */
export async function runService(definition: ServiceDefinition, argv = process.argv.slice(2)): Promise<void> {
  let env: ServiceEnv;
  try {
    env = loadServiceEnv(definition);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${definition.name}: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const command = argv[0] ?? 'start';
  try {
    if (command === 'migrate') await migrate(definition, env, 'up');
    else if (command === 'migrate:revert') await migrate(definition, env, 'down');
    else if (command === 'start') await startService(definition, env);
    else throw new Error(`unknown command "${command}" (expected start, migrate or migrate:revert)`);
  } catch (error) {
    new Logger(definition.name).error(`${command} failed: ${(error as Error).stack ?? String(error)}`);
    process.exit(1);
  }
}
