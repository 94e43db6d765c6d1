/** What the concurrency acceptance test requires of a ledger after N one-unit reservations per SKU. */
export interface SkuWorkload {
  sku: string;
  onHand: number;
  reservations: number;
}

type Query = <T extends Record<string, unknown>>(sql: string, params?: unknown[]) => Promise<T[]>;

/**
 * The ledger's promises, checked against the database: `reserved` equals the sum of the
 * active reservations (nothing lost), and the stock.oversold events name exactly the
 * reservations made beyond on-hand: shortfalls rising to N, each event naming one order
 * per unit of growth, N distinct orders in all, each really holding the SKU. Returns
 * what is wrong (empty when all holds).
 */
export async function oversellProblems(query: Query, workload: readonly SkuWorkload[]): Promise<string[]> {
  const problems: string[] = [];
  for (const w of workload) {
    const [head] = await query<{ on_hand: number; reserved: number }>(
      `SELECT on_hand, reserved FROM inventory.stock WHERE sku = $1`,
      [w.sku],
    );
    const [{ active }] = await query<{ active: number }>(
      `SELECT coalesce(sum(quantity), 0)::int AS active FROM inventory.reservations
        WHERE sku = $1 AND state IN ('pending', 'committed')`,
      [w.sku],
    );
    if (head?.reserved !== active) problems.push(`${w.sku}: reserved ${head?.reserved} but active reservations hold ${active}`);
    if (active !== w.reservations) problems.push(`${w.sku}: ${active} units reserved, expected ${w.reservations}`);

    // In publication order. A transaction (one batch) that pushes the SKU further below
    // zero raises one event: its shortfall is the new total, its orders the one-unit
    // reservations that made the growth, one per unit.
    const events = await query<{ shortfall: number; orders: { orderId: string }[] }>(
      `SELECT (envelope->'payload'->>'shortfall')::int AS shortfall, envelope->'payload'->'orders' AS orders
         FROM inventory.outbox WHERE routing_key = 'stock.oversold' AND envelope->'payload'->>'sku' = $1 ORDER BY id`,
      [w.sku],
    );
    const expected = Math.max(0, w.reservations - w.onHand);
    const last = events.length > 0 ? events[events.length - 1].shortfall : 0;
    if (last !== expected) problems.push(`${w.sku}: the last stock.oversold says shortfall ${last}, expected ${expected}`);
    events.forEach((e, i) => {
      const growth = e.shortfall - (i > 0 ? events[i - 1].shortfall : 0);
      if (growth <= 0) problems.push(`${w.sku}: stock.oversold #${i + 1} does not grow the shortfall (${e.shortfall})`);
      if (e.orders.length !== growth) {
        problems.push(`${w.sku}: stock.oversold #${i + 1} grows the shortfall by ${growth} but names ${e.orders.length} orders`);
      }
    });
    const named = events.flatMap((e) => e.orders.map((o) => o.orderId));
    if (new Set(named).size !== named.length) problems.push(`${w.sku}: an order is named in two oversold events`);
    if (named.length > 0) {
      const [{ holding }] = await query<{ holding: number }>(
        `SELECT count(*)::int AS holding FROM inventory.reservations
          WHERE sku = $1 AND order_id = ANY($2::text[]) AND state IN ('pending', 'committed')`,
        [w.sku, named],
      );
      if (holding !== named.length) problems.push(`${w.sku}: oversold events name orders that hold no ${w.sku}`);
    }
  }
  return problems;
}
