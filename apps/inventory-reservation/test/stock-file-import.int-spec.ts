import { TEST_API_KEY } from '@holdfast/testing';
import { expectExplainAddsUp } from './support/explain-check';
import { InventoryHarness } from './support/inventory-harness';

/** A fingerprint of every stock figure and event: equal fingerprints, nothing changed. */
async function ledgerFingerprint(h: InventoryHarness): Promise<Record<string, unknown>> {
  const [f] = await h.query(
    `SELECT (SELECT md5(coalesce(string_agg(sku || '/' || location_id || '/' || on_hand || '/' || coalesce(as_of, -1), ',' ORDER BY sku, location_id), ''))
               FROM inventory.stock_levels) AS levels,
            (SELECT md5(coalesce(string_agg(sku || '/' || on_hand || '/' || reserved || '/' || version, ',' ORDER BY sku), ''))
               FROM inventory.stock) AS heads,
            (SELECT count(*)::int FROM inventory.stock) AS skus,
            (SELECT count(*)::int FROM inventory.outbox) AS events`,
  );
  return f;
}

async function postFile(h: InventoryHarness, contentType: string, body: string, query = '') {
  const response = await fetch(`${h.baseUrl}/v1/stock/imports${query}`, {
    method: 'POST',
    headers: { 'content-type': contentType, authorization: `Bearer ${TEST_API_KEY}` },
    body,
  });
  return { status: response.status, body: (await response.json()) as any };
}

describe('bulk stock file from the ERP', () => {
  let h: InventoryHarness;

  beforeAll(async () => {
    // An import publishes one availability.changed per SKU: route them to a queue that drops them.
    h = await InventoryHarness.start('inv_import', {
      observe: ['stock.oversold'],
      sink: ['availability.changed'],
    });
  });

  afterAll(async () => {
    await h?.stop();
  });

  it('streams a 100,000-row file in and applies it whole, stale rows ignored', async () => {
    await h.http('PUT', '/v1/stock/BULK-000007', { onHand: 99, asOf: 500 });
    const rows = ['sku,onHand,asOf'];
    for (let i = 0; i < 100_000; i++) rows.push(`BULK-${String(i).padStart(6, '0')},${i % 50},100`);
    const result = await postFile(h, 'text/csv', rows.join('\n') + '\n');
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ rows: 100_000, appliedRows: 99_999, staleRows: 1 });
    // Every SKU with stock changed once; the 1 in 50 rows at zero change nothing.
    expect(result.body.changedSkus).toBe(100_000 - 2_000 - 1);
    const [counts] = await h.query<{ levels: number; units: number; newer: number }>(
      `SELECT count(*)::int AS levels, sum(on_hand)::int AS units,
                (SELECT on_hand FROM inventory.stock WHERE sku = 'BULK-000007') AS newer
           FROM inventory.stock_levels WHERE sku LIKE 'BULK-%'`,
    );
    expect(counts).toEqual({ levels: 100_000, units: (2_000 * (49 * 50)) / 2 - 7 + 99, newer: 99 });
    const [{ heads }] = await h.query<{ heads: number }>(
      `SELECT count(*)::int AS heads FROM inventory.stock s WHERE s.sku LIKE 'BULK-%'
            AND s.on_hand = (SELECT sum(on_hand) FROM inventory.stock_levels l WHERE l.sku = s.sku)`,
    );
    expect(heads).toBe(100_000);
    const [{ events }] = await h.query<{ events: number }>(
      `SELECT count(*)::int AS events FROM inventory.outbox
          WHERE routing_key = 'availability.changed' AND envelope->'payload'->>'sku' LIKE 'BULK-%'`,
    );
    expect(events).toBe(100_000 - 2_000 - 1 + 1);
    // Explain agrees with the import for a spread of the file's SKUs (every 5,000th).
    for (let i = 7; i < 100_000; i += 5_000) {
      const explain = await h.http('GET', `/v1/availability/BULK-${String(i).padStart(6, '0')}`);
      expect(explain.body).toMatchObject({ onHand: i === 7 ? 99 : i % 50, reserved: 0 });
      expectExplainAddsUp(explain.body);
    }
  }, 150_000);

  it('rejects a 100,000-row file whose bad rows sit anywhere, the last row included, and changes nothing', async () => {
    const before = await ledgerFingerprint(h);
    const rows = ['sku,onHand,asOf'];
    // Newer than the applied file: every good row would change its SKU if applied.
    for (let i = 0; i < 100_000; i++) rows.push(`BULK-${String(i).padStart(6, '0')},${(i % 50) + 1},300`);
    const bad: Record<number, [string, RegExp]> = {
      3: ['BULK-000002,x,300', /onHand/],
      50_001: ['BULK-050000,-1,300', /negative/],
      99_999: ['BULK-099998,5', /column|asOf|field/i],
      100_001: [',5,300', /sku/i],
    };
    for (const [line, [text]] of Object.entries(bad)) rows[Number(line) - 1] = text;
    const result = await postFile(h, 'text/csv', rows.join('\n') + '\n');
    expect(result.status).toBe(422);
    expect(result.body).toMatchObject({ code: 'stock-import.rejected', rows: 100_000, errorCount: 4, truncated: false });
    expect(result.body.errors.map((e: { line: number }) => e.line)).toEqual(Object.keys(bad).map(Number));
    for (const e of result.body.errors as { line: number; reason: string }[]) expect(e.reason).toMatch(bad[e.line][1]);
    expect(await ledgerFingerprint(h)).toEqual(before);
  }, 150_000);

  it('rejects a file with bad rows whole, naming every one, and changes nothing', async () => {
    const before = await h.query(
      `SELECT sku, on_hand, version FROM inventory.stock WHERE sku LIKE 'BULK-00000%' ORDER BY sku`,
    );
    const [{ outbox }] = await h.query<{ outbox: number }>(
      `SELECT count(*)::int AS outbox FROM inventory.outbox`,
    );
    const fingerprint = await ledgerFingerprint(h);
    const lines: string[] = [];
    for (let i = 0; i < 1_000; i++)
      lines.push(JSON.stringify({ sku: `BULK-${String(i).padStart(6, '0')}`, onHand: 7, asOf: 200 }));
    lines[1] = '{"sku":"BULK-000001","onHand":-2,"asOf":200}';
    lines[499] = '{"sku":"BULK-000499","onHand":1,"asOf":200,"colour":"red"}';
    lines[500] = 'not json';
    lines[998] = JSON.stringify({ sku: 'BULK-000998', onHand: 1, asOf: 200, locationId: 'nowhere' });
    lines[999] = JSON.stringify({ sku: 'BULK-000000', onHand: 1, asOf: 200 });
    const result = await postFile(h, 'application/x-ndjson', lines.join('\n'));
    expect(result.status).toBe(422);
    expect(result.body).toMatchObject({
      code: 'stock-import.rejected',
      rows: 1_000,
      errorCount: 5,
      truncated: false,
    });
    expect(result.body.errors).toEqual([
      { line: 2, reason: 'onHand must not be negative' },
      { line: 500, reason: 'unknown field "colour"' },
      { line: 501, reason: 'not valid JSON' },
      { line: 999, reason: 'unknown location "nowhere"' },
      { line: 1000, reason: 'SKU BULK-000000 at location default already appears on line 1' },
    ]);
    expect(
      await h.query(
        `SELECT sku, on_hand, version FROM inventory.stock WHERE sku LIKE 'BULK-00000%' ORDER BY sku`,
      ),
    ).toEqual(before);
    expect(
      (await h.query<{ outbox: number }>(`SELECT count(*)::int AS outbox FROM inventory.outbox`))[0].outbox,
    ).toBe(outbox);
    expect(await ledgerFingerprint(h)).toEqual(fingerprint);
    expect(
      await h.query(`SELECT status, error_count FROM inventory.stock_imports WHERE status = 'rejected' ORDER BY received_at`),
    ).toEqual([
      { status: 'rejected', error_count: 4 },
      { status: 'rejected', error_count: 5 },
    ]);
  });

  it('refuses a format it does not read', async () => {
    const result = await postFile(h, 'application/xml', '<stock/>');
    expect(result).toMatchObject({ status: 400, body: { code: 'stock-import.unsupported-format' } });
  });
});
