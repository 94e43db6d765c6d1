import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ReceivedRequest } from './shop-simulator-process';

/**
 * A minimal webhook endpoint on a free port: reads the raw body (the signature covers those
 * bytes), lets the test decide the answer, and records what came in and what it answered.
 */
export class WebhookReceiver {
  readonly received: (ReceivedRequest & { status: number })[] = [];

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(handle: (request: ReceivedRequest) => number): Promise<WebhookReceiver> {
    const holder: { receiver?: WebhookReceiver } = {};
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const request = { headers: req.headers, rawBody: Buffer.concat(chunks) };
        let status: number;
        try {
          status = handle(request);
        } catch {
          status = 500;
        }
        holder.receiver?.received.push({ ...request, status });
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    holder.receiver = new WebhookReceiver(
      server,
      `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`,
    );
    return holder.receiver;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}
