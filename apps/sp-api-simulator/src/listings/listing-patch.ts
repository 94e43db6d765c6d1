import { cloneJson, isJsonObject, jsonEqual } from '../support/json-value';
import { fulfillmentAvailability, MERCHANT_CHANNEL, type SimListing } from './listing';

export interface PatchOperation {
  op: 'add' | 'replace' | 'merge' | 'delete';
  path: string;
  value?: unknown[];
}

/** An issue as the Listings Items API reports it (`Issue` in the model). Codes are the simulator's own. */
export interface ListingIssue {
  code: string;
  message: string;
  severity: 'ERROR' | 'WARNING' | 'INFO';
  attributeNames?: string[];
  categories: string[];
}

const ATTRIBUTE_PATH = /^\/attributes\/([a-z0-9_]+)$/;
const MAX_QUANTITY = 2_147_483_647;

export function attributeName(path: string): string | undefined {
  return ATTRIBUTE_PATH.exec(path)?.[1];
}

/** Problems that make a set of patches INVALID whatever the listing holds. */
export function checkPatches(patches: PatchOperation[]): ListingIssue[] {
  const issues: ListingIssue[] = [];
  for (const patch of patches) {
    const name = attributeName(patch.path);
    if (!name) {
      issues.push({
        code: 'INVALID_ATTRIBUTE_PATH',
        message: `'${patch.path}' is not a patchable path; use /attributes/<attribute_name>.`,
        severity: 'ERROR',
        categories: ['INVALID_ATTRIBUTE'],
      });
      continue;
    }
    if (patch.op !== 'delete' && patch.value === undefined) {
      issues.push(attributeIssue(name, 'MISSING_VALUE', `A '${patch.op}' patch of '${name}' needs a value.`));
      continue;
    }
    if (name === 'fulfillment_availability') issues.push(...checkFulfillmentAvailability(patch.value ?? []));
  }
  return issues;
}

function checkFulfillmentAvailability(values: unknown[]): ListingIssue[] {
  const issues: ListingIssue[] = [];
  for (const value of values) {
    if (
      !isJsonObject(value) ||
      typeof value['fulfillment_channel_code'] !== 'string' ||
      value['fulfillment_channel_code'] === ''
    ) {
      issues.push(
        attributeIssue(
          'fulfillment_availability',
          'MISSING_FULFILLMENT_CHANNEL',
          "'fulfillment_channel_code' is required but not supplied.",
        ),
      );
      continue;
    }
    const quantity = value['quantity'];
    if (
      quantity !== undefined &&
      !(Number.isInteger(quantity) && (quantity as number) >= 0 && (quantity as number) <= MAX_QUANTITY)
    ) {
      issues.push(
        attributeIssue(
          'fulfillment_availability',
          'INVALID_QUANTITY',
          `'quantity' must be a whole number from 0 to ${MAX_QUANTITY}, got ${JSON.stringify(quantity)}.`,
        ),
      );
    }
    const leadTime = value['lead_time_to_ship_max_days'];
    if (leadTime !== undefined && !(Number.isInteger(leadTime) && (leadTime as number) >= 0)) {
      issues.push(
        attributeIssue(
          'fulfillment_availability',
          'INVALID_LEAD_TIME',
          "'lead_time_to_ship_max_days' must be a whole number of days.",
        ),
      );
    }
  }
  return issues;
}

function attributeIssue(attribute: string, code: string, message: string): ListingIssue {
  return { code, message, severity: 'ERROR', attributeNames: [attribute], categories: ['INVALID_ATTRIBUTE'] };
}

/**
 * Applies JSON-Patch-like listing patches to a copy of the attributes. `merge` updates the entries
 * whose keys match (for fulfillment_availability: the channel and marketplace) and keeps their other
 * fields, which is why it preserves lead time and restock date; `replace` swaps the whole attribute.
 */
export function applyPatches(
  attributes: Record<string, unknown[]>,
  patches: PatchOperation[],
): Record<string, unknown[]> {
  const next = cloneJson(attributes);
  for (const patch of patches) {
    const name = attributeName(patch.path);
    if (!name) continue;
    const value = cloneJson(patch.value ?? []);
    switch (patch.op) {
      case 'add':
      case 'replace':
        next[name] = value;
        break;
      case 'merge':
        next[name] = mergeEntries(next[name] ?? [], value);
        break;
      case 'delete':
        if (patch.value === undefined) delete next[name];
        else {
          const remaining = (next[name] ?? []).filter((entry) => !value.some((v) => sameKey(entry, v)));
          if (remaining.length > 0) next[name] = remaining;
          else delete next[name];
        }
        break;
    }
  }
  return next;
}

const KEY_FIELDS = ['fulfillment_channel_code', 'marketplace_id', 'language_tag', 'audience'];

function sameKey(a: unknown, b: unknown): boolean {
  if (!isJsonObject(a) || !isJsonObject(b)) return jsonEqual(a, b);
  return KEY_FIELDS.every((field) => jsonEqual(a[field], b[field]));
}

function mergeEntries(existing: unknown[], incoming: unknown[]): unknown[] {
  const merged = [...existing];
  for (const value of incoming) {
    const index = merged.findIndex((entry) => sameKey(entry, value));
    if (index >= 0 && isJsonObject(merged[index]) && isJsonObject(value))
      merged[index] = { ...merged[index], ...value };
    else merged.push(value);
  }
  return merged;
}

/**
 * A merchant quantity (channel DEFAULT) sent to an FBA listing turns it into a merchant-fulfilled one,
 * which is how sellers switch channels on purpose and how stock gets published to an FBA offer by
 * mistake. The simulator follows suit and warns.
 */
export function channelAfterPatches(
  listing: SimListing,
  attributes: Record<string, unknown[]>,
): { channel: string; issues: ListingIssue[] } {
  if (listing.fulfillmentChannelCode === MERCHANT_CHANNEL) return { channel: MERCHANT_CHANNEL, issues: [] };
  const setsMerchantQuantity = fulfillmentAvailability(attributes).some(
    (e) => e.fulfillment_channel_code === MERCHANT_CHANNEL && typeof e.quantity === 'number',
  );
  if (!setsMerchantQuantity) return { channel: listing.fulfillmentChannelCode, issues: [] };
  return {
    channel: MERCHANT_CHANNEL,
    issues: [
      {
        code: 'FULFILLMENT_CHANNEL_SWITCHED',
        message: `The listing was fulfilled by Amazon (${listing.fulfillmentChannelCode}); a DEFAULT quantity makes it merchant-fulfilled.`,
        severity: 'WARNING',
        attributeNames: ['fulfillment_availability'],
        categories: [],
      },
    ],
  };
}
