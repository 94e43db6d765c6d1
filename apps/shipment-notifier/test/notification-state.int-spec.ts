import { LeaseKeeper, buildDataSourceOptions, inTransaction, revertLastMigration, runMigrations } from '@holdfast/persistence';
import { TestDatabase } from '@holdfast/testing';
import { DataSource } from 'typeorm';
import { PackageNotificationRepository } from '../src/channel-notification/infrastructure/package-notification.repository';
import { NOTIFIER_SCHEMA } from '../src/config/notifier.config';
import { IdempotentRequests } from '../src/idempotency/idempotent-request';
import { IdempotencyKeyReusedError } from '../src/idempotency/idempotency.errors';
import { shipmentNotifierService } from '../src/service';
import { ShipmentRepository } from '../src/shipments/infrastructure/shipment.repository';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The notification state machine's storage and the idempotency keys, on a real database
 * with the service's real migrations: what makes "never confirmed twice" hold across
 * replicas and crashes.
 */
describe('notification state in PostgreSQL', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  const packages = new PackageNotificationRepository();
  const shipments = new ShipmentRepository();
  let seq = 0;

  beforeAll(async () => {
    db = await TestDatabase.create('notifier_state');
    dataSource = new DataSource(
      buildDataSourceOptions({
        url: db.url,
        schema: NOTIFIER_SCHEMA,
        entities: [],
        migrations: shipmentNotifierService.migrations,
      }),
    );
    await dataSource.initialize();
    await runMigrations(dataSource, NOTIFIER_SCHEMA);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  async function releasedShipment(accountId: string): Promise<{ id: string; orderId: string }> {
    const id = `0195a1c4-9e1f-7c2b-8d3a-${String(++seq).padStart(12, '0')}`;
    const orderId = `402-000000${seq}`;
    await inTransaction(dataSource, async (m) => {
      const [ref] = await shipments.allocatePackageReferences(m, { channel: 'amazon', accountId, orderId }, 1);
      await shipments.insert(m, {
        id,
        reference: null,
        channel: 'amazon',
        accountId,
        orderId,
        marketplaceId: 'APJ6JRA9NG5V4',
        lines: [{ lineId: 'L1', channelSku: 'MUG', quantity: 1 }],
        packages: [
          { carrier: 'BRT', trackingNumber: `T${seq}`, shipDate: new Date(), shippingMethod: null, items: [{ lineId: 'L1', channelSku: 'MUG', quantity: 1 }], packageReferenceId: ref },
        ],
      });
      await shipments.release(m, id);
    });
    return { id, orderId };
  }

  it('claims only under the account lease, records the attempt first, and reconciles it after the grace period', async () => {
    const { id } = await releasedShipment('acc-a');
    const target = { channel: 'amazon', accountId: 'acc-a' };
    const lease = { resource: 'shipment-sender:amazon:acc-a', holder: 'replica-1' };
    const claim = () => inTransaction(dataSource, (m) => packages.claimNext(m, target, lease, 300));

    expect(await claim()).toBeNull(); // no lease, no claim
    await new LeaseKeeper(dataSource, NOTIFIER_SCHEMA, 'replica-1', 10_000).acquire(lease.resource);
    const first = await claim();
    expect(first).toMatchObject({ shipmentId: id, attempts: 1, wasUnknown: false, packageReferenceId: '1' });
    const [row] = await db.query<{ state: string; outcome_unknown: boolean }>(
      'SELECT state, outcome_unknown FROM shipment_notifier.shipment_packages WHERE shipment_id = $1',
      [id],
    );
    expect(row).toEqual({ state: 'sent', outcome_unknown: true });
    expect(await claim()).toBeNull(); // in flight: nobody touches it during the grace period

    await sleep(400);
    const second = await claim();
    expect(second).toMatchObject({ attempts: 2, wasUnknown: true });
    // The first attempt's late outcome cannot overwrite the second attempt.
    const stale = await inTransaction(dataSource, (m) =>
      packages.record(m, first!, { state: 'confirmed', by: 'response', carrierCode: 'BRT', carrierName: null, verifyAfterMs: null }),
    );
    expect(stale).toBe(false);
    const current = await inTransaction(dataSource, (m) =>
      packages.record(m, second!, { state: 'confirmed', by: 'reconciliation', carrierCode: 'BRT', carrierName: null, verifyAfterMs: null }),
    );
    expect(current).toBe(true);

    // Exactly one confirmation event for the shipment, however often asked.
    const done = await inTransaction(dataSource, (m) => packages.completeConfirmation(m, id));
    expect(done).toMatchObject({ orderId: expect.any(String), packages: [{ packageReferenceId: '1', carrierCode: 'BRT' }] });
    expect(await inTransaction(dataSource, (m) => packages.completeConfirmation(m, id))).toBeNull();
  });

  it('a replica that lost the lease claims nothing', async () => {
    await releasedShipment('acc-b');
    const resource = 'shipment-sender:amazon:acc-b';
    const a = new LeaseKeeper(dataSource, NOTIFIER_SCHEMA, 'replica-a', 1_000);
    const b = new LeaseKeeper(dataSource, NOTIFIER_SCHEMA, 'replica-b', 10_000);
    expect(await a.acquire(resource)).not.toBeNull();
    expect(await b.acquire(resource)).toBeNull();
    await sleep(1_100);
    expect(await b.acquire(resource)).not.toBeNull();
    const target = { channel: 'amazon', accountId: 'acc-b' };
    expect(await inTransaction(dataSource, (m) => packages.claimNext(m, target, { resource, holder: 'replica-a' }, 1000))).toBeNull();
    expect(await inTransaction(dataSource, (m) => packages.claimNext(m, target, { resource, holder: 'replica-b' }, 1000))).not.toBeNull();
  });

  it('runs a request once per idempotency key, even when two arrive together', async () => {
    const idempotent = new IdempotentRequests();
    let runs = 0;
    const context = { principal: 'erp', key: 'k-1', operation: 'POST /v1/shipments', body: { a: 1 } };
    const attempt = () =>
      inTransaction(dataSource, (m) =>
        idempotent.run(m, context, async () => {
          runs += 1;
          await sleep(300);
          return { status: 201, body: { id: 'shipment-1' } };
        }),
      );
    const [x, y] = await Promise.all([attempt(), attempt()]);
    expect(runs).toBe(1);
    expect([x.replayed, y.replayed].sort()).toEqual([false, true]);
    expect(x.body).toEqual({ id: 'shipment-1' });
    expect(y.body).toEqual({ id: 'shipment-1' });
    expect(y.status).toBe(201);
    await expect(
      inTransaction(dataSource, (m) => idempotent.run(m, { ...context, body: { a: 2 } }, async () => ({ status: 201, body: {} }))),
    ).rejects.toThrow(IdempotencyKeyReusedError);
    // A refused request stores nothing: the same key works once the reason is gone.
    await expect(
      inTransaction(dataSource, (m) =>
        idempotent.run(m, { ...context, key: 'k-2' }, async () => {
          throw new Error('order is pending');
        }),
      ),
    ).rejects.toThrow('order is pending');
    const keys = await db.query("SELECT key FROM shipment_notifier.idempotency_keys WHERE key = 'k-2'");
    expect(keys).toEqual([]);
  });

  it('seeds the default carrier mappings, and its migrations revert cleanly', async () => {
    const seeded = await db.query<{ carrier: string; code: string }>(
      "SELECT carrier, code FROM shipment_notifier.carrier_mappings WHERE channel = 'amazon' AND carrier IN ('brt', 'dhl-paket', 'go') ORDER BY carrier",
    );
    expect(seeded).toEqual([
      { carrier: 'brt', code: 'BRT' },
      { carrier: 'dhl-paket', code: 'DHL-Paket' },
      { carrier: 'go', code: 'GO!' },
    ]);
    // The web shops: Shopify's tracking company names, WooCommerce's free-text providers.
    const shops = await db.query<{ channel: string; carrier: string; code: string }>(
      "SELECT channel, carrier, code FROM shipment_notifier.carrier_mappings WHERE channel <> 'amazon' AND carrier IN ('dhl', 'poste') ORDER BY channel, carrier",
    );
    expect(shops).toEqual([
      { channel: 'shopify', carrier: 'dhl', code: 'DHL Express' },
      { channel: 'shopify', carrier: 'poste', code: 'Poste Italiane' },
      { channel: 'woocommerce', carrier: 'dhl', code: 'DHL' },
      { channel: 'woocommerce', carrier: 'poste', code: 'Poste Italiane' },
    ]);
    await revertLastMigration(dataSource, NOTIFIER_SCHEMA);
    const [{ n }] = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM shipment_notifier.carrier_mappings WHERE channel <> 'amazon'");
    expect(n).toBe(0);
    for (let i = 0; i < 3; i++) await revertLastMigration(dataSource, NOTIFIER_SCHEMA);
    const tables = await db.query("SELECT table_name FROM information_schema.tables WHERE table_schema = 'shipment_notifier' AND table_name <> 'migrations'");
    expect(tables).toEqual([]);
    expect(await runMigrations(dataSource, NOTIFIER_SCHEMA)).toHaveLength(4);
  });
});
