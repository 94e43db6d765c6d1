import { loadAmazonAccounts } from '@holdfast/channels-amazon';
import type { IScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IStatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import type { IService } from 'kubernetes-models/v1/Service';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describeObject, renderKustomization, type KubernetesObject } from './support/kustomize';
import { schemaProblems, strictFieldProblems } from './support/kubernetes-schemas';
import { consumerQueuePurposes, defaultHttpPort, readText, SERVICES, SIMULATOR } from './support/repository';

/*
 * Every overlay is rendered with kustomize (`kubectl kustomize`) and each object it yields is
 * validated against the Kubernetes API schema of its kind, strictly (no field the API does not
 * know), then held to the deployment rules: hardened pods, no literal secret, probes and
 * resources everywhere, references that resolve, and each overlay's own promises.
 */

const OVERLAYS = ['k8s/overlays/dev', 'k8s/overlays/prod'] as const;
type Overlay = (typeof OVERLAYS)[number];

const rendered = new Map<string, KubernetesObject[]>();
const render = (directory: string): KubernetesObject[] => {
  if (!rendered.has(directory)) rendered.set(directory, renderKustomization(directory));
  return rendered.get(directory) as KubernetesObject[];
};

const ofKind = <T>(objects: KubernetesObject[], kind: string): (T & KubernetesObject)[] =>
  objects.filter((o) => o.kind === kind) as (T & KubernetesObject)[];
const named = <T extends KubernetesObject>(objects: T[], name: string): T => {
  const found = objects.find((o) => o.metadata.name === name);
  if (!found) throw new Error(`no ${name} among ${objects.map(describeObject).join(', ')}`);
  return found;
};

interface PodTemplate {
  owner: string;
  kind: string;
  labels: Record<string, string>;
  spec: IPodSpec;
}

function podTemplates(objects: KubernetesObject[]): PodTemplate[] {
  const workloads = [
    ...ofKind<IDeployment>(objects, 'Deployment'),
    ...ofKind<IStatefulSet>(objects, 'StatefulSet'),
    ...ofKind<IJob>(objects, 'Job'),
  ];
  return workloads.map((w) => ({
    owner: describeObject(w),
    kind: w.kind,
    labels: w.spec?.template.metadata?.labels ?? {},
    spec: w.spec?.template.spec as IPodSpec,
  }));
}

const allContainers = (spec: IPodSpec): IContainer[] => [...(spec.initContainers ?? []), ...spec.containers];
const matches = (selector: Record<string, string>, labels: Record<string, string>) =>
  Object.entries(selector).every(([key, value]) => labels[key] === value);

/** Names that hold secrets: such variables must come from a Secret (or a *_FILE), never a literal. */
const SECRET_VARIABLE =
  /(PASSWORD|PASS$|SECRET|TOKEN|API_KEYS?$|CREDENTIAL|PRIVATE_KEY|DATABASE_URL$|AMQP_URL$)/;
const URL_WITH_PASSWORD = /[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^@\s/]+@/i;

describe.each(OVERLAYS)('%s, rendered with kustomize', (overlay: Overlay) => {
  const objects = () => render(overlay);

  it('validates against the Kubernetes (and KEDA) schemas of its kinds', () => {
    expect(objects().length).toBeGreaterThan(0);
    expect(schemaProblems(objects())).toEqual([]);
  });

  it('uses no field the Kubernetes API does not define', () => {
    expect(strictFieldProblems(objects())).toEqual([]);
  }, 60_000);

  it('hardens every pod and container: non-root, read-only root file system, no privilege, seccomp', () => {
    for (const { owner, spec } of podTemplates(objects())) {
      expect({ owner, runAsNonRoot: spec.securityContext?.runAsNonRoot }).toEqual({
        owner,
        runAsNonRoot: true,
      });
      expect({ owner, seccomp: spec.securityContext?.seccompProfile?.type }).toEqual({
        owner,
        seccomp: 'RuntimeDefault',
      });
      expect({ owner, user: (spec.securityContext?.runAsUser ?? 1) > 0 }).toEqual({ owner, user: true });
      expect({ owner, token: spec.automountServiceAccountToken }).toEqual({ owner, token: false });
      for (const volume of spec.volumes ?? []) {
        const mode = volume.secret?.defaultMode ?? volume.projected?.defaultMode;
        if (mode !== undefined)
          expect({ owner, volume: volume.name, worldReadable: (mode & 0o007) !== 0 }).toEqual({
            owner,
            volume: volume.name,
            worldReadable: false,
          });
      }
      expect({ owner, hostAccess: [spec.hostNetwork, spec.hostPID, spec.hostIPC].some(Boolean) }).toEqual({
        owner,
        hostAccess: false,
      });
      for (const container of allContainers(spec)) {
        const where = `${owner} ${container.name}`;
        const context = container.securityContext ?? {};
        expect({ where, readOnlyRoot: context.readOnlyRootFilesystem }).toEqual({
          where,
          readOnlyRoot: true,
        });
        expect({ where, escalation: context.allowPrivilegeEscalation }).toEqual({ where, escalation: false });
        expect({ where, privileged: context.privileged ?? false }).toEqual({ where, privileged: false });
        expect({ where, dropped: context.capabilities?.drop }).toEqual({ where, dropped: ['ALL'] });
        expect({ where, added: context.capabilities?.add ?? [] }).toEqual({ where, added: [] });
        expect({ where, user: (context.runAsUser ?? 1) > 0 }).toEqual({ where, user: true });
      }
    }
  });

  it('sets resources on every container and probes on every long-running one', () => {
    for (const { owner, kind, spec } of podTemplates(objects())) {
      for (const container of allContainers(spec)) {
        const where = `${owner} ${container.name}`;
        const { requests = {}, limits = {} } = container.resources ?? {};
        expect({
          where,
          set: [requests['cpu'], requests['memory'], limits['memory']].every((v) => v !== undefined),
        }).toEqual({
          where,
          set: true,
        });
      }
      if (kind === 'Job') continue;
      for (const container of spec.containers) {
        const where = `${owner} ${container.name}`;
        expect({
          where,
          liveness: Boolean(container.livenessProbe),
          readiness: Boolean(container.readinessProbe),
        }).toEqual({
          where,
          liveness: true,
          readiness: true,
        });
      }
    }
  });

  it('holds no literal secret: no Secret object, secret-named variables from Secrets, no password in a URL', () => {
    expect(
      objects()
        .filter((o) => o.kind === 'Secret')
        .map(describeObject),
    ).toEqual([]);
    for (const { owner, spec } of podTemplates(objects())) {
      for (const container of allContainers(spec)) {
        for (const variable of container.env ?? []) {
          if (SECRET_VARIABLE.test(variable.name)) {
            expect({ owner, variable: variable.name, literal: variable.value }).toEqual({
              owner,
              variable: variable.name,
              literal: undefined,
            });
            expect(variable.valueFrom?.secretKeyRef).toBeDefined();
          }
          expect(variable.value ?? '').not.toMatch(URL_WITH_PASSWORD);
        }
      }
    }
    for (const configMap of ofKind<IConfigMap>(objects(), 'ConfigMap')) {
      for (const [key, value] of Object.entries(configMap.data ?? {})) {
        expect({ configMap: configMap.metadata.name, key, secretName: SECRET_VARIABLE.test(key) }).toEqual({
          configMap: configMap.metadata.name,
          key,
          secretName: false,
        });
        expect(value).not.toMatch(URL_WITH_PASSWORD);
      }
    }
  });

  it('refers only to ConfigMaps it defines, to ServiceAccounts it defines, and to Secrets docs/operations.md lists', () => {
    const configMaps = new Set(ofKind<IConfigMap>(objects(), 'ConfigMap').map((c) => c.metadata.name));
    const serviceAccounts = new Set(
      objects()
        .filter((o) => o.kind === 'ServiceAccount')
        .map((o) => o.metadata.name),
    );
    const operations = readText('docs/operations.md');
    for (const { owner, spec } of podTemplates(objects())) {
      const configMapRefs = [
        ...allContainers(spec).flatMap((c) => (c.envFrom ?? []).map((e) => e.configMapRef?.name)),
        ...(spec.volumes ?? []).map((v) => v.configMap?.name),
      ].filter((name): name is string => Boolean(name));
      for (const name of configMapRefs)
        expect({ owner, configMap: name, defined: configMaps.has(name) }).toEqual({
          owner,
          configMap: name,
          defined: true,
        });
      expect({ owner, serviceAccount: serviceAccounts.has(spec.serviceAccountName ?? '') }).toEqual({
        owner,
        serviceAccount: true,
      });

      const secretRefs = [
        ...allContainers(spec).flatMap((c) => (c.env ?? []).map((e) => e.valueFrom?.secretKeyRef?.name)),
        ...(spec.volumes ?? []).flatMap((v) => [
          v.secret?.secretName,
          ...(v.projected?.sources ?? []).map((s) => s.secret?.name),
        ]),
      ].filter((name): name is string => Boolean(name));
      for (const name of secretRefs) {
        expect({ owner, secret: name, documented: operations.includes(`\`${name}\``) }).toEqual({
          owner,
          secret: name,
          documented: true,
        });
      }
    }
  });

  it('points every *_FILE variable at a file that a mounted Secret, ConfigMap or init container provides', () => {
    const configMaps = ofKind<IConfigMap>(objects(), 'ConfigMap');
    let checked = 0;
    for (const { owner, spec } of podTemplates(objects())) {
      for (const container of spec.containers) {
        const fromConfigMaps = (container.envFrom ?? []).flatMap((e) =>
          Object.entries(configMaps.find((c) => c.metadata.name === e.configMapRef?.name)?.data ?? {}),
        );
        const literal = (container.env ?? []).map((e): [string, string | undefined] => [e.name, e.value]);
        for (const [variable, file] of [...fromConfigMaps, ...literal]) {
          if (!variable.endsWith('_FILE') || !file) continue;
          checked++;
          const mount = (container.volumeMounts ?? []).find((m) => file.startsWith(`${m.mountPath}/`));
          const volume = spec.volumes?.find((v) => v.name === mount?.name);
          const name = file.slice((mount?.mountPath.length ?? 0) + 1);
          const provided: string[] | 'any' = !volume
            ? []
            : volume.secret
              ? (volume.secret.items?.map((i) => i.path) ?? 'any')
              : volume.configMap
                ? (volume.configMap.items?.map((i) => i.path) ??
                  Object.keys(configMaps.find((c) => c.metadata.name === volume.configMap?.name)?.data ?? {}))
                : volume.projected
                  ? (volume.projected.sources ?? []).flatMap(
                      (s) => (s.secret ?? s.configMap)?.items?.map((i) => i.path) ?? [],
                    )
                  : volume.emptyDir &&
                      (spec.initContainers ?? []).some((c) =>
                        c.volumeMounts?.some((m) => m.name === volume.name),
                      )
                    ? 'any'
                    : [];
          expect({ owner, variable, file, provided: provided === 'any' || provided.includes(name) }).toEqual({
            owner,
            variable,
            file,
            provided: true,
          });
        }
      }
    }
    expect(checked).toBeGreaterThan(SERVICES.length);
  });

  it('deploys each service with its Service, ServiceAccount, ConfigMap, probes on its port, and a migration Job', () => {
    const deployments = ofKind<IDeployment>(objects(), 'Deployment');
    const jobs = ofKind<IJob>(objects(), 'Job');
    const services = ofKind<IService>(objects(), 'Service');
    const configMaps = ofKind<IConfigMap>(objects(), 'ConfigMap');
    for (const { name } of SERVICES) {
      const port = defaultHttpPort(name);
      const deployment = named(deployments, name);
      const pod = deployment.spec?.template.spec as IPodSpec;
      const container = pod.containers[0];
      expect(container.ports).toEqual([{ name: 'http', containerPort: port, protocol: 'TCP' }]);
      expect(container.startupProbe?.httpGet).toEqual({ path: '/health/live', port: 'http' });
      expect(container.livenessProbe?.httpGet).toEqual({ path: '/health/live', port: 'http' });
      expect(container.readinessProbe?.httpGet).toEqual({ path: '/health/ready', port: 'http' });
      expect(container.args ?? []).toEqual([]);
      expect(container.volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/tmp' });
      expect(pod.volumes?.find((v) => v.name === 'tmp')?.emptyDir).toBeDefined();

      const serviceConfig = container.envFrom
        ?.map((e) => e.configMapRef?.name)
        .map((n) => configMaps.find((c) => c.metadata.name === n))
        .find((c) => c?.data?.['HTTP_PORT'] !== undefined);
      expect(serviceConfig?.data?.['HTTP_PORT']).toBe(String(port));

      const service = named(services, name);
      expect(matches(service.spec?.selector ?? {}, deployment.spec?.template.metadata?.labels ?? {})).toBe(
        true,
      );
      expect(service.spec?.ports).toEqual([{ name: 'http', port, targetPort: 'http', protocol: 'TCP' }]);

      const job = named(jobs, `${name}-migrate`);
      const migrate = job.spec?.template.spec?.containers[0];
      expect(migrate?.image).toBe(container.image);
      expect(migrate?.args).toEqual(['migrate']);
      expect(job.spec?.template.spec?.restartPolicy).toBe('Never');
      expect(job.metadata?.labels?.['app.kubernetes.io/component']).toBe('migration');
    }
  });

  it('gives the services that call Amazon their accounts, and accounts whose credentials are mounted files', () => {
    const configMaps = ofKind<IConfigMap>(objects(), 'ConfigMap');
    for (const { name, callsAmazon } of SERVICES) {
      const pod = named(ofKind<IDeployment>(objects(), 'Deployment'), name).spec?.template.spec as IPodSpec;
      const volume = pod.volumes?.find((v) => v.name === 'amazon-accounts');
      expect({ name, mounted: Boolean(volume) }).toEqual({ name, mounted: callsAmazon });
      if (!volume?.configMap) continue;
      const accountsJson = named(configMaps, volume.configMap.name ?? '').data?.['accounts.json'] ?? '';
      const directory = mkdtempSync(path.join(tmpdir(), 'holdfast-accounts-'));
      try {
        writeFileSync(path.join(directory, 'accounts.json'), accountsJson);
        const accounts = loadAmazonAccounts({ AMAZON_ACCOUNTS_FILE: path.join(directory, 'accounts.json') });
        expect(accounts.length).toBeGreaterThan(0);
        const credentialsMount = pod.containers[0].volumeMounts?.find(
          (m) => m.name === 'amazon-credentials',
        )?.mountPath;
        for (const ref of accounts.flatMap((a) => [a.refreshToken, a.clientId, a.clientSecret])) {
          expect('file' in ref && ref.file.startsWith(`${credentialsMount}/`)).toBe(true);
        }
      } finally {
        rmSync(directory, { recursive: true, force: true });
      }
    }
  });

  it('denies by default: a network policy selects every pod and allows it nothing', () => {
    const denyAll = ofKind<INetworkPolicy>(objects(), 'NetworkPolicy').filter(
      (p) =>
        Object.keys(p.spec?.podSelector?.matchLabels ?? {}).length === 0 &&
        !p.spec?.podSelector?.matchExpressions &&
        (p.spec?.ingress ?? []).length === 0 &&
        (p.spec?.egress ?? []).length === 0,
    );
    expect(denyAll.map((p) => p.spec?.policyTypes)).toEqual([['Ingress', 'Egress']]);
  });

  it('has one disruption budget per service, selecting exactly its pods', () => {
    const budgets = ofKind<IPodDisruptionBudget>(objects(), 'PodDisruptionBudget');
    const pods = podTemplates(objects()).filter((p) => p.kind === 'Deployment');
    for (const { name } of SERVICES) {
      const selector = named(budgets, name).spec?.selector?.matchLabels ?? {};
      expect(pods.filter((p) => matches(selector, p.labels)).map((p) => p.owner)).toEqual([
        `Deployment/${name}`,
      ]);
    }
  });
});

describe('k8s/overlays/prod', () => {
  const objects = () => render('k8s/overlays/prod');
  const deployments = () => ofKind<IDeployment>(objects(), 'Deployment');

  it('runs only the services: RabbitMQ and PostgreSQL are external, Amazon is Amazon', () => {
    expect(
      objects()
        .filter((o) => o.kind === 'StatefulSet')
        .map(describeObject),
    ).toEqual([]);
    expect(
      deployments()
        .map((d) => d.metadata.name)
        .sort(),
    ).toEqual(SERVICES.map((s) => s.name).sort());
    for (const configMap of ofKind<IConfigMap>(objects(), 'ConfigMap')) {
      expect(
        Object.keys(configMap.data ?? {}).filter((key) =>
          /^SPAPI_(ENDPOINT|TLS_INSECURE|CA_FILE)$/.test(key),
        ),
      ).toEqual([]);
    }
    expect(JSON.stringify(objects())).not.toContain(SIMULATOR.name);
  });

  it('runs several replicas of every service, and the autoscalers never go below two', () => {
    for (const deployment of deployments())
      expect({ name: deployment.metadata.name, replicas: deployment.spec?.replicas }).toEqual({
        name: deployment.metadata.name,
        replicas: 2,
      });
    for (const hpa of ofKind<IHorizontalPodAutoscaler>(objects(), 'HorizontalPodAutoscaler'))
      expect(hpa.spec?.minReplicas).toBeGreaterThanOrEqual(2);
    for (const scaled of ofKind<IScaledObject>(objects(), 'ScaledObject'))
      expect(scaled.spec?.minReplicaCount).toBeGreaterThanOrEqual(2);
  });

  it('scales HTTP-facing services on CPU and consumers on the length of a queue they consume', () => {
    const hpas = ofKind<IHorizontalPodAutoscaler>(objects(), 'HorizontalPodAutoscaler');
    const scaledObjects = ofKind<IScaledObject>(objects(), 'ScaledObject');
    for (const { name, scaling } of SERVICES) {
      if (scaling === 'cpu') {
        const hpa = named(hpas, name);
        expect(hpa.spec?.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name });
        expect(hpa.spec?.metrics?.map((m) => m.resource?.name)).toEqual(['cpu']);
      } else {
        const scaled = named(scaledObjects, name);
        expect(scaled.spec.scaleTargetRef.name).toBe(name);
        const queueTrigger = scaled.spec.triggers.find((t) => t.type === 'rabbitmq');
        expect(queueTrigger?.metadata?.['mode']).toBe('QueueLength');
        expect(queueTrigger?.authenticationRef?.name).toBeDefined();
        // The queue must be one the service declares: <namespace>.<service>.<purpose>.
        const queues = consumerQueuePurposes(name).map((purpose) => `holdfast.${name}.${purpose}`);
        expect(queues).toContain(queueTrigger?.metadata?.['queueName']);
      }
    }
    const targets = [
      ...hpas.map((h) => h.spec?.scaleTargetRef.name),
      ...scaledObjects.map((s) => s.spec.scaleTargetRef.name),
    ];
    expect([...targets].sort()).toEqual(SERVICES.map((s) => s.name).sort());
  });

  it('pins every image to a release tag and requires the Amazon credentials', () => {
    for (const { owner, spec } of podTemplates(objects())) {
      for (const container of allContainers(spec)) {
        expect({ owner, image: container.image }).toEqual({
          owner,
          image: expect.stringMatching(/^[^:]+\/holdfast\/[a-z-]+:\d+\.\d+\.\d+$/) as unknown,
        });
      }
      for (const volume of (spec.volumes ?? []).filter((v) => v.name === 'amazon-credentials')) {
        expect({ owner, optional: volume.secret?.optional }).toEqual({ owner, optional: false });
      }
    }
  });

  it('gives order-ingest its key for buyer data at rest from the order-ingest-pii Secret', () => {
    const pod = named(deployments(), 'order-ingest').spec?.template.spec as IPodSpec;
    const variable = pod.containers[0].env?.find((e) => e.name === 'PII_ENCRYPTION_KEY_FILE');
    expect(variable?.value).toBe('/var/run/secrets/holdfast/pii-encryption-key');
    const sources = pod.volumes?.find((v) => v.name === 'holdfast-secrets')?.projected?.sources ?? [];
    expect(sources.map((s) => s.secret?.name)).toContain('order-ingest-pii');
  });

  it('spreads each service over zones and nodes', () => {
    for (const deployment of deployments()) {
      const keys = deployment.spec?.template.spec?.topologySpreadConstraints?.map((c) => c.topologyKey);
      expect(keys).toEqual(['topology.kubernetes.io/zone', 'kubernetes.io/hostname']);
    }
  });
});

describe('k8s/overlays/dev', () => {
  const objects = () => render('k8s/overlays/dev');

  it('runs RabbitMQ and PostgreSQL in the namespace, and the simulator as Amazon', () => {
    expect(
      ofKind<IStatefulSet>(objects(), 'StatefulSet')
        .map((s) => s.metadata.name)
        .sort(),
    ).toEqual(['postgres', 'rabbitmq']);
    const simulator = named(ofKind<IDeployment>(objects(), 'Deployment'), SIMULATOR.name);
    const env = Object.fromEntries(
      (simulator.spec?.template.spec?.containers[0].env ?? []).map((e) => [e.name, e.value]),
    );
    expect(env['SPAPI_SIM_HOST']).toBe(SIMULATOR.name);
    expect(simulator.spec?.template.spec?.hostname).toBe(SIMULATOR.name);
  });

  it('points the services that call Amazon at the simulator, trusting the certificate fetched before they start', () => {
    const configMaps = ofKind<IConfigMap>(objects(), 'ConfigMap');
    for (const { name, callsAmazon } of SERVICES.filter((s) => s.callsAmazon)) {
      const pod = named(ofKind<IDeployment>(objects(), 'Deployment'), name).spec?.template.spec as IPodSpec;
      const settings = Object.assign(
        {},
        ...(pod.containers[0].envFrom ?? []).map(
          (e) => named(configMaps, e.configMapRef?.name ?? '').data ?? {},
        ),
      ) as Record<string, string>;
      expect({ name, callsAmazon, endpoint: settings['SPAPI_ENDPOINT'] }).toEqual({
        name,
        callsAmazon,
        endpoint: `https://${SIMULATOR.name}:${SIMULATOR.spApiPort}`,
      });
      const fetcher = pod.initContainers?.find((c) => c.name === 'fetch-simulator-certificate');
      expect(fetcher?.command?.join(' ')).toContain(
        `http://${SIMULATOR.name}:${SIMULATOR.controlPort}/_sim/ca.pem`,
      );
      expect(fetcher?.command?.join(' ')).toContain(settings['SPAPI_CA_FILE']);
      const mount = pod.containers[0].volumeMounts?.find((m) => m.name === 'sp-api-simulator-ca');
      expect(settings['SPAPI_CA_FILE'].startsWith(`${mount?.mountPath}/`)).toBe(true);
    }
  });

  it('leaves autoscaling out (no KEDA needed in a development cluster)', () => {
    expect(objects().filter((o) => ['HorizontalPodAutoscaler', 'ScaledObject'].includes(o.kind))).toEqual([]);
  });
});

describe('the Kubernetes checks themselves', () => {
  const deployment = (): KubernetesObject =>
    structuredClone(named(ofKind<IDeployment>(render('k8s/overlays/prod'), 'Deployment'), 'order-ingest'));

  it('reject a misspelt field that the API server would silently drop', () => {
    const broken = deployment() as KubernetesObject & IDeployment;
    const container = broken.spec?.template.spec?.containers[0] as IContainer & Record<string, unknown>;
    container.securityContext = { readOnlyRootFileSystem: true } as never;
    expect(strictFieldProblems([broken]).join('\n')).toMatch(/readOnlyRootFileSystem/);
  });

  it('reject a wrong type and a missing required field', () => {
    const broken = deployment() as KubernetesObject & IDeployment;
    const pod = broken.spec?.template.spec as IPodSpec;
    (pod.containers[0].ports as { containerPort: unknown }[])[0].containerPort = 'http';
    delete (pod.containers[0] as Partial<IContainer>).name;
    const problems = schemaProblems([broken]).join('\n');
    expect(problems).toMatch(/containerPort must be integer/);
    expect(problems).toMatch(/must have required property name/);
  });

  it('reject a kind without a schema', () => {
    expect(
      schemaProblems([{ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }]),
    ).toEqual(['Widget/w: no schema for example.com/v1 Widget']);
  });
});
