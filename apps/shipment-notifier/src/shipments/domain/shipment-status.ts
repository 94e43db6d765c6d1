/**
 * Where a package's notification stands at its channel:
 * - `pending`: waiting to be sent (or for its manifest to ship);
 * - `sent`: a call was made or may have been made; the outcome is not known yet. Before
 *   anything is sent again the channel is asked whether it has the package;
 * - `confirmed`: the channel accepted it (or reconciliation found it there);
 * - `failed`: the channel refused it, or attempts ran out; an operator may retry;
 * - `held`: not sent because something on our side is missing (an unmapped carrier, an
 *   account without credentials); fix it, then retry.
 */
export type PackageState = 'pending' | 'sent' | 'confirmed' | 'failed' | 'held';

export type ShipmentStatus = PackageState | 'voided';

/** A shipment's state is the most urgent of its packages'. */
export function shipmentStatus(packages: readonly PackageState[], voided: boolean): ShipmentStatus {
  if (voided) return 'voided';
  if (packages.length > 0 && packages.every((s) => s === 'confirmed')) return 'confirmed';
  if (packages.includes('held')) return 'held';
  if (packages.includes('failed')) return 'failed';
  if (packages.includes('sent') || packages.includes('confirmed')) return 'sent';
  return 'pending';
}

/** SQL twin of `shipmentStatus` over `shipment_packages p` grouped by shipment, with `s` the shipment. */
export const SHIPMENT_STATUS_SQL = `CASE
  WHEN s.voided_at IS NOT NULL THEN 'voided'
  WHEN bool_and(p.state = 'confirmed') THEN 'confirmed'
  WHEN bool_or(p.state = 'held') THEN 'held'
  WHEN bool_or(p.state = 'failed') THEN 'failed'
  WHEN bool_or(p.state IN ('sent', 'confirmed')) THEN 'sent'
  ELSE 'pending' END`;

/** Exponential backoff with "equal jitter": half the ceiling fixed, half random. */
export function retryDelayMs(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
