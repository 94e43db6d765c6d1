// Tests must be quiet and deterministic: no OpenTelemetry export unless a test asks for it,
// logs at warn so a failing test's output stays readable.
process.env.OTEL_SDK_DISABLED ??= 'true';
process.env.LOG_LEVEL ??= 'warn';
require('reflect-metadata');
