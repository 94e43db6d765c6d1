import { createEnvelope } from '@holdfast/contracts';
import { waitFor } from '@holdfast/testing';
import { createServer, type Server } from 'node:http';
import { amazonOrder, HoldfastSystem } from './support/holdfast-system';

interface CollectedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
}

/**
 * One order is one trace: the test plays order-ingest's part (a root span whose context
 * it publishes with the event), then the consumer in inventory-reservation, its outbox
 * write, the relay's publish and the consumer in availability-publisher must all join it,
 * each the child of the one before, as an OTLP collector receives them from the processes.
 */
describe('one order, one trace across the services (OTLP from real processes)', () => {
  let system: HoldfastSystem;
  let collector: Server;
  const spans: CollectedSpan[] = [];

  beforeAll(async () => {
    collector = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (c: Buffer) => chunks.push(c));
      request.on('end', () => {
        try {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
            resourceSpans?: {
              resource?: { attributes?: { key: string; value: { stringValue?: string } }[] };
              scopeSpans?: {
                spans?: { traceId: string; spanId: string; parentSpanId?: string; name: string }[];
              }[];
            }[];
          };
          for (const rs of body.resourceSpans ?? []) {
            const service =
              rs.resource?.attributes?.find((a) => a.key === 'service.name')?.value.stringValue ?? '?';
            for (const ss of rs.scopeSpans ?? []) {
              for (const s of ss.spans ?? [])
                spans.push({
                  service,
                  traceId: s.traceId,
                  spanId: s.spanId,
                  parentSpanId: s.parentSpanId ?? '',
                  name: s.name,
                });
            }
          }
        } catch {
          // not JSON: ignored (the test asserts on what it can read)
        }
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((r) => collector.listen(0, '127.0.0.1', r));
    const { port } = collector.address() as { port: number };
    system = await HoldfastSystem.start('trace', ['inventory-reservation', 'availability-publisher'], {
      OTEL_SDK_DISABLED: 'false',
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
      OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '100',
    });
  });

  afterAll(async () => {
    await system?.stop();
    await new Promise((r) => collector?.close(r));
  });

  it("joins consumer, outbox relay and the next consumer into the caller's trace, parent by parent", async () => {
    const traceId = '5a1ce0f0c0ffee00d15ea5e0b0a7f00d';
    const pollSpanId = 'a1b2c3d4e5f60718';
    await system.publisher.publish(
      'order.placed',
      amazonOrder('333-0000001-0000001', 'pending', [{ channelSku: 'SKU-T', quantityOrdered: 1 }]),
    );
    // The publish above carries no trace: this one carries the "poll" span's context.
    const traced = amazonOrder('333-0000002-0000002', 'pending', [
      { channelSku: 'SKU-T2', quantityOrdered: 1 },
    ]);
    await system.publisher.publishEnvelope(createEnvelope('order.placed', traced), {
      traceparent: `00-${traceId}-${pollSpanId}-01`,
    });

    const chain = await waitFor(
      'the whole chain at the collector',
      () => {
        const inTrace = spans.filter((s) => s.traceId === traceId);
        const consume1 = inTrace.find(
          (s) => s.name === 'order.placed process' && s.parentSpanId === pollSpanId,
        );
        const publish = consume1 && inTrace.find((s) => s.name === 'availability.changed publish');
        const consume2 =
          publish &&
          inTrace.find((s) => s.name === 'availability.changed process' && s.parentSpanId === publish.spanId);
        return consume1 && publish && consume2 ? { consume1, publish, consume2, inTrace } : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    expect(chain.consume1.service).toBe('inventory-reservation');
    expect(chain.consume2.service).toBe('availability-publisher');
    // The relay's publish continues the trace of the transaction that wrote the event.
    expect(chain.publish.parentSpanId).toBe(chain.consume1.spanId);
    // Database work of the consumer is inside its span, in the same trace.
    expect(
      chain.inTrace.some(
        (s) =>
          s.service === 'inventory-reservation' &&
          s.parentSpanId === chain.consume1.spanId &&
          s.name !== 'availability.changed publish',
      ),
    ).toBe(true);
  });
});
