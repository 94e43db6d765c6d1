import { Agent, type AgentOptions, type RequestOptions } from 'node:https';
import { isIP } from 'node:net';
import type { Duplex } from 'node:stream';
import { connect } from 'node:tls';

export interface SpApiEndpointAgentOptions {
  /** PEM certificate(s) to trust for the endpoint, e.g. the simulator's self-signed certificate. */
  ca?: string | Buffer;
  /** Skip certificate verification. Refused unless the endpoint is a loopback address. */
  insecureTls?: boolean;
  keepAlive?: boolean;
}

interface EndpointTarget {
  host: string;
  port: number;
  ca?: string | Buffer;
  rejectUnauthorized: boolean;
}

/**
 * An https.Agent that opens every connection to one fixed endpoint, whatever host the request names.
 * amazon-sp-api has no host option: it always asks for sellingpartnerapi-{region}.amazon.com and
 * api.amazon.com (token exchange), but it passes `options.https_proxy_agent` to every request it
 * makes, so this agent is how it reaches the SP-API simulator. The request keeps its Host header; the
 * TLS connection (certificate checked against the endpoint's own name) goes to the endpoint.
 */
class SpApiEndpointAgent extends Agent {
  constructor(
    private readonly target: EndpointTarget,
    options: AgentOptions,
  ) {
    super(options);
  }

  override createConnection(
    _options: RequestOptions,
    _callback?: (err: Error | null, stream: Duplex) => void,
  ): Duplex {
    return connect({
      host: this.target.host,
      port: this.target.port,
      servername: isIP(this.target.host) ? undefined : this.target.host,
      ca: this.target.ca,
      rejectUnauthorized: this.target.rejectUnauthorized,
      minVersion: 'TLSv1.2',
      ALPNProtocols: ['http/1.1'],
    });
  }
}

export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  return bare === 'localhost' || bare === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare);
}

/** Parses `https://host:port` (the SPAPI_ENDPOINT setting). */
export function parseSpApiEndpoint(endpoint: string): { host: string; port: number } {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new Error(`SP-API endpoint ${endpoint} is not a URL`);
  }
  if (url.protocol !== 'https:') throw new Error(`SP-API endpoint ${endpoint} must use https`);
  if (url.pathname !== '/' || url.search !== '')
    throw new Error(`SP-API endpoint ${endpoint} must be an origin (no path)`);
  return { host: url.hostname.replace(/^\[|\]$/g, ''), port: url.port === '' ? 443 : Number(url.port) };
}

export function createSpApiEndpointAgent(endpoint: string, options: SpApiEndpointAgentOptions = {}): Agent {
  const { host, port } = parseSpApiEndpoint(endpoint);
  if (options.insecureTls && !isLoopbackHost(host)) {
    // An unverified connection to a remote host could hand buyer data to anyone on the path.
    throw new Error(`insecure TLS is only allowed for loopback SP-API endpoints, not ${host}`);
  }
  return new SpApiEndpointAgent(
    { host, port, ca: options.ca, rejectUnauthorized: !options.insecureTls },
    { keepAlive: options.keepAlive ?? true },
  );
}
