import type { Type } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';

export interface RunningApp {
  app: NestExpressApplication;
  baseUrl: string;
  close(): Promise<void>;
}

/** Starts a real Nest HTTP server for `module` on an ephemeral port. */
export async function startHttpApp(
  module: Type<unknown>,
  configure?: (app: NestExpressApplication) => void,
): Promise<RunningApp> {
  const { NestFactory } = await import('@nestjs/core');
  const app = await NestFactory.create<NestExpressApplication>(module, { logger: false });
  configure?.(app);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  return { app, baseUrl: `http://127.0.0.1:${port}`, close: () => app.close() };
}
