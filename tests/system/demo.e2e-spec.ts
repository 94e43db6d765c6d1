import {
  deleteNamespace,
  freePort,
  REPO_ROOT,
  TestDatabase,
  uniqueNamespace,
  waitFor,
} from '@holdfast/testing';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';
import {
  callJson,
  DEMO_ORDERS,
  DEMO_STOCK,
  expectedStock,
  readDemoSummary,
  type DemoEndpoints,
  type DemoOrderRole,
} from '@holdfast/demo';

const API_KEY = 'holdfast-demo-test-key-5f1e0c2a';

/**
 * The README's start command, as a newcomer runs it: `node tools/start.mjs` migrates, starts
 * the SP-API simulator and the four services as processes (here on a database and broker
 * namespace of the suite's own, and free ports), plays the demo scenario and draws the
 * summary. The end state is then read at the simulator and in every service's API, and
 * Ctrl-C must stop everything.
 */
describe('npm start: the demo scenario across every service and the simulator', () => {
  let db: TestDatabase;
  let namespace: string;
  let start: ChildProcess;
  let output = '';
  let endpoints: DemoEndpoints;
  let ports: number[];
  const orders = new Map<
    DemoOrderRole,
    { orderId: string; status: string; items: { sellerSku: string; quantityOrdered: number }[] }
  >();

  const get = async <T = any>(base: string, route: string): Promise<T> => {
    const res = await callJson<T>(base, 'GET', route, { apiKey: API_KEY });
    if (res.status !== 200) throw new Error(`GET ${base}${route}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };

  beforeAll(async () => {
    db = await TestDatabase.create('demo');
    namespace = uniqueNamespace('demo');
    ports = [];
    for (let i = 0; i < 6; i++) ports.push(await freePort());
    const [simPort, simControlPort, ...httpPorts] = ports;
    endpoints = {
      simulator: `http://127.0.0.1:${simControlPort}`,
      orderIngest: `http://127.0.0.1:${httpPorts[0]}`,
      inventory: `http://127.0.0.1:${httpPorts[1]}`,
      publisher: `http://127.0.0.1:${httpPorts[2]}`,
      notifier: `http://127.0.0.1:${httpPorts[3]}`,
      apiKey: API_KEY,
      accountId: 'demo-seller',
      marketplaceId: 'APJ6JRA9NG5V4',
    };
    const {
      API_KEYS: _keys,
      SPAPI_ENDPOINT: _endpoint,
      AMAZON_ACCOUNTS: _accounts,
      ...inherited
    } = process.env;
    start = spawn(process.execPath, [path.join(REPO_ROOT, 'tools/start.mjs')], {
      cwd: REPO_ROOT,
      env: {
        ...inherited,
        DATABASE_URL: db.url,
        AMQP_NAMESPACE: namespace,
        HOLDFAST_SKIP_BUILD: 'true', // the suite's global setup built dist/
        HOLDFAST_DEV_API_KEY: API_KEY,
        HOLDFAST_PORTS: httpPorts.join(','),
        HOLDFAST_DEMO_PACE_MS: '0',
        SPAPI_SIM_PORT: String(simPort),
        SPAPI_SIM_CONTROL_PORT: String(simControlPort),
        SIM_SEED: '7',
      },
      // Its own process group: if the test fails half-way, everything it started can be killed.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    start.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    start.stderr?.on('data', (d: Buffer) => (output += d.toString()));

    await waitFor(
      'the demo scenario to play',
      () => {
        if (output.includes('▸ scenario failed') || start.exitCode !== null) {
          throw new Error(`the demo did not play:\n${output.slice(-6000)}`);
        }
        return output.includes('▸ scenario played');
      },
      { timeoutMs: 300_000, intervalMs: 500 },
    ).catch((error: Error) => {
      // A timeout says where the scenario stood.
      throw new Error(`${error.message}\n${output.slice(-6000)}`);
    });

    const { orders: atAmazon } = await get<{
      orders: { orderId: string; status: string; items: { sellerSku: string; quantityOrdered: number }[] }[];
    }>(endpoints.simulator, '/_sim/orders');
    // Each order of the story is told apart by its lines.
    const linesOf = (items: { sellerSku: string; quantityOrdered: number }[]) =>
      items
        .map((i) => `${i.sellerSku}x${i.quantityOrdered}`)
        .sort()
        .join(',');
    for (const plan of DEMO_ORDERS) {
      const wanted = linesOf(plan.lines.map((l) => ({ sellerSku: l.sku, quantityOrdered: l.quantity })));
      const found = atAmazon.filter((o) => linesOf(o.items) === wanted);
      expect({ role: plan.role, found: found.length }).toEqual({ role: plan.role, found: 1 });
      orders.set(plan.role, found[0]);
    }
    expect(atAmazon).toHaveLength(DEMO_ORDERS.length);
  }, 360_000);

  afterAll(async () => {
    if (start && start.exitCode === null && start.signalCode === null && start.pid) {
      try {
        process.kill(-start.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await deleteNamespace(namespace).catch(() => undefined);
    await db?.drop();
  });

  it('printed each step of the story, and the summary with the settled figures', () => {
    for (let i = 1; i <= 9; i++) expect(output).toMatch(new RegExp(`✓ ${i}\\. `));
    expect(output).toContain('The scenario has played');
    expect(output).toContain('Orders by status');
    expect(output).toMatch(
      /order-ingest {6}pending 2 {2}confirmed 1 {2}partially_shipped 0 {2}shipped 2 {2}canceled 1/,
    );
    expect(output).toContain('units reserved 5, oversold SKUs 0');
    expect(output).toContain('shipments confirmed 2, manifests shipped 1, packages Amazon received 2');
  });

  it('Amazon (the simulator) ends with each order in its place, two packages confirmed with BRT, and the true quantities', async () => {
    for (const plan of DEMO_ORDERS) {
      expect({ role: plan.role, status: orders.get(plan.role)!.status }).toEqual({
        role: plan.role,
        status: plan.amazonStatus,
      });
    }
    const { shipments } = await get<{
      shipments: { orderId: string; carrierCode: string; trackingNumber: string; dropped: boolean }[];
    }>(endpoints.simulator, '/_sim/shipments');
    expect(shipments.map((s) => s.orderId).sort()).toEqual(
      [orders.get('paidLater1')!.orderId, orders.get('paidLater2')!.orderId].sort(),
    );
    for (const s of shipments)
      expect(s).toMatchObject({
        carrierCode: 'BRT',
        trackingNumber: expect.stringMatching(/^BRT-DEMO-/),
        dropped: false,
      });

    const stats = await get<{ operations: Record<string, { succeeded: number }> }>(
      endpoints.simulator,
      '/_sim/stats',
    );
    // Exactly once per package, though the ERP's requests and the manifest were retried until the notifier knew the orders.
    expect(stats.operations['confirmShipment'].succeeded).toBe(2);

    const { listings } = await get<{ listings: { sku: string; quantity: number }[] }>(
      endpoints.simulator,
      '/_sim/listings',
    );
    const expected = expectedStock();
    for (const { sku } of DEMO_STOCK) {
      expect({ sku, quantity: listings.find((l) => l.sku === sku)?.quantity }).toEqual({
        sku,
        quantity: expected[sku].available,
      });
    }
  });

  it('order-ingest has every order in its status; the late one came from the catch-up run', async () => {
    for (const plan of DEMO_ORDERS) {
      const order = await get(
        endpoints.orderIngest,
        `/v1/accounts/demo-seller/orders/${orders.get(plan.role)!.orderId}`,
      );
      expect({ role: plan.role, status: order.status }).toEqual({
        role: plan.role,
        status: plan.ingestStatus,
      });
      expect({ role: plan.role, firstSeenBy: order.firstSeenBy }).toEqual({
        role: plan.role,
        firstSeenBy: plan.role === 'lateVisible' ? 'catch-up' : 'poll',
      });
    }
    const { runs } = await get(endpoints.orderIngest, '/v1/catch-up-runs?accountId=demo-seller');
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ status: 'succeeded', newOrderIds: [orders.get('lateVisible')!.orderId] });
  });

  it('inventory-reservation holds the unshipped orders, released the cancelled one and took the shipped units off on-hand', async () => {
    // Worked by hand from the story: 20 MUG-BLUE − 2 shipped, 1 held by the late order; …
    expect(expectedStock()).toEqual({
      'MUG-BLUE': { onHand: 18, reserved: 1, available: 17 },
      'MUG-RED': { onHand: 11, reserved: 0, available: 11 },
      TEAPOT: { onHand: 5, reserved: 2, available: 3 },
      COASTERS: { onHand: 40, reserved: 2, available: 38 },
    });
    for (const [sku, figures] of Object.entries(expectedStock())) {
      expect(await get(endpoints.inventory, `/v1/availability/${sku}`)).toMatchObject({
        sku,
        ...figures,
        shortfall: 0,
      });
    }
    const states: Record<DemoOrderRole, string> = {
      paidLater1: 'fulfilled',
      paidLater2: 'fulfilled',
      fraud: 'released',
      stillPending: 'pending',
      paidAtOnce: 'committed',
      lateVisible: 'pending',
    };
    for (const [role, state] of Object.entries(states) as [DemoOrderRole, string][]) {
      const { reservations } = await get<{ reservations: { state: string }[] }>(
        endpoints.inventory,
        `/v1/orders/amazon/demo-seller/${orders.get(role)!.orderId}/reservations`,
      );
      expect({ role, states: reservations.map((r) => r.state) }).toEqual({
        role,
        states: DEMO_ORDERS.find((o) => o.role === role)!.lines.map(() => state),
      });
    }
    expect((await get(endpoints.inventory, '/v1/oversold')).skus).toEqual([]);
  });

  it('availability-publisher has every listing in sync with what inventory says is available', async () => {
    const { listings } = await get(endpoints.publisher, '/v1/listings?channel=amazon&accountId=demo-seller');
    expect(listings).toHaveLength(DEMO_STOCK.length);
    for (const [sku, figures] of Object.entries(expectedStock())) {
      const listing = listings.find((l: { channelSku: string }) => l.channelSku === sku);
      expect(listing).toMatchObject({
        sku,
        state: 'in-sync',
        desired: { quantity: figures.available },
        acknowledged: { quantity: figures.available },
      });
    }
    expect((await get(endpoints.publisher, '/v1/failures')).listings).toEqual([]);
  });

  it('shipment-notifier confirmed both shipments of the shipped manifest', async () => {
    const { counts } = await get(endpoints.notifier, '/v1/shipments/summary');
    expect(counts).toEqual([{ channel: 'amazon', status: 'confirmed', shipments: 2 }]);
    const { manifests } = await get(endpoints.notifier, '/v1/manifests');
    expect(manifests).toHaveLength(1);
    expect(manifests[0]).toMatchObject({ reference: 'DIST-DEMO-1', status: 'shipped' });
    const { shipments } = await get(endpoints.notifier, '/v1/shipments');
    expect(shipments.map((s: { orderId: string }) => s.orderId).sort()).toEqual(
      [orders.get('paidLater1')!.orderId, orders.get('paidLater2')!.orderId].sort(),
    );
    for (const s of shipments) expect(s).toMatchObject({ status: 'confirmed', manifestId: manifests[0].id });
  });

  it('the summary reads the same figures from the APIs', async () => {
    const summary = await readDemoSummary(
      endpoints,
      DEMO_STOCK.map((s) => s.sku),
    );
    expect(summary.orders).toEqual({
      ok: true,
      value: { byStatus: { pending: 2, confirmed: 1, shipped: 2, canceled: 1 }, total: 6 },
    });
    expect(summary.amazonOrders).toEqual({
      ok: true,
      value: { PENDING: 2, UNSHIPPED: 1, SHIPPED: 2, CANCELLED: 1 },
    });
    expect(summary.stock.ok && summary.stock.value.unitsReserved).toBe(5);
    expect(summary.shipments).toMatchObject({
      ok: true,
      value: { byStatus: { confirmed: 2 }, manifestsShipped: 1, packagesAtAmazon: 2 },
    });
    expect(
      summary.channels.ok &&
        summary.channels.value.map((c) => [
          c.channel,
          c.listings.map((l) => [l.channelSku, l.published, l.channelShows]),
        ]),
    ).toEqual([
      [
        'amazon',
        [
          ['COASTERS', 38, 38],
          ['MUG-BLUE', 17, 17],
          ['MUG-RED', 11, 11],
          ['TEAPOT', 3, 3],
        ],
      ],
    ]);
  });

  it("every metric the Grafana dashboard queries is served at a service's /metrics, and nothing is left out of sync", async () => {
    const dashboard = readFileSync(
      path.join(REPO_ROOT, 'k8s/components/grafana-dashboard/holdfast-overview.dashboard.json'),
      'utf8',
    );
    const queried = new Set(
      [...dashboard.matchAll(/\b(holdfast_[a-z0-9_]+)/g)].map((m) =>
        m[1].replace(/_(bucket|sum|count)$/, ''),
      ),
    );
    const services = [endpoints.orderIngest, endpoints.inventory, endpoints.publisher, endpoints.notifier];
    const exposition = (
      await Promise.all(services.map(async (base) => (await fetch(`${base}/metrics`)).text()))
    ).join('\n');
    const served = new Set([...exposition.matchAll(/^# TYPE (holdfast_[a-z0-9_]+) /gm)].map((m) => m[1]));
    expect([...queried].filter((name) => !served.has(name)).sort()).toEqual([]);
    // The published-vs-desired gap is closed, and consumers measured their lag.
    expect(exposition).toMatch(
      /^holdfast_availability_out_of_sync_skus\{channel="amazon",service="availability-publisher"\} 0$/m,
    );
    expect(exposition).toMatch(
      /^holdfast_availability_gap_units\{channel="amazon",service="availability-publisher"\} 0$/m,
    );
    expect(exposition).toMatch(
      /^holdfast_consumer_lag_seconds_count\{service="inventory-reservation",queue="[^"]+\.inventory-reservation\.orders"\} [1-9]/m,
    );
  });

  it('Ctrl-C stops the scenario and every process, and start exits 0', async () => {
    const exited = new Promise<number | null>((resolve) => start.once('exit', (code) => resolve(code)));
    start.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(output).toContain('▸ stopped');
    const listening = (port: number) =>
      new Promise<boolean>((resolve) => {
        const socket = connect(port, '127.0.0.1');
        socket.once('connect', () => (socket.destroy(), resolve(true)));
        socket.once('error', () => resolve(false));
      });
    for (const port of ports)
      expect({ port, listening: await listening(port) }).toEqual({ port, listening: false });
  });
});
