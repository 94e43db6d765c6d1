import { createConnection, createServer, type Server, type Socket } from 'node:net';

interface Pair {
  client: Socket;
  upstream: Socket;
  /** Bytes read during a stall, in order, each with the socket it is for. */
  held: [Socket, Buffer][];
}

/**
 * A TCP proxy that injects network faults between the services and the broker or the
 * database: the services connect to it, it connects to the real server.
 *
 * Written here on node:net because what exists does not fit: toxiproxy (the usual tool) is
 * a Go binary with its own control API, not something to run inside the runner, and the
 * npm proxies forward bytes without any way to drop, stall or refuse on command.
 */
export class FaultProxy {
  private readonly pairs = new Set<Pair>();
  private stalled = false;
  private refusing = false;

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(targetPort: number, targetHost = '127.0.0.1'): Promise<FaultProxy> {
    // The server needs its handler before the proxy it hands connections to exists.
    const created: { proxy?: FaultProxy } = {};
    const server = createServer((client) => created.proxy?.accept(client, targetHost, targetPort));
    const port = await new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        resolve(typeof address === 'object' && address ? address.port : 0);
      });
    });
    created.proxy = new FaultProxy(server, port);
    return created.proxy;
  }

  /** Connections open through the proxy now. */
  get connections(): number {
    return this.pairs.size;
  }

  private accept(client: Socket, host: string, port: number): void {
    if (this.refusing) {
      client.resetAndDestroy();
      return;
    }
    const upstream = createConnection({ host, port });
    const pair: Pair = { client, upstream, held: [] };
    this.pairs.add(pair);
    const close = () => {
      this.pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
    // Forwarded by hand rather than piped: a stall must hold bytes, and pipe() resumes a
    // paused source by itself when the other side drains.
    client.on('data', (chunk: Buffer) => this.forward(pair, upstream, chunk));
    upstream.on('data', (chunk: Buffer) => this.forward(pair, client, chunk));
  }

  private forward(pair: Pair, to: Socket, chunk: Buffer): void {
    if (this.stalled) pair.held.push([to, chunk]);
    else if (!to.destroyed) to.write(chunk);
  }

  /** Resets every open connection (what a crashed load balancer or a network blip does). */
  drop(): number {
    const dropped = this.pairs.size;
    for (const { client, upstream } of [...this.pairs]) {
      client.resetAndDestroy();
      upstream.resetAndDestroy();
    }
    return dropped;
  }

  /**
   * Forwards nothing in either direction for `ms` (connections stay open, bytes wait), then
   * resumes: a congested or partitioned link that heals.
   */
  async stall(ms: number): Promise<void> {
    this.stalled = true;
    await new Promise((resolve) => setTimeout(resolve, ms));
    this.stalled = false;
    for (const pair of this.pairs) {
      for (const [to, chunk] of pair.held.splice(0)) if (!to.destroyed) to.write(chunk);
    }
  }

  /** Drops every connection and refuses new ones for `ms`: the server is unreachable. */
  async partition(ms: number): Promise<number> {
    this.refusing = true;
    const dropped = this.drop();
    await new Promise((resolve) => setTimeout(resolve, ms));
    this.refusing = false;
    return dropped;
  }

  async close(): Promise<void> {
    this.drop();
    await new Promise((resolve) => this.server.close(resolve));
  }
}
