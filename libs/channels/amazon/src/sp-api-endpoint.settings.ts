import { readFileSync } from 'node:fs';
import type { SellingPartnerClientOptions } from './selling-partner-client.factory';
import { isLoopbackHost, parseSpApiEndpoint } from './sp-api-endpoint-agent';

/**
 * The process-wide switch between real Amazon and a stand-in: SPAPI_ENDPOINT (e.g.
 * https://127.0.0.1:8443, the simulator), SPAPI_CA_FILE to trust its certificate, or
 * SPAPI_TLS_INSECURE=true, refused for anything but a loopback endpoint.
 */
export function spApiEndpointFromEnv(
  env: NodeJS.ProcessEnv = process.env,
): Pick<SellingPartnerClientOptions, 'endpoint' | 'ca' | 'insecureTls'> {
  const endpoint = env['SPAPI_ENDPOINT']?.trim() || undefined;
  const insecureTls = env['SPAPI_TLS_INSECURE'] === 'true';
  if (insecureTls) {
    if (!endpoint) throw new Error('SPAPI_TLS_INSECURE needs SPAPI_ENDPOINT (never for real Amazon)');
    if (!isLoopbackHost(parseSpApiEndpoint(endpoint).host)) {
      throw new Error('SPAPI_TLS_INSECURE is only allowed for a loopback SPAPI_ENDPOINT');
    }
  }
  return {
    ...(endpoint ? { endpoint } : {}),
    ...(env['SPAPI_CA_FILE'] ? { ca: readFileSync(env['SPAPI_CA_FILE']) } : {}),
    ...(insecureTls ? { insecureTls } : {}),
  };
}
