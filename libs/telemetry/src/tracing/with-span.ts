import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Link,
  type Span,
} from '@opentelemetry/api';

const tracer = trace.getTracer('@holdfast/telemetry');

export interface SpanOptions {
  attributes?: Attributes;
  kind?: SpanKind;
  /** The parent; defaults to the active context. */
  parent?: Context;
  /** Other causes of the work (a batch sent for many changes, each with its own trace). */
  links?: Link[];
}

/**
 * Runs `work` inside a new active span, so whatever it does (database calls, HTTP calls,
 * outbox rows that capture the active context) joins the span's trace. An error ends the
 * span with an error status and is rethrown unchanged. Without a tracer provider (tracing
 * off) the span is a no-op and `work` simply runs.
 */
export async function withSpan<T>(
  name: string,
  options: SpanOptions,
  work: (span: Span) => Promise<T>,
): Promise<T> {
  const parent = options.parent ?? context.active();
  return tracer.startActiveSpan(
    name,
    { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes, links: options.links },
    parent,
    async (span) => {
      try {
        const result = await work(span);
        span.setStatus({ code: SpanStatusCode.OK });
        return result;
      } catch (error) {
        span.recordException(error as Error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error)?.message ?? String(error) });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

/**
 * The context a stored W3C carrier (`traceparent`, `tracestate`) stands for, detached from
 * whatever is active now: work resumed later (a scheduler, a retry) continues the trace of
 * the change that caused it, not of the loop that happens to run it.
 */
export function contextFromCarrier(carrier: Record<string, string> | null | undefined): Context {
  return propagation.extract(ROOT_CONTEXT, carrier ?? {});
}

/** A link to the span a stored carrier names, or undefined when it names none. */
export function linkFromCarrier(carrier: Record<string, string> | null | undefined): Link | undefined {
  const spanContext = trace.getSpanContext(contextFromCarrier(carrier));
  return spanContext && trace.isSpanContextValid(spanContext) ? { context: spanContext } : undefined;
}

/**
 * Parent and links for work done for several earlier changes at once (one batch for many
 * listings): the first carrier is the parent, every other distinct one a link.
 */
export function parentAndLinks(carriers: readonly (Record<string, string> | null | undefined)[]): {
  parent: Context;
  links: Link[];
} {
  const [first, ...rest] = carriers;
  const seen = new Set<string>([first?.['traceparent'] ?? '']);
  const links: Link[] = [];
  for (const carrier of rest) {
    const key = carrier?.['traceparent'];
    if (!key || seen.has(key)) continue;
    seen.add(key);
    const link = linkFromCarrier(carrier);
    if (link) links.push(link);
  }
  return { parent: contextFromCarrier(first), links };
}
