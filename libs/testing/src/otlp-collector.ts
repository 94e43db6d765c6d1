import { createServer, type Server } from 'node:http';

export interface CollectedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  /** OTLP span kind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  attributes: Record<string, string | number | boolean>;
  /** Span ids this span links to (a batch done for several changes). */
  links: { traceId: string; spanId: string }[];
  /** The span as exported, after its resource: every name, attribute, event and status message (scans read it). */
  raw: string;
}

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
}

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind?: number;
  attributes?: { key: string; value: OtlpValue }[];
  links?: { traceId: string; spanId: string }[];
}

function valueOf(v: OtlpValue): string | number | boolean {
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  return v.boolValue ?? '';
}

/**
 * An OTLP/HTTP trace receiver in the test process (the services export `http/json` to it):
 * every span the processes end, with its service, parent, kind, attributes and links, and the
 * span as it arrived. The tracing tests follow traces through it; the chaos runner scans it for
 * buyer data.
 */
export class OtlpCollector {
  readonly spans: CollectedSpan[] = [];
  /** Bodies that were not OTLP JSON, kept whole. */
  readonly unreadable: string[] = [];

  private readonly server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      try {
        this.receive(text);
      } catch {
        this.unreadable.push(text);
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });

  /** `scheduleDelayMs`: how long the services' span processors batch before exporting. */
  private constructor(private readonly scheduleDelayMs: number) {}

  static async start(options: { scheduleDelayMs?: number } = {}): Promise<OtlpCollector> {
    const collector = new OtlpCollector(options.scheduleDelayMs ?? 100);
    await new Promise<void>((r) => collector.server.listen(0, '127.0.0.1', r));
    return collector;
  }

  /** OTEL_* variables that make a service export its spans here, quickly. */
  get env(): Record<string, string> {
    const { port } = this.server.address() as { port: number };
    return {
      OTEL_SDK_DISABLED: 'false',
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
      OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: String(this.scheduleDelayMs),
    };
  }

  /** The spans of one trace. */
  trace(traceId: string): CollectedSpan[] {
    return this.spans.filter((s) => s.traceId === traceId);
  }

  /** Whether `ancestor` is `span`'s parent, grandparent… within the spans collected. */
  descendsFrom(span: CollectedSpan, ancestor: CollectedSpan): boolean {
    const byId = new Map(this.trace(span.traceId).map((s) => [s.spanId, s]));
    for (let current = byId.get(span.parentSpanId); current; current = byId.get(current.parentSpanId)) {
      if (current.spanId === ancestor.spanId) return true;
    }
    return span.parentSpanId === ancestor.spanId;
  }

  async stop(): Promise<void> {
    await new Promise((r) => this.server.close(r));
  }

  private receive(text: string): void {
    const body = JSON.parse(text) as {
      resourceSpans?: {
        resource?: { attributes?: { key: string; value: OtlpValue }[] };
        scopeSpans?: { spans?: OtlpSpan[] }[];
      }[];
    };
    for (const rs of body.resourceSpans ?? []) {
      const service =
        rs.resource?.attributes?.find((a) => a.key === 'service.name')?.value.stringValue ?? '?';
      const resource = JSON.stringify(rs.resource ?? {});
      for (const ss of rs.scopeSpans ?? []) {
        for (const s of ss.spans ?? []) {
          this.spans.push({
            service,
            traceId: s.traceId,
            spanId: s.spanId,
            parentSpanId: s.parentSpanId ?? '',
            name: s.name,
            kind: s.kind ?? 0,
            attributes: Object.fromEntries((s.attributes ?? []).map((a) => [a.key, valueOf(a.value)])),
            links: (s.links ?? []).map((l) => ({ traceId: l.traceId, spanId: l.spanId })),
            raw: `${resource} ${JSON.stringify(s)}`,
          });
        }
      }
    }
  }
}
