import { loadAmazonAccounts, readSecret } from '@holdfast/channels-amazon';
import { parseEnv, ServiceEnvSchema } from '@holdfast/runtime';
import { createHash } from 'node:crypto';
import { loadShopSimulatorConfig } from '../../apps/shop-simulator/src/config/shop-simulator-config';
import { loadSimulatorConfig } from '../../apps/sp-api-simulator/src/config/simulator-config';
import { parse } from 'yaml';
import {
  composeSchemaProblems,
  environmentOf,
  parseCompose,
  readCompose,
  withInterpolationDefaults,
  type ComposeFile,
  type ComposeService,
} from './support/compose';
import {
  defaultHttpPort,
  existsInRepository,
  fromRoot,
  readText,
  SERVICES,
  SIMULATOR,
  SIMULATORS,
} from './support/repository';

/*
 * docker-compose.yml cannot be run here (no Docker engine), so it is validated against the
 * Compose specification's JSON schema and held to its rules by reading it: the start order, the
 * health checks, the hardening, and the configuration each container is given, which is parsed by
 * the services' own configuration code with the mounted files in place.
 */

const compose = readCompose();
const services = compose.services;
const service = (name: string): ComposeService => {
  const found = services[name];
  if (!found) throw new Error(`docker-compose.yml has no service ${name}`);
  return found;
};
const dependencies = (s: ComposeService): Record<string, string> =>
  Array.isArray(s.depends_on)
    ? Object.fromEntries(s.depends_on.map((name) => [name, 'service_started']))
    : Object.fromEntries(Object.entries(s.depends_on ?? {}).map(([name, d]) => [name, d.condition]));
const buildOf = (s: ComposeService) => (typeof s.build === 'string' ? { context: s.build } : s.build);
const healthTest = (s: ComposeService): string =>
  Array.isArray(s.healthcheck?.test) ? s.healthcheck.test.join(' ') : (s.healthcheck?.test ?? '');

/** Where a path inside a container comes from in the repository: a mounted secret or config. */
function hostFileFor(containerPath: string, s: ComposeService): string | undefined {
  for (const entry of s.secrets ?? []) {
    const { source, target } = typeof entry === 'string' ? { source: entry, target: undefined } : entry;
    if ((target ?? `/run/secrets/${source}`) === containerPath) return compose.secrets?.[source]?.file;
  }
  for (const entry of s.configs ?? []) {
    const { source, target } = typeof entry === 'string' ? { source: entry, target: undefined } : entry;
    if ((target ?? `/${source}`) === containerPath) return compose.configs?.[source]?.file;
  }
  return undefined;
}

/** The container's environment with every *_FILE pointing at the repository file mounted there. */
function environmentAsMounted(s: ComposeService): NodeJS.ProcessEnv {
  const environment: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(environmentOf(s))) {
    const resolved = withInterpolationDefaults(value);
    const mounted = name.endsWith('_FILE') ? hostFileFor(resolved, s) : undefined;
    environment[name] = mounted ? fromRoot(mounted) : resolved;
  }
  return environment;
}

describe('docker-compose.yml', () => {
  it('is valid against the Compose specification JSON schema', () => {
    expect(composeSchemaProblems(compose)).toEqual([]);
  });

  it('starts every service only after its migration step completed, with PostgreSQL, RabbitMQ and the simulator healthy', () => {
    for (const { name } of SERVICES) {
      expect({ name, dependsOn: dependencies(service(name)) }).toEqual({
        name,
        dependsOn: expect.objectContaining({
          postgres: 'service_healthy',
          rabbitmq: 'service_healthy',
          [SIMULATOR.name]: 'service_healthy',
          [`${name}-migrate`]: 'service_completed_successfully',
        }) as unknown,
      });
    }
  });

  it('migrates each service in a one-shot step: its own image with `migrate`, after PostgreSQL is healthy', () => {
    for (const { name } of SERVICES) {
      const migrate = service(`${name}-migrate`);
      expect(migrate.image).toBe(service(name).image);
      expect(buildOf(migrate)).toEqual(buildOf(service(name)));
      expect(migrate.command).toEqual(['migrate']);
      expect(migrate.restart).toBe('no');
      expect(dependencies(migrate)).toEqual({ postgres: 'service_healthy' });
      expect(migrate.ports ?? []).toEqual([]);
    }
  });

  it('builds each Holdfast image from its Dockerfile with the repository as context', () => {
    for (const name of [...SERVICES.map((s) => s.name), ...SIMULATORS.map((s) => s.name)]) {
      expect(buildOf(service(name))).toEqual({ context: '.', dockerfile: `apps/${name}/Dockerfile` });
      expect(existsInRepository(`apps/${name}/Dockerfile`)).toBe(true);
    }
  });

  it('gives every service its port and a liveness check on it', () => {
    for (const { name } of SERVICES) {
      const port = defaultHttpPort(name);
      expect(environmentOf(service(name))['HTTP_PORT']).toBe(String(port));
      expect(service(name).ports).toEqual([`127.0.0.1:${port}:${port}`]);
      expect(healthTest(service(name))).toContain(`fetch('http://127.0.0.1:${port}/health/live')`);
    }
  });

  it('has health checks wherever a dependency waits for health, and on every long-running container', () => {
    for (const [name, s] of Object.entries(services)) {
      for (const [dependency, condition] of Object.entries(dependencies(s))) {
        expect(services[dependency]).toBeDefined();
        if (condition === 'service_healthy')
          expect({ dependency, test: healthTest(services[dependency]) }).not.toEqual({
            dependency,
            test: '',
          });
      }
      if (s.restart !== 'no') expect({ name, test: healthTest(s) }).not.toEqual({ name, test: '' });
    }
  });

  it('runs the infrastructure the services need: RabbitMQ with its UI, PostgreSQL, Jaeger with OTLP, Prometheus, Grafana', () => {
    expect(service('rabbitmq').image).toMatch(/^rabbitmq:[\w.]+-management$/);
    expect(service('rabbitmq').ports).toContain('127.0.0.1:15672:15672');
    expect(service('postgres').image).toMatch(/^postgres:/);
    expect(service('jaeger').image).toMatch(/^jaegertracing\/all-in-one:/);
    expect(environmentOf(service('jaeger'))['COLLECTOR_OTLP_ENABLED']).toBe('true');
    expect(service('prometheus').image).toMatch(/^prom\/prometheus:/);
    expect(service('grafana').image).toMatch(/^grafana\/grafana:/);
    for (const { name } of SERVICES) {
      expect(environmentOf(service(name))['OTEL_EXPORTER_OTLP_ENDPOINT']).toBe('http://jaeger:4318');
    }
  });

  it('hardens every container: read-only root, all capabilities dropped, no new privileges, ports on 127.0.0.1 only', () => {
    for (const [name, s] of Object.entries(services)) {
      expect({ name, readOnly: s.read_only }).toEqual({ name, readOnly: true });
      expect({ name, capDrop: s.cap_drop }).toEqual({ name, capDrop: ['ALL'] });
      expect({ name, capAdd: s.cap_add ?? [] }).toEqual({ name, capAdd: [] });
      expect({ name, noNewPrivileges: s.security_opt ?? [] }).toEqual({
        name,
        noNewPrivileges: ['no-new-privileges:true'],
      });
      expect(s.privileged ?? false).toBe(false);
      for (const port of s.ports ?? [])
        expect({ name, port }).toEqual({ name, port: expect.stringMatching(/^127\.0\.0\.1:/) as unknown });
    }
  });

  it('reads no .env file and names only files that exist', () => {
    for (const [name, s] of Object.entries(services))
      expect({ name, envFile: s.env_file }).toEqual({ name, envFile: undefined });
    expect(readText('docker-compose.yml')).not.toMatch(/\.env\b/);
    for (const { file } of [
      ...Object.values(compose.secrets ?? {}),
      ...Object.values(compose.configs ?? {}),
    ]) {
      expect({ file, exists: existsInRepository(file ?? '') }).toEqual({ file, exists: true });
    }
    for (const s of Object.values(services)) {
      for (const volume of s.volumes ?? []) {
        const source = typeof volume === 'string' ? volume.split(':')[0] : (volume.source ?? '');
        if (source.startsWith('.'))
          expect({ source, exists: existsInRepository(source) }).toEqual({ source, exists: true });
      }
    }
  });

  it('configures each service so that its own configuration code accepts it, with the mounted files in place', () => {
    for (const { name, callsAmazon } of SERVICES) {
      const environment = environmentAsMounted(service(name));
      const parsed = parseEnv(ServiceEnvSchema, environment);
      expect(parsed.HTTP_PORT).toBe(defaultHttpPort(name));
      // The development key the README and `npm start` use works against these containers.
      const devKeyHash = createHash('sha256').update('holdfast-dev-key').digest('hex');
      expect(parsed.API_KEYS.map((key) => key.sha256)).toContain(devKeyHash);
      if (callsAmazon) {
        const accounts = loadAmazonAccounts(environment);
        expect(accounts.length).toBeGreaterThan(0);
        for (const account of accounts) {
          for (const ref of [account.refreshToken, account.clientId, account.clientSecret]) {
            const file = 'file' in ref ? hostFileFor(ref.file, service(name)) : undefined;
            expect({ ref, mounted: file !== undefined }).toEqual({ ref, mounted: true });
            expect(readSecret({ file: fromRoot(file ?? '') }, environment)).not.toBe('');
          }
        }
        expect(environment['SPAPI_ENDPOINT']).toBe(`https://${SIMULATOR.name}:${SIMULATOR.spApiPort}`);
      }
    }
  });

  it('makes the simulator trusted by the services: certificate for its service name, shared where SPAPI_CA_FILE reads it', () => {
    const simulator = service(SIMULATOR.name);
    const config = loadSimulatorConfig(environmentAsMounted(simulator));
    expect(config.host).toBe(SIMULATOR.name);
    expect(config.controlHost).toBe('0.0.0.0');
    expect(config.port).toBe(SIMULATOR.spApiPort);
    expect(simulator.ports).toEqual([
      `127.0.0.1:${SIMULATOR.spApiPort}:${SIMULATOR.spApiPort}`,
      `127.0.0.1:${SIMULATOR.controlPort}:${SIMULATOR.controlPort}`,
    ]);
    const certificateDirectory = (config.caOutFile ?? '').replace(/\/[^/]+$/, '');
    expect(simulator.volumes).toContain(`sim-ca:${certificateDirectory}`);
    for (const { name } of SERVICES) {
      expect(environmentOf(service(name))['SPAPI_CA_FILE']).toBe(config.caOutFile);
      expect(service(name).volumes).toContain(`sim-ca:${certificateDirectory}:ro`);
    }
    expect(healthTest(simulator)).toContain(config.caOutFile);
  });

  it('runs the shop simulator on all interfaces of its container, on the ports it publishes', () => {
    const shops = service('shop-simulator');
    const config = loadShopSimulatorConfig(environmentAsMounted(shops));
    expect([config.host, config.controlHost]).toEqual(['0.0.0.0', '0.0.0.0']);
    expect(shops.ports).toEqual([
      `127.0.0.1:${config.port}:${config.port}`,
      `127.0.0.1:${config.controlPort}:${config.controlPort}`,
    ]);
    expect(healthTest(shops)).toContain(`http://127.0.0.1:${config.controlPort}/_sim/health`);
  });

  it('has Prometheus scrape every service on its port, and RabbitMQ', () => {
    const prometheus = parse(readText('deploy/prometheus/prometheus.yml')) as {
      scrape_configs: { job_name: string; metrics_path?: string; static_configs: { targets: string[] }[] }[];
    };
    const targets = prometheus.scrape_configs.flatMap((job) =>
      job.static_configs.flatMap((c) => c.targets.map((t) => `${job.metrics_path ?? '/metrics'} ${t}`)),
    );
    for (const { name } of SERVICES) expect(targets).toContain(`/metrics ${name}:${defaultHttpPort(name)}`);
    expect(targets).toContain('/metrics rabbitmq:15692');
    expect(targets).toContain('/metrics/detailed rabbitmq:15692');
  });

  it('provisions Grafana with the Holdfast dashboard and the Prometheus data source', () => {
    const grafana = service('grafana');
    expect(grafana.volumes).toContain('./k8s/components/grafana-dashboard:/etc/grafana/dashboards:ro');
    expect(existsInRepository('k8s/components/grafana-dashboard/holdfast-overview.dashboard.json')).toBe(
      true,
    );
    const provider = parse(readText('deploy/grafana/provisioning/dashboards/holdfast.yml')) as {
      providers: { options: { path: string } }[];
    };
    expect(provider.providers[0].options.path).toBe('/etc/grafana/dashboards');
    const datasource = parse(readText('deploy/grafana/provisioning/datasources/prometheus.yml')) as {
      datasources: { type: string; url: string }[];
    };
    expect(datasource.datasources[0]).toMatchObject({ type: 'prometheus', url: 'http://prometheus:9090' });
  });

  it('keeps the two services tools/ensure-infra.mjs starts, on the default ports the services assume', () => {
    expect(service('postgres').ports).toEqual(['127.0.0.1:5432:5432']);
    expect(service('rabbitmq').ports).toContain('127.0.0.1:5672:5672');
  });
});

describe('the Compose checks themselves', () => {
  const mutated = (mutate: (file: ComposeFile) => void): ComposeFile => {
    const copy = parseCompose(readText('docker-compose.yml'));
    mutate(copy);
    return copy;
  };

  it('reject a misspelt key, a wrong type and an unknown depends_on condition', () => {
    expect(
      composeSchemaProblems(
        mutated((c) => Object.assign(c.services['postgres'], { cap_drops: ['ALL'] })),
      ).join('\n'),
    ).toMatch(/additional/i);
    expect(
      composeSchemaProblems(
        mutated((c) => Object.assign(c.services['postgres'], { read_only: 'yes please' })),
      ).join('\n'),
    ).toMatch(/boolean/);
    expect(
      composeSchemaProblems(
        mutated(
          (c) => (c.services['order-ingest'].depends_on = { postgres: { condition: 'service_ready' } }),
        ),
      ).length,
    ).toBeGreaterThan(0);
  });

  it('reject a malformed port and duration', () => {
    expect(
      composeSchemaProblems(mutated((c) => (c.services['postgres'].ports = ['127.0.0.1:5432:postgres'])))
        .length,
    ).toBeGreaterThan(0);
    expect(
      composeSchemaProblems(
        mutated((c) => Object.assign(c.services['postgres'], { stop_grace_period: 'thirty seconds' })),
      ).length,
    ).toBeGreaterThan(0);
  });

  it('refuse a Compose file with a duplicate key', () => {
    expect(() => parseCompose('services:\n  a:\n    image: x\n    image: y\n')).toThrow();
  });
});
