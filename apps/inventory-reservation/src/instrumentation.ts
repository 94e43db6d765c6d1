// Loaded first by main.ts: OpenTelemetry must patch http, express and pg before they are
// required. Off unless OTEL_TRACES_EXPORTER or OTEL_EXPORTER_OTLP_ENDPOINT is set.
import { startTelemetry } from '@holdfast/telemetry';

startTelemetry({ serviceName: 'inventory-reservation' });
