import { z } from 'zod';
import type { SellingPartnerClientOptions } from './selling-partner-client.factory';
import { spApiEndpointFromEnv } from './sp-api-endpoint.settings';

const environmentSchema = z.object({
  SPAPI_REGION: z.enum(['eu', 'na', 'fe']).default('eu'),
  SPAPI_REFRESH_TOKEN: z.string().min(1),
  SPAPI_CLIENT_ID: z.string().min(1),
  SPAPI_CLIENT_SECRET: z.string().min(1),
});

/**
 * One SP-API connection from the environment: SPAPI_REGION, SPAPI_REFRESH_TOKEN, SPAPI_CLIENT_ID,
 * SPAPI_CLIENT_SECRET, plus the endpoint switch (SPAPI_ENDPOINT, SPAPI_CA_FILE, SPAPI_TLS_INSECURE;
 * see spApiEndpointFromEnv). Unset SPAPI_ENDPOINT means real Amazon.
 */
export function spApiConnectionFromEnv(env: NodeJS.ProcessEnv = process.env): SellingPartnerClientOptions {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    // Names only: the values are secrets.
    const fields = parsed.error.issues.map((issue) => issue.path.join('.')).join(', ');
    throw new Error(`invalid SP-API connection settings: ${fields}`);
  }
  const e = parsed.data;
  return {
    region: e.SPAPI_REGION,
    refreshToken: e.SPAPI_REFRESH_TOKEN,
    clientId: e.SPAPI_CLIENT_ID,
    clientSecret: e.SPAPI_CLIENT_SECRET,
    ...spApiEndpointFromEnv(env),
  };
}
