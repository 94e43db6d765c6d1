import { TEST_UNSCOPED_API_KEY } from '@holdfast/testing';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { HoldfastSystem, type AppName } from './support/holdfast-system';

/**
 * Every HTTP endpoint of every service, read from its own OpenAPI document, must refuse a
 * request without a key (401) and one whose key lacks the scope (403), before it looks at
 * the input. The list of endpoints is also checked against endpoints.json, so a new
 * endpoint fails this test until someone lists it (and thereby looks at its protection).
 */
const APPS: AppName[] = [
  'order-ingest',
  'inventory-reservation',
  'availability-publisher',
  'shipment-notifier',
];
const PUBLIC = [/^\/health\//, /^\/metrics$/, /^\/openapi\.json$/, /^\/docs/];
const LISTED = JSON.parse(readFileSync(path.join(__dirname, 'endpoints.json'), 'utf8')) as Record<
  string,
  string[]
>;

interface Endpoint {
  method: string;
  path: string;
  public: boolean;
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
          list.push({ method: method.toUpperCase(), path: p, public: PUBLIC.some((re) => re.test(p)) });
        }
      }
      endpoints.set(app, list);
    }
  });

  afterAll(async () => {
    await system?.stop();
  });

  it('lists exactly the endpoints the services serve (update endpoints.json with each new one)', () => {
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
