import { signShopifyWebhook } from '@holdfast/channels-shopify';
import { TEST_API_KEY, TEST_API_SCOPES, TEST_UNSCOPED_API_KEY, waitFor } from '@holdfast/testing';
import { createHash } from 'node:crypto';
import {
  HOSTILE_ENDPOINTS,
  listedEndpoints,
  OTHER_SHOPIFY,
  OTHER_WOO,
  OWN_ACCOUNT,
  type HostileEndpoint,
  type OtherAccountIds,
  type WriteShape,
} from './hostile-endpoints';
import { HoldfastSystem, type AppName } from './support/holdfast-system';
import { changedTables, SchemaFingerprints, type SchemaFingerprint } from './support/schema-fingerprint';
import {
  pointShopWebhooksAt,
  SHOP_DOMAIN,
  SHOPIFY_WEBHOOK_SECRET,
  ShopSimulator,
  WOO_ACCOUNT,
  WOO_WEBHOOK_SECRET,
} from './support/shop-intake.harness';
import { SHOPIFY_BASE, shopChannelsEnv } from './support/shop-publisher-system';

/**
 * Hostile input against every HTTP endpoint of the four services (the list is
 * hostile-endpoints.ts, checked against the services' OpenAPI documents): another account's data
 * through a key restricted to one account, unknown fields, oversized bodies, huge strings and
 * injection strings in every text field, forged and replayed webhooks, hostile stock files.
 * Each must end in a clear error and no change, and "no change" is read from the database: row
 * counts and an md5 of the rows of every table of the service's schema, outbox included.
 */
const APPS: AppName[] = [
  'order-ingest',
  'inventory-reservation',
  'availability-publisher',
  'shipment-notifier',
];
const SCHEMA: Record<AppName, string> = {
  'order-ingest': 'order_ingest',
  'inventory-reservation': 'inventory',
  'availability-publisher': 'availability',
  'shipment-notifier': 'shipment_notifier',
};
/** Rewritten by each replica's own clock, whatever the requests: lease renewals. */
const CLOCK_TABLES = ['leases'];

/**
 * Listings accepted by earlier probes are published to the shop simulator, which does not sell
 * their made-up SKUs: the publisher records the failures and retries on its own clock for
 * minutes. The injection probes, which come after accepted listings, leave these tables out.
 */
const PUBLISHED_IN_BACKGROUND: Partial<Record<AppName, string[]>> = {
  'availability-publisher': ['listings', 'publish_attempts', 'outbox'],
};
/** A refused order webhook is kept on purpose, as an ingest error with an outline of its body. */
const RECORDED_WEBHOOK_ERROR = ['ingest_errors', 'raw_payloads'];
/** A refused stock file is kept on purpose, as a rejected import with its bad lines. */
const RECORDED_STOCK_IMPORT = ['stock_imports'];

/** Holds every scope, but only for OWN_ACCOUNT. */
const RESTRICTED_KEY = 'holdfast-restricted-key-5f4e3d2c1b0a9988';

function apiKeys(): string {
  const sha = (key: string) => createHash('sha256').update(key).digest('hex');
  return [
    `test:${TEST_API_SCOPES.join(',')}:${sha(TEST_API_KEY)}`,
    `unscoped:nothing:read:${sha(TEST_UNSCOPED_API_KEY)}`,
    `own:${TEST_API_SCOPES.join(',')}:${sha(RESTRICTED_KEY)}:accounts=${OWN_ACCOUNT}`,
  ].join(';');
}

/** What a hostile caller puts in a text field. Each must be refused clearly or kept byte for byte. */
const INJECTIONS: Record<string, string> = {
  'SQL drop': "'; DROP TABLE x; --",
  'SQL tautology': "' OR '1'='1",
  'script tag': '<script>alert(1)</script>',
  template: '{{7*7}}${7*7}',
  jndi: '${jndi:ldap://127.0.0.1/a}',
  'path traversal': '../../etc/passwd',
  'NUL byte': 'A\u0000B',
  'long unicode': 'Ωmega漢字😀'.repeat(100),
  'RTL override': 'abc\u202Egpj.exe',
  'JSON in a string': '{"$ne":null,"__proto__":{"admin":true}}',
};

const TWO_MB = 2 * 1024 * 1024;

interface Answer {
  status: number;
  contentType: string;
  text: string;
  json: any;
}

describe('hostile input: every endpoint × another account, unknown fields, oversized and injected input', () => {
  let sim: ShopSimulator;
  let system: HoldfastSystem;
  let prints: SchemaFingerprints;
  const served = new Map<AppName, string[]>();
  const ids = {} as OtherAccountIds;
  let shopifyTemplate: { body: any; headers: Record<string, string> };

  async function call(
    app: AppName,
    method: string,
    path: string,
    init: {
      body?: unknown;
      raw?: string | Buffer;
      key?: string | null;
      headers?: Record<string, string>;
    } = {},
  ): Promise<Answer> {
    const headers: Record<string, string> = { 'content-type': 'application/json', ...init.headers };
    if (init.key !== null) headers.authorization = `Bearer ${init.key ?? TEST_API_KEY}`;
    const response = await fetch(`${system.service(app).baseUrl}${path}`, {
      method,
      headers,
      body: init.raw ?? (init.body === undefined ? undefined : JSON.stringify(init.body)),
    });
    const text = await response.text();
    let json: any;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: response.status, contentType: response.headers.get('content-type') ?? '', text, json };
  }

  async function ok(
    app: AppName,
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ) {
    const answer = await call(app, method, path, { body, headers });
    if (answer.status >= 300) throw new Error(`${method} ${path} → ${answer.status}: ${answer.text}`);
    return answer.json;
  }

  const fingerprint = (app: AppName) => prints.read(SCHEMA[app], CLOCK_TABLES);
  const settled = (app: AppName) => prints.settled(SCHEMA[app], CLOCK_TABLES);

  /** Whether some column of some row of the service's schema holds exactly `value`. */
  async function storedVerbatim(app: AppName, value: string): Promise<boolean> {
    const tables = await prints.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE'`,
      [SCHEMA[app]],
    );
    for (const { table_name } of tables) {
      const [hit] = await prints.query<{ found: boolean }>(
        `SELECT EXISTS (SELECT 1 FROM "${SCHEMA[app]}"."${table_name}" t, jsonb_each_text(to_jsonb(t)) c
                          WHERE c.value = $1) AS found`,
        [value],
      );
      if (hit.found) return true;
    }
    return false;
  }

  /** A clear error: 4xx, a problem document with a detail. */
  function clearError(answer: Answer): boolean {
    return (
      answer.status >= 400 &&
      answer.status < 500 &&
      answer.contentType.includes('application/problem+json') &&
      typeof answer.json?.detail === 'string' &&
      answer.json.detail.length > 0
    );
  }

  beforeAll(async () => {
    sim = await ShopSimulator.start();
    system = await HoldfastSystem.start('hostile', APPS, {
      ...shopChannelsEnv(sim),
      API_KEYS: apiKeys(),
      ORDER_INGEST_TICK_MS: '100',
      SHOP_RECONCILE_FIRST_LOOKBACK_MINUTES: '5',
    });
    prints = await SchemaFingerprints.open(system.db.url);
    await pointShopWebhooksAt(sim, system.service('order-ingest').baseUrl);
    for (const app of APPS) {
      const doc = (await (await fetch(`${system.service(app).baseUrl}/openapi.json`)).json()) as {
        paths: Record<string, Record<string, unknown>>;
      };
      served.set(
        app,
        Object.entries(doc.paths)
          .flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`))
          .sort(),
      );
    }

    // Account B's data, made the way it is made in production: an order at the shop arrives by
    // webhook, stock comes from the ERP, listings, shipments and manifests by the API.
    ids.sku = 'HF-B1';
    await sim.ok('POST', `${SHOPIFY_BASE}/products`, { products: [{ sku: ids.sku, available: 10 }] });
    await ok('inventory-reservation', 'PUT', `/v1/stock/${ids.sku}`, { onHand: 10, asOf: 1 });
    const created = await sim.ok('POST', `${SHOPIFY_BASE}/orders`, {
      lines: [{ sku: ids.sku, quantity: 1 }],
      financialStatus: 'paid',
    });
    ids.orderId = String(created.order.id);
    const delivery = await waitFor(
      'the order webhook to be answered',
      async () => {
        const d = await sim.delivery(created.webhooks[0].deliveryId);
        return d.attempts.at(-1)?.status === 200 ? d : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 100 },
    );
    shopifyTemplate = { body: JSON.parse(delivery.body), headers: delivery.headers };
    await ok(
      'inventory-reservation',
      'PUT',
      `/v1/accounts/shopify/${OTHER_SHOPIFY}/sku-mappings/B-CHANNEL-SKU`,
      {
        sku: ids.sku,
      },
    );
    ids.listingId = (
      await waitFor(
        'a listing for account B (once availability of its SKU is known)',
        async () => {
          const answer = await call('availability-publisher', 'POST', '/v1/listings', {
            body: { channel: 'shopify', accountId: OTHER_SHOPIFY, channelSku: ids.sku, sku: ids.sku },
          });
          if (answer.status !== 201) throw new Error(`${answer.status} ${answer.text.slice(0, 300)}`);
          return answer.json;
        },
        { timeoutMs: 60_000, intervalMs: 300 },
      )
    ).id;
    ids.shipmentId = (
      await waitFor(
        "a shipment of account B's order (once shipment-notifier knows the order)",
        async () => {
          const answer = await call('shipment-notifier', 'POST', '/v1/shipments', {
            headers: { 'idempotency-key': 'b-shipment-1' },
            body: {
              order: { channel: 'shopify', accountId: OTHER_SHOPIFY, orderId: ids.orderId },
              packages: [{ carrier: 'BRT', trackingNumber: 'B-TRACK-1', shipDate: new Date().toISOString() }],
              lines: [{ sku: ids.sku, quantity: 1 }],
            },
          });
          if (answer.status >= 300) throw new Error(`${answer.status} ${answer.text.slice(0, 300)}`);
          return answer.json;
        },
        { timeoutMs: 60_000, intervalMs: 300 },
      )
    ).id;
    ids.manifestId = (
      await ok(
        'shipment-notifier',
        'POST',
        '/v1/manifests',
        { reference: 'B-DIST-1', carrier: 'BRT', shipmentIds: [ids.shipmentId] },
        { 'idempotency-key': 'b-manifest-1' },
      )
    ).id;
    ids.carrierMappingId = (
      await ok('shipment-notifier', 'PUT', '/v1/carrier-mappings', {
        carrier: 'BRT',
        channel: 'shopify',
        code: 'BRT',
      })
    ).id;
    const payloads = await prints.query<{ id: string }>(
      `SELECT id::text FROM order_ingest.raw_payloads WHERE account_id = $1 ORDER BY id LIMIT 1`,
      [OTHER_SHOPIFY],
    );
    ids.rawPayloadId = payloads[0]?.id ?? '1';
    for (const app of APPS) await settled(app);
  }, 600_000);

  afterAll(async () => {
    await prints?.close();
    await system?.stop();
    await sim?.stop();
  }, 300_000);

  it('lists exactly the endpoints the services serve: a new one fails until it is in hostile-endpoints.ts', () => {
    expect(Object.fromEntries(APPS.map((app) => [app, served.get(app)]))).toEqual(listedEndpoints());
  });

  function each(): Array<[AppName, string, HostileEndpoint]> {
    return APPS.flatMap((app) =>
      Object.entries(HOSTILE_ENDPOINTS[app]).map(
        ([key, e]) => [app, key, e] as [AppName, string, HostileEndpoint],
      ),
    );
  }

  it("a key restricted to one account neither reads nor changes another account's data", async () => {
    const failures: string[] = [];
    for (const [app, key, endpoint] of each()) {
      const probe = endpoint.account;
      if (!('request' in probe)) {
        if (probe.reason.length < 20) failures.push(`${key}: say why it has no account`);
        continue;
      }
      const method = key.split(' ')[0];
      const request = probe.request(ids);
      const before = await fingerprint(app);
      const answer = await call(app, method, request.path, {
        key: RESTRICTED_KEY,
        body: request.body,
        headers: request.headers,
      });
      const changed = changedTables(before, await fingerprint(app));
      if (changed.length > 0) failures.push(`${key}: changed ${changed.join(', ')}`);
      // What the caller named itself (an id in the path) may be echoed in the error.
      const leaks = [OTHER_SHOPIFY, OTHER_WOO, ids.orderId, ids.listingId, ids.shipmentId].filter(
        (v) => answer.text.includes(v) && !request.path.includes(v),
      );
      if (probe.kind === 'list') {
        if (answer.status !== 200)
          failures.push(`${key}: ${answer.status}, expected 200 with nothing of B's`);
        if (leaks.length > 0) failures.push(`${key}: shows ${leaks.join(', ')}`);
      } else {
        const expected = probe.kind === 'resource' ? [403, 404] : [403];
        if (!expected.includes(answer.status) || !clearError(answer))
          failures.push(
            `${key}: ${answer.status}, expected ${expected.join(' or ')}: ${answer.text.slice(0, 200)}`,
          );
        if (leaks.length > 0 && answer.status !== 403) failures.push(`${key}: shows ${leaks.join(', ')}`);
      }
    }
    expect(failures).toEqual([]);
  }, 300_000);

  function writes(): Array<[AppName, string, WriteShape]> {
    return each()
      .filter(([, , e]) => e.write !== undefined)
      .map(([app, key, e]) => [app, key, e.write!]);
  }

  function send(
    app: AppName,
    key: string,
    shape: WriteShape,
    params: Record<string, string>,
    init: { body?: unknown; raw?: string },
  ) {
    return call(app, key.split(' ')[0], shape.path(params), { ...init, headers: shape.headers?.() });
  }

  it('every write endpoint is listed with its input, or says where its input is tested', () => {
    const missing = each()
      .filter(([, key, e]) => key.split(' ')[0] !== 'GET' && !e.write && !e.inputTestedBy)
      .map(([, key]) => key);
    expect(missing).toEqual([]);
  });

  it('unknown fields: 400 naming the field, nothing changed', async () => {
    const failures: string[] = [];
    for (const [app, key, shape] of writes()) {
      if (!shape.body) continue;
      const before = await fingerprint(app);
      const answer = await send(app, key, shape, shape.params, {
        body: { ...shape.body(), hostileUnknownField: 1 },
      });
      if (answer.status !== 400 || !clearError(answer) || !answer.text.includes('hostileUnknownField'))
        failures.push(`${key}: ${answer.status} ${answer.text.slice(0, 200)}`);
      const changed = changedTables(before, await fingerprint(app));
      if (changed.length > 0) failures.push(`${key}: changed ${changed.join(', ')}`);
    }
    expect(failures).toEqual([]);
  }, 300_000);

  it('a 2 MB body: 413 with the limit, nothing changed', async () => {
    const failures: string[] = [];
    const big = JSON.stringify({ padding: 'x'.repeat(TWO_MB) });
    for (const [app, key, shape] of writes()) {
      const before = await fingerprint(app);
      const answer = await send(app, key, shape, shape.params, { raw: big });
      if (answer.status !== 413 || !clearError(answer) || answer.json?.code !== 'request.too-large')
        failures.push(`${key}: ${answer.status} ${answer.text.slice(0, 200)}`);
      const changed = changedTables(before, await fingerprint(app));
      if (changed.length > 0) failures.push(`${key}: changed ${changed.join(', ')}`);
    }
    expect(failures).toEqual([]);
  }, 300_000);

  it('a huge string in one field: 400 naming the field, nothing changed', async () => {
    const failures: string[] = [];
    const huge = 'x'.repeat(512 * 1024);
    for (const [app, key, shape] of writes()) {
      for (const field of shape.text.filter((f) => !f.startsWith(':'))) {
        const before = await fingerprint(app);
        const answer = await send(app, key, shape, shape.params, {
          body: withField(shape.body!(), field, huge),
        });
        if (answer.status !== 400 || !clearError(answer) || !answer.text.includes(lastSegment(field)))
          failures.push(`${key} ${field}: ${answer.status} ${answer.text.slice(0, 200)}`);
        const changed = changedTables(before, await fingerprint(app));
        if (changed.length > 0) failures.push(`${key} ${field}: changed ${changed.join(', ')}`);
      }
    }
    expect(failures).toEqual([]);
  }, 300_000);

  it('injection strings in every text field: a clear 4xx and nothing changed, or kept and returned verbatim', async () => {
    const failures: string[] = [];
    let counted = 0;
    let before: SchemaFingerprint | undefined;
    for (const [app, key, shape] of writes()) {
      before = await settled(app);
      for (const field of shape.text) {
        for (const [name, value] of Object.entries(INJECTIONS)) {
          counted++;
          const params = { ...shape.params };
          let body = shape.body?.();
          if (field.startsWith(':')) params[field.slice(1)] = value;
          else body = withField(body!, field, value);
          before ??= await settled(app);
          const answer = await send(app, key, shape, params, { body });
          const where = `${key} ${field} ${name}`;
          if (answer.status >= 500) {
            failures.push(`${where}: ${answer.status} ${answer.text.slice(0, 200)}`);
          } else if (answer.status >= 400) {
            if (!clearError(answer))
              failures.push(`${where}: ${answer.status} without a clear error: ${answer.text.slice(0, 200)}`);
            const after = await fingerprint(app);
            const changed = changedTables(before, after).filter(
              (t) => !(PUBLISHED_IN_BACKGROUND[app] ?? []).includes(t),
            );
            if (changed.length > 0)
              failures.push(`${where}: ${answer.status} but changed ${changed.join(', ')}`);
            before = after;
          } else {
            // Accepted: what it set off (outbox relay, consumers) runs before the next probe.
            before = undefined;
            let shown = shape.storesNothing !== undefined || containsVerbatim(answer.json, value);
            if (!shown && shape.readBack) {
              const back = await call(app, 'GET', shape.readBack(params, body));
              shown = containsVerbatim(back.json, value);
            }
            if (!shown) shown = await storedVerbatim(app, value);
            if (!shown) failures.push(`${where}: ${answer.status}, accepted but not kept verbatim`);
          }
        }
      }
    }
    expect(counted).toBeGreaterThan(300);
    expect(failures).toEqual([]);
  }, 600_000);

  /** A Shopify orders/create delivery for an order id of the caller's, signed with `secret`. */
  function shopifyDelivery(
    orderId: number,
    webhookId: string,
    change: (order: any) => void = () => undefined,
  ) {
    const order = structuredClone(shopifyTemplate.body);
    order.id = orderId;
    change(order);
    const raw = JSON.stringify(order);
    const headers: Record<string, string> = {
      'x-shopify-topic': 'orders/create',
      'x-shopify-shop-domain': SHOP_DOMAIN,
      'x-shopify-webhook-id': webhookId,
      'x-shopify-hmac-sha256': signShopifyWebhook(raw, SHOPIFY_WEBHOOK_SECRET),
    };
    return { raw, headers };
  }

  const webhook = (path: string, delivery: { raw: string | Buffer; headers: Record<string, string> }) =>
    call('order-ingest', 'POST', path, { key: null, raw: delivery.raw, headers: delivery.headers });

  async function orderRows(accountId: string, orderId: number) {
    const [row] = await prints.query<{ snapshots: string; outbox: string }>(
      `SELECT (SELECT count(*) FROM order_ingest.order_snapshots WHERE account_id = $1 AND order_id = $2)::text AS snapshots,
              (SELECT count(*) FROM order_ingest.outbox
                WHERE envelope->'payload'->'order'->>'accountId' = $1
                  AND envelope->'payload'->'order'->>'orderId' = $2)::text AS outbox`,
      [accountId, String(orderId)],
    );
    return { snapshots: Number(row.snapshots), outbox: Number(row.outbox) };
  }

  it('forged webhooks: 401 with a clear error, nothing stored', async () => {
    const shopifyPath = `/v1/webhooks/shopify/${SHOP_DOMAIN}`;
    const wooPath = `/v1/webhooks/woocommerce/${WOO_ACCOUNT}`;
    const good = shopifyDelivery(990101, 'forged-1');
    const other = shopifyDelivery(990102, 'forged-2');
    const forgeries: Record<string, [string, { raw: string; headers: Record<string, string> }]> = {
      unsigned: [shopifyPath, { raw: good.raw, headers: { ...good.headers, 'x-shopify-hmac-sha256': '' } }],
      'signed with a wrong secret': [
        shopifyPath,
        {
          raw: good.raw,
          headers: { ...good.headers, 'x-shopify-hmac-sha256': signShopifyWebhook(good.raw, 'guess') },
        },
      ],
      "signed with another account's secret": [
        shopifyPath,
        {
          raw: good.raw,
          headers: {
            ...good.headers,
            'x-shopify-hmac-sha256': signShopifyWebhook(good.raw, WOO_WEBHOOK_SECRET),
          },
        },
      ],
      "another body's signature": [
        shopifyPath,
        {
          raw: good.raw,
          headers: { ...good.headers, 'x-shopify-hmac-sha256': other.headers['x-shopify-hmac-sha256'] },
        },
      ],
      'a signed body with one byte changed': [
        shopifyPath,
        { raw: good.raw.replace('990101', '990109'), headers: good.headers },
      ],
      "a Shopify-signed body at another account's URL": [
        wooPath,
        {
          raw: good.raw,
          headers: {
            'x-wc-webhook-topic': 'order.created',
            'x-wc-webhook-delivery-id': 'forged-3',
            'x-wc-webhook-signature': good.headers['x-shopify-hmac-sha256'],
          },
        },
      ],
      'an account that does not exist': [`/v1/webhooks/shopify/nobody.myshopify.com`, good],
    };
    const failures: string[] = [];
    for (const [name, [path, delivery]] of Object.entries(forgeries)) {
      const before = await settled('order-ingest');
      const answer = await webhook(path, delivery);
      if (answer.status !== 401 || !clearError(answer))
        failures.push(`${name}: ${answer.status} ${answer.text}`);
      const changed = changedTables(before, await fingerprint('order-ingest'));
      if (changed.length > 0) failures.push(`${name}: changed ${changed.join(', ')}`);
    }
    expect(failures).toEqual([]);
    expect(await orderRows(SHOP_DOMAIN, 990101)).toEqual({ snapshots: 0, outbox: 0 });
  }, 300_000);

  it('a replayed webhook is taken once: one order row, one message, however often and however altered', async () => {
    const first = shopifyDelivery(990201, 'replayed-1');
    expect((await webhook(`/v1/webhooks/shopify/${SHOP_DOMAIN}`, first)).status).toBe(200);
    expect(await orderRows(SHOP_DOMAIN, 990201)).toEqual({ snapshots: 1, outbox: 1 });
    const before = await settled('order-ingest');
    // The same bytes again, and the same delivery id with another (correctly signed) body.
    const altered = shopifyDelivery(990201, 'replayed-1', (order) => (order.line_items[0].quantity = 7));
    for (const delivery of [first, first, altered]) {
      const answer = await webhook(`/v1/webhooks/shopify/${SHOP_DOMAIN}`, delivery);
      expect(answer.status).toBe(200);
      expect(answer.json).toMatchObject({ status: 'duplicate' });
    }
    expect(changedTables(before, await settled('order-ingest'))).toEqual([]);
    // The same order sent again under a new delivery id (a shop's retry): recorded as a delivery, no new message.
    const again = shopifyDelivery(990201, 'replayed-2');
    expect((await webhook(`/v1/webhooks/shopify/${SHOP_DOMAIN}`, again)).status).toBe(200);
    await settled('order-ingest');
    expect(await orderRows(SHOP_DOMAIN, 990201)).toEqual({ snapshots: 1, outbox: 1 });
  }, 300_000);

  it('webhooks: a 2 MB delivery is 413, text fields with injection strings are kept verbatim or refused, never a 500', async () => {
    const failures: string[] = [];
    const before = await settled('order-ingest');
    const big = shopifyDelivery(990301, 'big-1', (order) => (order.note = 'x'.repeat(TWO_MB)));
    const tooLarge = await webhook(`/v1/webhooks/shopify/${SHOP_DOMAIN}`, big);
    if (tooLarge.status !== 413 || !clearError(tooLarge))
      failures.push(`2 MB: ${tooLarge.status} ${tooLarge.text.slice(0, 200)}`);
    const changed = changedTables(before, await fingerprint('order-ingest'));
    if (changed.length > 0) failures.push(`2 MB: changed ${changed.join(', ')}`);

    let orderId = 990400;
    for (const [name, value] of Object.entries(INJECTIONS)) {
      orderId++;
      const delivery = shopifyDelivery(
        orderId,
        `injected-${orderId}`,
        (order) => (order.line_items[0].sku = value),
      );
      const prior = await settled('order-ingest');
      const answer = await webhook(`/v1/webhooks/shopify/${SHOP_DOMAIN}`, delivery);
      if (answer.status >= 500) failures.push(`${name}: ${answer.status} ${answer.text.slice(0, 200)}`);
      else if (answer.status >= 400) {
        if (!clearError(answer)) failures.push(`${name}: ${answer.status} without a clear error`);
        const touched = changedTables(prior, await fingerprint('order-ingest')).filter(
          (t) => !RECORDED_WEBHOOK_ERROR.includes(t),
        );
        if (touched.length > 0) failures.push(`${name}: ${answer.status} but changed ${touched.join(', ')}`);
      } else {
        const stored = await call('order-ingest', 'GET', `/v1/accounts/${SHOP_DOMAIN}/orders/${orderId}`);
        if (!containsVerbatim(stored.json, value))
          failures.push(`${name}: accepted, the SKU not kept verbatim: ${stored.text.slice(0, 200)}`);
      }
    }
    expect(failures).toEqual([]);
  }, 300_000);

  it('stock files: oversized, unknown columns and injection strings end in a clear error or are kept verbatim', async () => {
    const failures: string[] = [];
    const post = (raw: string, contentType = 'text/csv') =>
      call('inventory-reservation', 'POST', '/v1/stock/imports', {
        raw,
        headers: { 'content-type': contentType },
      });
    const refused = async (name: string, raw: string, contentType?: string) => {
      const before = await settled('inventory-reservation');
      const answer = await post(raw, contentType);
      if (answer.status < 400 || answer.status >= 500 || !clearError(answer))
        failures.push(`${name}: ${answer.status} ${answer.text.slice(0, 200)}`);
      const changed = changedTables(before, await fingerprint('inventory-reservation')).filter(
        (t) => !RECORDED_STOCK_IMPORT.includes(t),
      );
      if (changed.length > 0) failures.push(`${name}: changed ${changed.join(', ')}`);
      return answer;
    };
    await refused('one line of 2 MB', `sku,onHand\n${'x'.repeat(TWO_MB)},1\n`);
    const unknown = await refused('an unknown column', 'sku,onHand,hostileColumn\nHOSTILE-FILE,1,x\n');
    if (!unknown.text.includes('hostileColumn'))
      failures.push(`an unknown column: not named: ${unknown.text.slice(0, 200)}`);
    await refused(
      'an unknown JSON field',
      '{"sku":"HOSTILE-FILE","onHand":1,"hostileField":1}\n',
      'application/x-ndjson',
    );
    for (const [name, value] of Object.entries(INJECTIONS)) {
      const before = await settled('inventory-reservation');
      const answer = await post(`${JSON.stringify({ sku: value, onHand: 2 })}\n`, 'application/x-ndjson');
      if (answer.status >= 500) failures.push(`${name}: ${answer.status} ${answer.text.slice(0, 200)}`);
      else if (answer.status >= 400) {
        if (!clearError(answer)) failures.push(`${name}: ${answer.status} without a clear error`);
        const changed = changedTables(before, await fingerprint('inventory-reservation')).filter(
          (t) => !RECORDED_STOCK_IMPORT.includes(t),
        );
        if (changed.length > 0) failures.push(`${name}: ${answer.status} but changed ${changed.join(', ')}`);
      } else {
        const back = await call(
          'inventory-reservation',
          'GET',
          `/v1/availability/${encodeURIComponent(value)}`,
        );
        if (!containsVerbatim(back.json, value))
          failures.push(`${name}: accepted, not returned verbatim: ${back.status}`);
      }
    }
    expect(failures).toEqual([]);
  }, 300_000);
});

/** A copy of `body` with the field at `path` (`a.b[0].c`) set to `value`. */
function withField(body: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const copy = structuredClone(body);
  const segments = path.replace(/\[(\d+)\]/g, '.$1').split('.');
  let node: any = copy;
  for (const segment of segments.slice(0, -1)) node = node[segment];
  node[segments.at(-1)!] = value;
  return copy;
}

function lastSegment(path: string): string {
  return path
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .at(-1)!;
}

/** Whether `value` appears, byte for byte, as a string anywhere in `json`. */
function containsVerbatim(json: unknown, value: string): boolean {
  if (typeof json === 'string') return json === value;
  if (Array.isArray(json)) return json.some((item) => containsVerbatim(item, value));
  if (json && typeof json === 'object')
    return Object.values(json).some((item) => containsVerbatim(item, value));
  return false;
}
