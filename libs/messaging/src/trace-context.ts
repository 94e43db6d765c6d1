import { context, propagation, type Context } from '@opentelemetry/api';

/** W3C trace context (`traceparent`, `tracestate`) of the active span, as AMQP headers. */
export function currentTraceHeaders(): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier;
}

/** The context carried by a message's headers (or the active one when there is none). */
export function contextFromHeaders(headers: Record<string, unknown> | undefined): Context {
  const carrier: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers ?? {})) {
    if (typeof value === 'string') carrier[key] = value;
    else if (Buffer.isBuffer(value)) carrier[key] = value.toString('utf8');
  }
  return propagation.extract(context.active(), carrier);
}
