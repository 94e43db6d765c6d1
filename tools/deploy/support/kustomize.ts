import { spawnSync } from 'node:child_process';
import { parseAllDocuments } from 'yaml';
import { fromRoot } from './repository';

/** A rendered Kubernetes object, before it is checked against its schema. */
export interface KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [field: string]: unknown;
}

const TOOL_MISSING = [
  'Rendering k8s/ needs kustomize v4 or later (components), through `kubectl kustomize`',
  '(kubectl 1.21+) or a standalone `kustomize`. This machine image ships it as the Debian-format',
  'package "kubectl" (apt-get install kubectl); tools/ensure-tooling.sh checks and installs it.',
  "Debian's own kubernetes-client package (kubectl 1.20, kustomize v2) is too old.",
].join('\n');

interface Renderer {
  command: string;
  args: (directory: string) => string[];
}

let renderer: Renderer | undefined;

function findRenderer(): Renderer {
  if (renderer) return renderer;
  const kubectl = spawnSync('kubectl', ['version', '--client', '--output=json'], { encoding: 'utf8' });
  if (kubectl.status === 0) {
    const version = (JSON.parse(kubectl.stdout) as { kustomizeVersion?: string }).kustomizeVersion ?? '';
    if (majorVersion(version) >= 4) {
      renderer = { command: 'kubectl', args: (directory) => ['kustomize', directory] };
      return renderer;
    }
  }
  const kustomize = spawnSync('kustomize', ['version'], { encoding: 'utf8' });
  if (kustomize.status === 0 && majorVersion(kustomize.stdout) >= 4) {
    renderer = { command: 'kustomize', args: (directory) => ['build', directory] };
    return renderer;
  }
  throw new Error(TOOL_MISSING);
}

function majorVersion(text: string): number {
  const match = /v?(\d+)\.\d+/.exec(text);
  return match ? Number(match[1]) : 0;
}

/** Renders a kustomization of the repository (e.g. `k8s/overlays/prod`) into its objects. */
export function renderKustomization(relativeDirectory: string): KubernetesObject[] {
  const { command, args } = findRenderer();
  const result = spawnSync(command, args(fromRoot(relativeDirectory)), {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) {
    throw new Error(`${command} ${args(relativeDirectory).join(' ')} failed:\n${result.stderr}`);
  }
  return parseAllDocuments(result.stdout).map((document) => {
    if (document.errors.length > 0) throw new Error(document.errors.map((e) => e.message).join('\n'));
    return document.toJS() as KubernetesObject;
  });
}

/** `Kind/name` of an object, for messages. */
export const describeObject = (object: KubernetesObject): string => `${object.kind}/${object.metadata.name}`;
