import type { ChaosSystem } from './chaos-system';

/**
 * "No channel ever shown a negative or a stale quantity after a newer one was acknowledged."
 *
 * What the publisher knows, per listing: each acknowledgement is a `listing.published` event in
 * its outbox (quantity, the availability version it came from, when). What each version means
 * is in inventory-reservation's outbox: every `availability.changed` (version, available), which
 * the account's rules turn into a channel quantity. What the channel showed is the simulator's
 * history of the listing: every change in the order applied.
 *
 * A stale publish: a change applied after the channel acknowledged version v whose quantity is
 * not the quantity of v or of any newer version. The publisher records no version per attempt
 * (only the attempt in flight, on the listing), so a change is matched to versions by quantity:
 * an older version that happens to give the same number as a newer one cannot be told apart,
 * and is also harmless (the channel shows a number that is still right).
 */

export interface ChannelWrite {
  /** Order of application at the channel. */
  sequence: number;
  /** When the channel applied it (epoch ms, the same clock as the services). */
  at: number;
  quantity: number | null;
  /** Who wrote it: the publisher's calls, or the simulator's control API. */
  source: string;
  reference: string;
}

/** A channel whose simulator keeps the history of what each listing showed. */
export interface ChannelHistory {
  channel: string;
  accountId: string;
  /** Every quantity the channel was set to for one of its SKUs, oldest first. */
  writes(channelSku: string): Promise<ChannelWrite[]>;
}

export interface Acknowledgement {
  quantity: number;
  availabilityVersion: number;
  at: number;
}

export interface StaleFinding {
  kind: 'stale-publish' | 'negative-quantity';
  detail: string;
}

/**
 * The pure check over one listing's data: `quantityOf` gives the channel quantity of each
 * availability version the SKU went through.
 */
export function findStaleWrites(
  writes: readonly ChannelWrite[],
  acks: readonly Acknowledgement[],
  quantityOf: ReadonlyMap<number, number>,
): StaleFinding[] {
  const findings: StaleFinding[] = [];
  const sortedAcks = [...acks].sort((a, b) => a.at - b.at);
  for (const write of [...writes].sort((a, b) => a.sequence - b.sequence)) {
    if (write.quantity === null) continue;
    if (write.quantity < 0) {
      findings.push({
        kind: 'negative-quantity',
        detail: `set to ${write.quantity} by ${write.source} ${write.reference}`,
      });
      continue;
    }
    const before = sortedAcks.filter((a) => a.at < write.at);
    if (before.length === 0) continue;
    const newest = Math.max(...before.map((a) => a.availabilityVersion));
    // Quantities of the newest acknowledged version and every later one; acknowledged quantities
    // count too (they are the publisher's own derivation, whatever rules applied then).
    const allowed = new Set<number>();
    for (const [version, quantity] of quantityOf) if (version >= newest) allowed.add(quantity);
    for (const a of acks) if (a.availabilityVersion >= newest) allowed.add(a.quantity);
    if (!allowed.has(write.quantity))
      findings.push({
        kind: 'stale-publish',
        detail:
          `set to ${write.quantity} by ${write.source} ${write.reference} at ` +
          `${new Date(write.at).toISOString()}, after version ${newest} was acknowledged; ` +
          `version ${newest} and newer give ${[...allowed].sort((a, b) => a - b).join('/')}`,
      });
  }
  return findings;
}

/** The channel rules as the publisher's API shows them. */
interface Rules {
  safetyBuffer: number;
  maxQuantity: number | null;
  sharePercent: number;
  zeroBelow: number;
}

/** The publisher's formula (its README): kept here, not imported, so a change there is caught. */
function quantityAfterRules(units: number, rules: Rules): number {
  if (units <= 0 || units < rules.zeroBelow) return 0;
  const shared = Math.floor(((units - rules.safetyBuffer) * rules.sharePercent) / 100);
  const capped = rules.maxQuantity === null ? shared : Math.min(rules.maxQuantity, shared);
  return Math.max(0, Math.min(units, capped));
}

interface ListingView {
  channel: string;
  accountId: string;
  channelSku: string;
  sku?: string;
  rules: Partial<Rules>;
}

/** The SP-API simulator's listing history (PATCHes, feed messages and control writes). */
export function amazonHistory(system: ChaosSystem, accountId: string, sellerId: string): ChannelHistory {
  return {
    channel: 'amazon',
    accountId,
    async writes(channelSku) {
      const res = await system.sim<{
        changes: {
          sequence: number;
          appliedAt: string;
          quantityAfter: number | null;
          source: string;
          reference: string;
        }[];
      }>('GET', `/_sim/listings/${encodeURIComponent(channelSku)}/history?sellerId=${sellerId}`);
      if (res.status === 404) return [];
      if (res.status !== 200) throw new Error(`the simulator's history of ${channelSku}: ${res.status}`);
      return res.body.changes.map((c) => ({
        sequence: c.sequence,
        at: Date.parse(c.appliedAt),
        quantity: c.quantityAfter,
        source: c.source,
        reference: c.reference,
      }));
    },
  };
}

/**
 * A web shop simulator's stock history for one Shopify shop or WooCommerce store. Only what the
 * publisher (the API) and an operator (control) set counts: the shop's own order movements
 * change its stock without any version behind them.
 */
export function shopHistory(
  controlUrl: string,
  channel: 'shopify' | 'woocommerce',
  accountId: string,
): ChannelHistory {
  const route =
    channel === 'shopify'
      ? `/_sim/shopify/shops/${encodeURIComponent(accountId)}/inventory/history`
      : `/_sim/woocommerce/stores/${encodeURIComponent(accountId)}/stock/history`;
  return {
    channel,
    accountId,
    async writes(channelSku) {
      const res = await fetch(`${controlUrl}${route}?sku=${encodeURIComponent(channelSku)}`);
      if (res.status !== 200) throw new Error(`the shop simulator's history of ${channelSku}: ${res.status}`);
      const { changes } = (await res.json()) as {
        changes: {
          at: string;
          sku: string;
          name?: string;
          quantityAfterChange?: number;
          stockQuantity?: number;
          source: string;
        }[];
      };
      return changes
        .map((c, i) => ({ ...c, i }))
        .filter((c) => c.sku === channelSku && (c.name === undefined || c.name === 'available'))
        .filter((c) => c.source.startsWith('api') || c.source.startsWith('control'))
        .map((c) => ({
          sequence: c.i,
          at: Date.parse(c.at),
          quantity: c.quantityAfterChange ?? c.stockQuantity ?? null,
          source: c.source,
          reference: `#${c.i}`,
        }));
    },
  };
}

/**
 * Every listing of the given channels at the publisher, checked against its channel's history.
 * Returns findings by channel SKU.
 */
export async function checkChannelHistories(
  system: ChaosSystem,
  channels: readonly ChannelHistory[],
): Promise<{ kind: StaleFinding['kind']; subject: string; detail: string }[]> {
  const found: { kind: StaleFinding['kind']; subject: string; detail: string }[] = [];
  const acks = await system.db.query<{ payload: AckPayload }>(
    `SELECT envelope->'payload' AS payload FROM availability.outbox WHERE routing_key = 'listing.published'`,
  );
  const changes = await system.db.query<{ payload: AvailabilityPayload }>(
    `SELECT envelope->'payload' AS payload FROM inventory.outbox WHERE routing_key = 'availability.changed'`,
  );
  for (const history of channels) {
    const listings = await system.api<{ listings: ListingView[] }>(
      'availability-publisher',
      'GET',
      `/v1/listings?channel=${history.channel}&accountId=${encodeURIComponent(history.accountId)}&limit=1000`,
    );
    if (listings.status !== 200) throw new Error(`the publisher's listings: ${listings.status}`);
    const accountRules = await system.api<Rules>(
      'availability-publisher',
      'GET',
      `/v1/rules/${history.channel}/${encodeURIComponent(history.accountId)}`,
    );
    for (const listing of listings.body.listings) {
      const rules: Rules = {
        safetyBuffer: 0,
        maxQuantity: null,
        sharePercent: 100,
        zeroBelow: 0,
        ...(accountRules.status === 200 ? accountRules.body : {}),
        ...listing.rules,
      };
      const quantityOf = new Map<number, number>();
      // A bundle's quantity depends on several SKUs' versions: it is checked for negatives only.
      if (listing.sku !== undefined)
        for (const { payload } of changes.filter((c) => c.payload.sku === listing.sku)) {
          const units =
            payload.channels?.find((c) => c.channel === history.channel)?.available ?? payload.available;
          quantityOf.set(payload.version, quantityAfterRules(units, rules));
        }
      const listingAcks = acks
        .map((a) => a.payload)
        .filter(
          (p) =>
            p.channel === history.channel &&
            p.accountId === history.accountId &&
            p.channelSku === listing.channelSku,
        )
        .map((p) => ({
          quantity: p.quantity,
          availabilityVersion: p.availabilityVersion,
          at: Date.parse(p.publishedAt),
        }));
      const writes = await history.writes(listing.channelSku);
      const findings = findStaleWrites(writes, listingAcks, quantityOf).filter(
        (f) => listing.sku !== undefined || f.kind === 'negative-quantity',
      );
      for (const finding of findings)
        found.push({
          kind: finding.kind,
          subject: `${history.channel}/${history.accountId}/${listing.channelSku}`,
          detail: finding.detail,
        });
    }
  }
  return found;
}

interface AckPayload {
  channel: string;
  accountId: string;
  channelSku: string;
  quantity: number;
  availabilityVersion: number;
  publishedAt: string;
}

interface AvailabilityPayload {
  sku: string;
  available: number;
  version: number;
  channels?: { channel: string; available: number }[];
}
