import { defineCounter, defineGauge } from '@holdfast/telemetry';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { INVENTORY_SCHEMA } from '../config/inventory.config';

/** Metric names are part of dashboards and alerts: renaming one breaks them. */
export const ledgerMetrics = {
  snapshots: defineCounter<'outcome'>({
    name: 'holdfast_inventory_order_snapshots_total',
    help: 'Order snapshots the ledger received, by outcome (applied, stale).',
    labelNames: ['outcome'],
  }),
  rejectedTransitions: defineCounter({
    name: 'holdfast_inventory_rejected_transitions_total',
    help: 'Reservation transitions refused by the state machine (recorded in rejected_transitions).',
  }),
};

let dataSourceForGauges: DataSource | undefined;

defineGauge<'state'>({
  name: 'holdfast_inventory_reservations',
  help: 'Reservation rows by state.',
  labelNames: ['state'],
  async collect() {
    if (!dataSourceForGauges?.isInitialized) return;
    const rows = await dataSourceForGauges
      .query<{ state: string; n: number }[]>(`SELECT state, count(*)::int AS n FROM "${INVENTORY_SCHEMA}".reservations GROUP BY state`)
      .catch((): { state: string; n: number }[] => []);
    this.reset();
    for (const r of rows) this.set({ state: r.state }, r.n);
  },
});

defineGauge({
  name: 'holdfast_inventory_oversold_skus',
  help: 'SKUs whose active reservations exceed on-hand.',
  async collect() {
    if (!dataSourceForGauges?.isInitialized) return;
    const rows = await dataSourceForGauges
      .query<{ n: number }[]>(`SELECT count(*)::int AS n FROM "${INVENTORY_SCHEMA}".stock WHERE reserved > on_hand`)
      .catch(() => [{ n: 0 }]);
    this.set(rows[0]?.n ?? 0);
  },
});

/** Gives the scrape-time gauges their database. */
@Injectable()
export class LedgerGauges {
  constructor(@Inject(DataSource) dataSource: DataSource) {
    dataSourceForGauges = dataSource;
  }
}
