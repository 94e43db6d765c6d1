/**
 * A reservation's life: `pending` (the channel's order awaits payment) → `committed`
 * (paid) → `fulfilled` (shipped; on-hand fell) or `released` (cancelled). The two active
 * states hold units; the two final ones never become active again.
 *
 * Wire and storage values: `reservations.state` and the explain API carry them.
 */
export const RESERVATION_STATES = ['pending', 'committed', 'fulfilled', 'released'] as const;
export type ReservationState = (typeof RESERVATION_STATES)[number];

export function isActive(state: ReservationState): boolean {
  return state === 'pending' || state === 'committed';
}

const ALLOWED: Readonly<Record<ReservationState, readonly ReservationState[]>> = {
  // Pending may skip `committed`: snapshots arrive out of order and the ledger only ever
  // sees the newest one, so a Pending order can next be seen shipped or cancelled.
  pending: ['pending', 'committed', 'fulfilled', 'released'],
  committed: ['committed', 'fulfilled', 'released'],
  fulfilled: ['fulfilled'],
  released: ['released'],
};

/** `from` null: the reservation does not exist yet, and any state may start it. */
export function isLegalTransition(from: ReservationState | null, to: ReservationState): boolean {
  return from === null || ALLOWED[from].includes(to);
}

/** Why a transition is refused, in words an operator can act on. */
export function illegalTransitionReason(from: ReservationState, to: ReservationState): string {
  switch (from) {
    case 'committed':
      return 'a paid order line cannot go back to pending';
    case 'fulfilled':
      return `shipped units cannot become ${to} again`;
    case 'released':
      return to === 'fulfilled'
        ? 'a shipment was confirmed for a cancelled line; on-hand is left to the next ERP snapshot'
        : 'a cancelled line cannot hold stock again (tombstone)';
    case 'pending':
      return `pending cannot become ${to}`;
  }
}
