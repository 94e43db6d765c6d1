/**
 * Timestamps as the shops write them. Both truncate to whole seconds; Shopify's REST payloads and
 * WooCommerce's `date_*` fields carry the shop's local offset, GraphQL and `date_*_gmt` are UTC.
 */
export function wholeSeconds(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}

/** `2026-11-25T14:03:00Z` */
export function utcIso(ms: number): string {
  return new Date(wholeSeconds(ms)).toISOString().replace('.000Z', 'Z');
}

/** `2026-11-25T15:03:00+01:00` for an offset of +60 minutes. */
export function offsetIso(ms: number, offsetMinutes: number): string {
  return `${localWallClock(ms, offsetMinutes)}${formatOffset(offsetMinutes)}`;
}

/** `2026-11-25T15:03:00`: WooCommerce's local `date_*` fields, with no offset at all. */
export function localWallClock(ms: number, offsetMinutes: number): string {
  return new Date(wholeSeconds(ms) + offsetMinutes * 60_000).toISOString().slice(0, 19);
}

/** `2026-11-25T14:03:00`: WooCommerce's `date_*_gmt` fields, UTC without a `Z`. */
export function gmtWallClock(ms: number): string {
  return new Date(wholeSeconds(ms)).toISOString().slice(0, 19);
}

function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}
