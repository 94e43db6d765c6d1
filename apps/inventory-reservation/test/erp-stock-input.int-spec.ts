import { expectExplainAddsUp } from './support/explain-check';
import { InventoryHarness, ledgerTotals } from './support/inventory-harness';

const availabilityEventsOf = async (h: InventoryHarness, sku: string) =>
  h.query<{ version: number; on_hand: number }>(
    `SELECT (envelope->'payload'->>'version')::int AS version, (envelope->'payload'->>'onHand')::int AS on_hand
       FROM inventory.outbox WHERE routing_key = 'availability.changed' AND envelope->'payload'->>'sku' = $1 ORDER BY id`,
    [sku],
  );

describe('stock input from the ERP', () => {
  let h: InventoryHarness;

  beforeAll(async () => {
    h = await InventoryHarness.start('inv_erp');
  });

  afterAll(async () => {
    await h?.stop();
  });

  describe('absolute snapshots', () => {
    it('applies a newer snapshot and ignores a stale or repeated one', async () => {
      expect((await h.http('PUT', '/v1/stock/ERP-A', { onHand: 8, asOf: 10 })).body).toMatchObject({
        applied: true,
        onHand: 8,
        locationOnHand: 8,
        available: 8,
        version: 1,
      });
      const stale = await h.http('PUT', '/v1/stock/ERP-A', { onHand: 3, asOf: 5 });
      expect(stale).toMatchObject({ status: 200, body: { applied: false, onHand: 8, version: 1 } });
      const repeated = await h.http('PUT', '/v1/stock/ERP-A', { onHand: 3, asOf: 10 });
      expect(repeated.body).toMatchObject({ applied: false, onHand: 8 });
      expect((await h.http('PUT', '/v1/stock/ERP-A', { onHand: 6, asOf: 11 })).body).toMatchObject({
        applied: true,
        onHand: 6,
        version: 2,
      });
      // One availability.changed per applied change, none for the ignored ones.
      expect(await availabilityEventsOf(h, 'ERP-A')).toEqual([
        { version: 1, on_hand: 8 },
        { version: 2, on_hand: 6 },
      ]);
    });

    it('takes timestamps as asOf', async () => {
      await h.http('PUT', '/v1/stock/ERP-T', { onHand: 4, asOf: '2026-11-20T10:00:00+01:00' });
      const older = await h.http('PUT', '/v1/stock/ERP-T', { onHand: 9, asOf: '2026-11-20T08:30:00Z' });
      expect(older.body).toMatchObject({ applied: false, onHand: 4 });
      const newer = await h.http('PUT', '/v1/stock/ERP-T', { onHand: 9, asOf: '2026-11-20T09:00:01.5Z' });
      expect(newer.body).toMatchObject({ applied: true, onHand: 9 });
    });

    it('keeps stock per location and refuses an unknown one', async () => {
      expect((await h.http('PUT', '/v1/locations/east', { name: 'East' })).status).toBe(200);
      await h.http('PUT', '/v1/stock/ERP-L', { onHand: 2, asOf: 1 });
      const east = await h.http('PUT', '/v1/stock/ERP-L', { onHand: 5, asOf: 1, locationId: 'east' });
      expect(east.body).toMatchObject({ applied: true, locationOnHand: 5, onHand: 7 });
      const unknown = await h.http('PUT', '/v1/stock/ERP-L', { onHand: 5, asOf: 2, locationId: 'nowhere' });
      expect(unknown.status).toBe(404);
      expect(unknown.body).toMatchObject({ code: 'location.not-found' });
      const [head] = (await ledgerTotals(h)).filter((t) => t.sku === 'ERP-L');
      expect(head).toMatchObject({ on_hand: 7, levels: 7 });
    });
  });

  describe('adjustments', () => {
    it('applies a repeated request once and answers it the same', async () => {
      await h.http('PUT', '/v1/stock/ERP-ADJ', { onHand: 10, asOf: 1 });
      const request = { idempotencyKey: 'erp-move-0001', sku: 'ERP-ADJ', delta: -3, reason: 'breakage' };
      const first = await h.http('POST', '/v1/stock/adjustments', request);
      expect(first.body).toMatchObject({
        applied: true,
        appliedDelta: -3,
        locationOnHand: 7,
        stock: { onHand: 7 },
      });
      // Retries, some of them concurrent, as a nervous ERP client sends them.
      const again = await Promise.all(
        [1, 2, 3, 4].map(() => h.http('POST', '/v1/stock/adjustments', request)),
      );
      for (const r of again) {
        expect(r.status).toBe(200);
        expect(r.body).toMatchObject({
          applied: false,
          appliedDelta: -3,
          locationOnHand: 7,
          idempotencyKey: 'erp-move-0001',
        });
      }
      expect((await ledgerTotals(h)).find((t) => t.sku === 'ERP-ADJ')).toMatchObject({
        on_hand: 7,
        levels: 7,
      });
      expect(
        await h.query(`SELECT 1 FROM inventory.stock_adjustments WHERE idempotency_key = 'erp-move-0001'`),
      ).toHaveLength(1);
    });

    it('applies once when the first attempts of one adjustment arrive together', async () => {
      await h.http('PUT', '/v1/stock/ERP-RACE', { onHand: 20, asOf: 1 });
      const request = { idempotencyKey: 'erp-move-race', sku: 'ERP-RACE', delta: 5 };
      const answers = await Promise.all(Array.from({ length: 6 }, () => h.http('POST', '/v1/stock/adjustments', request)));
      expect(answers.map((a) => a.status)).toEqual(Array(6).fill(200));
      expect(answers.filter((a) => a.body.applied === true)).toHaveLength(1);
      for (const a of answers) expect(a.body).toMatchObject({ appliedDelta: 5, locationOnHand: 25 });
      expect((await ledgerTotals(h)).find((t) => t.sku === 'ERP-RACE')).toMatchObject({ on_hand: 25, levels: 25 });
    });

    it('refuses a reused key with another movement, and never goes below zero', async () => {
      const reused = await h.http('POST', '/v1/stock/adjustments', {
        idempotencyKey: 'erp-move-0001',
        sku: 'ERP-ADJ',
        delta: -4,
      });
      expect(reused.status).toBe(409);
      expect(reused.body).toMatchObject({ code: 'stock-adjustment.idempotency-key-reused' });
      const tooMuch = await h.http('POST', '/v1/stock/adjustments', {
        idempotencyKey: 'erp-move-0002',
        sku: 'ERP-ADJ',
        delta: -50,
      });
      expect(tooMuch.body).toMatchObject({ applied: true, delta: -50, appliedDelta: -7, locationOnHand: 0 });
      const zero = await h.http('POST', '/v1/stock/adjustments', {
        idempotencyKey: 'erp-move-0003',
        sku: 'ERP-ADJ',
        delta: 0,
      });
      expect(zero.status).toBe(400);
    });
  });

  it("explains every SKU of this suite with numbers that add up", async () => {
    const totals = await ledgerTotals(h);
    expect(totals.length).toBeGreaterThan(0);
    for (const t of totals) {
      const explain = await h.http('GET', `/v1/availability/${t.sku}`);
      expect(explain.status).toBe(200);
      expectExplainAddsUp(explain.body);
      expect(explain.body.onHand).toBe(t.levels);
    }
  });
});
