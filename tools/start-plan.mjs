// What the README's start command (tools/start.mjs) starts and with which environment: the
// SP-API simulator (the default "Amazon") and the four services. Kept apart from start.mjs so
// tests can check the plan without starting anything.
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

// The simulator's two listeners: SP-API over TLS (what the Amazon adapters call) and its
// control API (what start waits on and the demo drives).
export const SIMULATOR_SP_API_PORT = 8443;
export const SIMULATOR_CONTROL_PORT = 8444;

export const SERVICES = [
  {
    app: 'sp-api-simulator',
    port: SIMULATOR_CONTROL_PORT,
    health: '/_sim/health',
    migrate: false,
    env: {
      SPAPI_SIM_PORT: String(SIMULATOR_SP_API_PORT),
      SPAPI_SIM_CONTROL_PORT: String(SIMULATOR_CONTROL_PORT),
    },
  },
  { app: 'order-ingest', port: 3001 },
  { app: 'inventory-reservation', port: 3002 },
  { app: 'availability-publisher', port: 3003 },
  { app: 'shipment-notifier', port: 3004 },
];

/** The environment every started process gets: the caller's, plus what a local start needs. */
export function startEnvironment(processEnv) {
  const env = {
    ...processEnv,
    API_KEYS:
      processEnv.API_KEYS ??
      `dev:${SCOPES.join(',')}:${createHash('sha256').update(DEV_API_KEY).digest('hex')}`,
    // The simulator's certificate is generated at each start, so it is trusted without a CA file;
    // any other endpoint (or real Amazon: SPAPI_ENDPOINT= ) keeps normal certificate checks.
    ...(processEnv.SPAPI_ENDPOINT === undefined
      ? {
          SPAPI_ENDPOINT: `https://127.0.0.1:${SIMULATOR_SP_API_PORT}`,
          SPAPI_TLS_INSECURE: processEnv.SPAPI_TLS_INSECURE ?? 'true',
        }
      : {}),
    LOG_LEVEL: processEnv.LOG_LEVEL ?? 'warn',
  };
  // Without configured accounts, one demo seller on the simulator (which accepts any refresh
  // token). Real accounts: AMAZON_ACCOUNTS_FILE, see docs/operations.md.
  if (!processEnv.AMAZON_ACCOUNTS && !processEnv.AMAZON_ACCOUNTS_FILE) {
    Object.assign(env, {
      DEMO_SPAPI_REFRESH_TOKEN: 'Atzr|demo-refresh-token',
      DEMO_SPAPI_CLIENT_ID: 'amzn1.application-oa2-client.demo',
      DEMO_SPAPI_CLIENT_SECRET: 'demo-client-secret',
      AMAZON_ACCOUNTS: JSON.stringify([
        {
          accountId: 'demo-seller',
          sellerId: 'A2SIMSELLER0001',
          region: 'eu',
          marketplaceIds: ['APJ6JRA9NG5V4', 'A1PA6795UKMFR9'],
          refreshToken: { env: 'DEMO_SPAPI_REFRESH_TOKEN' },
          clientId: { env: 'DEMO_SPAPI_CLIENT_ID' },
          clientSecret: { env: 'DEMO_SPAPI_CLIENT_SECRET' },
        },
      ]),
    });
  }
  return env;
}
