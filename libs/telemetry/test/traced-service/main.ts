// First line, as in every app's main.ts: tracing starts before Nest, express and http load.
import './instrumentation';
import { NestFactory } from '@nestjs/core';
import { useTelemetryLogger } from '../../src/telemetry.module';
import { TracedServiceModule } from './traced-service.module';

async function main(): Promise<void> {
  const app = await NestFactory.create(TracedServiceModule, { bufferLogs: true });
  useTelemetryLogger(app);
  app.enableShutdownHooks();
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  // The parent test waits for this line to learn the port.
  process.stdout.write(`${JSON.stringify({ listening: port })}\n`);
}

void main();
