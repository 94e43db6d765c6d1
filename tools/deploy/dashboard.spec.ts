import { metricDefinitions } from './support/metric-definitions';
import { readText } from './support/repository';

/*
 * The Grafana dashboard reads metrics by name: a name that no service emits is an empty panel
 * nobody notices. Every holdfast_* name it uses must be in docs/operations.md's table (where the
 * engineers who emit them look), every one must be defined in the code (read from its define*
 * calls), and the labels it groups and filters by must be labels the metric carries.
 */

interface Target {
  expr: string;
}
interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { type: string; uid: string };
  gridPos: { x: number; y: number; w: number; h: number };
  targets?: Target[];
}
interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: { name: string; type: string }[] };
}

const DASHBOARD = 'k8s/components/grafana-dashboard/holdfast-overview.dashboard.json';
const dashboard = JSON.parse(readText(DASHBOARD)) as Dashboard;
const queries = dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => target.expr));
/** Labels every Holdfast series carries, set by the telemetry library or by Prometheus. */
const COMMON_LABELS = new Set(['service', 'le', 'job', 'instance']);

/** `holdfast_x` with the suffixes Prometheus gives a histogram's series stripped. */
const baseName = (name: string) => name.replace(/_(bucket|sum|count)$/, '');

function metricNames(expr: string): string[] {
  return [...expr.matchAll(/\b(holdfast_[a-z0-9_]+)/g)].map((m) => m[1]);
}

/** For each holdfast_* metric in an expression, the labels the expression uses with it. */
function labelsUsed(expr: string): Map<string, Set<string>> {
  const used = new Map<string, Set<string>>();
  const grouping = [...expr.matchAll(/\b(?:by|without)\s*\(([^)]*)\)/g)].flatMap((m) =>
    m[1].split(',').map((l) => l.trim()),
  );
  for (const match of expr.matchAll(/\b(holdfast_[a-z0-9_]+)(\{([^}]*)\})?/g)) {
    const labels = used.get(baseName(match[1])) ?? new Set<string>();
    for (const matcher of (match[3] ?? '').split(',')) {
      const label = /^\s*([a-zA-Z_]\w*)\s*(=~|!~|!=|=)/.exec(matcher)?.[1];
      if (label) labels.add(label);
    }
    for (const label of grouping) if (label) labels.add(label);
    used.set(baseName(match[1]), labels);
  }
  return used;
}

describe('the Grafana dashboard', () => {
  it('is a dashboard Grafana can load: unique panel ids, panels within the grid, every query on the chosen data source', () => {
    expect(dashboard.uid).toBe('holdfast-overview');
    const ids = dashboard.panels.map((panel) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const panel of dashboard.panels) {
      expect(panel.gridPos.x + panel.gridPos.w).toBeLessThanOrEqual(24);
      if (panel.type === 'row') continue;
      expect({ panel: panel.title, datasource: panel.datasource }).toEqual({
        panel: panel.title,
        datasource: { type: 'prometheus', uid: '${datasource}' },
      });
      expect({ panel: panel.title, queries: (panel.targets ?? []).length > 0 }).toEqual({
        panel: panel.title,
        queries: true,
      });
    }
    expect(dashboard.templating.list.map((variable) => variable.name)).toEqual(['datasource', 'service']);
  });

  it('shows what operations watch: outbox, queues, dead letters, reservations, channel calls and throttles, published-vs-desired gaps', () => {
    const used = new Set(queries.flatMap(metricNames).map(baseName));
    for (const name of [
      'holdfast_outbox_backlog',
      'holdfast_outbox_oldest_age_seconds',
      'holdfast_consumer_lag_seconds',
      'holdfast_message_processing_seconds',
      'holdfast_dead_letters_total',
      'holdfast_inventory_reservations',
      'holdfast_inventory_oversold_skus',
      'holdfast_channel_calls_total',
      'holdfast_order_ingest_throttled_calls_total',
      'holdfast_availability_out_of_sync_skus',
      'holdfast_availability_gap_units',
    ]) {
      expect({ name, used: used.has(name) }).toEqual({ name, used: true });
    }
    expect(queries.some((q) => q.includes('rabbitmq_detailed_queue_messages_ready'))).toBe(true);
  });

  it('queries only metrics a service exports: every holdfast_* name is defined in the code', () => {
    const defined = new Set(metricDefinitions().map((d) => d.name));
    const names = [...new Set(queries.flatMap(metricNames).map(baseName))].sort();
    expect(names.length).toBeGreaterThan(10);
    expect(names.filter((name) => !defined.has(name))).toEqual([]);
  });

  it('uses only metric names listed in docs/operations.md', () => {
    const operations = readText('docs/operations.md');
    for (const name of new Set(queries.flatMap(metricNames).map(baseName))) {
      expect({ name, documented: operations.includes(`\`${name}\``) }).toEqual({ name, documented: true });
    }
  });

  it('groups and filters the metrics the code defines by labels they carry, and reads histograms as histograms', () => {
    const definitions = new Map(metricDefinitions().map((d) => [d.name, d]));
    let checked = 0;
    for (const expr of queries) {
      for (const [name, labels] of labelsUsed(expr)) {
        const definition = definitions.get(name);
        if (!definition) continue;
        checked++;
        const known = new Set([...definition.labelNames, ...COMMON_LABELS]);
        expect({ name, unknownLabels: [...labels].filter((label) => !known.has(label)) }).toEqual({
          name,
          unknownLabels: [],
        });
        const readAsHistogram = expr.includes(`${name}_bucket`);
        expect({ name, readAsHistogram }).toEqual({ name, readAsHistogram: definition.kind === 'Histogram' });
      }
    }
    // Most of the names exist in the code today: the check above is not vacuous.
    expect(checked).toBeGreaterThan(10);
  });

  it('reads metric definitions as the code writes them', () => {
    const outbox = metricDefinitions().find((d) => d.name === 'holdfast_outbox_relayed_total');
    expect(outbox).toMatchObject({
      kind: 'Counter',
      labelNames: ['outcome'],
      file: 'libs/persistence/src/outbox-relay.ts',
    });
  });
});
