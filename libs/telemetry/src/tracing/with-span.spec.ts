import { SpanStatusCode, trace } from '@opentelemetry/api';
import { startTelemetryForTests, type TestTelemetry } from './start-telemetry';
import { contextFromCarrier, parentAndLinks, withSpan } from './with-span';

const carrier = (traceId: string, spanId: string) => ({ traceparent: `00-${traceId}-${spanId}-01` });
const A = carrier('0af7651916cd43dd8448eb211c80319c', 'b7ad6b7169203331');
const B = carrier('1bf7651916cd43dd8448eb211c80319d', 'c7ad6b7169203332');

describe('withSpan and stored trace contexts', () => {
  let telemetry: TestTelemetry;

  beforeAll(() => {
    telemetry = startTelemetryForTests('with-span-spec');
  });

  afterAll(async () => {
    await telemetry.shutdown();
  });

  beforeEach(() => telemetry.exporter.reset());

  it('makes the span active for the work, so what it starts is its child', async () => {
    await withSpan('outer', {}, async (outer) => {
      expect(trace.getActiveSpan()?.spanContext().spanId).toBe(outer.spanContext().spanId);
      await withSpan('inner', {}, async () => undefined);
    });
    const [inner, outer] = telemetry.finishedSpans();
    expect(inner.name).toBe('inner');
    expect(inner.parentSpanContext?.spanId).toBe(outer.spanContext().spanId);
    expect(inner.spanContext().traceId).toBe(outer.spanContext().traceId);
  });

  it('ends the span with an error status and rethrows the error unchanged', async () => {
    const error = new Error('channel down');
    await expect(withSpan('failing', {}, async () => Promise.reject(error))).rejects.toBe(error);
    const [span] = telemetry.finishedSpans();
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'channel down' });
  });

  it('continues a stored context, not the one active when the work runs', async () => {
    await withSpan('scheduler round', {}, () =>
      withSpan('publish attempt', { parent: contextFromCarrier(A) }, async () => undefined),
    );
    const attempt = telemetry.finishedSpans().find((s) => s.name === 'publish attempt');
    expect(attempt?.spanContext().traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(attempt?.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
  });

  it('gives a batch the first context as parent and links each other distinct one', async () => {
    const { parent, links } = parentAndLinks([A, B, null, A, B, {}]);
    expect(trace.getSpanContext(parent)?.spanId).toBe('b7ad6b7169203331');
    expect(links.map((l) => l.context.spanId)).toEqual(['c7ad6b7169203332']);
    // No stored context at all: a trace of its own, nothing linked.
    const none = parentAndLinks([null, undefined]);
    expect(trace.getSpanContext(none.parent)).toBeUndefined();
    expect(none.links).toEqual([]);
  });
});
