/** Keys under which the Orders API puts personal data (v2026 `buyer`, `recipient`; v0 `BuyerInfo`, `ShippingAddress`). */
const PERSONAL_KEYS =
  /"(buyer|recipient|buyerInfo|BuyerInfo|shippingAddress|ShippingAddress|deliveryAddress)"\s*:/;

/** How much of a body that is not JSON is kept: enough to see what went wrong. */
export const RAW_TEXT_LIMIT = 100_000;

/**
 * A response body that could not be parsed, fit to keep as evidence of an ingest error.
 * It cannot be parsed, so personal data cannot be removed field by field: the text is cut
 * before the first key that carries it (searches never ask for it, so normally nothing is cut).
 */
export function rawTextWithoutPersonalData(text: string): string {
  const personal = PERSONAL_KEYS.exec(text);
  const kept = personal ? `${text.slice(0, personal.index)}[cut: personal data follows]` : text;
  return kept.slice(0, RAW_TEXT_LIMIT);
}
