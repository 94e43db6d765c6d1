import { ScaledObject, TriggerAuthentication } from '@kubernetes-models/keda/keda.sh/v1alpha1';
import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Job } from 'kubernetes-models/batch/v1';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Namespace, Secret, Service, ServiceAccount } from 'kubernetes-models/v1';
import path from 'node:path';
import ts from 'typescript';
import { describeObject, type KubernetesObject } from './kustomize';
import { repositoryRoot } from './repository';

/**
 * Validation of rendered manifests against the Kubernetes API schemas, from the npm packages
 * kubernetes-models (the OpenAPI schemas of Kubernetes 1.31, compiled to ajv validators) and
 * @kubernetes-models/keda (KEDA's CRDs). Two checks, because the OpenAPI schemas allow any extra
 * field (the API server drops unknown fields silently, so a misspelt `readOnlyRootFileSystem`
 * would simply not apply):
 *
 *  - the schema: types, required fields, enums and formats (the compiled validators);
 *  - strictness: no field the API does not define, by type-checking each object as an object
 *    literal against the same package's TypeScript declarations of the API types (TypeScript
 *    rejects unknown properties in object literals, at any depth).
 */
interface SchemaModel {
  validate(): void;
}
type ModelClass = new (data: never) => SchemaModel;

interface KindSchema {
  model: ModelClass;
  /** Module and interface of the TypeScript declaration of the kind. */
  declaration: [module: string, interfaceName: string];
}

const KINDS: Record<string, KindSchema> = {
  'apps/v1 Deployment': {
    model: Deployment,
    declaration: ['kubernetes-models/apps/v1/Deployment', 'IDeployment'],
  },
  'apps/v1 StatefulSet': {
    model: StatefulSet,
    declaration: ['kubernetes-models/apps/v1/StatefulSet', 'IStatefulSet'],
  },
  'batch/v1 Job': { model: Job, declaration: ['kubernetes-models/batch/v1/Job', 'IJob'] },
  'v1 Service': { model: Service, declaration: ['kubernetes-models/v1/Service', 'IService'] },
  'v1 ServiceAccount': {
    model: ServiceAccount,
    declaration: ['kubernetes-models/v1/ServiceAccount', 'IServiceAccount'],
  },
  'v1 ConfigMap': { model: ConfigMap, declaration: ['kubernetes-models/v1/ConfigMap', 'IConfigMap'] },
  'v1 Secret': { model: Secret, declaration: ['kubernetes-models/v1/Secret', 'ISecret'] },
  'v1 Namespace': { model: Namespace, declaration: ['kubernetes-models/v1/Namespace', 'INamespace'] },
  'networking.k8s.io/v1 NetworkPolicy': {
    model: NetworkPolicy,
    declaration: ['kubernetes-models/networking.k8s.io/v1/NetworkPolicy', 'INetworkPolicy'],
  },
  'policy/v1 PodDisruptionBudget': {
    model: PodDisruptionBudget,
    declaration: ['kubernetes-models/policy/v1/PodDisruptionBudget', 'IPodDisruptionBudget'],
  },
  'autoscaling/v2 HorizontalPodAutoscaler': {
    model: HorizontalPodAutoscaler,
    declaration: ['kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler', 'IHorizontalPodAutoscaler'],
  },
  'keda.sh/v1alpha1 ScaledObject': {
    model: ScaledObject,
    declaration: ['@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject', 'IScaledObject'],
  },
  'keda.sh/v1alpha1 TriggerAuthentication': {
    model: TriggerAuthentication,
    declaration: ['@kubernetes-models/keda/keda.sh/v1alpha1/TriggerAuthentication', 'ITriggerAuthentication'],
  },
};

/** Declaration files parsed by an earlier check, reused rather than parsed again. */
const parsedDeclarations = new Map<string, ts.SourceFile | undefined>();

const kindKey = (object: KubernetesObject) => `${object.apiVersion} ${object.kind}`;

/** Problems of each object against its kind's schema; an object of an unknown kind is one. */
export function schemaProblems(objects: KubernetesObject[]): string[] {
  const problems: string[] = [];
  for (const object of objects) {
    const kind = KINDS[kindKey(object)];
    if (!kind) {
      problems.push(`${describeObject(object)}: no schema for ${kindKey(object)}`);
      continue;
    }
    try {
      new kind.model(object as never).validate();
    } catch (error) {
      problems.push(`${describeObject(object)}: ${(error as Error).message}`);
    }
  }
  return problems;
}

/** Fields the Kubernetes API does not define (and wrong types), per object. */
export function strictFieldProblems(objects: KubernetesObject[]): string[] {
  const known = objects.filter((object) => KINDS[kindKey(object)]);
  const aliases = new Map<string, string>();
  const lines: string[] = [];
  const owners: { firstLine: number; object: KubernetesObject }[] = [];
  for (const object of known) {
    const key = kindKey(object);
    if (!aliases.has(key)) aliases.set(key, `Kind${aliases.size}`);
  }
  for (const [key, alias] of aliases) {
    const [module, name] = KINDS[key].declaration;
    lines.push(`import type { ${name} as ${alias} } from '${module}';`);
  }
  known.forEach((object, index) => {
    owners.push({ firstLine: lines.length, object });
    lines.push(
      ...`export const object${index}: ${aliases.get(kindKey(object))} = ${JSON.stringify(object, null, 2)};`.split(
        '\n',
      ),
    );
  });

  // A virtual file beside the repository's node_modules, so the declarations resolve.
  const fileName = path.join(repositoryRoot, 'tools/deploy/rendered-manifests.virtual.ts');
  const source = lines.join('\n');
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const readSource = host.getSourceFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  host.getSourceFile = (name, languageVersion, ...rest) => {
    if (name === fileName) return ts.createSourceFile(name, source, languageVersion);
    if (!parsedDeclarations.has(name))
      parsedDeclarations.set(name, readSource(name, languageVersion, ...rest));
    return parsedDeclarations.get(name);
  };
  host.fileExists = (name) => name === fileName || fileExists(name);
  const program = ts.createProgram([fileName], options, host);

  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ');
    if (diagnostic.file?.fileName !== fileName || diagnostic.start === undefined) return message;
    const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
    const owner = owners.filter((o) => o.firstLine <= line).at(-1);
    const at = lines[line].trim().slice(0, 80);
    return owner ? `${describeObject(owner.object)}: ${message} (at ${at})` : message;
  });
}
