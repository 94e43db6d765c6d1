import { expectJson, type DemoEndpoints } from './demo-http';
import type { DemoStepEvent } from './demo-scenario';

/**
 * The live summary: what each service and "Amazon" say right now, read from their HTTP APIs
 * (order-ingest, inventory-reservation, availability-publisher, shipment-notifier) and the
 * simulator's control API. Each part is read on its own, so one service that is slow or down
 * shows as "unavailable" without blanking the rest.
 */

export type Part<T> = { ok: true; value: T } | { ok: false; error: string };

export interface StockFigures {
  sku: string;
  onHand: number;
  reserved: number;
  available: number;
}

export interface PublishedListing {
  channelSku: string;
  sku: string | null;
  state: string;
  desired: number | null;
  published: number | null;
  /** What the channel itself shows (the simulator's listing, for Amazon). */
  channelShows: number | null;
}

export interface ChannelListings {
  channel: string;
  accountId: string;
  listings: PublishedListing[];
}

export interface PollingFigures {
  lastPollSecondsAgo: number | null;
  lagSeconds: number | null;
  pollsSucceeded: number;
  pollsFailed: number;
  catchUpRuns: number;
  lastCatchUp: { status: string; newOrders: number } | null;
}

export interface DemoSummary {
  at: Date;
  orders: Part<{ byStatus: Record<string, number>; total: number }>;
  amazonOrders: Part<Record<string, number>>;
  polling: Part<PollingFigures>;
  stock: Part<{ skus: StockFigures[]; unitsReserved: number; oversoldSkus: number }>;
  channels: Part<ChannelListings[]>;
  shipments: Part<{ byStatus: Record<string, number>; manifestsShipped: number; packagesAtAmazon: number }>;
  amazonCalls: Part<{ calls: Record<string, number>; throttled: number }>;
}

async function part<T>(read: () => Promise<T>): Promise<Part<T>> {
  try {
    return { ok: true, value: await read() };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, error: message.length > 120 ? `${message.slice(0, 117)}...` : message };
  }
}

interface OrdersPage {
  orders: { status: string }[];
  nextCursor: string | null;
}

interface ListingView {
  channel: string;
  accountId: string;
  channelSku: string;
  sku?: string;
  bundle?: { sku: string }[];
  state: string;
  desired: { quantity: number | null };
  acknowledged: { quantity: number } | null;
}

/** Reads every part of the summary at once. `skus`: SKUs to show even before a listing names them. */
export async function readDemoSummary(e: DemoEndpoints, skus: readonly string[] = []): Promise<DemoSummary> {
  const key = e.apiKey;
  const get = <T>(base: string, path: string) => expectJson<T>(base, 'GET', path, [200], { apiKey: key });

  const listingsPart = part(async () => {
    const views: ListingView[] = [];
    let after: string | null = null;
    do {
      const page: { listings: ListingView[]; next: string | null } = await get(
        e.publisher,
        `/v1/listings?limit=1000${after ? `&after=${after}` : ''}`,
      );
      views.push(...page.listings);
      after = page.next;
    } while (after);
    return views;
  });

  const [orders, amazonOrders, polling, shipments, amazonCalls, listingViews, amazonListings] =
    await Promise.all([
      part(async () => {
        const byStatus: Record<string, number> = {};
        let cursor: string | null = null;
        let total = 0;
        do {
          const page: OrdersPage = await get(
            e.orderIngest,
            `/v1/orders?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
          );
          for (const o of page.orders) byStatus[o.status] = (byStatus[o.status] ?? 0) + 1;
          total += page.orders.length;
          cursor = page.nextCursor;
        } while (cursor);
        return { byStatus, total };
      }),
      part(async () => {
        const { orders: all } = await get<{ orders: { status: string }[] }>(e.simulator, '/_sim/orders');
        const byStatus: Record<string, number> = {};
        for (const o of all) byStatus[o.status] = (byStatus[o.status] ?? 0) + 1;
        return byStatus;
      }),
      part(async () => {
        const [health, runs] = await Promise.all([
          get<{
            accounts: {
              accountId: string;
              lastSuccessfulPollAt: string | null;
              lagSeconds: number | null;
              pollsSucceeded: number;
              pollsFailed: number;
            }[];
          }>(e.orderIngest, '/v1/poll-health'),
          get<{ runs: { status: string; newOrderIds?: string[]; totals?: { new: number } }[] }>(
            e.orderIngest,
            `/v1/catch-up-runs?accountId=${encodeURIComponent(e.accountId)}`,
          ),
        ]);
        const account = health.accounts.find((a) => a.accountId === e.accountId) ?? health.accounts[0];
        const last = runs.runs[0];
        return {
          lastPollSecondsAgo: account?.lastSuccessfulPollAt
            ? Math.max(0, Math.round((Date.now() - Date.parse(account.lastSuccessfulPollAt)) / 1000))
            : null,
          lagSeconds: account?.lagSeconds ?? null,
          pollsSucceeded: account?.pollsSucceeded ?? 0,
          pollsFailed: account?.pollsFailed ?? 0,
          catchUpRuns: runs.runs.length,
          lastCatchUp: last
            ? { status: last.status, newOrders: last.totals?.new ?? last.newOrderIds?.length ?? 0 }
            : null,
        };
      }),
      part(async () => {
        const [summary, manifests, packages] = await Promise.all([
          get<{ counts: { channel: string; status: string; shipments: number }[] }>(
            e.notifier,
            '/v1/shipments/summary',
          ),
          get<{ manifests: { status: string }[] }>(e.notifier, '/v1/manifests?status=shipped'),
          get<{ shipments: { dropped?: boolean }[] }>(e.simulator, '/_sim/shipments'),
        ]);
        const byStatus: Record<string, number> = {};
        for (const c of summary.counts) byStatus[c.status] = (byStatus[c.status] ?? 0) + c.shipments;
        return {
          byStatus,
          manifestsShipped: manifests.manifests.filter((m) => m.status === 'shipped').length,
          packagesAtAmazon: packages.shipments.filter((p) => !p.dropped).length,
        };
      }),
      part(async () => {
        const stats = await get<{ operations: Record<string, { calls: number; throttled: number }> }>(
          e.simulator,
          '/_sim/stats',
        );
        const calls: Record<string, number> = {};
        let throttled = 0;
        for (const [operation, s] of Object.entries(stats.operations)) {
          if (s.calls > 0) calls[operation] = s.calls;
          throttled += s.throttled;
        }
        return { calls, throttled };
      }),
      listingsPart,
      part(async () => {
        const { listings } = await get<{ listings: { sku: string; quantity: number | null }[] }>(
          e.simulator,
          '/_sim/listings',
        );
        return new Map(listings.map((l) => [l.sku, l.quantity]));
      }),
    ]);

  const channels: Part<ChannelListings[]> = !listingViews.ok
    ? listingViews
    : {
        ok: true,
        value: groupByChannel(
          listingViews.value,
          amazonListings.ok ? amazonListings.value : new Map<string, number | null>(),
        ),
      };

  const allSkus = new Set<string>(skus);
  if (listingViews.ok) {
    for (const l of listingViews.value) {
      if (l.sku) allSkus.add(l.sku);
      for (const c of l.bundle ?? []) allSkus.add(c.sku);
    }
  }
  const stock = await part(async () => {
    const [figures, oversold] = await Promise.all([
      Promise.all(
        [...allSkus].sort().map(async (sku) => {
          const res = await expectJson<StockFigures>(
            e.inventory,
            'GET',
            `/v1/availability/${encodeURIComponent(sku)}`,
            [200, 404],
            {
              apiKey: key,
            },
          );
          // 404: the ERP has not counted the SKU yet.
          return 'onHand' in res
            ? { sku, onHand: res.onHand, reserved: res.reserved, available: res.available }
            : undefined;
        }),
      ),
      get<{ skus: unknown[] }>(e.inventory, '/v1/oversold'),
    ]);
    const skusKnown = figures.filter((f): f is StockFigures => f !== undefined);
    return {
      skus: skusKnown,
      unitsReserved: skusKnown.reduce((sum, f) => sum + f.reserved, 0),
      oversoldSkus: oversold.skus.length,
    };
  });

  return { at: new Date(), orders, amazonOrders, polling, stock, channels, shipments, amazonCalls };
}

function groupByChannel(views: ListingView[], amazon: Map<string, number | null>): ChannelListings[] {
  const groups = new Map<string, ChannelListings>();
  for (const v of views) {
    const id = `${v.channel}/${v.accountId}`;
    const group = groups.get(id) ?? { channel: v.channel, accountId: v.accountId, listings: [] };
    group.listings.push({
      channelSku: v.channelSku,
      sku: v.sku ?? null,
      state: v.state,
      desired: v.desired.quantity,
      published: v.acknowledged?.quantity ?? null,
      channelShows: v.channel === 'amazon' ? (amazon.get(v.channelSku) ?? null) : null,
    });
    groups.set(id, group);
  }
  for (const g of groups.values()) g.listings.sort((a, b) => a.channelSku.localeCompare(b.channelSku));
  return [...groups.values()].sort((a, b) =>
    `${a.channel}/${a.accountId}`.localeCompare(`${b.channel}/${b.accountId}`),
  );
}

const ORDER_STATUSES = ['pending', 'confirmed', 'partially_shipped', 'shipped', 'canceled'];
const AMAZON_STATUSES = ['PENDING', 'UNSHIPPED', 'PARTIALLY_SHIPPED', 'SHIPPED', 'CANCELLED'];
const SHIPMENT_STATUSES = ['pending', 'sent', 'confirmed', 'failed', 'held', 'voided'];

const STEP_MARK: Record<DemoStepEvent['state'], string> = { running: '…', done: '✓', failed: '✗' };

function counts(order: string[], byStatus: Record<string, number>): string {
  const known = order.map((s) => `${s} ${byStatus[s] ?? 0}`);
  const other = Object.entries(byStatus)
    .filter(([s]) => !order.includes(s))
    .map(([s, n]) => `${s} ${n}`);
  return [...known, ...other].join('  ');
}

const num = (n: number | null | undefined, width: number) =>
  (n === null || n === undefined ? '-' : String(n)).padStart(width);
const show = <T>(p: Part<T>, render: (value: T) => string[]): string[] =>
  p.ok ? render(p.value) : [`  unavailable: ${p.error}`];

/** The summary as lines of text, the same on a terminal and in a log. */
export function renderDemoSummary(
  summary: DemoSummary,
  {
    steps = [],
    heading = 'Holdfast demo',
    footer = [],
  }: { steps?: DemoStepEvent[]; heading?: string; footer?: string[] } = {},
): string[] {
  const lines: string[] = [];
  lines.push(`${heading} · ${summary.at.toISOString().slice(11, 19)} UTC`);
  lines.push('');
  if (steps.length > 0) {
    lines.push('Scenario');
    for (const s of steps) {
      lines.push(`  ${STEP_MARK[s.state]} ${String(s.index).padStart(2)}. ${s.title}`);
      if (s.detail) lines.push(`        ${s.detail}`);
    }
    lines.push('');
  }

  lines.push('Orders by status');
  lines.push(
    ...show(summary.orders, (o) => [
      `  order-ingest      ${counts(ORDER_STATUSES, o.byStatus)}   (total ${o.total})`,
    ]),
  );
  lines.push(...show(summary.amazonOrders, (o) => [`  at Amazon         ${counts(AMAZON_STATUSES, o)}`]));
  lines.push(
    ...show(summary.polling, (p) => [
      `  polling           last poll ${p.lastPollSecondsAgo === null ? 'never' : `${p.lastPollSecondsAgo} s ago`}, ` +
        `lag ${p.lagSeconds === null ? '-' : `${p.lagSeconds} s`}, ${p.pollsSucceeded} polls` +
        `${p.pollsFailed ? ` (${p.pollsFailed} failed)` : ''}; catch-up runs ${p.catchUpRuns}` +
        (p.lastCatchUp ? ` (last ${p.lastCatchUp.status}, ${p.lastCatchUp.newOrders} new)` : ''),
    ]),
  );
  lines.push('');

  lines.push('Stock and units reserved (inventory-reservation)');
  lines.push(
    ...show(summary.stock, (s) => [
      `  ${'SKU'.padEnd(14)}${'on hand'.padStart(9)}${'reserved'.padStart(10)}${'available'.padStart(11)}`,
      ...s.skus.map(
        (f) => `  ${f.sku.padEnd(14)}${num(f.onHand, 9)}${num(f.reserved, 10)}${num(f.available, 11)}`,
      ),
      `  units reserved ${s.unitsReserved}, oversold SKUs ${s.oversoldSkus}`,
    ]),
  );
  lines.push('');

  lines.push('Quantities published per channel (availability-publisher; what the channel shows)');
  lines.push(
    ...show(summary.channels, (channels) =>
      channels.length === 0
        ? ['  no listings registered yet']
        : channels.flatMap((c) => [
            `  ${c.channel} / ${c.accountId}`,
            `    ${'channel SKU'.padEnd(14)}${'desired'.padStart(8)}${'published'.padStart(11)}${'shows'.padStart(7)}  state`,
            ...c.listings.map(
              (l) =>
                `    ${l.channelSku.padEnd(14)}${num(l.desired, 8)}${num(l.published, 11)}${num(l.channelShows, 7)}  ${l.state}`,
            ),
          ]),
    ),
  );
  lines.push('');

  lines.push('Shipments (shipment-notifier)');
  lines.push(
    ...show(summary.shipments, (s) => [
      `  ${counts(SHIPMENT_STATUSES, s.byStatus)}`,
      `  shipments confirmed ${s.byStatus['confirmed'] ?? 0}, manifests shipped ${s.manifestsShipped}, packages Amazon received ${s.packagesAtAmazon}`,
    ]),
  );
  lines.push(
    ...show(summary.amazonCalls, (c) => [
      `  SP-API calls at Amazon: ${
        Object.entries(c.calls)
          .map(([op, n]) => `${op} ${n}`)
          .join(', ') || 'none yet'
      }${c.throttled ? ` (throttled ${c.throttled})` : ''}`,
    ]),
  );
  if (footer.length > 0) lines.push('', ...footer);
  return lines;
}
