/**
 * The merchant's carrier as a key: ERPs spell the same carrier "Poste Italiane",
 * "POSTE_ITALIANE" or "poste italiane". Lower case, runs of anything but letters and digits
 * become one "-". Channel codes are never normalized: Amazon's are case-sensitive.
 */
export function carrierKey(carrier: string): string {
  return carrier
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** Stored for mappings that apply to every marketplace of a channel. */
export const ANY_MARKETPLACE = '*';
