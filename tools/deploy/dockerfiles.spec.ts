import { DockerIgnore } from './support/docker-ignore';
import {
  copySources,
  parseDockerfile,
  type DockerfileStage,
  type ParsedDockerfile,
} from './support/dockerfile';
import {
  APPS,
  defaultHttpPort,
  existsInRepository,
  filesUnder,
  readText,
  SERVICES,
  SIMULATOR,
  SIMULATORS,
} from './support/repository';
import { productionInstalledPackages, runtimePackages } from './support/runtime-imports';

/*
 * The images cannot be built here (no Docker engine on the development machine), so their
 * Dockerfiles are held to their rules by reading them: parsed and linted (dockerfile-ast,
 * dockerfile-utils), every source they copy checked against the repository and .dockerignore, and
 * the packages each app loads at run time checked against what `npm ci --omit=dev` installs.
 */

const SECRET_NAME = /(PASSWORD|SECRET|TOKEN|API_KEY|CREDENTIAL|PRIVATE|DATABASE_URL|AMQP_URL)/i;
const dockerIgnore = new DockerIgnore(readText('.dockerignore'));
const dockerfileOf = (app: string): ParsedDockerfile => parseDockerfile(readText(`apps/${app}/Dockerfile`));
const runs = (stage: DockerfileStage) =>
  stage.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.text);
const only = <T>(items: T[], what: string): T => {
  if (items.length !== 1) throw new Error(`expected exactly one ${what}, found ${items.length}`);
  return items[0];
};

describe.each(APPS)('apps/%s/Dockerfile', (app) => {
  const dockerfile = dockerfileOf(app);
  const { finalStage, stages } = dockerfile;

  it('is a Dockerfile a linter finds nothing wrong with', () => {
    expect(dockerfile.diagnostics).toEqual([]);
  });

  it('is multi-stage, on Node 20 (the engines field of package.json)', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const engines = (JSON.parse(readText('package.json')) as { engines: { node: string } }).engines.node;
    const major = /(\d+)/.exec(engines)?.[1];
    for (const stage of stages) expect(stage.baseImage).toMatch(new RegExp(`^node:${major}(\\.|-|$)`));
  });

  it('installs from the lockfile only, and the image gets production dependencies only', () => {
    const allRuns = stages.flatMap(runs);
    expect(allRuns.filter((run) => /\bnpm (install|i|add|update)\b/.test(run))).toEqual([]);
    expect(allRuns.filter((run) => /\bnpm ci\b/.test(run)).length).toBeGreaterThanOrEqual(1);

    const productionStage = only(
      stages.filter((stage) => runs(stage).some((run) => /\bnpm ci\b.*--omit=dev/.test(run))),
      'stage running `npm ci --omit=dev`',
    );
    const nodeModulesCopies = finalStage.instructions.filter(
      (i) => i.keyword === 'COPY' && copySources(i).some((source) => source.endsWith('node_modules')),
    );
    expect(nodeModulesCopies.map((i) => i.flags['from'])).toEqual([productionStage.name]);
    expect(runs(finalStage).filter((run) => /\bnpm\b/.test(run))).toEqual([]);
  });

  it('compiles the app with the repository build (tools/build.mjs) and starts what it compiled', () => {
    expect(stages.flatMap(runs)).toContain(`node tools/build.mjs apps/${app}`);
    const entrypoint = only(
      finalStage.instructions.filter((i) => i.keyword === 'ENTRYPOINT'),
      'ENTRYPOINT',
    );
    expect(entrypoint.exec?.[0]).toBe('node');
    expect(entrypoint.exec?.at(-1)).toBe(`dist/apps/${app}/src/main.js`);
    expect(existsInRepository(`apps/${app}/src/main.ts`)).toBe(true);
  });

  it('never migrates at start: migrations are the separate `migrate` step', () => {
    const starts = finalStage.instructions.filter((i) => ['ENTRYPOINT', 'CMD'].includes(i.keyword));
    expect(starts.map((i) => i.text).filter((text) => /migrat/i.test(text))).toEqual([]);
    expect(
      finalStage.instructions.filter((i) => i.keyword === 'ENV' && /MIGRATE_ON_START/.test(i.text)),
    ).toEqual([]);
  });

  it('runs as an unprivileged user, given by number so Kubernetes can verify runAsNonRoot', () => {
    const user = finalStage.instructions.filter((i) => i.keyword === 'USER').at(-1);
    expect(user).toBeDefined();
    const [uid, gid] = (user?.text ?? '').split(':');
    expect(uid).toMatch(/^\d+$/);
    expect(Number(uid)).toBeGreaterThan(0);
    if (gid !== undefined) expect(Number(gid)).toBeGreaterThan(0);
  });

  it('has a health check made with node and fetch (no curl in the image), on the port it exposes', () => {
    const healthcheck = only(
      finalStage.instructions.filter((i) => i.keyword === 'HEALTHCHECK'),
      'HEALTHCHECK',
    );
    const command = healthcheck.text.replace(/^CMD\s+/, '');
    const exec = JSON.parse(command) as string[];
    expect(exec.slice(0, 2)).toEqual(['node', '-e']);
    expect(exec[2]).toContain('fetch(');
    expect(healthcheck.text).not.toMatch(/\b(curl|wget)\b/);

    const exposed = finalStage.instructions
      .filter((i) => i.keyword === 'EXPOSE')
      .flatMap((i) => i.text.split(/\s+/).map(Number));
    const simulator = SIMULATORS.find((s) => s.name === app);
    if (simulator) {
      expect(exposed.sort()).toEqual(simulator.ports);
      expect(exec[2]).toContain(`|| ${simulator.controlPort}) + '/_sim/health'`);
    } else {
      const port = defaultHttpPort(app);
      expect(exposed).toEqual([port]);
      expect(exec[2]).toContain(`(process.env.HTTP_PORT || ${port}) + '/health/live'`);
    }
  });

  it('bakes in no secret: no .env or key file copied, no secret-named ENV or ARG, no whole-context copy', () => {
    for (const stage of stages) {
      for (const instruction of stage.instructions) {
        if (instruction.keyword === 'COPY' || instruction.keyword === 'ADD') {
          for (const source of copySources(instruction)) {
            expect(source).not.toMatch(/(^|\/)\.env|\.pem$|\.key$|^\.$|^\.\/$|^\*$/);
            expect(source).not.toMatch(/^https?:/);
          }
        }
        if (instruction.keyword === 'ENV' || instruction.keyword === 'ARG') {
          const names = instruction.text.split(/\s+/).map((word) => word.split('=')[0]);
          expect(names.filter((name) => SECRET_NAME.test(name))).toEqual([]);
        }
      }
    }
  });

  it('copies only what exists and what .dockerignore lets into the build context', () => {
    for (const stage of stages) {
      for (const instruction of stage.instructions.filter((i) => i.keyword === 'COPY' && !i.flags['from'])) {
        for (const source of copySources(instruction)) {
          expect({ source, exists: existsInRepository(source) }).toEqual({ source, exists: true });
          const inContext = filesUnder(source).filter((file) => !dockerIgnore.excludes(file));
          expect({ source, filesInContext: inContext.length > 0 }).toEqual({ source, filesInContext: true });
        }
      }
    }
  });

  it('loads at run time only packages that `npm ci --omit=dev` installs', () => {
    const installed = productionInstalledPackages();
    const missing = [...runtimePackages(app)]
      .filter(([name]) => !installed.has(name))
      .map(([name, importers]) => `${name} (required by ${importers[0]})`);
    expect(missing).toEqual([]);
  });

  it('has an Nx target docker-build that builds this Dockerfile from the repository root', () => {
    const project = JSON.parse(readText(`apps/${app}/project.json`)) as {
      targets: Record<string, { options?: { command?: string } }>;
    };
    expect(project.targets['docker-build']?.options?.command).toBe(
      `docker build -f apps/${app}/Dockerfile -t holdfast/${app} .`,
    );
  });
});

describe('what each image carries beside its code', () => {
  const copied = (app: string) =>
    dockerfileOf(app)
      .finalStage.instructions.filter((i) => i.keyword === 'COPY' && !i.flags['from'])
      .flatMap(copySources);

  it.each(SERVICES.filter((s) => s.callsAmazon).map((s) => s.name))(
    '%s, which calls Amazon, carries the SP-API models with their LICENSE and NOTICE',
    (app) => {
      expect(copied(app)).toContain('third_party/sp-api-models');
      expect(existsInRepository('third_party/sp-api-models/LICENSE')).toBe(true);
      expect(existsInRepository('third_party/sp-api-models/NOTICE')).toBe(true);
    },
  );

  it('the simulator carries the SP-API models and its control API document, which it reads at run time', () => {
    expect(copied(SIMULATOR.name)).toEqual(
      expect.arrayContaining(['third_party/sp-api-models', 'apps/sp-api-simulator/openapi']),
    );
    expect(existsInRepository('apps/sp-api-simulator/openapi/control-api.openapi.json')).toBe(true);
  });
});

describe('.dockerignore', () => {
  it('keeps secrets, local state and build output out of the build context', () => {
    for (const path of [
      '.env',
      '.env.production',
      'apps/order-ingest/.env',
      'node_modules/pg/package.json',
      'dist/apps/order-ingest/src/main.js',
      '.git/config',
      'tmp/jest-report.json',
      'libs/messaging/src/outbox.spec.ts',
      'apps/sp-api-simulator/test/orders.int-spec.ts',
      'tests/system/order-to-availability.e2e-spec.ts',
      'a-file-added-later.sql',
      'deploy/compose/dev-api-keys',
      'k8s/overlays/prod/kustomization.yaml',
    ]) {
      expect({ path, excluded: dockerIgnore.excludes(path) }).toEqual({ path, excluded: true });
    }
  });

  it('lets in what the builds need', () => {
    for (const path of [
      'package.json',
      'package-lock.json',
      'tsconfig.base.json',
      'tsconfig.build.json',
      '.swcrc',
      'tools/build.mjs',
      'apps/order-ingest/src/main.ts',
      'libs/messaging/src/index.ts',
      'third_party/sp-api-models/LICENSE',
      'third_party/sp-api-models/NOTICE',
      'apps/sp-api-simulator/openapi/control-api.openapi.json',
    ]) {
      expect({ path, excluded: dockerIgnore.excludes(path) }).toEqual({ path, excluded: false });
    }
  });

  it('is read with Docker semantics: last match wins, ! re-includes, ** spans directories', () => {
    const ignore = new DockerIgnore('*\n!keep/\n**/secret*\n!keep/secret-but-allowed\n');
    expect(ignore.excludes('other.txt')).toBe(true);
    expect(ignore.excludes('keep/a/b.txt')).toBe(false);
    expect(ignore.excludes('keep/a/secret.txt')).toBe(true);
    expect(ignore.excludes('keep/secret-but-allowed')).toBe(false);
  });
});

describe('the Dockerfile checks themselves', () => {
  it('report what a linter finds in a broken Dockerfile', () => {
    const broken = parseDockerfile(
      'FROM node:20-bookworm-slim\nRUNN npm ci\nHEALTHCHECK --intervall=5s CMD ["node"]\n',
    );
    expect(broken.diagnostics.join('\n')).toMatch(/RUNN/);
    expect(broken.diagnostics.join('\n')).toMatch(/intervall/);
  });
});
