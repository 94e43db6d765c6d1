/** Explain's answer for a SKU, as GET /v1/availability/{sku} gives it (the parts that must add up). */
export interface SkuExplanationView {
  sku: string;
  onHand: number;
  reserved: number;
  available: number;
  locations: { onHand: number }[];
  reservations: { quantity: number }[];
  reservedByOtherAccounts: number;
  channels: { channel: string; onHand: number; reserved: number; available: number }[];
}

/**
 * Explain's numbers add up: Σ locations = onHand, Σ listed reservations (+ those of
 * accounts the caller may not see) = reserved, onHand − reserved = available, and the
 * same per channel. Returns what does not (empty when all holds).
 */
export function explainProblems(explain: SkuExplanationView): string[] {
  const problems: string[] = [];
  const located = explain.locations.reduce((sum, l) => sum + l.onHand, 0);
  const held = explain.reservations.reduce((sum, r) => sum + r.quantity, 0) + explain.reservedByOtherAccounts;
  if (located !== explain.onHand)
    problems.push(`${explain.sku}: locations hold ${located}, onHand says ${explain.onHand}`);
  if (held !== explain.reserved)
    problems.push(`${explain.sku}: reservations hold ${held}, reserved says ${explain.reserved}`);
  if (explain.onHand - held !== explain.available) {
    problems.push(
      `${explain.sku}: on-hand ${explain.onHand} − reservations ${held} ≠ available ${explain.available}`,
    );
  }
  for (const c of explain.channels) {
    if (c.onHand - c.reserved !== c.available)
      problems.push(`${explain.sku}/${c.channel}: ${c.onHand} − ${c.reserved} ≠ ${c.available}`);
  }
  return problems;
}

export function expectExplainAddsUp(explain: SkuExplanationView): void {
  expect(explainProblems(explain)).toEqual([]);
}
