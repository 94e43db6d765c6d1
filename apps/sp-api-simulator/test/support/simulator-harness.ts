import { request as httpsRequest, type Agent } from 'node:https';
import { request as httpRequest } from 'node:http';
import pino from 'pino';
import { createSellingPartnerClient, createSpApiEndpointAgent } from '@holdfast/channels-amazon';
import { simulatorConfig, type SimulatorConfig } from '../../src/config/simulator-config';
import type { ScenarioInput } from '../../src/control/control-schemas';
import { OPERATION_NAMES, type OperationName } from '../../src/models/operation-catalog';
import { startSimulator, type RunningSimulator } from '../../src/simulator';

export const IT = 'APJ6JRA9NG5V4';
export const DE = 'A1PA6795UKMFR9';
export const FR = 'A13V1IB3VIYZZH';
export const ES = 'A1RKKUPIHCS9HS';
export const UK = 'A1F83G8C2ARO7P';
export const SELLER = 'A2SIMSELLER0001';

/** A parsed JSON body in assertions: its shape is what the test checks, so it is left open. */
 
export type Json = any;

export interface HttpResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  text: string;
  json: Json;
}

type ConfigOverrides = Partial<Omit<SimulatorConfig, 'delays'>> & {
  delays?: Partial<SimulatorConfig['delays']>;
};

/**
 * A simulator started in-process on ephemeral ports, with three ways in: the amazon-sp-api package
 * through the channel library's endpoint agent (what Holdfast uses), raw HTTPS (to see exact status
 * codes, headers and bodies) and the control API.
 */
export class SimulatorHarness {
  private readonly agent: Agent;
  private readonly tokens = new Map<string, string>();

  private constructor(readonly simulator: RunningSimulator) {
    // Raw requests name Amazon's hosts too; the endpoint agent takes them to the simulator.
    this.agent = createSpApiEndpointAgent(simulator.spApiUrl, { ca: simulator.caCertificate });
  }

  static async start(overrides: ConfigOverrides = {}, scenario?: ScenarioInput): Promise<SimulatorHarness> {
    const config = simulatorConfig({ port: 0, controlPort: 0, responseValidation: 'enforce', ...overrides });
    const simulator = await startSimulator({ config, scenario, logger: pino({ level: 'silent' }) });
    return new SimulatorHarness(simulator);
  }

  get world() {
    return this.simulator.world;
  }

  get models() {
    return this.simulator.world.models;
  }

  /** An amazon-sp-api client configured by @holdfast/channels-amazon, pointed at the simulator. */
  client(refreshToken = 'Atzr|holdfast-test') {
    return createSellingPartnerClient({
      region: 'eu',
      refreshToken,
      clientId: 'amzn1.application-oa2-client.test',
      clientSecret: 'test-secret',
      endpoint: this.simulator.spApiUrl,
      ca: this.simulator.caCertificate,
    });
  }

  async accessToken(refreshToken = 'Atzr|holdfast-test'): Promise<string> {
    const known = this.tokens.get(refreshToken);
    if (known) return known;
    const result = await this.https('POST', '/auth/o2/token', {
      form: {
        grant_type: 'refresh_token',
        refresh_token: refreshToken,
        client_id: 'client',
        client_secret: 'secret',
      },
      token: null,
    });
    if (result.status !== 200) throw new Error(`token exchange failed: ${result.text}`);
    this.tokens.set(refreshToken, result.json.access_token);
    return result.json.access_token as string;
  }

  /** A raw SP-API request. `token: null` sends none; by default the harness's seller token. */
  async https(
    method: string,
    path: string,
    options: {
      query?: Record<string, string | number | boolean | (string | number)[] | undefined>;
      body?: unknown;
      form?: Record<string, string>;
      token?: string | null;
      host?: string;
      headers?: Record<string, string>;
      rawBody?: Buffer;
    } = {},
  ): Promise<HttpResult> {
    const token = options.token === undefined ? await this.accessToken() : options.token;
    const url = new URL(path, `https://${options.host ?? 'sellingpartnerapi-eu.amazon.com'}`);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined)
        url.searchParams.set(key, Array.isArray(value) ? value.join(',') : String(value));
    }
    let payload: Buffer | undefined = options.rawBody;
    const headers: Record<string, string> = { ...options.headers };
    if (options.form) {
      payload = Buffer.from(new URLSearchParams(options.form).toString());
      headers['content-type'] = 'application/x-www-form-urlencoded';
    } else if (options.body !== undefined) {
      payload = Buffer.from(JSON.stringify(options.body));
      headers['content-type'] = 'application/json; charset=utf-8';
    }
    if (token) headers['x-amz-access-token'] = token;
    if (payload) headers['content-length'] = String(payload.length);
    return new Promise((resolve, reject) => {
      const req = httpsRequest(url, { method, headers, agent: this.agent }, (res) =>
        collect(res, resolve, reject),
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  /** GET/POST/PUT/DELETE on the control API. */
  async control(method: string, path: string, body?: unknown): Promise<HttpResult> {
    const url = new URL(path, this.simulator.controlUrl);
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const headers: Record<string, string> = payload
      ? { 'content-type': 'application/json', 'content-length': String(payload.length) }
      : {};
    return new Promise((resolve, reject) => {
      const req = httpRequest(url, { method, headers }, (res) => collect(res, resolve, reject));
      req.on('error', reject);
      req.end(payload);
    });
  }

  /** Raises every usage plan out of the way, for suites that test something else than throttling. */
  async liftUsagePlans(): Promise<void> {
    for (const operation of OPERATION_NAMES) {
      const result = await this.control('POST', '/_sim/usage-plans', { operation, rate: 1000, burst: 1000 });
      if (result.status !== 200) throw new Error(`usage plan override failed: ${result.text}`);
    }
  }

  async createOrder(input: Record<string, unknown>): Promise<Json> {
    const result = await this.control('POST', '/_sim/orders', input);
    if (result.status !== 201) throw new Error(`create order failed: ${result.text}`);
    return result.json.order;
  }

  /** Problems with a body against the model's schema for that operation and status. */
  violations(operation: OperationName, status: number, body: unknown): string[] {
    return this.models.validateResponse(operation, status, body);
  }

  async close(): Promise<void> {
    this.agent.destroy();
    await this.simulator.close();
  }
}

function collect(
  res: import('node:http').IncomingMessage,
  resolve: (result: HttpResult) => void,
  reject: (error: Error) => void,
): void {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('error', reject);
  res.on('end', () => {
    const body = Buffer.concat(chunks);
    const text = body.toString('utf8');
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text, json });
  });
}

export function minutesAgo(minutes: number): string {
  return new Date(Date.now() - minutes * 60_000).toISOString();
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
