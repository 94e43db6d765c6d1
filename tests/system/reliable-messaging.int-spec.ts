import { createEnvelope, revisionOf, type OrderSnapshot } from '@holdfast/contracts';
import {
  AmqpConnection,
  DeadLetterQueue,
  EventPublisher,
  resolveMessagingOptions,
  Topology,
} from '@holdfast/messaging';
import { Outbox, OutboxRelay } from '@holdfast/persistence';
import {
  closeBrokerConnections,
  REPO_ROOT,
  deleteNamespace,
  TEST_AMQP_URL,
  TestDatabase,
  uniqueNamespace,
  uniqueSuffix,
  waitFor,
} from '@holdfast/testing';
import type { INestApplication } from '@nestjs/common';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { DataSource } from 'typeorm';
import { loadServiceEnv, startService } from '@holdfast/runtime';
import { brokenOrders, probeService } from './support/probe-service';

function order(orderId: string, overrides: Partial<OrderSnapshot> = {}): { order: OrderSnapshot } {
  const now = new Date().toISOString();
  return {
    order: {
      channel: 'amazon',
      accountId: 'acc-1',
      orderId,
      marketplaceId: 'APJ6JRA9NG5V4',
      status: 'pending',
      channelStatus: 'Pending',
      fulfilledBy: 'MERCHANT',
      purchasedAt: now,
      updatedAt: now,
      revision: revisionOf(now),
      lines: [
        { lineId: 'L1', channelSku: 'SKU-1', quantityOrdered: 1, quantityShipped: 0, quantityCanceled: 0 },
      ],
      ...overrides,
    },
  };
}

describe('reliable messaging (real RabbitMQ and PostgreSQL)', () => {
  const namespace = uniqueNamespace('msg');
  const serviceName = `probe-${uniqueSuffix()}`;
  const queue = Topology.queue(namespace, serviceName, 'orders');
  let db: TestDatabase;
  let app: INestApplication;
  let connection: AmqpConnection;
  let publisher: EventPublisher;
  let dlq: DeadLetterQueue;

  const effects = async (orderId: string) =>
    db.query<{ message_id: string; attempt: number }>(
      'SELECT message_id, attempt FROM probe.effects WHERE order_id = $1 ORDER BY attempt',
      [orderId],
    );

  beforeAll(async () => {
    db = await TestDatabase.create('messaging');
    const env = loadServiceEnv(probeService(serviceName), {
      DATABASE_URL: db.url,
      AMQP_URL: TEST_AMQP_URL,
      AMQP_NAMESPACE: namespace,
      AMQP_RETRY_DELAYS_MS: '200,400,800',
      HTTP_PORT: '0',
      HTTP_HOST: '127.0.0.1',
      MIGRATE_ON_START: 'true',
      OUTBOX_POLL_MS: '50',
    });
    app = await startService(probeService(serviceName), env);
    connection = new AmqpConnection(
      resolveMessagingOptions({ url: TEST_AMQP_URL, namespace, serviceName: 'test-publisher' }),
    );
    publisher = new EventPublisher(connection, 'test-publisher');
    dlq = await DeadLetterQueue.open(TEST_AMQP_URL, namespace);
  });

  afterAll(async () => {
    await app?.close();
    await dlq?.close();
    await publisher?.close();
    await connection?.close();
    await deleteNamespace(namespace).catch(() => undefined);
    await db?.drop();
  });

  it('dead-letters a poison message at once and processes the messages prefetched with it', async () => {
    const before = [order('neighbour-1'), order('neighbour-2'), order('neighbour-3')];
    await publisher.publish('order.placed', before[0]);
    const poisonId = createEnvelope('order.placed', order('poison')).messageId;
    // A payload that breaks its contract (quantity as a string), and one that is not JSON.
    const poison = { ...createEnvelope('order.placed', order('poison')), messageId: poisonId };
    (poison.payload.order.lines[0] as unknown as { quantityOrdered: string }).quantityOrdered = 'two';
    await publisher.publishRaw(
      Topology.eventsExchange(namespace),
      'order.placed',
      Buffer.from(JSON.stringify(poison)),
      { messageId: poisonId },
    );
    await publisher.publishRaw(Topology.eventsExchange(namespace), 'order.placed', Buffer.from('{not json'), {
      messageId: 'not-json-1',
    });
    await publisher.publish('order.placed', before[1]);
    await publisher.publish('order.placed', before[2]);

    for (const o of before)
      await waitFor(
        `effect of ${o.order.orderId}`,
        async () => (await effects(o.order.orderId)).length === 1,
      );
    const dead = await waitFor('two dead letters', async () => {
      const letters = await dlq.list(queue);
      return letters.length >= 2 ? letters : undefined;
    });
    expect(dead.map((d) => d.messageId).sort()).toEqual([poisonId, 'not-json-1'].sort());
    expect(dead.every((d) => d.failureKind === 'invalid')).toBe(true);
    expect(dead.find((d) => d.messageId === poisonId)?.failureReason).toContain('quantityOrdered');
    expect(await effects('poison')).toHaveLength(0);
    // Dead-lettered at once: never retried.
    expect(dead.every((d) => d.attempt === 1)).toBe(true);
    expect(await dlq.replay(queue, [])).toBe(0); // nothing selected: nothing moves
    expect((await dlq.list(queue)).map((d) => d.messageId).sort()).toEqual([poisonId, 'not-json-1'].sort());
  });

  it('retries a transient failure with backoff and applies it once', async () => {
    const started = Date.now();
    await publisher.publish('order.placed', order('transient-1'));
    const rows = await waitFor('the third attempt to commit', async () => {
      const r = await effects('transient-1');
      return r.length === 1 ? r : undefined;
    });
    // Attempts 1 and 2 rolled back with their transactions; the third committed.
    expect(rows[0].attempt).toBe(3);
    // Backoff: 200 ms then 400 ms at least.
    expect(Date.now() - started).toBeGreaterThanOrEqual(600);
  });

  it('sends a PermanentFailure to the dead-letter queue without retrying', async () => {
    const envelope = await publisher.publish('order.placed', order('permanent-1'));
    const letter = await waitFor('the dead letter', async () =>
      (await dlq.list(queue)).find((d) => d.messageId === envelope.messageId),
    );
    expect(letter.failureKind).toBe('permanent');
    expect(letter.attempt).toBe(1);
  });

  it('dead-letters a failure after the configured attempts, and replay brings it back once fixed', async () => {
    brokenOrders.add('broken-1');
    const envelope = await publisher.publish('order.placed', order('broken-1'));
    const letter = await waitFor(
      'the exhausted message in the DLQ',
      async () => (await dlq.list(queue)).find((d) => d.messageId === envelope.messageId),
      { timeoutMs: 20_000 },
    );
    expect(letter.failureKind).toBe('exhausted');
    expect(letter.attempt).toBe(4); // first try + 3 retries (200, 400, 800 ms)
    expect(await effects('broken-1')).toHaveLength(0);

    brokenOrders.delete('broken-1'); // the fix is deployed
    // The operator's command, as documented: tools/dlq.mjs show, then replay.
    const dlqCommand = (...args: string[]) =>
      execFileSync(process.execPath, [path.join(REPO_ROOT, 'tools/dlq.mjs'), ...args], {
        env: { ...process.env, AMQP_URL: TEST_AMQP_URL, AMQP_NAMESPACE: namespace },
        encoding: 'utf8',
      });
    expect(dlqCommand('show', queue)).toContain(envelope.messageId);
    expect(dlqCommand('replay', queue, envelope.messageId)).toContain('replayed 1 message(s)');
    await waitFor('the replayed message to apply', async () => (await effects('broken-1')).length === 1);
    expect((await dlq.list(queue)).some((d) => d.messageId === envelope.messageId)).toBe(false);
  });

  it('applies a message delivered twice only once', async () => {
    const envelope = createEnvelope('order.placed', order('dup-1'));
    await publisher.publishEnvelope(envelope);
    await publisher.publishEnvelope(envelope);
    await waitFor('the effect', async () => (await effects('dup-1')).length === 1);
    await new Promise((r) => setTimeout(r, 500));
    expect(await effects('dup-1')).toHaveLength(1);
    const inbox = await db.query('SELECT 1 FROM probe.inbox WHERE message_id = $1', [envelope.messageId]);
    expect(inbox).toHaveLength(1);
  });

  it('keeps an unroutable event in the outbox and sends it once a queue is bound', async () => {
    const dataSource = app.get(DataSource);
    const outbox = app.get(Outbox);
    // Nobody consumes shipment.confirmed in this namespace yet: mandatory returns it.
    const envelope = await dataSource.transaction((m) =>
      outbox.add(m, 'shipment.confirmed', {
        shipmentId: 's-1',
        channel: 'amazon',
        accountId: 'a',
        orderId: 'o',
        packages: [{ packageReferenceId: '1', carrierCode: 'BRT', trackingNumber: 'T1' }],
        lines: [{ lineId: 'L1', channelSku: 'SKU-1', quantity: 1 }],
        confirmedAt: new Date().toISOString(),
      }),
    );
    const row = await waitFor('a failed publish attempt', async () => {
      const [r] = await db.query<{ attempts: number; last_error: string | null; sent_at: Date | null }>(
        'SELECT attempts, last_error, sent_at FROM probe.outbox WHERE message_id = $1',
        [envelope.messageId],
      );
      return r && r.attempts > 0 ? r : undefined;
    });
    expect(row.sent_at).toBeNull();
    expect(row.last_error).toContain('no queue is bound');

    // A consumer appears: bind a queue, then the relay's retry succeeds.
    const { connect } = await import('amqplib');
    const c = await connect(TEST_AMQP_URL);
    const ch = await c.createChannel();
    const auditQueue = `${namespace}.late-consumer`;
    await ch.assertQueue(auditQueue, { durable: false, autoDelete: false });
    await ch.bindQueue(auditQueue, Topology.eventsExchange(namespace), 'shipment.confirmed');
    await waitFor(
      'the row to be sent',
      async () => {
        const [r] = await db.query<{ sent_at: Date | null }>(
          'SELECT sent_at FROM probe.outbox WHERE message_id = $1',
          [envelope.messageId],
        );
        return r?.sent_at !== null;
      },
      { timeoutMs: 15_000 },
    );
    const got = await waitFor(
      'the message in the audit queue',
      async () => (await ch.get(auditQueue, { noAck: true })) || undefined,
    );
    expect(JSON.parse(got.content.toString()).messageId).toBe(envelope.messageId);
    await c.close();
  });

  it('loses no outbox event while broker connections are dropped under load', async () => {
    const dataSource = app.get(DataSource);
    const outbox = app.get(Outbox);
    const total = 150;
    const writer = (async () => {
      for (let i = 0; i < total; i++) {
        await dataSource.transaction((m) => outbox.add(m, 'order.placed', order(`flow-${i}`)));
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    // Drop the service's connections twice while events flow.
    await new Promise((r) => setTimeout(r, 300));
    expect(await closeBrokerConnections(serviceName)).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 800));
    await closeBrokerConnections(serviceName);
    await writer;

    await waitFor(
      'every event applied',
      async () => {
        const [{ n }] = await db.query<{ n: number }>(
          `SELECT count(DISTINCT order_id)::int AS n FROM probe.effects WHERE order_id LIKE 'flow-%'`,
        );
        return n === total;
      },
      { timeoutMs: 45_000, intervalMs: 250 },
    );
    const [{ dupes }] = await db.query<{ dupes: number }>(
      `SELECT count(*)::int AS dupes FROM (SELECT order_id FROM probe.effects WHERE order_id LIKE 'flow-%' GROUP BY order_id HAVING count(*) > 1) d`,
    );
    expect(dupes).toBe(0);
    const relay = app.get(OutboxRelay);
    await waitFor('the outbox to drain', async () => (await relay.backlog()).count === 0);
  });
});
