import type { OrderSnapshot, ShipmentConfirmedPayload } from '@holdfast/contracts';
import fc from 'fast-check';

/** One event as order-ingest or shipment-notifier would publish it. */
export type HistoryEvent =
  | { type: 'order.placed' | 'order.confirmed' | 'order.updated' | 'order.canceled' | 'order.shipped'; order: OrderSnapshot }
  | { type: 'shipment.confirmed'; shipment: ShipmentConfirmedPayload };

interface LineState {
  lineId: string;
  channelSku: string;
  ordered: number;
  shipped: number;
  canceled: number;
}

type Step = { kind: 'confirm' } | { kind: 'ship'; line: number; confirm: boolean } | { kind: 'cancel-unit'; line: number } | { kind: 'cancel-order' };

const BASE = Date.parse('2026-11-20T10:00:00.000Z');

/**
 * A legal lifecycle of one order as a channel reports it: Pending (or paid at once),
 * paid, units cancelled, units shipped (each shipment maybe confirmed by the notifier
 * too), or the whole order cancelled before anything shipped. Every snapshot is the
 * full order with a higher revision.
 */
export function orderHistory(orderId: string, skus: readonly string[]): fc.Arbitrary<HistoryEvent[]> {
  return fc
    .record({
      paidAtOnce: fc.boolean(),
      lines: fc.array(fc.record({ sku: fc.constantFrom(...skus), ordered: fc.integer({ min: 1, max: 3 }) }), {
        minLength: 1,
        maxLength: 2,
      }),
      steps: fc.array(
        fc.oneof(
          fc.constant<Step>({ kind: 'confirm' }),
          fc.record({ kind: fc.constant('ship' as const), line: fc.nat(1), confirm: fc.boolean() }),
          fc.record({ kind: fc.constant('cancel-unit' as const), line: fc.nat(1) }),
          fc.constant<Step>({ kind: 'cancel-order' }),
        ),
        { maxLength: 6 },
      ),
    })
    .map(({ paidAtOnce, lines, steps }) => {
      const state: LineState[] = lines.map((l, i) => ({
        lineId: `${orderId}-L${i + 1}`,
        channelSku: l.sku,
        ordered: l.ordered,
        shipped: 0,
        canceled: 0,
      }));
      let status: OrderSnapshot['status'] = paidAtOnce ? 'confirmed' : 'pending';
      let revision = 0;
      let shipments = 0;
      const events: HistoryEvent[] = [];
      const snapshot = (type: Exclude<HistoryEvent['type'], 'shipment.confirmed'>) => {
        revision++;
        const updatedAt = new Date(BASE + revision * 1000).toISOString();
        events.push({
          type,
          order: {
            channel: 'amazon',
            accountId: 'acc-1',
            orderId,
            marketplaceId: null,
            status,
            channelStatus: status,
            fulfilledBy: 'MERCHANT',
            purchasedAt: new Date(BASE).toISOString(),
            updatedAt,
            revision: (BASE + revision * 1000) * 1000,
            lines: state.map((l) => ({
              lineId: l.lineId,
              channelSku: l.channelSku,
              quantityOrdered: l.ordered,
              quantityShipped: l.shipped,
              quantityCanceled: l.canceled,
            })),
          },
        });
      };
      snapshot('order.placed');
      for (const step of steps) {
        if (status === 'canceled' || status === 'shipped') break;
        const open = (l: LineState) => l.ordered - l.shipped - l.canceled;
        switch (step.kind) {
          case 'confirm':
            if (status !== 'pending') continue;
            status = 'confirmed';
            snapshot('order.confirmed');
            break;
          case 'ship': {
            const line = state[step.line % state.length];
            if (status === 'pending' || open(line) === 0) continue;
            line.shipped++;
            status = state.every((l) => open(l) === 0) ? 'shipped' : 'partially_shipped';
            snapshot('order.shipped');
            if (step.confirm) {
              events.push({
                type: 'shipment.confirmed',
                shipment: {
                  shipmentId: `${orderId}-S${++shipments}`,
                  channel: 'amazon',
                  accountId: 'acc-1',
                  orderId,
                  packages: [{ packageReferenceId: '1', carrierCode: 'DHL', trackingNumber: `T${shipments}` }],
                  lines: [{ lineId: line.lineId, channelSku: line.channelSku, quantity: 1 }],
                  confirmedAt: new Date(BASE + revision * 1000 + 500).toISOString(),
                },
              });
            }
            break;
          }
          case 'cancel-unit': {
            const line = state[step.line % state.length];
            if (open(line) === 0) continue;
            line.canceled++;
            if (state.every((l) => open(l) === 0)) {
              status = state.some((l) => l.shipped > 0) ? 'shipped' : 'canceled';
            }
            snapshot('order.canceled');
            break;
          }
          case 'cancel-order':
            if (state.some((l) => l.shipped > 0)) continue;
            for (const l of state) l.canceled = l.ordered;
            status = 'canceled';
            snapshot('order.canceled');
            break;
        }
      }
      return events;
    });
}

export interface ExpectedReservation {
  orderId: string;
  lineId: string;
  sku: string;
  state: string;
  quantity: number;
  fulfilled: number;
}

/**
 * The sequential model: the events applied one by one in the order they happened.
 * Each snapshot replaces the order's lines and status; a shipment confirmation only
 * repeats what the next snapshot already says. A line holds its open units while the
 * order is not cancelled; shipped units leave on-hand.
 */
export function sequentialModel(
  histories: readonly HistoryEvent[][],
  initialOnHand: Record<string, number>,
): { reservations: ExpectedReservation[]; onHand: Record<string, number>; reserved: Record<string, number> } {
  const latest = new Map<string, OrderSnapshot>();
  const confirmed = new Map<string, number>();
  for (const history of histories) {
    for (const event of history) {
      if (event.type === 'shipment.confirmed') {
        for (const l of event.shipment.lines) confirmed.set(l.lineId, (confirmed.get(l.lineId) ?? 0) + l.quantity);
      } else {
        latest.set(event.order.orderId, event.order);
      }
    }
  }
  const onHand = { ...initialOnHand };
  const reserved: Record<string, number> = Object.fromEntries(Object.keys(initialOnHand).map((s) => [s, 0]));
  const reservations: ExpectedReservation[] = [];
  for (const order of latest.values()) {
    for (const line of order.lines) {
      const shipped = Math.max(line.quantityShipped, confirmed.get(line.lineId) ?? 0);
      const open = line.quantityOrdered - line.quantityCanceled - shipped;
      const held = order.status === 'canceled' ? 0 : open;
      const state = held > 0 ? (order.status === 'pending' ? 'pending' : 'committed') : shipped > 0 ? 'fulfilled' : 'released';
      reservations.push({ orderId: order.orderId, lineId: line.lineId, sku: line.channelSku, state, quantity: held, fulfilled: shipped });
      onHand[line.channelSku] -= shipped;
      reserved[line.channelSku] += held;
    }
  }
  reservations.sort((a, b) => (a.lineId < b.lineId ? -1 : a.lineId > b.lineId ? 1 : 0));
  return { reservations, onHand, reserved };
}
