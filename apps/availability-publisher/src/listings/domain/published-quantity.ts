/**
 * Channel rules: what a channel is shown of the available quantity. Set per channel account
 * and overridable per listing, field by field.
 */
export interface QuantityRules {
  /** Units held back from the channel (kept for other channels, counting errors). */
  safetyBuffer: number;
  /** The most the channel is ever shown; null: no cap. */
  maxQuantity: number | null;
  /** Share of the available quantity the channel may sell, 0–100. */
  sharePercent: number;
  /** Below this many available units the channel is shown zero (the last units are risky). */
  zeroBelow: number;
}

/** A listing's own rule values; null or absent: the account's value applies. */
export type QuantityRuleOverrides = { [K in keyof QuantityRules]?: number | null };

export const DEFAULT_QUANTITY_RULES: QuantityRules = { safetyBuffer: 0, maxQuantity: null, sharePercent: 100, zeroBelow: 0 };

/** The listing's own values where it has them, else the account's, else the defaults. */
export function effectiveRules(account: QuantityRules | null, listing: QuantityRuleOverrides): QuantityRules {
  const base = account ?? DEFAULT_QUANTITY_RULES;
  return {
    safetyBuffer: listing.safetyBuffer ?? base.safetyBuffer,
    maxQuantity: listing.maxQuantity ?? base.maxQuantity,
    sharePercent: listing.sharePercent ?? base.sharePercent,
    zeroBelow: listing.zeroBelow ?? base.zeroBelow,
  };
}

/** One internal SKU a listing sells, `quantity` units of it per sold unit (1 for a plain listing). */
export interface ListingComponent {
  sku: string;
  quantity: number;
}

/**
 * Units of a listing the stock can make: for a bundle the minimum over its components of
 * floor(available / units per bundle). A component already oversold (negative available)
 * makes none.
 */
export function sellableUnits(components: readonly (ListingComponent & { available: number })[]): number {
  if (components.length === 0) throw new RangeError('a listing sells at least one SKU');
  return Math.min(...components.map((c) => Math.floor(Math.max(0, c.available) / c.quantity)));
}

/**
 * The quantity a channel is shown for `available` sellable units:
 *
 *     0                                              if available < zeroBelow
 *     min(maxQuantity, floor((available − safetyBuffer) × sharePercent / 100))   otherwise,
 *
 * clamped to 0 … available: never negative, never more than there is.
 */
export function publishedQuantity(available: number, rules: QuantityRules): number {
  const units = Math.max(0, Math.floor(available));
  if (units < rules.zeroBelow) return 0;
  let shown = Math.floor(((units - rules.safetyBuffer) * rules.sharePercent) / 100);
  if (rules.maxQuantity !== null) shown = Math.min(shown, rules.maxQuantity);
  return Math.min(units, Math.max(0, shown));
}

/**
 * The availability version a listing's quantity comes from. For one SKU it is that SKU's
 * version; for a bundle the sum of its components' versions, which grows whenever any
 * component changes and so orders a bundle's quantities the way one version orders a SKU's.
 */
export function availabilityVersionOf(components: readonly { version: number }[]): number {
  return components.reduce((sum, c) => sum + c.version, 0);
}
