import { createEnvelope } from '@holdfast/contracts';
import { OtlpCollector, waitFor } from '@holdfast/testing';
import { amazonOrder, HoldfastSystem } from './support/holdfast-system';

/**
 * One order is one trace: the test plays order-ingest's part (a root span whose context
 * it publishes with the event), then the consumer in inventory-reservation, its outbox
 * write, the relay's publish and the consumer in availability-publisher must all join it,
 * each the child of the one before, as an OTLP collector receives them from the processes.
 * (tracing-order.e2e-spec.ts drives a real order from the poll to the channel call.)
 */
describe('one order, one trace across the services (OTLP from real processes)', () => {
  let system: HoldfastSystem;
  let collector: OtlpCollector;

  beforeAll(async () => {
    collector = await OtlpCollector.start();
    system = await HoldfastSystem.start(
      'trace',
      ['inventory-reservation', 'availability-publisher'],
      collector.env,
    );
  });

  afterAll(async () => {
    await system?.stop();
    await collector?.stop();
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
        const inTrace = collector.trace(traceId);
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
