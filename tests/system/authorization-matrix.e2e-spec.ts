import { TEST_API_KEY, TEST_UNSCOPED_API_KEY } from '@holdfast/testing';
import { listedEndpoints } from './hostile-endpoints';
import { HoldfastSystem, type AppName } from './support/holdfast-system';

/**
 * Every HTTP endpoint of every service, read from its own OpenAPI document, must refuse a
 * request without a key (401) and one whose key lacks the scope (403), before it looks at
 * the input. The list of endpoints is also checked against hostile-endpoints.ts (the one list,
 * shared with the hostile-input suite), so a new endpoint fails this test until someone lists it
 * (and thereby looks at its protection).
 */
const APPS: AppName[] = [
  'order-ingest',
  'inventory-reservation',
  'availability-publisher',
  'shipment-notifier',
];
const PUBLIC = [/^\/health\//, /^\/metrics$/, /^\/openapi\.json$/, /^\/docs/];
/**
 * Endpoints a web shop calls: a shop cannot send an API key, so they are public to the key guard
 * and authenticated by the HMAC signature of their body instead (verified per shop account;
 * tests/system/order-ingest-shops.e2e-spec.ts covers good, wrong and missing signatures).
 * Listed here one by one so that no other endpoint can skip the key checks unnoticed.
 */
const PUBLIC_BY_SIGNATURE: Partial<Record<AppName, string[]>> = {
  'order-ingest': ['POST /v1/webhooks/shopify/{accountId}', 'POST /v1/webhooks/woocommerce/{accountId}'],
};
const LISTED = listedEndpoints();

interface Endpoint {
  method: string;
  path: string;
  public: boolean;
  signed: boolean;
}

describe('authorization matrix: every endpoint × no key / key without the scope', () => {
  let system: HoldfastSystem;
  const endpoints = new Map<AppName, Endpoint[]>();

  beforeAll(async () => {
    system = await HoldfastSystem.start('authz', APPS);
    for (const app of APPS) {
      const doc = (await (await fetch(`${system.service(app).baseUrl}/openapi.json`)).json()) as {
        paths: Record<string, Record<string, { security?: unknown[] }>>;
      };
      const list: Endpoint[] = [];
      for (const [p, ops] of Object.entries(doc.paths)) {
        for (const method of Object.keys(ops)) {
          const signed = (PUBLIC_BY_SIGNATURE[app] ?? []).includes(`${method.toUpperCase()} ${p}`);
          list.push({
            method: method.toUpperCase(),
            path: p,
            public: signed || PUBLIC.some((re) => re.test(p)),
            signed,
          });
        }
      }
      endpoints.set(app, list);
    }
  });

  afterAll(async () => {
    await system?.stop();
  });

  it('lists exactly the endpoints the services serve (update hostile-endpoints.ts with each new one)', () => {
    const served = Object.fromEntries(
      APPS.map((app) => [
        app,
        endpoints
          .get(app)!
          .map((e) => `${e.method} ${e.path}`)
          .sort(),
      ]),
    );
    const listed = Object.fromEntries(APPS.map((app) => [app, [...(LISTED[app] ?? [])].sort()]));
    expect(served).toEqual(listed);
  });

  it('authenticates every public-by-signature endpoint by its signature: 401 unsigned, with an API key, or wrongly signed', async () => {
    const failures: string[] = [];
    for (const app of APPS) {
      const served = endpoints.get(app)!.filter((e) => e.signed);
      expect(served.map((e) => `${e.method} ${e.path}`).sort()).toEqual(
        [...(PUBLIC_BY_SIGNATURE[app] ?? [])].sort(),
      );
      for (const e of served) {
        const url = `${system.service(app).baseUrl}${e.path.replace(/\{[^}]+\}/g, 'probe-1')}`;
        const body = JSON.stringify({ id: 1, line_items: [{ id: 1, sku: 'PROBE', quantity: 1 }] });
        const attempts: Record<string, Record<string, string>> = {
          unsigned: {},
          'with an API key': { authorization: `Bearer ${TEST_API_KEY}` },
          'wrongly signed': {
            'x-shopify-hmac-sha256': 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
            'x-wc-webhook-signature': 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
          },
        };
        for (const [name, headers] of Object.entries(attempts)) {
          const response = await fetch(url, {
            method: e.method,
            headers: { 'content-type': 'application/json', ...headers },
            body,
          });
          if (response.status !== 401) failures.push(`${e.method} ${e.path} ${name} → ${response.status}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });

  for (const app of APPS) {
    it(`${app}: refuses every protected endpoint without a key and with a key lacking the scope`, async () => {
      const failures: string[] = [];
      for (const e of endpoints.get(app)!.filter((x) => !x.public)) {
        const url = `${system.service(app).baseUrl}${e.path.replace(/\{[^}]+\}/g, 'probe-1')}`;
        const body = ['POST', 'PUT', 'PATCH'].includes(e.method) ? '{}' : undefined;
        const headers = { 'content-type': 'application/json' };
        const anonymous = await fetch(url, { method: e.method, headers, body });
        if (anonymous.status !== 401)
          failures.push(`${e.method} ${e.path} without a key → ${anonymous.status}`);
        const unscoped = await fetch(url, {
          method: e.method,
          headers: { ...headers, authorization: `Bearer ${TEST_UNSCOPED_API_KEY}` },
          body,
        });
        if (unscoped.status !== 403)
          failures.push(`${e.method} ${e.path} without the scope → ${unscoped.status}`);
        const wrongKey = await fetch(url, {
          method: e.method,
          headers: { ...headers, 'x-api-key': 'not-a-key' },
          body,
        });
        if (wrongKey.status !== 401)
          failures.push(`${e.method} ${e.path} with an unknown key → ${wrongKey.status}`);
      }
      expect(failures).toEqual([]);
    });
  }
});
