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
 * reservations made beyond on-hand: one event per unit of shortfall, shortfalls 1…N
 * each once, each naming a distinct order that really holds the SKU. Returns what is
 * wrong (empty when all holds).
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

    const events = await query<{ shortfall: number; orders: { orderId: string }[] }>(
      `SELECT (envelope->'payload'->>'shortfall')::int AS shortfall, envelope->'payload'->'orders' AS orders
         FROM inventory.outbox WHERE routing_key = 'stock.oversold' AND envelope->'payload'->>'sku' = $1`,
      [w.sku],
    );
    const expected = Math.max(0, w.reservations - w.onHand);
    const shortfalls = events.map((e) => e.shortfall).sort((a, b) => a - b);
    if (JSON.stringify(shortfalls) !== JSON.stringify(Array.from({ length: expected }, (_, i) => i + 1))) {
      problems.push(
        `${w.sku}: expected ${expected} stock.oversold events with shortfalls 1…${expected}, got ${events.length} ` +
          `(max shortfall ${shortfalls[shortfalls.length - 1] ?? 0})`,
      );
    }
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
