import { SERVICES, type ChaosSystem, type ServiceName } from './chaos-system';
import { expect, sleep } from './support';
import { SeededRandom } from './seeded-random';

export type FaultKind = 'kill-9' | 'broker-close' | 'amazon-5xx' | 'amazon-429';

export interface ScheduledFault {
  kind: FaultKind;
  /** The service for kill-9 and broker-close. */
  service?: ServiceName;
}

/** The seed's fault schedule: kill -9 of each service in turn, broker closes and Amazon storms between. */
export function faultSchedule(seed: number): ScheduledFault[] {
  const random = new SeededRandom(seed ^ 0x5eed);
  const kills = random
    .sample(SERVICES, SERVICES.length)
    .map((service) => ({ kind: 'kill-9' as const, service }));
  const others: ScheduledFault[] = [
    { kind: 'broker-close', service: random.pick(SERVICES) },
    { kind: 'broker-close', service: random.pick(SERVICES) },
    { kind: 'amazon-5xx' },
    { kind: 'amazon-429' },
  ];
  const schedule: ScheduledFault[] = [];
  for (let i = 0; i < kills.length; i++) schedule.push(kills[i], others[i]);
  return schedule;
}

export async function inject(system: ChaosSystem, fault: ScheduledFault): Promise<void> {
  const target = () => {
    if (!fault.service) throw new Error(`${fault.kind} needs a service`);
    return fault.service;
  };
  switch (fault.kind) {
    case 'kill-9':
      await system.crash(target());
      return;
    case 'broker-close':
      await system.closeBrokerConnections(target());
      return;
    case 'amazon-5xx': {
      // Half of every SP-API call fails with 503 for a few seconds.
      const rule = await expect<{ id: string }>(
        system.sim('POST', '/_sim/faults', { operation: '*', kind: 'http503', share: 0.5 }),
        [201, 200],
      );
      await sleep(3_000);
      await system.sim('DELETE', `/_sim/faults/${rule.id}`);
      return;
    }
    case 'amazon-429': {
      // Every operation's usage plan nearly closed for a few seconds, then the model's plans again.
      const { usagePlans } = await expect<{
        usagePlans: {
          operation: string;
          sellerId: string | null;
          rate: number;
          burst: number;
          source: string;
        }[];
      }>(system.sim('GET', '/_sim/usage-plans'), [200]);
      const defaults = usagePlans.filter((p) => p.source === 'model');
      for (const plan of defaults)
        await system.sim('POST', '/_sim/usage-plans', { operation: plan.operation, rate: 0.01, burst: 1 });
      await sleep(3_000);
      for (const plan of defaults)
        await system.sim('POST', '/_sim/usage-plans', {
          operation: plan.operation,
          rate: plan.rate,
          burst: plan.burst,
        });
      return;
    }
  }
}
