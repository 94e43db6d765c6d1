import type { AmazonOrders } from '@holdfast/channels-amazon';
import { buildDataSourceOptions, Outbox, runMigrations } from '@holdfast/persistence';
import { TestDatabase } from '@holdfast/testing';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { ChannelAccount } from '../src/accounts/domain/channel-account';
import { ChannelAccountRepository } from '../src/accounts/infrastructure/channel-account.repository';
import { INGEST_SCHEMA, loadIngestConfig } from '../src/config/ingest.config';
import { Messaging1764000000000 } from '../src/migrations/1764000000000-messaging';
import { OrderIngest1764100000000 } from '../src/migrations/1764100000000-order-ingest';
import { ImportOrdersUseCase, type ImportContext } from '../src/orders/application/import-orders.use-case';
import { BuyerDataVault } from '../src/orders/infrastructure/buyer-data.vault';
import { IngestErrorRepository } from '../src/orders/infrastructure/ingest-error.repository';
import { OrderSnapshotRepository } from '../src/orders/infrastructure/order-snapshot.repository';

/**
 * The import of one page on the real database with the real migrations: bad orders
 * become ingest errors with their raw payload while the rest of the page is imported,
 * stale data never overwrites newer, concurrent imports of one order emit one event, and
 * a page's orders, events and the caller's checkpoint commit together or not at all.
 * These pages are built here because the simulator cannot serve a broken order on its
 * own (its control API only creates valid ones); the malformed *response* case runs
 * against the simulator in tests/system/order-ingest-lifecycle.e2e-spec.ts.
 */

/** Re-reads happen only when buyer data is stored; this suite runs without a key, so Amazon is never called. */
const amazonNeverCalled: AmazonOrders = {
  searchOrders: () => Promise.reject(new Error('this suite imports pages it builds itself')),
  getOrder: () => Promise.reject(new Error('this suite imports pages it builds itself')),
};

let sequence = 0;
function amazonOrder(status = 'PENDING', updated = '2026-11-20T10:00:00Z', extra: Record<string, unknown> = {}) {
  sequence++;
  return {
    orderId: `402-${String(sequence).padStart(7, '0')}-0000001`,
    createdTime: '2026-11-20T09:59:00Z',
    lastUpdatedTime: updated,
    salesChannel: { marketplaceId: 'APJ6JRA9NG5V4' },
    fulfillment: { fulfillmentStatus: status, fulfilledBy: 'MERCHANT' },
    orderItems: [{ orderItemId: `${sequence}01`, quantityOrdered: 2, product: { sellerSku: 'MUG-01' } }],
    ...extra,
  };
}

describe('importing a page of orders (real PostgreSQL)', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let useCase: ImportOrdersUseCase;
  let account: ChannelAccount;

  const context = (overrides: Partial<ImportContext> = {}): ImportContext => ({
    account,
    amazon: amazonNeverCalled,
    detectedBy: 'poll',
    ...overrides,
  });
  const page = (...orders: unknown[]) => orders.map((raw) => ({ raw, operation: 'searchOrders' as const }));
  const events = (orderId: string) =>
    db.query<{ routing_key: string; revision: string }>(
      `SELECT routing_key, envelope->'payload'->'order'->>'revision' AS revision FROM ${INGEST_SCHEMA}.outbox
        WHERE envelope->'payload'->'order'->>'orderId' = $1 ORDER BY id`,
      [orderId],
    );

  beforeAll(async () => {
    db = await TestDatabase.create('order_import');
    dataSource = new DataSource(
      buildDataSourceOptions({
        url: db.url,
        schema: INGEST_SCHEMA,
        entities: [],
        migrations: [Messaging1764000000000, OrderIngest1764100000000],
      }),
    );
    await dataSource.initialize();
    await runMigrations(dataSource, INGEST_SCHEMA);
    const config = loadIngestConfig({});
    useCase = new ImportOrdersUseCase(
      dataSource,
      new Outbox(INGEST_SCHEMA),
      new OrderSnapshotRepository(),
      new BuyerDataVault(config),
      new IngestErrorRepository(),
      config,
    );
    const accounts = new ChannelAccountRepository();
    await accounts.syncConfigured(dataSource.manager, [
      {
        accountId: 'seller-it',
        sellerId: 'A2SIMSELLER0001',
        region: 'eu',
        marketplaceIds: ['APJ6JRA9NG5V4'],
        refreshToken: { env: 'UNUSED' },
        clientId: { env: 'UNUSED' },
        clientSecret: { env: 'UNUSED' },
      },
    ]);
    account = (await accounts.find(dataSource.manager, 'seller-it'))!;
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  it('records bad orders as ingest errors with their raw payload and imports the rest of the page', async () => {
    const good1 = amazonOrder();
    const unknownStatus = amazonOrder('ON_HOLD_FOR_REVIEW');
    const noItems = amazonOrder('PENDING', '2026-11-20T10:00:00Z', { orderItems: [] });
    const noId = { ...amazonOrder(), orderId: undefined, buyer: { buyerName: 'Giulia Rossi' } };
    const badQuantity = amazonOrder('UNSHIPPED', '2026-11-20T10:00:00Z', {
      orderItems: [{ orderItemId: '1', quantityOrdered: 'two', product: { sellerSku: 'MUG-01' } }],
    });
    const good2 = amazonOrder('UNSHIPPED');

    const tally = await useCase.execute(context(), page(good1, unknownStatus, noItems, 'not even an object', noId, badQuantity, good2));

    expect(tally).toMatchObject({ received: 7, new: 2, errors: 5, events: 2 });
    const imported = await db.query<{ order_id: string; status: string }>(
      `SELECT order_id, status FROM ${INGEST_SCHEMA}.order_snapshots ORDER BY order_id`,
    );
    expect(imported).toEqual([
      { order_id: good1.orderId, status: 'pending' },
      { order_id: good2.orderId, status: 'confirmed' },
    ]);
    expect(await events(good1.orderId)).toEqual([expect.objectContaining({ routing_key: 'order.placed' })]);
    expect(await events(good2.orderId)).toEqual([expect.objectContaining({ routing_key: 'order.placed' })]);

    const errors = await db.query<{ order_id: string | null; problem: string; body: Record<string, unknown> | null }>(
      `SELECT e.order_id, e.problem, p.body FROM ${INGEST_SCHEMA}.ingest_errors e
         JOIN ${INGEST_SCHEMA}.raw_payloads p ON p.id = e.raw_payload_id ORDER BY e.id`,
    );
    expect(errors.map((e) => [e.order_id, e.problem])).toEqual([
      [unknownStatus.orderId, 'unknown-status'],
      [noItems.orderId, 'no-items'],
      [null, 'malformed'],
      [null, 'malformed'],
      [badQuantity.orderId, 'malformed'],
    ]);
    // The raw payload is what Amazon sent, minus personal data.
    expect(errors[0].body).toEqual(unknownStatus);
    expect(errors[2].body).toBe('not even an object');
    expect(errors[3].body).not.toHaveProperty('buyer');
    expect(errors[3].body).toMatchObject({ lastUpdatedTime: noId.lastUpdatedTime });
  });

  it('the same page again emits nothing and does not pile up errors; a fixed order resolves its error', async () => {
    const good = amazonOrder();
    const broken = amazonOrder('PENDING', '2026-11-20T10:00:00Z', { orderItems: [] });
    await useCase.execute(context(), page(good, broken));
    const again = await useCase.execute(context(), page(good, broken));
    expect(again).toMatchObject({ new: 0, changed: 0, unchanged: 1, events: 0 });
    const open = () =>
      db.query(`SELECT 1 FROM ${INGEST_SCHEMA}.ingest_errors WHERE order_id = $1 AND resolved_at IS NULL`, [broken.orderId]);
    expect(await open()).toHaveLength(1);
    expect(await events(good.orderId)).toHaveLength(1);

    const fixed = { ...broken, lastUpdatedTime: '2026-11-20T10:01:00Z', orderItems: [{ orderItemId: '9', quantityOrdered: 1, product: { sellerSku: 'X' } }] };
    await useCase.execute(context(), page(fixed));
    expect(await open()).toHaveLength(0);
    expect(await events(broken.orderId)).toEqual([expect.objectContaining({ routing_key: 'order.placed' })]);
  });

  it('stale data never overwrites newer; the same second moving forward gets the next tie-breaker', async () => {
    const confirmed = amazonOrder('UNSHIPPED', '2026-11-20T11:00:05Z');
    const olderPending = { ...confirmed, lastUpdatedTime: '2026-11-20T11:00:00Z', fulfillment: { fulfillmentStatus: 'PENDING', fulfilledBy: 'MERCHANT' } };
    await useCase.execute(context(), page(confirmed));
    const stale = await useCase.execute(context(), page(olderPending));
    expect(stale).toMatchObject({ stale: 1, events: 0 });
    const [row] = await db.query<{ status: string }>(`SELECT status FROM ${INGEST_SCHEMA}.order_snapshots WHERE order_id = $1`, [confirmed.orderId]);
    expect(row.status).toBe('confirmed');

    const canceledSameSecond = { ...confirmed, fulfillment: { fulfillmentStatus: 'CANCELLED', fulfilledBy: 'MERCHANT' } };
    await useCase.execute(context(), page(canceledSameSecond));
    const emitted = await events(confirmed.orderId);
    expect(emitted.map((e) => e.routing_key)).toEqual(['order.placed', 'order.canceled']);
    expect(Number(emitted[1].revision)).toBe(Number(emitted[0].revision) + 1);
  });

  it('two imports of the same new order at once emit one order.placed', async () => {
    const order = amazonOrder();
    const [a, b] = await Promise.all([
      useCase.execute(context({ detectedBy: 'poll' }), page(order)),
      useCase.execute(context({ detectedBy: 'catch-up' }), page(order)),
    ]);
    expect(a.new + b.new).toBe(1);
    expect(a.unchanged + b.unchanged).toBe(1);
    expect(await events(order.orderId)).toHaveLength(1);
    const changes = await db.query(`SELECT 1 FROM ${INGEST_SCHEMA}.order_changes WHERE order_id = $1`, [order.orderId]);
    expect(changes).toHaveLength(1);
  });

  it("a page's orders, events and the caller's checkpoint commit together or not at all", async () => {
    const order = amazonOrder();
    await expect(
      useCase.execute(
        context({
          after: async (m) => {
            await m.query(`UPDATE ${INGEST_SCHEMA}.channel_accounts SET overlap_seconds = 999 WHERE account_id = 'seller-it'`);
            throw new Error('crash before commit');
          },
        }),
        page(order),
      ),
    ).rejects.toThrow('crash before commit');
    expect(await db.query(`SELECT 1 FROM ${INGEST_SCHEMA}.order_snapshots WHERE order_id = $1`, [order.orderId])).toHaveLength(0);
    expect(await events(order.orderId)).toHaveLength(0);
    const [accountRow] = await db.query<{ overlap_seconds: number }>(
      `SELECT overlap_seconds FROM ${INGEST_SCHEMA}.channel_accounts WHERE account_id = 'seller-it'`,
    );
    expect(accountRow.overlap_seconds).not.toBe(999);
  });

  it('an account that does not import Pending announces the order once it is paid, as order.placed', async () => {
    const silent = { ...account, options: { ...account.options, importPending: false } };
    const pending = amazonOrder('PENDING', '2026-11-20T12:00:00Z');
    const tally = await useCase.execute(context({ account: silent }), page(pending));
    expect(tally).toMatchObject({ new: 1, events: 0 });
    await useCase.execute(context({ account: silent }), page({ ...pending, lastUpdatedTime: '2026-11-20T12:30:00Z', fulfillment: { fulfillmentStatus: 'UNSHIPPED', fulfilledBy: 'MERCHANT' } }));
    expect((await events(pending.orderId)).map((e) => e.routing_key)).toEqual(['order.placed']);
  });

  it('buyer data: not stored without a key, sealed and purged with one', async () => {
    const key = randomBytes(32);
    const config = loadIngestConfig({ PII_ENCRYPTION_KEY: key.toString('base64') });
    const vault = new BuyerDataVault(config);
    const m = dataSource.manager;
    await vault.store(m, 'seller-it', '402-9999999-0000001', { buyer: { name: 'Giulia Rossi' }, recipient: { city: 'Milano' } });
    const [row] = await db.query<{ ciphertext: Buffer }>(`SELECT ciphertext FROM ${INGEST_SCHEMA}.buyer_data WHERE order_id = '402-9999999-0000001'`);
    expect(row.ciphertext.toString('latin1')).not.toMatch(/Giulia|Milano/);
    expect(await vault.read(m, 'seller-it', '402-9999999-0000001')).toMatchObject({ state: 'stored', data: { buyer: { name: 'Giulia Rossi' } } });

    // Delivered 31 days ago: past the 30-day retention.
    await vault.scheduleRetention(m, 'seller-it', '402-9999999-0000001', new Date(Date.now() - 31 * 86_400_000));
    expect(await vault.purgeDue(m)).toBe(1);
    expect(await vault.read(m, 'seller-it', '402-9999999-0000001')).toMatchObject({ state: 'purged' });
    const [purged] = await db.query<{ ciphertext: Buffer | null; iv: Buffer | null }>(
      `SELECT ciphertext, iv FROM ${INGEST_SCHEMA}.buyer_data WHERE order_id = '402-9999999-0000001'`,
    );
    expect(purged).toEqual({ ciphertext: null, iv: null });
    // Purged data never comes back, even if the order is read again.
    expect(await vault.store(m, 'seller-it', '402-9999999-0000001', { buyer: { name: 'X' }, recipient: null })).toBe(false);
    expect(new BuyerDataVault(loadIngestConfig({})).enabled).toBe(false);
  });
});
