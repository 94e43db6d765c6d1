import { readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { isIP, type AddressInfo } from 'node:net';
import pino, { type Logger } from 'pino';
import { generate } from 'selfsigned';
import { SpApiServer } from './api/sp-api-server';
import type { SimulatorConfig } from './config/simulator-config';
import { scenarioInput, type ScenarioInput } from './control/control-schemas';
import { ControlServer } from './control/control-server';
import { locateModelsDirectory } from './models/model-files';
import { SpApiModels } from './models/sp-api-models';
import { SimulatedAmazon } from './state/simulated-amazon';
import { findUpwards } from './support/find-upwards';
import type { SimulatorClock } from './support/simulator-clock';

export interface StartSimulatorOptions {
  config: SimulatorConfig;
  logger?: Logger;
  /** A scenario given in code; SIM_SCENARIO (config.scenarioFile) is read otherwise. */
  scenario?: ScenarioInput;
  clock?: SimulatorClock;
}

export interface RunningSimulator {
  /** https://host:port of the SP-API side (LWA, SP-API operations, document URLs). */
  spApiUrl: string;
  /** http://host:port of the control API. */
  controlUrl: string;
  /** The server certificate (PEM); trust it as the CA when talking to spApiUrl. */
  caCertificate: string;
  world: SimulatedAmazon;
  close(): Promise<void>;
}

const CONTROL_OPENAPI = 'apps/sp-api-simulator/openapi/control-api.openapi.json';

let modelsCache: { directory: string; models: SpApiModels } | undefined;

function loadModels(directory: string): SpApiModels {
  // Compiled validators are pure; tests that start many simulators share them.
  if (modelsCache?.directory !== directory) modelsCache = { directory, models: SpApiModels.load(directory) };
  return modelsCache.models;
}

export async function startSimulator(options: StartSimulatorOptions): Promise<RunningSimulator> {
  const { config } = options;
  const logger =
    options.logger ?? pino({ name: 'sp-api-simulator', level: process.env['LOG_LEVEL'] ?? 'info' });
  const models = loadModels(config.modelsDir ?? locateModelsDirectory());
  // A broken scenario must fail the start before any port is taken.
  const scenario = options.scenario ?? readScenario(config.scenarioFile);
  const tls = await serverCertificate(config);
  const world = new SimulatedAmazon(config, models, options.clock);

  const spApi = new SpApiServer(world, logger);
  const control = new ControlServer(world, logger, {
    openApi: () => {
      const file = findUpwards(__dirname, CONTROL_OPENAPI);
      return file
        ? (JSON.parse(readFileSync(file, 'utf8')) as unknown)
        : { error: 'control API document not found' };
    },
    caCertificate: tls.cert,
  });

  const httpsServer = createHttpsServer(
    { key: tls.key, cert: tls.cert, minVersion: 'TLSv1.2' },
    spApi.handle,
  );
  const controlServer = createHttpServer(control.handle);
  const spApiPort = await listen(httpsServer, config.port, config.host);
  let controlPort: number;
  try {
    controlPort = await listen(controlServer, config.controlPort, config.controlHost);
  } catch (error) {
    await close(httpsServer);
    throw error;
  }

  const spApiUrl = `https://${urlHost(config.host)}:${spApiPort}`;
  world.publicUrl = config.publicUrl ?? spApiUrl;
  try {
    if (scenario) world.applyScenario(scenario);
  } catch (error) {
    await Promise.all([close(httpsServer), close(controlServer)]);
    throw error;
  }
  if (config.caOutFile) writeFileSync(config.caOutFile, tls.cert);

  return {
    spApiUrl,
    controlUrl: `http://${urlHost(config.controlHost)}:${controlPort}`,
    caCertificate: tls.cert,
    world,
    close: async () => {
      await Promise.all([close(httpsServer), close(controlServer)]);
    },
  };
}

function readScenario(file: string | undefined): ScenarioInput | undefined {
  if (!file) return undefined;
  const parsed = scenarioInput.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((issue) => `${issue.path.join('.')}: ${issue.message}`)
      .join('; ');
    throw new Error(`invalid scenario ${file}: ${problems}`);
  }
  return parsed.data;
}

async function serverCertificate(config: SimulatorConfig): Promise<{ key: string; cert: string }> {
  if (config.tlsCertFile && config.tlsKeyFile) {
    return { cert: readFileSync(config.tlsCertFile, 'utf8'), key: readFileSync(config.tlsKeyFile, 'utf8') };
  }
  if (config.tlsCertFile || config.tlsKeyFile)
    throw new Error('SPAPI_SIM_TLS_CERT and SPAPI_SIM_TLS_KEY go together');
  // The certificate names loopback, the listen host, the public URL's host and SPAPI_SIM_TLS_NAMES:
  // clients check it against the name they connect to.
  const names = new Set(['localhost', '127.0.0.1', '::1', config.host, ...config.tlsNames]);
  if (config.publicUrl) names.add(new URL(config.publicUrl).hostname.replace(/^\[|\]$/g, ''));
  const altNames = [...names]
    .filter((name) => !['0.0.0.0', '::', ''].includes(name))
    .map((name) => (isIP(name) ? { type: 7 as const, ip: name } : { type: 2 as const, value: name }));
  const pems = await generate([{ name: 'commonName', value: 'holdfast-sp-api-simulator' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, keyCertSign: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}

function urlHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return isIP(host) === 6 ? `[${host}]` : host;
}

function listen(server: HttpServer | HttpsServer, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function close(server: HttpServer | HttpsServer): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
