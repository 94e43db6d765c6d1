import { isSpanContextValid, trace } from '@opentelemetry/api';

export interface TraceIds {
  trace_id: string;
  span_id: string;
  trace_flags: string;
}

/**
 * Ids of the span active in the current async context, named as the OpenTelemetry log
 * data model names them so a log backend can jump from a log line to its trace.
 */
export function currentTraceIds(): TraceIds | undefined {
  const spanContext = trace.getActiveSpan()?.spanContext();
  if (!spanContext || !isSpanContextValid(spanContext)) return undefined;
  return {
    trace_id: spanContext.traceId,
    span_id: spanContext.spanId,
    trace_flags: `0${spanContext.traceFlags.toString(16)}`.slice(-2),
  };
}
