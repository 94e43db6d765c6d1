import { REPO_ROOT } from '@holdfast/testing';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { HoldfastSystem } from './support/holdfast-system';

describe('every service: health, the HTTP edge and validated configuration', () => {
  let system: HoldfastSystem;

  beforeAll(async () => {
    system = await HoldfastSystem.start('edge', ['order-ingest', 'inventory-reservation']);
  });

  afterAll(async () => {
    await system?.stop();
  });

  it('reports live and ready (database and broker) without a key', async () => {
    for (const app of ['order-ingest', 'inventory-reservation'] as const) {
      const live = await fetch(`${system.service(app).baseUrl}/health/live`);
      const ready = await fetch(`${system.service(app).baseUrl}/health/ready`);
      expect([live.status, ready.status]).toEqual([200, 200]);
    }
  });

  it('refuses a request without a key, and one with unknown fields, changing nothing', async () => {
    const url = `${system.service('inventory-reservation').baseUrl}/v1/stock/SKU-EDGE`;
    const anonymous = await fetch(url, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: '{"onHand":5,"asOf":1}',
    });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toContain('application/problem+json');

    const unknownField = await system.http('inventory-reservation', 'PUT', '/v1/stock/SKU-EDGE', {
      onHand: 5,
      asOf: 1,
      colour: 'red',
    });
    expect(unknownField.status).toBe(400);
    expect(JSON.stringify(unknownField.body)).toContain('colour');

    const negative = await system.http('inventory-reservation', 'PUT', '/v1/stock/SKU-EDGE', {
      onHand: -1,
      asOf: 1,
    });
    expect(negative.status).toBe(400);
    expect(await system.db.query(`SELECT 1 FROM inventory.stock WHERE sku = 'SKU-EDGE'`)).toHaveLength(0);
  });

  it('serves its OpenAPI document', async () => {
    const doc = (await (
      await fetch(`${system.service('inventory-reservation').baseUrl}/openapi.json`)
    ).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toContain('/v1/stock/{sku}');
  });

  it('exits with code 1 naming the bad variable when the environment is invalid', () => {
    const main = path.join(REPO_ROOT, 'dist/apps/order-ingest/src/main.js');
    const result = spawnSync(process.execPath, [main], {
      env: { ...process.env, AMQP_URL: 'http://nope', HTTP_PORT: 'eighty' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('AMQP_URL');
    expect(result.stderr).toContain('HTTP_PORT');
    expect(result.stderr).not.toContain('http://nope');
  });
});
