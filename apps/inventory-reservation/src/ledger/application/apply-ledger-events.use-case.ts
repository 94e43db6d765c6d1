import type { OrderSnapshot, ShipmentConfirmedPayload } from '@holdfast/contracts';
import { PermanentFailure } from '@holdfast/messaging';
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { compareOrderRefs, orderKey, type OrderRef } from '../../common/order-ref';
import type { SkuChange } from '../../availability/infrastructure/stock-ledger.repository';
import { StockLedgerRepository } from '../../availability/infrastructure/stock-ledger.repository';
import { reconcileOrder, type ShipmentLine, type SkuComponent } from '../domain/order-reconciliation';
import {
  channelSkuKey,
  ReservationLedgerRepository,
  UNKNOWN_ORDER_STATUS,
  type Cause,
  type OrderHeadWrite,
  type OrderWrites,
} from '../infrastructure/reservation-ledger.repository';
import { ledgerMetrics } from '../ledger.metrics';

/** Where a ledger event came from: the message that carried it. */
export interface LedgerCause {
  type: string;
  messageId: string;
  correlationId: string;
}

export type LedgerEvent =
  | { kind: 'order'; order: OrderSnapshot; cause: LedgerCause }
  | { kind: 'shipment'; shipment: ShipmentConfirmedPayload; cause: LedgerCause };

export interface LedgerOutcome {
  /** Order snapshots newer than anything applied before. */
  applied: number;
  /** Snapshots not newer than the stored revision: ignored. */
  stale: number;
  rejectedTransitions: number;
}

interface OrderGroup {
  ref: OrderRef;
  snapshot: { order: OrderSnapshot; cause: LedgerCause } | null;
  shipments: { shipment: ShipmentConfirmedPayload; cause: LedgerCause }[];
  snapshots: number;
}

/**
 * Applies order and shipment events to the ledger, any number in one transaction.
 *
 * Every order event carries the order's whole snapshot, so the ledger needs only the
 * newest: per order, the batch's highest revision is applied if it beats the stored one
 * (a cancel seen first leaves its revision as a tombstone; the older placement is then
 * stale). Shipment lines are counted once each (by shipment and line). Each touched
 * reservation is settled from its facts, so the outcome depends on what arrived, not on
 * the order it arrived in.
 *
 * Statements per call, whatever the batch size: order heads (lock + revision), stored
 * reservations, SKU resolution, SKU heads (lock in sorted order), reservation upsert with
 * history, head update, outbox insert; a few more only for shipments, Amazon-fulfilled
 * orders, rejected transitions, shipped stock or bundles.
 */
@Injectable()
export class ApplyLedgerEventsUseCase {
  constructor(
    @Inject(ReservationLedgerRepository) private readonly reservations: ReservationLedgerRepository,
    @Inject(StockLedgerRepository) private readonly stock: StockLedgerRepository,
  ) {}

  async execute(manager: EntityManager, events: readonly LedgerEvent[]): Promise<LedgerOutcome> {
    assertQuantitiesFit(events);
    const groups = groupByOrder(events);
    const heads: OrderHeadWrite[] = groups.map((g) =>
      g.snapshot
        ? {
            ...g.ref,
            revision: g.snapshot.order.revision,
            status: g.snapshot.order.status,
            fulfilledBy: g.snapshot.order.fulfilledBy,
          }
        : { ...g.ref, revision: -1, status: UNKNOWN_ORDER_STATUS, fulfilledBy: null },
    );
    const { written, created } = await this.reservations.advanceOrders(manager, heads);
    // The snapshot to apply per order: only one newer than the stored revision.
    const freshSnapshot = new Map<string, OrderGroup['snapshot']>();
    const outcome: LedgerOutcome = { applied: 0, stale: 0, rejectedTransitions: 0 };
    for (const g of groups) {
      const isFresh = g.snapshot !== null && written.has(orderKey(g.ref));
      if (isFresh) freshSnapshot.set(orderKey(g.ref), g.snapshot);
      outcome.applied += isFresh ? 1 : 0;
      outcome.stale += g.snapshots - (isFresh ? 1 : 0);
    }
    const freshOf = (g: OrderGroup) => freshSnapshot.get(orderKey(g.ref)) ?? null;

    const newShipments = await this.reservations.recordShipmentLines(
      manager,
      groups.flatMap((g) =>
        g.shipments.flatMap(({ shipment }) =>
          shipment.lines.map((l) => ({ ...g.ref, shipmentId: shipment.shipmentId, ...l })),
        ),
      ),
    );
    const work = groups.filter((g) => freshOf(g) !== null || newShipments.has(orderKey(g.ref)));
    ledgerMetrics.snapshots.inc({ outcome: 'applied' }, outcome.applied);
    ledgerMetrics.snapshots.inc({ outcome: 'stale' }, outcome.stale);
    if (work.length === 0) return outcome;

    // A brand-new order has no rows yet, and a fresh snapshot is its own head.
    const stored = await this.reservations.reservationsOf(
      manager,
      work.filter((g) => !created.has(orderKey(g.ref))).map((g) => g.ref),
    );
    const storedHeads = await this.reservations.orderHeads(
      manager,
      work.filter((g) => freshOf(g) === null).map((g) => g.ref),
    );
    const resolution = await this.reservations.resolveChannelSkus(
      manager,
      uniqueBy(
        work.flatMap((g) =>
          [
            ...(freshOf(g)?.order.lines ?? []).map((l) => l.channelSku),
            ...(newShipments.get(orderKey(g.ref)) ?? []).map((l) => l.channelSku),
          ].map((channelSku) => ({ channel: g.ref.channel, accountId: g.ref.accountId, channelSku })),
        ),
        (k) => channelSkuKey(k.channel, k.accountId, k.channelSku),
      ),
    );
    const fulfilledBy = (g: OrderGroup) =>
      freshOf(g)?.order.fulfilledBy ?? storedHeads.get(orderKey(g.ref))?.fulfilledBy ?? null;
    const reservingAccounts = await this.reservations.accountsReservingAmazonFulfilled(
      manager,
      work.filter((g) => fulfilledBy(g) === 'AMAZON').map((g) => g.ref),
    );

    const writes: OrderWrites[] = [];
    const changes: SkuChange[] = [];
    for (const g of work) {
      const key = orderKey(g.ref);
      const snapshot = freshOf(g);
      const head = storedHeads.get(key);
      const revision = snapshot?.order.revision ?? head?.revision ?? -1;
      const holdsMerchantStock =
        fulfilledBy(g) !== 'AMAZON' || reservingAccounts.has(`${g.ref.channel}\u0000${g.ref.accountId}`);
      const resolve = (channelSku: string): SkuComponent[] =>
        resolution.get(channelSkuKey(g.ref.channel, g.ref.accountId, channelSku)) ?? [
          { sku: channelSku, unitQuantity: 1, bundleSku: null },
        ];
      const shipmentLines: ShipmentLine[] = newShipments.get(key) ?? [];
      const result = reconcileOrder({
        status: snapshot ? snapshot.order.status : (head?.status ?? null),
        revision,
        snapshot: snapshot?.order ?? null,
        newShipmentLines: shipmentLines,
        holdsMerchantStock,
        resolve,
        existing: stored.get(key) ?? [],
      });
      const cause = snapshot?.cause ?? g.shipments[g.shipments.length - 1].cause;
      writes.push({
        order: g.ref,
        revision,
        cause: { type: cause.type, messageId: cause.messageId } satisfies Cause,
        ...result,
      });
      outcome.rejectedTransitions += result.rejected.length;
      for (const m of result.movements) {
        changes.push({
          sku: m.sku,
          reservedDelta: m.reservedDelta,
          shipped: m.shippedUnits > 0 ? [{ channel: g.ref.channel, units: m.shippedUnits }] : [],
          increases: m.heldIncrease > 0 ? [{ order: g.ref, units: m.heldIncrease }] : [],
          cause: { correlationId: cause.correlationId, causationId: cause.messageId },
        });
      }
    }
    ledgerMetrics.rejectedTransitions.inc(outcome.rejectedTransitions);

    // Reservation rows reference their SKU's head, so every written SKU is locked (and
    // created if new) first, even one whose figures do not move.
    const skuHeads = await this.stock.lockHeads(manager, [
      ...changes.map((c) => c.sku),
      ...writes.flatMap((w) => w.writes.map((r) => r.sku)),
    ]);
    await this.reservations.write(manager, writes);
    await this.stock.applyChanges(manager, skuHeads, changes);
    return outcome;
  }
}

/** The ledger counts units in Postgres integers; the contracts allow any whole number. */
const MAX_LINE_UNITS = 1_000_000_000;

/**
 * A quantity the ledger cannot hold can never be applied: it fails at once (dead-lettered
 * with this reason, not retried), before any statement, instead of as an integer overflow
 * deep in a batch. Bundles multiply units, hence a bound well below 2^31.
 */
function assertQuantitiesFit(events: readonly LedgerEvent[]): void {
  for (const e of events) {
    const lines =
      e.kind === 'order'
        ? e.order.lines.map((l) => ({ lineId: l.lineId, quantity: l.quantityOrdered }))
        : e.shipment.lines;
    const ref = e.kind === 'order' ? e.order.orderId : e.shipment.orderId;
    for (const l of lines) {
      if (l.quantity > MAX_LINE_UNITS) {
        throw new PermanentFailure(
          `order ${ref} line ${l.lineId}: ${l.quantity} units exceed the ledger's limit of ${MAX_LINE_UNITS} per line`,
        );
      }
    }
  }
}

function groupByOrder(events: readonly LedgerEvent[]): OrderGroup[] {
  const groups = new Map<string, OrderGroup>();
  for (const e of events) {
    const ref: OrderRef =
      e.kind === 'order'
        ? { channel: e.order.channel, accountId: e.order.accountId, orderId: e.order.orderId }
        : { channel: e.shipment.channel, accountId: e.shipment.accountId, orderId: e.shipment.orderId };
    const key = orderKey(ref);
    const group = groups.get(key) ?? { ref, snapshot: null, shipments: [], snapshots: 0 };
    if (e.kind === 'order') {
      group.snapshots++;
      if (!group.snapshot || e.order.revision > group.snapshot.order.revision) {
        group.snapshot = { order: e.order, cause: e.cause };
      }
    } else {
      group.shipments.push({ shipment: e.shipment, cause: e.cause });
    }
    groups.set(key, group);
  }
  // Orders are locked in this order: the first step of the service-wide lock order.
  return [...groups.values()].sort((a, b) => compareOrderRefs(a.ref, b.ref));
}

function uniqueBy<T>(items: T[], key: (item: T) => string): T[] {
  return [...new Map(items.map((i) => [key(i), i])).values()];
}
