import { filesUnder, readText } from './repository';

export interface MetricDefinition {
  name: string;
  kind: 'Counter' | 'Gauge' | 'Histogram';
  labelNames: string[];
  /** The file that defines it. */
  file: string;
}

/**
 * The Prometheus metrics the code defines, found by reading every `defineCounter`,
 * `defineGauge` and `defineHistogram` call in apps/ and libs/ (@holdfast/telemetry): the name
 * and label names of its configuration object.
 */
export function metricDefinitions(): MetricDefinition[] {
  const definitions: MetricDefinition[] = [];
  const sources = [...filesUnder('apps'), ...filesUnder('libs')].filter(
    (file) =>
      file.endsWith('.ts') && !/\.(spec|int-spec|e2e-spec)\.ts$/.test(file) && !file.includes('/test/'),
  );
  for (const file of sources) {
    const source = readText(file);
    for (const call of source.matchAll(/\bdefine(Counter|Gauge|Histogram)\s*(?:<[^>]*>)?\s*\(\s*\{/g)) {
      const body = objectLiteralAt(source, (call.index ?? 0) + call[0].length - 1);
      const name = /\bname:\s*'([^']+)'/.exec(body)?.[1];
      if (!name) continue;
      const labels = /\blabelNames:\s*\[([^\]]*)\]/.exec(body)?.[1] ?? '';
      definitions.push({
        name,
        kind: call[1] as MetricDefinition['kind'],
        labelNames: [...labels.matchAll(/'([^']+)'/g)].map((m) => m[1]),
        file,
      });
    }
  }
  return definitions;
}

/** The text of the object literal whose `{` is at `start`, up to its matching `}`. */
function objectLiteralAt(source: string, start: number): string {
  let depth = 0;
  let quote: string | undefined;
  for (let i = start; i < source.length; i++) {
    const char = source[i];
    if (quote) {
      if (char === '\\') i++;
      else if (char === quote) quote = undefined;
      continue;
    }
    if (char === "'" || char === '"' || char === '`') quote = char;
    else if (char === '{') depth++;
    else if (char === '}' && --depth === 0) return source.slice(start, i + 1);
  }
  return source.slice(start);
}
