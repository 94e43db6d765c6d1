import {
  collectDefaultMetrics,
  Counter,
  Gauge,
  Histogram,
  Registry,
  type CounterConfiguration,
  type GaugeConfiguration,
  type HistogramConfiguration,
  type Metric,
} from 'prom-client';

/**
 * The process's one Prometheus registry, scraped at /metrics. Other libraries add their
 * metrics (outbox backlog, queue lag, channel calls) through the define* functions below
 * rather than prom-client's global registry, so everything a service exposes is in one place.
 */
export const metricsRegistry = new Registry();

let defaultMetricsCollected = false;

/**
 * Labels every series with the service and starts the runtime metrics (event loop lag, heap,
 * GC). Idempotent: the first service name wins, which is the one instrumentation.ts or the
 * TelemetryModule gave.
 */
export function configureServiceMetrics(serviceName: string): void {
  if (defaultMetricsCollected) return;
  defaultMetricsCollected = true;
  metricsRegistry.setDefaultLabels({ service: serviceName });
  collectDefaultMetrics({ register: metricsRegistry });
}

type Config<C> = Omit<C, 'registers'>;

/**
 * Metric definitions are idempotent by name: modules are instantiated more than once in
 * tests and several app modules may share a library, and prom-client throws on a second
 * registration. Asking again for an existing name returns the existing metric.
 */
export function defineCounter<L extends string = string>(
  config: Config<CounterConfiguration<L>>,
): Counter<L> {
  return existing(config.name, Counter) ?? new Counter<L>({ ...config, registers: [metricsRegistry] });
}

export function defineGauge<L extends string = string>(config: Config<GaugeConfiguration<L>>): Gauge<L> {
  return existing(config.name, Gauge) ?? new Gauge<L>({ ...config, registers: [metricsRegistry] });
}

export function defineHistogram<L extends string = string>(
  config: Config<HistogramConfiguration<L>>,
): Histogram<L> {
  return existing(config.name, Histogram) ?? new Histogram<L>({ ...config, registers: [metricsRegistry] });
}

function existing<M extends Metric<string>>(
  name: string,
  kind: abstract new (...args: never[]) => M,
): M | undefined {
  const metric = metricsRegistry.getSingleMetric(name);
  if (metric === undefined) return undefined;
  if (!(metric instanceof kind)) {
    throw new Error(`metric ${name} is already defined as a different kind of metric`);
  }
  return metric;
}
