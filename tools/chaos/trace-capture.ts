import { createServer, type Server } from 'node:http';

/** A piece of text the PII scan reads, and where it comes from. */
export interface CapturedText {
  source: string;
  text: string;
}

/** The parts of an OTLP/HTTP JSON export the capture reads; everything else stays in the span's JSON. */
interface OtlpTraces {
  resourceSpans?: {
    resource?: { attributes?: { key: string; value: { stringValue?: string } }[] };
    scopeSpans?: { spans?: { name?: string }[] }[];
  }[];
}

/**
 * An OTLP/HTTP trace receiver for the chaos system (the services export `http/json` to it).
 * It keeps every span as the JSON it arrived in, with its service, so the scan reads every
 * name, attribute, event and status message.
 */
export class TraceCapture {
  private readonly received: CapturedText[] = [];
  private readonly server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      this.receive(Buffer.concat(chunks).toString('utf8'));
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });

  static async start(): Promise<TraceCapture> {
    const capture = new TraceCapture();
    await new Promise<void>((resolve) => capture.server.listen(0, '127.0.0.1', resolve));
    return capture;
  }

  /** OTEL_* variables that make a service export its spans here. */
  get env(): Record<string, string> {
    const { port } = this.server.address() as { port: number };
    return {
      OTEL_SDK_DISABLED: 'false',
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
      OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '1000',
    };
  }

  /** Every span received, as `trace:<service> <span name>` and its JSON. */
  spans(): readonly CapturedText[] {
    return this.received;
  }

  get count(): number {
    return this.received.length;
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server.close(resolve));
  }

  private receive(text: string): void {
    let body: OtlpTraces;
    try {
      body = JSON.parse(text) as OtlpTraces;
    } catch {
      // Not JSON (another protocol): kept whole, so the scan still reads it.
      this.received.push({ source: 'trace:?', text });
      return;
    }
    for (const rs of body.resourceSpans ?? []) {
      const service =
        rs.resource?.attributes?.find((a) => a.key === 'service.name')?.value.stringValue ?? '?';
      const resource = JSON.stringify(rs.resource ?? {});
      for (const ss of rs.scopeSpans ?? [])
        for (const span of ss.spans ?? [])
          this.received.push({
            source: `trace:${service} ${span.name ?? '?'}`,
            text: `${resource} ${JSON.stringify(span)}`,
          });
    }
  }
}
