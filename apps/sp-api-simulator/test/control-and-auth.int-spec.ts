import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import pino from 'pino';
import { generate } from 'selfsigned';
import { loadSimulatorConfig } from '../src/config/simulator-config';
import { startSimulator } from '../src/simulator';
import { DE, IT, SimulatorHarness, minutesAgo } from './support/simulator-harness';

const UNAUTHORIZED = {
  errors: [{ code: 'Unauthorized', message: 'Access to requested resource is denied.', details: '' }],
};

describe('LWA and access tokens', () => {
  let harness: SimulatorHarness;

  beforeAll(async () => {
    harness = await SimulatorHarness.start();
  });

  afterAll(async () => {
    await harness.close();
  });

  it('exchanges a refresh token (form or JSON) for an expiring bearer token', async () => {
    const form = await harness.https('POST', '/auth/o2/token', {
      token: null,
      host: 'api.amazon.com',
      form: {
        grant_type: 'refresh_token',
        refresh_token: 'Atzr|form',
        client_id: 'id',
        client_secret: 'secret',
      },
    });
    expect(form.status).toBe(200);
    expect(form.json).toEqual({
      access_token: expect.stringMatching(/^Atza\|/),
      token_type: 'bearer',
      expires_in: 3600,
      refresh_token: 'Atzr|form',
    });
    const json = await harness.https('POST', '/auth/o2/token', {
      token: null,
      host: 'api.amazon.com',
      body: {
        grant_type: 'refresh_token',
        refresh_token: 'Atzr|json',
        client_id: 'id',
        client_secret: 'secret',
      },
    });
    expect(json.status).toBe(200);
  });

  it('refuses a bad grant or missing client credentials the way LWA does', async () => {
    const noClient = await harness.https('POST', '/auth/o2/token', {
      token: null,
      form: { grant_type: 'refresh_token', refresh_token: 'x' },
    });
    expect(noClient.status).toBe(401);
    expect(noClient.json.error).toBe('invalid_client');
    const badGrant = await harness.https('POST', '/auth/o2/token', {
      token: null,
      form: { grant_type: 'password', client_id: 'a', client_secret: 'b' },
    });
    expect(badGrant.json.error).toBe('unsupported_grant_type');
    // Token exchanges are counted like operations, refusals included.
    const lwa = (await harness.control('GET', '/_sim/stats')).json.operations.requestAccessToken;
    expect(lwa).toMatchObject({ unauthorized: 1, invalid: 1 });
    expect(lwa.succeeded).toBe(lwa.calls - 2);
  });

  it('answers 403 Unauthorized without a valid token', async () => {
    const none = await harness.https('GET', '/orders/2026-01-01/orders', {
      token: null,
      query: { createdAfter: minutesAgo(60) },
    });
    expect(none.status).toBe(403);
    expect(none.json).toEqual(UNAUTHORIZED);
    expect(harness.violations('searchOrders', 403, none.json)).toEqual([]);
    const forged = await harness.https('GET', '/orders/2026-01-01/orders', {
      token: 'Atza|forged',
      query: { createdAfter: minutesAgo(60) },
    });
    expect(forged.json).toEqual(UNAUTHORIZED);
  });

  it('says when a token expired, and amazon-sp-api refreshes it and carries on', async () => {
    const sp = harness.client('Atzr|refreshing');
    await sp.callAPI({
      operation: 'searchOrders',
      endpoint: 'orders',
      query: { createdAfter: minutesAgo(60) },
    });
    const token = await harness.accessToken();
    const expired = await harness.control('POST', '/_sim/access-tokens/expire');
    expect(expired.json.expired).toBeGreaterThan(0);

    const raw = await harness.https('GET', '/orders/2026-01-01/orders', {
      token,
      query: { createdAfter: minutesAgo(60) },
    });
    expect(raw.status).toBe(403);
    expect(raw.json.errors[0].details).toBe('The access token you provided has expired.');

    const calls = () =>
      harness.control('GET', '/_sim/stats').then((r) => r.json.operations.requestAccessToken.calls as number);
    const before = await calls();
    const result = (await sp.callAPI({
      operation: 'searchOrders',
      endpoint: 'orders',
      query: { createdAfter: minutesAgo(60) },
    })) as { orders: unknown[] };
    expect(Array.isArray(result.orders)).toBe(true);
    expect(await calls()).toBe(before + 1);
  });

  it('with only registered refresh tokens accepted, an unknown one is an invalid grant', async () => {
    const strict = await SimulatorHarness.start(
      { acceptUnknownRefreshTokens: false },
      { sellers: [{ refreshToken: 'Atzr|known', sellerId: 'A1KNOWN' }] },
    );
    try {
      await expect(strict.accessToken('Atzr|unknown')).rejects.toThrow(/invalid_grant/);
      await expect(strict.accessToken('Atzr|known')).resolves.toMatch(/^Atza\|/);
    } finally {
      await strict.close();
    }
  });
});

describe('control API', () => {
  let harness: SimulatorHarness;

  beforeAll(async () => {
    harness = await SimulatorHarness.start(
      {},
      {
        sellers: [{ refreshToken: 'Atzr|scenario', sellerId: 'A1SCENARIO' }],
        listings: [{ sku: 'SCN-1', productType: 'HOME', quantity: 8, fulfillmentChannelCode: 'DEFAULT' }],
        orders: [
          {
            marketplaceId: DE,
            fulfilledBy: 'MERCHANT',
            status: 'UNSHIPPED',
            items: [{ sellerSku: 'SCN-1', quantity: 1 }],
            orderId: '402-0000001-0000001',
          },
        ],
        usagePlans: [{ operation: 'getOrder', rate: 2, burst: 3 }],
      },
    );
  });

  afterAll(async () => {
    await harness.close();
  });

  it('serves an OpenAPI document that describes every control route', async () => {
    const document = (await harness.control('GET', '/_sim/openapi.json')).json;
    expect(document.openapi).toMatch(/^3\./);
    const documented = Object.entries(document.paths as Record<string, Record<string, unknown>>).flatMap(
      ([route, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${route}`),
    );
    const { ControlServer } = await import('../src/control/control-server');
    const server = new ControlServer(harness.world, pino({ level: 'silent' }), {
      openApi: () => ({}),
      caCertificate: '',
    });
    const served = server.router.templates().map(({ method, template }) => `${method} ${template}`);
    expect(documented.sort()).toEqual(served.sort());
  });

  it("the app's README documents every control route, and only those", async () => {
    const readme = readFileSync(path.join(__dirname, '../README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Control API'), readme.indexOf('### Scenario file'));
    // `GET /_sim/orders[?sellerId=&status=]` documents GET /_sim/orders.
    const documented = [...section.matchAll(/`(GET|POST|PUT|DELETE) (\/_sim\/[^`\s[?]*)/g)].map(
      ([, method, route]) => `${method} ${route}`,
    );
    const { ControlServer } = await import('../src/control/control-server');
    const server = new ControlServer(harness.world, pino({ level: 'silent' }), {
      openApi: () => ({}),
      caCertificate: '',
    });
    const served = server.router.templates().map(({ method, template }) => `${method} ${template}`);
    expect([...new Set(documented)].sort()).toEqual(served.sort());
  });

  it('loads the scenario: sellers, listings, orders, usage plans', async () => {
    expect((await harness.control('GET', '/_sim/listings/SCN-1')).json.quantity).toBe(8);
    expect((await harness.control('GET', '/_sim/orders/402-0000001-0000001')).json.status).toBe('UNSHIPPED');
    expect((await harness.control('GET', '/_sim/sellers')).json.sellers).toEqual([
      { refreshToken: 'Atzr|scenario', sellerId: 'A1SCENARIO' },
    ]);
    const plans = (await harness.control('GET', '/_sim/usage-plans')).json.usagePlans;
    expect(plans).toContainEqual({
      operation: 'getOrder',
      sellerId: null,
      rate: 2,
      burst: 3,
      source: 'override',
    });
    expect(plans).toContainEqual({
      operation: 'searchOrders',
      sellerId: null,
      rate: 0.0056,
      burst: 20,
      source: 'model',
    });
  });

  it('counts calls, invalid requests and throttles per operation', async () => {
    await harness.https('GET', '/orders/2026-01-01/orders', { query: {} });
    for (let i = 0; i < 5; i++) await harness.https('GET', '/orders/2026-01-01/orders/402-0000001-0000001');
    const stats = (await harness.control('GET', '/_sim/stats')).json;
    expect(stats.operations.searchOrders).toMatchObject({ calls: 1, invalid: 1 });
    expect(stats.operations.getOrder).toMatchObject({ calls: 5, succeeded: 3, throttled: 2 });
  });

  it('refuses unknown fields and bad values with application/problem+json', async () => {
    const typo = await harness.control('POST', '/_sim/orders', {
      marketplaceId: IT,
      items: [{ sellerSku: 'A', quantity: 1 }],
      quantity: 3,
    });
    expect(typo.status).toBe(400);
    expect(typo.headers['content-type']).toBe('application/problem+json');
    expect(typo.json.title).toBe('Invalid request body');
    expect(
      (
        await harness.control('POST', '/_sim/orders', {
          marketplaceId: 'ATVPDKIKX0DER',
          items: [{ sellerSku: 'A', quantity: 1 }],
        })
      ).status,
    ).toBe(400);
    expect((await harness.control('GET', '/_sim/nothing')).status).toBe(404);
    expect((await harness.control('GET', '/_sim/orders/000-0000000-0000000')).status).toBe(404);
  });

  it('reset empties the state and reloads the scenario', async () => {
    await harness.createOrder({ marketplaceId: IT, items: [{ sellerSku: 'GONE', quantity: 1 }] });
    expect((await harness.control('GET', '/_sim/orders')).json.orders).toHaveLength(2);
    expect((await harness.control('POST', '/_sim/reset', {})).status).toBe(204);
    const orders = (await harness.control('GET', '/_sim/orders')).json.orders;
    expect(orders.map((o: { orderId: string }) => o.orderId)).toEqual(['402-0000001-0000001']);
    expect((await harness.control('GET', '/_sim/stats')).json.totals.calls).toBe(0);
    expect((await harness.control('POST', '/_sim/reset', { reloadScenario: false })).status).toBe(204);
    expect((await harness.control('GET', '/_sim/orders')).json.orders).toHaveLength(0);
  });

  it('serves its certificate for clients to trust', async () => {
    const pem = await harness.control('GET', '/_sim/ca.pem');
    expect(pem.text).toBe(harness.simulator.caCertificate);
  });
});

describe('configuration', () => {
  it('reads the environment, with the documented defaults', () => {
    const defaults = loadSimulatorConfig({});
    expect(defaults).toMatchObject({
      host: '127.0.0.1',
      port: 8443,
      controlHost: '127.0.0.1',
      controlPort: 8444,
      timeScale: 1,
      seed: 1,
      region: 'eu',
    });
    expect(defaults.delays.dataLagMs).toBe(120_000);
    const custom = loadSimulatorConfig({
      SIM_TIME_SCALE: '60',
      SIM_SEED: '42',
      SPAPI_SIM_CARRIERS: 'BRT, GLS',
      SPAPI_SIM_ACCEPT_ANY_REFRESH_TOKEN: 'false',
    });
    expect(custom).toMatchObject({
      timeScale: 60,
      seed: 42,
      carrierCodes: ['BRT', 'GLS'],
      acceptUnknownRefreshTokens: false,
    });
    expect(() => loadSimulatorConfig({ SIM_TIME_SCALE: '0' })).toThrow(/SIM_TIME_SCALE/);
  });

  it('loads SIM_SCENARIO at start and writes its certificate to SPAPI_SIM_CA_OUT', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sp-api-sim-'));
    const scenarioFile = path.join(dir, 'scenario.json');
    writeFileSync(
      scenarioFile,
      JSON.stringify({ listings: [{ sku: 'FILE-1', productType: 'HOME', quantity: 2 }] }),
    );
    const config = loadSimulatorConfig({
      SPAPI_SIM_PORT: '0',
      SPAPI_SIM_CONTROL_PORT: '0',
      SIM_SCENARIO: scenarioFile,
      SPAPI_SIM_CA_OUT: path.join(dir, 'ca.pem'),
      SPAPI_SIM_TLS_NAMES: 'sp-api-simulator, 10.0.0.7',
    });
    const simulator = await startSimulator({ config, logger: pino({ level: 'silent' }) });
    try {
      expect(simulator.world.listings.get(config.defaultSellerId, 'FILE-1')?.productType).toBe('HOME');
      expect(readFileSync(path.join(dir, 'ca.pem'), 'utf8')).toBe(simulator.caCertificate);
      const names = new X509Certificate(simulator.caCertificate).subjectAltName;
      expect(names).toContain('DNS:sp-api-simulator');
      expect(names).toContain('IP Address:10.0.0.7');
      expect(names).toContain('IP Address:127.0.0.1');
    } finally {
      await simulator.close();
    }
  });

  it('serves the certificate given by path (SPAPI_SIM_TLS_CERT/KEY) instead of generating one', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sp-api-sim-'));
    const pems = await generate([{ name: 'commonName', value: 'operator-issued' }], {
      keyType: 'ec',
      algorithm: 'sha256',
      extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
    });
    writeFileSync(path.join(dir, 'cert.pem'), pems.cert);
    writeFileSync(path.join(dir, 'key.pem'), pems.private);
    const config = loadSimulatorConfig({
      SPAPI_SIM_PORT: '0',
      SPAPI_SIM_CONTROL_PORT: '0',
      SPAPI_SIM_TLS_CERT: path.join(dir, 'cert.pem'),
      SPAPI_SIM_TLS_KEY: path.join(dir, 'key.pem'),
    });
    const simulator = await startSimulator({ config, logger: pino({ level: 'silent' }) });
    try {
      const port = Number(new URL(simulator.spApiUrl).port);
      // A client trusting only the operator's certificate completes the handshake and sees it.
      const peer = await new Promise<{ authorized: boolean; fingerprint: string }>((resolve, reject) => {
        const socket = tlsConnect({ host: '127.0.0.1', port, ca: pems.cert }, () => {
          resolve({
            authorized: socket.authorized,
            fingerprint: socket.getPeerX509Certificate()!.fingerprint256,
          });
          socket.end();
        });
        socket.on('error', reject);
      });
      expect(peer).toEqual({ authorized: true, fingerprint: new X509Certificate(pems.cert).fingerprint256 });
      expect(simulator.caCertificate).toBe(pems.cert);
      expect(await (await fetch(`${simulator.controlUrl}/_sim/ca.pem`)).text()).toBe(pems.cert);
    } finally {
      await simulator.close();
    }

    const halfPair = loadSimulatorConfig({
      SPAPI_SIM_PORT: '0',
      SPAPI_SIM_CONTROL_PORT: '0',
      SPAPI_SIM_TLS_CERT: path.join(dir, 'cert.pem'),
    });
    await expect(startSimulator({ config: halfPair, logger: pino({ level: 'silent' }) })).rejects.toThrow(
      /SPAPI_SIM_TLS_CERT and SPAPI_SIM_TLS_KEY go together/,
    );
  });

  it('refuses a scenario with unknown fields', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sp-api-sim-'));
    const scenarioFile = path.join(dir, 'scenario.json');
    writeFileSync(scenarioFile, JSON.stringify({ listing: [] }));
    const config = loadSimulatorConfig({
      SPAPI_SIM_PORT: '0',
      SPAPI_SIM_CONTROL_PORT: '0',
      SIM_SCENARIO: scenarioFile,
    });
    await expect(startSimulator({ config, logger: pino({ level: 'silent' }) })).rejects.toThrow(
      /invalid scenario/,
    );
  });
});
