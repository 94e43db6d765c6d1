import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import {
  clientOptionsFor,
  createSellingPartnerClient,
  loadAmazonAccounts,
  spApiEndpointFromEnv,
} from '@holdfast/channels-amazon';
import { loadSimulatorConfig } from '../src/config/simulator-config';
import { startSimulator } from '../src/simulator';

const ROOT = path.join(__dirname, '../../..');

interface PlannedService {
  app: string;
  port: number;
  health?: string;
  env?: Record<string, string>;
}

/** The start command's plan (tools/start-plan.mjs, an ES module) for a given caller environment. */
function startPlan(callerEnv: Record<string, string>): {
  services: PlannedService[];
  env: Record<string, string>;
} {
  const script = `
    const plan = await import(${JSON.stringify(path.join(ROOT, 'tools/start-plan.mjs'))});
    const { services, env } = plan.startPlan(JSON.parse(process.argv[1]), ['--no-demo']);
    process.stdout.write(JSON.stringify({ services, env }));
  `;
  const output = execFileSync(
    process.execPath,
    ['--input-type=module', '-e', script, JSON.stringify(callerEnv)],
    {
      encoding: 'utf8',
    },
  );
  return JSON.parse(output) as { services: PlannedService[]; env: Record<string, string> };
}

/**
 * The README's start command (`npm start` → tools/start.mjs) starts the simulator as the default
 * "Amazon": the services it starts are pointed at the simulator's SP-API port, the command waits on
 * the simulator's control port, and the demo seller is the simulator's default seller.
 */
describe('the start command runs the simulator as the default Amazon', () => {
  it('npm start is tools/start.mjs, which starts what the plan lists, the simulator first', () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(pkg.scripts['start']).toBe('node tools/start.mjs');
    expect(readFileSync(path.join(ROOT, 'tools/start.mjs'), 'utf8')).toMatch(
      /import \{[^}]*startPlan[^}]*\} from '\.\/start-plan\.mjs'/,
    );
    expect(readFileSync(path.join(ROOT, 'README.md'), 'utf8')).toMatch(/npm start .*starts the simulator/);
    const { services } = startPlan({});
    expect(services.map((s) => s.app)).toEqual([
      'sp-api-simulator',
      'order-ingest',
      'inventory-reservation',
      'availability-publisher',
      'shipment-notifier',
    ]);
  });

  it('the simulator started by the plan is where the services send their Amazon calls, and it serves them', async () => {
    const { services, env } = startPlan({});
    const plan = services[0];
    const simulatorEnv = { ...env, ...plan.env };
    const config = loadSimulatorConfig(simulatorEnv);
    // The Amazon adapters read SPAPI_ENDPOINT; the start command waits on the health route.
    expect(env['SPAPI_ENDPOINT']).toBe(`https://127.0.0.1:${config.port}`);
    expect(spApiEndpointFromEnv(env)).toMatchObject({
      endpoint: `https://127.0.0.1:${config.port}`,
      insecureTls: true,
    });
    expect(plan.port).toBe(config.controlPort);
    expect(plan.health).toBe('/_sim/health');

    const [demo] = loadAmazonAccounts(env);
    expect(demo.sellerId).toBe(config.defaultSellerId);

    // Fixed ports are the start command's business; here the same configuration on free ones.
    const simulator = await startSimulator({
      config: { ...config, port: 0, controlPort: 0 },
      logger: pino({ level: 'silent' }),
    });
    try {
      const health = await fetch(`${simulator.controlUrl}${plan.health}`);
      expect(health.status).toBe(200);
      const created = await fetch(`${simulator.controlUrl}/_sim/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          marketplaceId: demo.marketplaceIds[0],
          status: 'UNSHIPPED',
          items: [{ sellerSku: 'DEMO-1', quantity: 1 }],
        }),
      });
      const { orderId } = (await created.json()) as { orderId: string };
      // The demo account's client, built as a service builds it (only the port differs).
      const sp = createSellingPartnerClient(
        clientOptionsFor(demo, { ...env, SPAPI_ENDPOINT: simulator.spApiUrl }),
      );
      const result = (await sp.callAPI({ operation: 'getOrder', endpoint: 'orders', path: { orderId } })) as {
        order: { orderId: string };
      };
      expect(result.order.orderId).toBe(orderId);
    } finally {
      await simulator.close();
    }
  });

  it('another SPAPI_ENDPOINT (or real Amazon) keeps certificate checks on', () => {
    const remote = startPlan({ SPAPI_ENDPOINT: 'https://sp-api.staging.example.com:8443' }).env;
    expect(remote['SPAPI_TLS_INSECURE']).toBeUndefined();
    expect(spApiEndpointFromEnv(remote)).toEqual({ endpoint: 'https://sp-api.staging.example.com:8443' });
    const amazon = startPlan({ SPAPI_ENDPOINT: '' }).env;
    expect(spApiEndpointFromEnv(amazon)).toEqual({});
  });
});
