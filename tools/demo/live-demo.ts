import { DemoStopped, sleep, type DemoEndpoints } from './demo-http';
import { runDemoScenario, type DemoOutcome, type DemoStepEvent } from './demo-scenario';
import { readDemoSummary, renderDemoSummary } from './demo-summary';

export interface LiveDemoOptions {
  /** Where the summary is drawn (the start command's stdout). */
  out: NodeJS.WritableStream & { isTTY?: boolean; columns?: number; rows?: number };
  /** Redraw interval. */
  refreshMs?: number;
  /** Pause after each scenario step, for a person to follow. */
  paceMs?: number;
  /** Aborted by Ctrl-C: the loop stops drawing and returns. */
  signal: AbortSignal;
  /** The last lines the services logged, shown under the summary. */
  recentLogLines?: () => string[];
  /** Lines shown at the bottom (URLs, the API key). */
  footer?: string[];
  pollIntervalSeconds?: number;
}

/**
 * Runs the scenario and draws the summary until stopped. On a terminal the summary is
 * redrawn in place; otherwise (output piped to a file) each step is printed as it happens
 * and the whole summary once per finished step, so a log of the demo stays readable.
 */
export async function runLiveDemo(
  endpoints: DemoEndpoints,
  options: LiveDemoOptions,
): Promise<DemoOutcome | undefined> {
  const { out, refreshMs = 1500, paceMs = 2500, signal } = options;
  const interactive = out.isTTY === true;
  const steps: DemoStepEvent[] = [];
  let outcome: DemoOutcome | undefined;
  let failure: string | undefined;
  let counted: string[] = [];

  const scenario = runDemoScenario(endpoints, {
    paceMs,
    signal,
    pollIntervalSeconds: options.pollIntervalSeconds,
    onStockCounted: (skus) => (counted = skus),
    onStep: (event) => {
      const i = steps.findIndex((s) => s.index === event.index);
      if (i >= 0) steps[i] = event;
      else steps.push(event);
      if (!interactive && event.state !== 'running') {
        out.write(
          `${event.state === 'done' ? '✓' : '✗'} ${event.index}. ${event.title}${event.detail ? ` — ${event.detail}` : ''}\n`,
        );
      }
    },
  }).then(
    (result) => {
      outcome = result;
    },
    (error: unknown) => {
      if (!(error instanceof DemoStopped)) failure = error instanceof Error ? error.message : String(error);
    },
  );

  if (interactive) out.write('\x1b[?25l'); // hide the cursor while redrawing
  let printed = '';
  try {
    while (!signal.aborted) {
      const summary = await readDemoSummary(endpoints, counted);
      if (signal.aborted) break;
      const status = outcome
        ? 'The scenario has played: the figures above are the settled state. Ctrl-C stops everything.'
        : failure
          ? `The scenario stopped: ${failure}`
          : 'The scenario is playing. Ctrl-C stops everything.';
      const footer = [status, ...(options.footer ?? [])];
      const logs = options.recentLogLines?.() ?? [];
      if (logs.length > 0) footer.push('', 'Recent service log lines:', ...logs.map((l) => `  ${l}`));
      const lines = renderDemoSummary(summary, { steps, footer });
      if (interactive) {
        const width = Math.max(40, (out.columns ?? 120) - 1);
        const height = out.rows ?? lines.length;
        const visible = lines
          .slice(0, Math.max(1, height - 1))
          .map((l) => (l.length > width ? l.slice(0, width) : l));
        // Home, then each line cleared to its end, then everything below: no flicker.
        out.write(`\x1b[H${visible.map((l) => `${l}\x1b[K`).join('\n')}\n\x1b[J`);
      } else {
        // Printed again when a step finished or the scenario ended, not on every redraw.
        const progress = `${steps.filter((s) => s.state !== 'running').length}/${outcome ? 'played' : (failure ?? '')}`;
        if (progress !== printed) {
          printed = progress;
          out.write(`${lines.join('\n')}\n\n`);
          if (outcome) out.write('▸ scenario played\n');
          if (failure) out.write(`▸ scenario failed: ${failure}\n`);
        }
      }
      await sleep(refreshMs, signal).catch(() => undefined);
    }
  } finally {
    if (interactive) out.write('\x1b[?25h');
  }
  await scenario;
  return outcome;
}
