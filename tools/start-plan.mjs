// What the README's start command (tools/start.mjs) starts and with which environment: the
// SP-API simulator (the default "Amazon") and the four services, and whether the demo plays.
// Kept apart from start.mjs so tests can check the plan without starting anything.
import { createHash } from 'node:crypto';

export const DEV_API_KEY = process.env.HOLDFAST_DEV_API_KEY ?? 'holdfast-dev-key';
const SCOPES = [
  'stock:read',
  'stock:write',
  'availability:read',
  'availability:write',
  'orders:read',
  'orders:write',
  'orders:pii',
  'shipments:read',
  'shipments:write',
  'accounts:read',
  'accounts:write',
  'listings:read',
  'listings:write',
];

/** The demo's own data and the simulator's demo seller. */
export const DEMO = {
  database: 'holdfast_demo',
  namespace: 'holdfast-demo',
  account: 'demo-seller',
  marketplace: 'APJ6JRA9NG5V4',
};

/**
 * The plan for a caller environment and command-line arguments. `SPAPI_ENDPOINT` set (even
 * empty, which means real Amazon) replaces the simulator: no simulator, no demo, and normal
 * certificate checks.
 */
export function startPlan(processEnv, args = []) {
  const usesSimulator = processEnv.SPAPI_ENDPOINT === undefined;
  const demo = usesSimulator && !args.includes('--no-demo');
  // Amazon time runs this many times faster in the simulator (and in the services that pace themselves by it).
  const timeScale = processEnv.SIM_TIME_SCALE ?? '60';
  // The simulator's two listeners: SP-API over TLS (what the Amazon adapters call) and its
  // control API (what start waits on and the demo drives).
  const simPort = Number(processEnv.SPAPI_SIM_PORT ?? 8443);
  const simControlPort = Number(processEnv.SPAPI_SIM_CONTROL_PORT ?? 8444);
  const httpPorts = (processEnv.HOLDFAST_PORTS ?? '3001,3002,3003,3004').split(',').map(Number);

  const services = [
    ...(usesSimulator
      ? [
          {
            app: 'sp-api-simulator',
            port: simControlPort,
            health: '/_sim/health',
            migrate: false,
            env: {
              SPAPI_SIM_PORT: String(simPort),
              SPAPI_SIM_CONTROL_PORT: String(simControlPort),
              SIM_TIME_SCALE: timeScale,
              // A different story on every start unless a seed is given.
              SIM_SEED: processEnv.SIM_SEED ?? String(Date.now() % 1_000_000),
            },
          },
        ]
      : []),
    { app: 'order-ingest', port: httpPorts[0] },
    { app: 'inventory-reservation', port: httpPorts[1] },
    { app: 'availability-publisher', port: httpPorts[2] },
    { app: 'shipment-notifier', port: httpPorts[3] },
  ];

  const env = {
    ...processEnv,
    API_KEYS:
      processEnv.API_KEYS ??
      `dev:${SCOPES.join(',')}:${createHash('sha256').update(DEV_API_KEY).digest('hex')}`,
    LOG_LEVEL: processEnv.LOG_LEVEL ?? 'warn',
  };
  if (usesSimulator) {
    Object.assign(env, {
      SPAPI_ENDPOINT: `https://127.0.0.1:${simPort}`,
      // The simulator's certificate is generated at each start, so it is trusted without a CA file.
      SPAPI_TLS_INSECURE: processEnv.SPAPI_TLS_INSECURE ?? 'true',
      // The services' own Amazon clocks (data lag, usage plans, feed durations) follow the simulator's.
      SPAPI_TIME_SCALE: timeScale,
      // Shipments are re-read soon after confirmation, so the demo shows verification too.
      SHIPMENT_VERIFY_AFTER_MS: processEnv.SHIPMENT_VERIFY_AFTER_MS ?? '5000',
    });
  }
  // The demo's data lives apart from anything else on the machine, and is reset on every start.
  const freshDemo = demo && !processEnv.DATABASE_URL && !processEnv.AMQP_NAMESPACE;
  if (freshDemo) {
    env.DATABASE_URL = `postgres://postgres@127.0.0.1:5432/${DEMO.database}`;
    env.AMQP_NAMESPACE = DEMO.namespace;
  }
  // Without configured accounts, one demo seller on the simulator (which accepts any refresh
  // token). Real accounts: AMAZON_ACCOUNTS_FILE, see docs/operations.md.
  if (!processEnv.AMAZON_ACCOUNTS && !processEnv.AMAZON_ACCOUNTS_FILE) {
    Object.assign(env, {
      DEMO_SPAPI_REFRESH_TOKEN: 'Atzr|demo-refresh-token',
      DEMO_SPAPI_CLIENT_ID: 'amzn1.application-oa2-client.demo',
      DEMO_SPAPI_CLIENT_SECRET: 'demo-client-secret',
      AMAZON_ACCOUNTS: JSON.stringify([
        {
          accountId: DEMO.account,
          sellerId: 'A2SIMSELLER0001',
          region: 'eu',
          marketplaceIds: [DEMO.marketplace, 'A1PA6795UKMFR9'],
          refreshToken: { env: 'DEMO_SPAPI_REFRESH_TOKEN' },
          clientId: { env: 'DEMO_SPAPI_CLIENT_ID' },
          clientSecret: { env: 'DEMO_SPAPI_CLIENT_SECRET' },
        },
      ]),
    });
  }
  return { services, env, usesSimulator, demo, freshDemo };
}
