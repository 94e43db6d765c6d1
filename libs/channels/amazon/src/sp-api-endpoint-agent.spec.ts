import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generate } from 'selfsigned';
import { createSellingPartnerClient } from './selling-partner-client.factory';
import { spApiConnectionFromEnv } from './sp-api-connection.config';
import { createSpApiEndpointAgent } from './sp-api-endpoint-agent';

interface Received {
  method: string;
  host: string | undefined;
  path: string;
  token: string | undefined;
  body: string;
}

/**
 * A loopback TLS endpoint with a self-signed certificate that records what reaches it: the agent
 * under test must bring requests addressed to Amazon's hosts here, and only with the right trust.
 */
describe('SP-API endpoint agent and client factory', () => {
  let server: Server;
  let endpoint: string;
  let certificate: string;
  let received: Received[];
  let nextSpApiAnswer: { status: number; body: unknown } | undefined;

  beforeAll(async () => {
    const pems = await generate([{ name: 'commonName', value: 'test-endpoint' }], {
      keyType: 'ec',
      algorithm: 'sha256',
      extensions: [
        { name: 'basicConstraints', cA: true },
        { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] },
      ],
    });
    certificate = pems.cert;
    server = createServer({ key: pems.private, cert: pems.cert }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        received.push({
          method: req.method ?? '',
          host: req.headers.host,
          path: req.url ?? '',
          token: req.headers['x-amz-access-token'] as string | undefined,
          body: Buffer.concat(chunks).toString(),
        });
        let answer: { status: number; body: unknown } = { status: 200, body: { orders: [] } };
        if (req.url === '/auth/o2/token') {
          answer = {
            status: 200,
            body: {
              access_token: 'Atza|issued',
              token_type: 'bearer',
              expires_in: 3600,
              refresh_token: 'Atzr|r',
            },
          };
        } else if (nextSpApiAnswer) {
          answer = nextSpApiAnswer;
          nextSpApiAnswer = undefined;
        }
        res.writeHead(answer.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(answer.body));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  beforeEach(() => {
    received = [];
    nextSpApiAnswer = undefined;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  });

  const get = (url: string, agent: ReturnType<typeof createSpApiEndpointAgent>) =>
    new Promise<number>((resolve, reject) => {
      const req = request(url, { agent }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end();
    });

  it('sends requests for any host to the endpoint, keeping their Host header', async () => {
    const agent = createSpApiEndpointAgent(endpoint, { ca: certificate });
    try {
      expect(await get('https://sellingpartnerapi-eu.amazon.com/orders/2026-01-01/orders?x=1', agent)).toBe(
        200,
      );
      expect(await get('https://api.amazon.com/auth/o2/token', agent)).toBe(200);
    } finally {
      agent.destroy();
    }
    expect(received.map((r) => [r.host, r.path])).toEqual([
      ['sellingpartnerapi-eu.amazon.com', '/orders/2026-01-01/orders?x=1'],
      ['api.amazon.com', '/auth/o2/token'],
    ]);
  });

  it('checks the endpoint certificate: refused without the CA, accepted with it or insecure on loopback', async () => {
    const untrusted = createSpApiEndpointAgent(endpoint);
    await expect(get('https://sellingpartnerapi-eu.amazon.com/', untrusted)).rejects.toMatchObject({
      code: 'DEPTH_ZERO_SELF_SIGNED_CERT',
    });
    untrusted.destroy();
    const insecure = createSpApiEndpointAgent(endpoint, { insecureTls: true });
    expect(await get('https://sellingpartnerapi-eu.amazon.com/', insecure)).toBe(200);
    insecure.destroy();
  });

  it('refuses insecure TLS towards a non-loopback endpoint and endpoints that are not https origins', () => {
    expect(() => createSpApiEndpointAgent('https://sp-api.example.com:8443', { insecureTls: true })).toThrow(
      /loopback/,
    );
    expect(() => createSpApiEndpointAgent('http://127.0.0.1:8443')).toThrow(/https/);
    expect(() => createSpApiEndpointAgent('https://127.0.0.1:8443/api')).toThrow(/origin/);
  });

  it('builds an amazon-sp-api client whose token exchange and calls go to the endpoint, on the pinned versions', async () => {
    const sp = createSellingPartnerClient({
      region: 'eu',
      refreshToken: 'Atzr|r',
      clientId: 'id',
      clientSecret: 'secret',
      endpoint,
      ca: certificate,
    });
    await sp.callAPI({
      operation: 'searchOrders',
      endpoint: 'orders',
      query: { createdAfter: '2025-01-01T00:00:00Z' },
    });
    await sp.callAPI({
      operation: 'confirmShipment',
      endpoint: 'orders',
      path: { orderId: '402-1-1' },
      body: { marketplaceId: 'APJ6JRA9NG5V4' },
      options: { version: 'v0' },
    });
    expect(received.map((r) => `${r.method} ${r.host} ${r.path.split('?')[0]}`)).toEqual([
      'POST api.amazon.com /auth/o2/token',
      'GET sellingpartnerapi-eu.amazon.com /orders/2026-01-01/orders',
      'POST sellingpartnerapi-eu.amazon.com /orders/v0/orders/402-1-1/shipmentConfirmation',
    ]);
    expect(JSON.parse(received[0].body)).toMatchObject({
      grant_type: 'refresh_token',
      refresh_token: 'Atzr|r',
      client_id: 'id',
      client_secret: 'secret',
    });
    expect(received[1].token).toBe('Atza|issued');
  });

  it('leaves throttling to the caller: one 429, no retry', async () => {
    const sp = createSellingPartnerClient({
      region: 'eu',
      refreshToken: 'Atzr|r',
      clientId: 'id',
      clientSecret: 'secret',
      endpoint,
      ca: certificate,
    });
    nextSpApiAnswer = {
      status: 429,
      body: {
        errors: [{ code: 'QuotaExceeded', message: 'You exceeded your quota for the requested resource.' }],
      },
    };
    await expect(
      sp.callAPI({ operation: 'getOrder', endpoint: 'orders', path: { orderId: '402-1-1' } }),
    ).rejects.toMatchObject({ code: 'QuotaExceeded' });
    expect(received.filter((r) => r.path.startsWith('/orders/'))).toHaveLength(1);
  });

  it('reads the connection from the environment', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'spapi-ca-'));
    const caFile = path.join(dir, 'ca.pem');
    writeFileSync(caFile, certificate);
    const base = { SPAPI_REFRESH_TOKEN: 'Atzr|r', SPAPI_CLIENT_ID: 'id', SPAPI_CLIENT_SECRET: 'secret' };
    expect(spApiConnectionFromEnv(base)).toEqual({
      region: 'eu',
      refreshToken: 'Atzr|r',
      clientId: 'id',
      clientSecret: 'secret',
    });
    const simulator = spApiConnectionFromEnv({ ...base, SPAPI_ENDPOINT: endpoint, SPAPI_CA_FILE: caFile });
    expect(simulator.endpoint).toBe(endpoint);
    expect(String(simulator.ca)).toBe(certificate);
    expect(
      spApiConnectionFromEnv({ ...base, SPAPI_ENDPOINT: endpoint, SPAPI_TLS_INSECURE: 'true' }).insecureTls,
    ).toBe(true);
    expect(() =>
      spApiConnectionFromEnv({
        ...base,
        SPAPI_ENDPOINT: 'https://sp.example.com',
        SPAPI_TLS_INSECURE: 'true',
      }),
    ).toThrow(/loopback/);
    expect(() => spApiConnectionFromEnv({ ...base, SPAPI_TLS_INSECURE: 'true' })).toThrow(/SPAPI_ENDPOINT/);
    expect(() => spApiConnectionFromEnv({ SPAPI_CLIENT_ID: 'id' })).toThrow(/SPAPI_REFRESH_TOKEN/);
  });
});
