import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** The repository root: every path in the deployment files is relative to it. */
export const repositoryRoot = path.resolve(__dirname, '../../..');

export const fromRoot = (...parts: string[]): string => path.join(repositoryRoot, ...parts);

export const readText = (relativePath: string): string => readFileSync(fromRoot(relativePath), 'utf8');

export const existsInRepository = (relativePath: string): boolean => existsSync(fromRoot(relativePath));

/** Every file under a directory of the repository, as repository-relative POSIX paths. */
export function filesUnder(relativeDirectory: string): string[] {
  const found: string[] = [];
  const walk = (relative: string) => {
    for (const entry of readdirSync(fromRoot(relative), { withFileTypes: true })) {
      if (entry.name === 'node_modules') continue;
      const child = path.posix.join(relative, entry.name);
      if (entry.isDirectory()) walk(child);
      else found.push(child);
    }
  };
  if (statSync(fromRoot(relativeDirectory)).isDirectory()) walk(relativeDirectory);
  else found.push(relativeDirectory);
  return found;
}

/** A Holdfast service as the deployment files must describe it. */
export interface HoldfastService {
  name: string;
  /** Whether it calls Amazon (SP-API): it then gets the accounts, credentials and SP-API settings. */
  callsAmazon: boolean;
  /** How it scales: on CPU (HTTP-facing) or on its RabbitMQ queue (consumers). */
  scaling: 'cpu' | 'queue';
}

export const SERVICES: readonly HoldfastService[] = [
  { name: 'order-ingest', callsAmazon: true, scaling: 'cpu' },
  { name: 'inventory-reservation', callsAmazon: false, scaling: 'queue' },
  { name: 'availability-publisher', callsAmazon: true, scaling: 'queue' },
  { name: 'shipment-notifier', callsAmazon: true, scaling: 'cpu' },
];

/** The SP-API simulator: Amazon in the demo and in development clusters. */
export const SIMULATOR = { name: 'sp-api-simulator', spApiPort: 8443, controlPort: 8444 } as const;

/** The stand-ins for outside systems: their ports, the control port answering /_sim/health. */
export const SIMULATORS: readonly { name: string; ports: number[]; controlPort: number }[] = [
  {
    name: SIMULATOR.name,
    ports: [SIMULATOR.spApiPort, SIMULATOR.controlPort],
    controlPort: SIMULATOR.controlPort,
  },
  { name: 'shop-simulator', ports: [8450, 8451], controlPort: 8451 },
];

export const APPS: readonly string[] = [...SERVICES.map((s) => s.name), ...SIMULATORS.map((s) => s.name)];

/** The port a service listens on when HTTP_PORT is not set: its ServiceDefinition says. */
export function defaultHttpPort(service: string): number {
  const source = readText(`apps/${service}/src/service.ts`);
  const match = /defaultHttpPort:\s*(\d+)/.exec(source);
  if (!match) throw new Error(`apps/${service}/src/service.ts has no defaultHttpPort`);
  return Number(match[1]);
}

/**
 * The queue purposes a service consumes, from its `@EventPattern(..., { queue: 'purpose' })`
 * handlers: its queues are `<namespace>.<service>.<purpose>` (libs/messaging Topology).
 */
export function consumerQueuePurposes(service: string): string[] {
  const purposes = new Set<string>();
  for (const file of filesUnder(`apps/${service}/src`).filter((f) => f.endsWith('.ts'))) {
    for (const match of readText(file).matchAll(/@EventPattern\([\s\S]*?\{\s*queue:\s*'([^']+)'/g)) {
      purposes.add(match[1]);
    }
  }
  return [...purposes].sort();
}
