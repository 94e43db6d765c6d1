import { createServer, Socket, type Server } from 'node:net';
import { Injectable, Module } from '@nestjs/common';
import { startHttpApp, type RunningApp } from '../test/http-app';
import { ReadinessRegistry } from './health/readiness-registry';
import { defineCounter } from './metrics/service-metrics';
import { TelemetryModule } from './telemetry.module';

/** A dependency the way a real one fails: a TCP port that stops accepting connections. */
class TcpDependency {
  private server: Server | undefined;
  port = 0;

  async up(): Promise<void> {
    this.server = createServer((socket) => socket.end());
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
  }

  async down(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
    this.server = undefined;
  }

  /** A readiness check that connects to the port, as a broker or database ping would. */
  reachable(): Promise<void> {
    return new Promise((resolve, reject) => {
      const socket = new Socket();
      socket.once('connect', () => {
        socket.destroy();
        resolve();
      });
      socket.once('error', reject);
      socket.connect(this.port, '127.0.0.1');
    });
  }
}

const database = new TcpDependency();
const broker = new TcpDependency();

/** Registers its check the way the messaging lib will: through the injected registry. */
@Injectable()
class BrokerConnection {
  constructor(registry: ReadinessRegistry) {
    registry.register({ name: 'broker', check: () => broker.reachable() });
  }
}

@Module({ providers: [BrokerConnection] })
class MessagingLikeModule {}

@Module({
  imports: [
    TelemetryModule.forRoot({
      serviceName: 'telemetry-spec',
      readinessChecks: [{ name: 'database', check: () => database.reachable() }],
    }),
    MessagingLikeModule,
  ],
})
class ProbedAppModule {}

describe(TelemetryModule.name, () => {
  let running: RunningApp;

  beforeAll(async () => {
    await database.up();
    await broker.up();
    running = await startHttpApp(ProbedAppModule);
  });
  afterAll(async () => {
    await running?.close();
    await database.down();
    await broker.down();
  });

  const get = (path: string) => fetch(`${running.baseUrl}${path}`);

  it('answers /health/live with 200 while the process is up', async () => {
    const response = await get('/health/live');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('answers /health/ready with 200 when every registered check passes', async () => {
    const response = await get('/health/ready');
    expect(response.status).toBe(200);
    const body = (await response.json()) as { checks: unknown };
    expect(body).toMatchObject({ status: 'ok', ready: true, failing: [] });
    expect(body.checks).toEqual(
      expect.arrayContaining([
        { name: 'database', status: 'up' },
        { name: 'broker', status: 'up' },
      ]),
    );
  });

  it('answers /health/ready with 503 naming the failing check, and recovers', async () => {
    await broker.down();
    const failing = await get('/health/ready');
    expect(failing.status).toBe(503);
    expect(await failing.json()).toMatchObject({ status: 'unavailable', ready: false, failing: ['broker'] });
    // Liveness must not follow a dependency: restarting the pod would not bring the broker back.
    expect((await get('/health/live')).status).toBe(200);

    await broker.up();
    expect((await get('/health/ready')).status).toBe(200);
  });

  it('serves Prometheus metrics with the service label, including metrics other code defines', async () => {
    const relayed = defineCounter({
      name: 'spec_outbox_rows_published_total',
      help: 'rows',
      labelNames: ['event'],
    });
    expect(defineCounter({ name: 'spec_outbox_rows_published_total', help: 'rows' })).toBe(relayed);
    relayed.inc({ event: 'order.placed' }, 3);

    const response = await get('/metrics');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    expect(text).toContain(
      'spec_outbox_rows_published_total{event="order.placed",service="telemetry-spec"} 3',
    );
    expect(text).toMatch(/process_cpu_user_seconds_total\{service="telemetry-spec"\} \d/);
  });

  it('reports not ready once shutdown begins, before dependencies are released', async () => {
    const registry = running.app.get(ReadinessRegistry);
    registry.beforeApplicationShutdown();
    const response = await get('/health/ready');
    expect(response.status).toBe(503);
    expect(((await response.json()) as { failing: string[] }).failing).toEqual(['shutting-down']);
  });
});
