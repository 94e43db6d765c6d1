import type { INestApplication, Type } from '@nestjs/common';

export interface RunningApp {
  app: INestApplication;
  baseUrl: string;
  close(): Promise<void>;
}

/** Starts a real Nest HTTP server for `module` on an ephemeral port. */
export async function startHttpApp(
  module: Type<unknown>,
  configure?: (app: INestApplication) => void | Promise<void>,
): Promise<RunningApp> {
  // Loaded here rather than at the top so a test can start tracing before `http` is patched.
  const { NestFactory } = await import('@nestjs/core');
  const app = await NestFactory.create(module, { logger: false, bufferLogs: true });
  await configure?.(app);
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  return { app, baseUrl: `http://127.0.0.1:${address.port}`, close: () => app.close() };
}
