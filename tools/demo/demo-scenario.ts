import { callJson, expectJson, sleep, waitUntil, type DemoEndpoints } from './demo-http';

/**
 * The demo's story, told through the public APIs only: the simulator's control API plays
 * Amazon and the buyers, the services' HTTP APIs play the ERP and the operator. Each step
 * acts, then waits until the system shows the effect (at the services and at "Amazon"), so a
 * person watching the live summary sees one thing happen at a time, and a test can drive the
 * same steps and check the end state.
 */

export const DEMO_STOCK = [
  { sku: 'MUG-BLUE', onHand: 20 },
  { sku: 'MUG-RED', onHand: 12 },
  { sku: 'TEAPOT', onHand: 6 },
  { sku: 'COASTERS', onHand: 40 },
] as const;

export type DemoSku = (typeof DEMO_STOCK)[number]['sku'];

/** The orders of the story, by the role they play. */
export type DemoOrderRole =
  'paidLater1' | 'paidLater2' | 'fraud' | 'stillPending' | 'paidAtOnce' | 'lateVisible';

interface OrderPlan {
  role: DemoOrderRole;
  lines: { sku: DemoSku; quantity: number }[];
  /** Status at Amazon at the end; order-ingest's status follows from it. */
  amazonStatus: 'PENDING' | 'UNSHIPPED' | 'SHIPPED' | 'CANCELLED';
  ingestStatus: 'pending' | 'confirmed' | 'shipped' | 'canceled';
  /** Units of each line that ship in the demo's manifest. */
  ships: boolean;
}

export const DEMO_ORDERS: readonly OrderPlan[] = [
  {
    role: 'paidLater1',
    lines: [{ sku: 'MUG-BLUE', quantity: 2 }],
    amazonStatus: 'SHIPPED',
    ingestStatus: 'shipped',
    ships: true,
  },
  {
    role: 'paidLater2',
    lines: [
      { sku: 'TEAPOT', quantity: 1 },
      { sku: 'MUG-RED', quantity: 1 },
    ],
    amazonStatus: 'SHIPPED',
    ingestStatus: 'shipped',
    ships: true,
  },
  {
    role: 'fraud',
    lines: [{ sku: 'MUG-RED', quantity: 3 }],
    amazonStatus: 'CANCELLED',
    ingestStatus: 'canceled',
    ships: false,
  },
  {
    role: 'stillPending',
    lines: [{ sku: 'COASTERS', quantity: 2 }],
    amazonStatus: 'PENDING',
    ingestStatus: 'pending',
    ships: false,
  },
  {
    role: 'paidAtOnce',
    lines: [{ sku: 'TEAPOT', quantity: 2 }],
    amazonStatus: 'UNSHIPPED',
    ingestStatus: 'confirmed',
    ships: false,
  },
  {
    role: 'lateVisible',
    lines: [{ sku: 'MUG-BLUE', quantity: 1 }],
    amazonStatus: 'PENDING',
    ingestStatus: 'pending',
    ships: false,
  },
];

/** What every SKU must show once the story has played: on-hand after shipping, units still held. */
export function expectedStock(): Record<DemoSku, { onHand: number; reserved: number; available: number }> {
  const figures = Object.fromEntries(
    DEMO_STOCK.map((s) => [s.sku, { onHand: s.onHand, reserved: 0, available: 0 }]),
  ) as Record<DemoSku, { onHand: number; reserved: number; available: number }>;
  for (const order of DEMO_ORDERS) {
    for (const line of order.lines) {
      if (order.ships) figures[line.sku].onHand -= line.quantity;
      else if (order.amazonStatus !== 'CANCELLED') figures[line.sku].reserved += line.quantity;
    }
  }
  for (const f of Object.values(figures)) f.available = f.onHand - f.reserved;
  return figures;
}

export interface DemoOrder {
  role: DemoOrderRole;
  orderId: string;
  plan: OrderPlan;
}

export interface DemoOutcome {
  orders: DemoOrder[];
  lateOrderCatchUpRunId: string;
  shipmentIds: string[];
  manifestId: string;
}

export type DemoStepState = 'running' | 'done' | 'failed';

export interface DemoStepEvent {
  index: number;
  title: string;
  state: DemoStepState;
  detail?: string;
}

export interface DemoScenarioOptions {
  /** A pause after each step so a person can read the summary (0 in tests). */
  paceMs?: number;
  /** Longest wait for one effect. */
  stepTimeoutMs?: number;
  /** How often order-ingest polls Amazon during the demo (the default, 180 s, would make a slow demo). */
  pollIntervalSeconds?: number;
  signal?: AbortSignal;
  onStep?: (event: DemoStepEvent) => void;
  /** Called once the ERP has counted the demo's SKUs (before that, inventory-reservation does not know them). */
  onStockCounted?: (skus: string[]) => void;
}

interface SimOrderView {
  orderId: string;
  status: string;
  visibleAt: string;
  items: { orderItemId: string; sellerSku: string; quantityOrdered: number }[];
}

interface ListingView {
  id: string;
  channel: string;
  channelSku: string;
  sku?: string;
  state: string;
  desired: { quantity: number | null };
  acknowledged: { quantity: number } | null;
}

interface PollHealth {
  accounts: {
    accountId: string;
    coveredUntil: string | null;
    pollsSucceeded: number;
    lastPollStartedAt: string | null;
  }[];
}

interface CatchUpRun {
  runId: string;
  status: string;
  newOrderIds: string[];
  error?: string | null;
}

interface ReservationsView {
  order: { status: string };
  reservations: { sku: string; state: string; quantity: number; fulfilled: number }[];
}

const AMAZON_PRODUCT_TYPE = 'HOME';
const MANIFEST_CARRIER = 'BRT';

export async function runDemoScenario(
  endpoints: DemoEndpoints,
  options: DemoScenarioOptions = {},
): Promise<DemoOutcome> {
  const {
    paceMs = 0,
    stepTimeoutMs = 120_000,
    pollIntervalSeconds = 2,
    signal,
    onStep,
    onStockCounted,
  } = options;
  const e = endpoints;
  const key = e.apiKey;
  const wait = <T>(what: string, probe: () => Promise<T | undefined | false>) =>
    waitUntil(what, probe, { timeoutMs: stepTimeoutMs, intervalMs: 400, signal });

  let index = 0;
  async function step<T>(
    title: string,
    action: () => Promise<T>,
    detail?: (result: T) => string,
  ): Promise<T> {
    index += 1;
    onStep?.({ index, title, state: 'running' });
    try {
      const result = await action();
      onStep?.({ index, title, state: 'done', detail: detail?.(result) });
      if (paceMs > 0) await sleep(paceMs, signal);
      return result;
    } catch (error) {
      onStep?.({
        index,
        title,
        state: 'failed',
        detail: error instanceof Error ? error.message : String(error),
      });
      throw error;
    }
  }

  // Readers of each service's view of the story.
  const ingestOrder = (orderId: string) =>
    callJson<{ status: string; firstSeenBy: string }>(
      e.orderIngest,
      'GET',
      `/v1/accounts/${e.accountId}/orders/${orderId}`,
      { apiKey: key },
    );
  const reservations = (orderId: string) =>
    callJson<ReservationsView>(
      e.inventory,
      'GET',
      `/v1/orders/amazon/${e.accountId}/${orderId}/reservations`,
      { apiKey: key },
    );
  const listings = async () =>
    (
      await expectJson<{ listings: ListingView[] }>(
        e.publisher,
        'GET',
        `/v1/listings?channel=amazon&accountId=${e.accountId}&limit=1000`,
        [200],
        { apiKey: key },
      )
    ).listings;
  const amazonQuantities = async () =>
    new Map(
      (
        await expectJson<{ listings: { sku: string; quantity: number | null }[] }>(
          e.simulator,
          'GET',
          '/_sim/listings',
          [200],
        )
      ).listings.map((l) => [l.sku, l.quantity]),
    );
  const available = async (sku: string) =>
    (
      await expectJson<{ available: number }>(
        e.inventory,
        'GET',
        `/v1/availability/${encodeURIComponent(sku)}`,
        [200],
        { apiKey: key },
      )
    ).available;

  /** Every demo listing published: the publisher's acknowledged quantity is inventory's available, and Amazon shows it. */
  const channelsSettled = (what: string) =>
    wait(what, async () => {
      const [mine, amazon] = await Promise.all([listings(), amazonQuantities()]);
      for (const { sku } of DEMO_STOCK) {
        const listing = mine.find((l) => l.channelSku === sku);
        const want = await available(sku);
        if (
          !listing ||
          listing.state !== 'in-sync' ||
          listing.acknowledged?.quantity !== want ||
          amazon.get(sku) !== want
        )
          return false;
      }
      return true;
    });

  const ordersByRole = new Map<DemoOrderRole, DemoOrder>();
  const plan = (role: DemoOrderRole): OrderPlan => {
    const found = DEMO_ORDERS.find((o) => o.role === role);
    if (!found) throw new Error(`no order plays ${role}`);
    return found;
  };
  const demoOrder = (role: DemoOrderRole): DemoOrder => {
    const found = ordersByRole.get(role);
    if (!found) throw new Error(`the ${role} order has not been created yet`);
    return found;
  };
  const createAtAmazon = async (
    role: DemoOrderRole,
    extra: Record<string, unknown> = {},
  ): Promise<SimOrderView> => {
    const p = plan(role);
    const created = await expectJson<{ orderId: string; order: SimOrderView }>(
      e.simulator,
      'POST',
      '/_sim/orders',
      [201],
      {
        body: {
          marketplaceId: e.marketplaceId,
          fulfilledBy: 'MERCHANT',
          status: 'PENDING',
          items: p.lines.map((l) => ({ sellerSku: l.sku, quantity: l.quantity })),
          ...extra,
        },
      },
    );
    ordersByRole.set(role, { role, orderId: created.orderId, plan: p });
    return created.order;
  };
  const orderId = (role: DemoOrderRole) => demoOrder(role).orderId;
  const setAmazonStatus = (role: DemoOrderRole, status: string) =>
    expectJson(e.simulator, 'POST', `/_sim/orders/${orderId(role)}/status`, [200], { body: { status } });
  const ingestStatusIs = (role: DemoOrderRole, status: string) =>
    wait(`order ${orderId(role)} ${status} at order-ingest`, async () => {
      const res = await ingestOrder(orderId(role));
      return res.status === 200 && res.body.status === status;
    });
  const reservationsAre = (role: DemoOrderRole, states: string[]) =>
    wait(`reservations of ${orderId(role)} ${states.join('/')}`, async () => {
      const res = await reservations(orderId(role));
      return (
        res.status === 200 &&
        res.body.reservations.length > 0 &&
        res.body.reservations.every((r) => states.includes(r.state))
      );
    });

  await step('order-ingest polls the demo account every few seconds', async () => {
    await wait('order-ingest to know the demo account', async () => {
      const res = await callJson(e.orderIngest, 'GET', `/v1/accounts/${e.accountId}`, { apiKey: key });
      return res.status === 200;
    });
    await expectJson(e.orderIngest, 'PATCH', `/v1/accounts/${e.accountId}/options`, [200], {
      apiKey: key,
      body: { pollIntervalSeconds, overlapSeconds: 1 },
    });
  });

  await step(
    'the ERP counts its stock (PUT /v1/stock at inventory-reservation)',
    async () => {
      const asOf = new Date().toISOString();
      for (const { sku, onHand } of DEMO_STOCK) {
        await expectJson(e.inventory, 'PUT', `/v1/stock/${sku}`, [200], {
          apiKey: key,
          body: { onHand, asOf },
        });
      }
      onStockCounted?.(DEMO_STOCK.map((s) => s.sku));
      // availability-publisher learns each SKU's availability from inventory-reservation's events.
      for (const { sku } of DEMO_STOCK) {
        await wait(`availability of ${sku} at availability-publisher`, async () => {
          const res = await callJson(e.publisher, 'GET', `/v1/desired/${sku}`, { apiKey: key });
          return res.status === 200;
        });
      }
    },
    () => DEMO_STOCK.map((s) => `${s.sku} ${s.onHand}`).join(', '),
  );

  await step('the Amazon listings are registered at availability-publisher and published', async () => {
    // The seller's offers exist on Amazon, showing nothing until Holdfast publishes.
    await expectJson(e.simulator, 'POST', '/_sim/listings', [201], {
      body: {
        listings: DEMO_STOCK.map(({ sku }) => ({
          sku,
          productType: AMAZON_PRODUCT_TYPE,
          quantity: 0,
          marketplaceIds: [e.marketplaceId],
        })),
      },
    });
    await expectJson(e.publisher, 'POST', '/v1/listings/import', [200], {
      apiKey: key,
      body: {
        listings: DEMO_STOCK.map(({ sku }) => ({
          channel: 'amazon',
          accountId: e.accountId,
          marketplaceId: e.marketplaceId,
          channelSku: sku,
          productType: AMAZON_PRODUCT_TYPE,
          sku,
        })),
      },
    });
    await channelsSettled('every listing published to Amazon');
  });

  await step(
    'buyers order on Amazon: four orders Pending (payment not cleared), one paid at once',
    async () => {
      for (const role of ['paidLater1', 'paidLater2', 'fraud', 'stillPending'] as const)
        await createAtAmazon(role);
      await createAtAmazon('paidAtOnce', { status: 'UNSHIPPED' });
      for (const role of ['paidLater1', 'paidLater2', 'fraud', 'stillPending'] as const) {
        await ingestStatusIs(role, 'pending');
        await reservationsAre(role, ['pending']);
      }
      await ingestStatusIs('paidAtOnce', 'confirmed');
      await reservationsAre('paidAtOnce', ['committed']);
      await channelsSettled('Amazon quantities lowered by the held units');
    },
    () => 'Pending units are held, and Amazon shows less',
  );

  await step('payments clear for two of the Pending orders', async () => {
    await setAmazonStatus('paidLater1', 'UNSHIPPED');
    await setAmazonStatus('paidLater2', 'UNSHIPPED');
    await ingestStatusIs('paidLater1', 'confirmed');
    await ingestStatusIs('paidLater2', 'confirmed');
    await reservationsAre('paidLater1', ['committed']);
    await reservationsAre('paidLater2', ['committed']);
  });

  await step(
    "Amazon's fraud check cancels one Pending order",
    async () => {
      await setAmazonStatus('fraud', 'CANCELLED');
      await ingestStatusIs('fraud', 'canceled');
      await reservationsAre('fraud', ['released']);
      await channelsSettled('the released units back on Amazon');
    },
    () => 'its units are released and published again',
  );

  const lateRun = await step(
    'an order Amazon shows late is missed by the polls and found by a catch-up run',
    async () => {
      // Created ten minutes ago but visible only from now: its lastUpdatedTime is already
      // behind the poll checkpoint, so "changed since the last poll" never returns it.
      const createdAt = new Date(Math.floor((Date.now() - 10 * 60_000) / 1000) * 1000);
      await wait('the poll checkpoint past the late order', async () => {
        const health = await expectJson<PollHealth>(e.orderIngest, 'GET', '/v1/poll-health', [200], {
          apiKey: key,
        });
        const account = health.accounts.find((a) => a.accountId === e.accountId);
        const coveredUntil = account?.coveredUntil;
        return typeof coveredUntil === 'string' && Date.parse(coveredUntil) > createdAt.getTime() + 60_000;
      });
      const late = await createAtAmazon('lateVisible', {
        createdAt: createdAt.toISOString(),
        visibilityDelayMs: 60_000,
      });
      const pollsBefore = await pollsSucceeded();
      await wait('two polls after the late order became visible', async () => {
        const health = await expectJson<PollHealth>(e.orderIngest, 'GET', '/v1/poll-health', [200], {
          apiKey: key,
        });
        const account = health.accounts.find((a) => a.accountId === e.accountId);
        return (
          account !== undefined &&
          account.pollsSucceeded >= pollsBefore + 2 &&
          account.lastPollStartedAt !== null &&
          Date.parse(account.lastPollStartedAt) > Date.parse(late.visibleAt)
        );
      });
      const missed = (await ingestOrder(late.orderId)).status === 404;
      const run = await expectJson<CatchUpRun>(
        e.orderIngest,
        'POST',
        `/v1/accounts/${e.accountId}/catch-up-runs`,
        [202],
        { apiKey: key },
      );
      const finished = await wait(`catch-up run ${run.runId}`, async () => {
        const r = await expectJson<CatchUpRun>(
          e.orderIngest,
          'GET',
          `/v1/catch-up-runs/${run.runId}`,
          [200],
          { apiKey: key },
        );
        return r.status === 'succeeded' || r.status === 'failed' ? r : undefined;
      });
      if (finished.status !== 'succeeded')
        throw new Error(`catch-up run ${run.runId} failed: ${finished.error ?? 'no reason given'}`);
      if (!finished.newOrderIds.includes(late.orderId)) {
        throw new Error(
          `catch-up run ${run.runId} did not find the late order ${late.orderId} (new: ${finished.newOrderIds.join(', ')})`,
        );
      }
      await ingestStatusIs('lateVisible', 'pending');
      await reservationsAre('lateVisible', ['pending']);
      return { runId: run.runId, missed };
    },
    (r) =>
      r.missed
        ? 'the polls missed it; the catch-up run imported it and its units are held'
        : 'imported by the catch-up run',
  );

  async function pollsSucceeded(): Promise<number> {
    const health = await expectJson<PollHealth>(e.orderIngest, 'GET', '/v1/poll-health', [200], {
      apiKey: key,
    });
    return health.accounts.find((a) => a.accountId === e.accountId)?.pollsSucceeded ?? 0;
  }

  const shipped = await step(
    `the ERP ships the two paid orders on a ${MANIFEST_CARRIER} manifest (shipment-notifier)`,
    async () => {
      const shipmentIds: string[] = [];
      const shipping = DEMO_ORDERS.filter((o) => o.ships);
      for (const [i, p] of shipping.entries()) {
        const id = orderId(p.role);
        // The notifier learns the order is paid from order-ingest's events; until then it
        // refuses the shipment (409/422) and stores nothing, so the ERP simply sends it again.
        const created = await wait(`shipment-notifier to accept the shipment of ${id}`, async () => {
          const res = await callJson<{ id: string }>(e.notifier, 'POST', '/v1/shipments', {
            apiKey: key,
            headers: { 'idempotency-key': `demo-shipment-${id}` },
            body: {
              order: { channel: 'amazon', accountId: e.accountId, orderId: id },
              reference: `DDT-DEMO-${i + 1}`,
              packages: [
                {
                  carrier: MANIFEST_CARRIER,
                  trackingNumber: `BRT-DEMO-${id.replace(/\D/g, '').slice(-8)}`,
                  shipDate: new Date().toISOString(),
                },
              ],
              lines: p.lines.map((l) => ({ sku: l.sku, quantity: l.quantity })),
            },
          });
          return res.status === 201 ? res.body : undefined;
        });
        shipmentIds.push(created.id);
      }
      const manifest = await expectJson<{ id: string }>(e.notifier, 'POST', '/v1/manifests', [201], {
        apiKey: key,
        headers: { 'idempotency-key': `demo-manifest-${shipmentIds.join('-')}` },
        body: { reference: 'DIST-DEMO-1', carrier: MANIFEST_CARRIER, shipmentIds },
      });
      await expectJson(e.notifier, 'POST', `/v1/manifests/${manifest.id}/ship`, [200], { apiKey: key });
      for (const id of shipmentIds) {
        await wait(`shipment ${id} confirmed at Amazon`, async () => {
          const s = await expectJson<{ status: string }>(e.notifier, 'GET', `/v1/shipments/${id}`, [200], {
            apiKey: key,
          });
          return s.status === 'confirmed';
        });
      }
      for (const p of shipping) {
        await ingestStatusIs(p.role, 'shipped');
        await reservationsAre(p.role, ['fulfilled']);
      }
      return { shipmentIds, manifestId: manifest.id };
    },
    () => 'confirmShipment sent once per package; the reservations became shipped stock',
  );

  await step('every channel shows what is really available', () =>
    channelsSettled('the final quantities on Amazon'),
  );

  return {
    orders: DEMO_ORDERS.map((p) => demoOrder(p.role)),
    lateOrderCatchUpRunId: lateRun.runId,
    shipmentIds: shipped.shipmentIds,
    manifestId: shipped.manifestId,
  };
}
