import { randomBytes } from 'node:crypto';
import { OtlpCollector, waitFor, type CollectedSpan } from '@holdfast/testing';
import { HoldfastSystem } from './support/holdfast-system';
import { ACCOUNT, AmazonSimulator, IT, publisherEnv } from './support/publisher-system';

const SKU = 'TRACE-MUG';

/**
 * One order, one trace, end to end: an order created at the SP-API simulator is found by
 * order-ingest's poll (a process polling the simulator), reserved by inventory-reservation,
 * and the lower quantity is sent to Amazon by availability-publisher's scheduler. Every hop
 * exports to an OTLP receiver in the test, and the spans must form one trace, parent by
 * parent, from the poll to the SP-API call that published the new quantity.
 */
describe('one order, one trace: from the poll that found it to the channel call (OTLP from real processes)', () => {
  let sim: AmazonSimulator;
  let system: HoldfastSystem;
  let collector: OtlpCollector;

  beforeAll(async () => {
    collector = await OtlpCollector.start();
    sim = await AmazonSimulator.start();
    await sim.seedListings([{ sku: SKU }]);
    system = await HoldfastSystem.start(
      'trace_order',
      ['order-ingest', 'inventory-reservation', 'availability-publisher'],
      publisherEnv(sim, {
        PII_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
        ORDER_INGEST_TICK_MS: '100',
        ORDER_INGEST_LEASE_TTL_MS: '3000',
        ORDER_INGEST_FIRST_POLL_LOOKBACK_MINUTES: '5',
        ...collector.env,
      }),
    );
    const options = await system.http('order-ingest', 'PATCH', `/v1/accounts/${ACCOUNT}/options`, {
      pollIntervalSeconds: 1,
      overlapSeconds: 30,
    });
    expect(options.status).toBe(200);
    expect(
      (await system.http('inventory-reservation', 'PUT', `/v1/stock/${SKU}`, { onHand: 6, asOf: 1 })).status,
    ).toBe(200);
    await waitFor(
      `${SKU} known to the publisher`,
      async () => (await system.http('availability-publisher', 'GET', `/v1/desired/${SKU}`)).status === 200,
      { timeoutMs: 30_000 },
    );
    const imported = await system.http('availability-publisher', 'POST', '/v1/listings/import', {
      listings: [
        {
          channel: 'amazon',
          accountId: ACCOUNT,
          productType: 'HOME',
          channelSku: SKU,
          sku: SKU,
          marketplaceId: IT,
        },
      ],
    });
    expect(imported.status).toBe(200);
    await waitFor('the first quantity on Amazon', async () => (await sim.quantity(SKU)) === 6, {
      timeoutMs: 45_000,
      intervalMs: 200,
    });
  });

  afterAll(async () => {
    await system?.stop();
    await sim?.stop();
    await collector?.stop();
  });

  it('poll → relay → reservation → relay → publisher consumer → publish attempt → SP-API call, in one trace', async () => {
    const created = await sim.control<{ order: { orderId: string } }>('POST', '/_sim/orders', {
      marketplaceId: IT,
      items: [{ sellerSku: SKU, quantity: 2 }],
    });
    expect(created.status).toBe(201);
    await waitFor('the reserved quantity on Amazon', async () => (await sim.quantity(SKU)) === 4, {
      timeoutMs: 60_000,
      intervalMs: 200,
    });

    const child = (parent: CollectedSpan, service: string, name: string) =>
      collector
        .trace(parent.traceId)
        .find((s) => s.service === service && s.name === name && s.parentSpanId === parent.spanId);
    const chain = await waitFor(
      'the whole chain at the collector',
      () => {
        // The poll whose page import wrote the order's event: the root of the order's trace.
        const page = collector.spans.find(
          (s) =>
            s.service === 'order-ingest' &&
            s.name === 'orders import' &&
            Number(s.attributes['holdfast.orders.new']) >= 1,
        );
        const poll = page && collector.trace(page.traceId).find((s) => s.spanId === page.parentSpanId);
        const relayOrder = page && child(page, 'order-ingest', 'order.placed publish');
        const reserve = relayOrder && child(relayOrder, 'inventory-reservation', 'order.placed process');
        const relayAvailability =
          reserve && child(reserve, 'inventory-reservation', 'availability.changed publish');
        const consume =
          relayAvailability &&
          child(relayAvailability, 'availability-publisher', 'availability.changed process');
        const attempt = consume && child(consume, 'availability-publisher', 'publish attempt');
        const call =
          attempt &&
          collector
            .trace(attempt.traceId)
            .find(
              (s) =>
                s.service === 'availability-publisher' &&
                s.kind === 3 &&
                String(s.attributes['url.full'] ?? s.attributes['http.url'] ?? '').includes(`/listings/`) &&
                collector.descendsFrom(s, attempt),
            );
        return page && poll && relayOrder && reserve && relayAvailability && consume && attempt && call
          ? { page, poll, relayOrder, reserve, relayAvailability, consume, attempt, call }
          : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    ).catch((error: Error) => {
      const names = collector.spans
        .filter((s) => s.name !== 'pg.query' && !s.name.startsWith('pg.'))
        .map((s) => `${s.service}:${s.name}:${s.traceId.slice(0, 8)}:${s.parentSpanId}`);
      throw new Error(`${error.message}\n${[...new Set(names)].slice(-80).join('\n')}`);
    });

    expect(chain.poll).toMatchObject({ service: 'order-ingest', name: 'orders poll', parentSpanId: '' });
    expect(chain.poll.attributes['holdfast.account_id']).toBe(ACCOUNT);
    // The searchOrders call that found the order is an HTTP client span of the poll.
    expect(
      collector
        .trace(chain.poll.traceId)
        .some(
          (s) =>
            s.service === 'order-ingest' &&
            s.kind === 3 &&
            s.parentSpanId === chain.poll.spanId &&
            String(s.attributes['url.full'] ?? s.attributes['http.url'] ?? '').includes('/orders'),
        ),
    ).toBe(true);
    // Every hop is in the poll's trace; the channel call is under the publish attempt.
    const hops = [
      chain.page,
      chain.relayOrder,
      chain.reserve,
      chain.relayAvailability,
      chain.consume,
      chain.attempt,
      chain.call,
    ];
    expect(new Set(hops.map((s) => s.traceId))).toEqual(new Set([chain.poll.traceId]));
    expect(chain.attempt.attributes).toMatchObject({
      'holdfast.channel': 'amazon',
      'holdfast.account_id': ACCOUNT,
    });
  });
});
