import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';

// The architecture's import rules (eslint.config.mjs + each project's tags) checked
// against source text placed at a path inside a project. Nothing is written to disk: the
// probe files are virtual, linted with ESLint's lintText.
const REPO_ROOT = path.resolve(__dirname, '..', '..');
const BOUNDARY_RULE = '@nx/enforce-module-boundaries';

interface Probe {
  filePath: string;
  code: string;
}
interface LintMessage {
  ruleId: string | null;
  severity: number;
  fatal?: boolean;
  message: string;
}

// ESLint loads eslint.config.mjs with a dynamic import, which Jest's VM refuses without
// --experimental-vm-modules; the linting therefore runs in a plain Node child process.
const LINT_PROBES = `
import { createProjectGraphAsync } from '@nx/devkit';
import { ESLint } from 'eslint';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

const probes = JSON.parse(readFileSync(0, 'utf8'));
// The boundary rule reads the cached project graph and silently skips itself when there
// is none (a clean clone has no .nx folder), so build and cache the graph first.
await createProjectGraphAsync({ exitOnError: false });
const eslint = new ESLint({
  cwd: process.cwd(),
  // Only the boundary rule runs: the type-aware rules need each linted file to be part of
  // a tsconfig on disk, which a virtual probe file is not, so the project service is off.
  ruleFilter: ({ ruleId }) => ruleId === '${BOUNDARY_RULE}' || ruleId === 'no-restricted-imports',
  overrideConfig: { files: ['**/*.ts'], languageOptions: { parserOptions: { projectService: false } } },
});
const results = [];
for (const { filePath, code } of probes) {
  const [result] = await eslint.lintText(code, { filePath: path.resolve(filePath) });
  results.push(result.messages.map(({ ruleId, severity, fatal, message }) => ({ ruleId, severity, fatal, message })));
}
process.stdout.write(JSON.stringify(results));
`;

async function lintProbes(probes: Probe[]): Promise<LintMessage[][]> {
  const child = promisify(execFile)(process.execPath, ['--input-type=module', '-e', LINT_PROBES], {
    cwd: REPO_ROOT,
    maxBuffer: 16 * 1024 * 1024,
    env: { ...process.env, NX_DAEMON: 'false' },
  });
  child.child.stdin!.end(JSON.stringify(probes));
  const { stdout } = await child;
  return JSON.parse(stdout) as LintMessage[][];
}

const PROBES = {
  contractsImportsMessaging: {
    filePath: 'libs/contracts/src/probe.ts',
    code: "import { x } from '@holdfast/messaging';\nexport const y = x;\n",
  },
  contractsImportsPg: {
    filePath: 'libs/contracts/src/probe.ts',
    code: "import { Client } from 'pg';\nexport const y = Client;\n",
  },
  contractsImportsNest: {
    filePath: 'libs/contracts/src/probe.ts',
    code: "import { Injectable } from '@nestjs/common';\nexport const y = Injectable;\n",
  },
  contractsImportsNodeBuiltin: {
    filePath: 'libs/contracts/src/probe.ts',
    code: "import { readFileSync } from 'node:fs';\nexport const y = readFileSync;\n",
  },
  contractsImportsZodAndUuid: {
    filePath: 'libs/contracts/src/probe.ts',
    code: "import { z } from 'zod';\nimport { v7 } from 'uuid';\nexport const y = [z, v7];\n",
  },
  appImportsAppRelatively: {
    filePath: 'apps/order-ingest/src/probe.ts',
    code: "import { x } from '../../inventory-reservation/src/main';\nexport const y = x;\n",
  },
  appImportsAppFromWorkspaceRoot: {
    filePath: 'apps/order-ingest/src/probe.ts',
    code: "import { x } from 'apps/inventory-reservation/src/main';\nexport const y = x;\n",
  },
  appImportsContracts: {
    filePath: 'apps/order-ingest/src/probe.ts',
    code: "import { RoutingKeys } from '@holdfast/contracts';\nexport const y = RoutingKeys;\n",
  },
} satisfies Record<string, Probe>;

type ProbeName = keyof typeof PROBES;
let results: Record<ProbeName, LintMessage[]>;

function boundaryErrors(name: ProbeName): string[] {
  const messages = results[name];
  // A parse error would hide every rule: fail loudly rather than pass on silence.
  const fatal = messages.filter((m) => m.fatal);
  if (fatal.length > 0) throw new Error(fatal.map((m) => m.message).join('\n'));
  return messages
    .filter((m) => (m.ruleId === BOUNDARY_RULE || m.ruleId === 'no-restricted-imports') && m.severity === 2)
    .map((m) => m.message);
}

beforeAll(async () => {
  const names = Object.keys(PROBES) as ProbeName[];
  const linted = await lintProbes(names.map((n) => PROBES[n]));
  results = Object.fromEntries(names.map((n, i) => [n, linted[i]])) as Record<ProbeName, LintMessage[]>;
}, 180_000);

describe('module boundaries', () => {
  it('forbids contracts from depending on a platform lib', () => {
    // The rule reports one problem per import: the tag constraint, or, once the platform
    // lib imports contracts (as messaging does), the cycle it would close.
    expect(boundaryErrors('contractsImportsMessaging')).toEqual([
      expect.stringMatching(
        /"type:contracts" can only depend on libs tagged with|Circular dependency between "contracts" and "messaging"/,
      ),
    ]);
  });

  it('forbids contracts from importing an I/O package', () => {
    expect(boundaryErrors('contractsImportsPg')).toEqual([
      expect.stringContaining('is not allowed to import "pg"'),
    ]);
    expect(boundaryErrors('contractsImportsNest')).toEqual([
      expect.stringContaining('is not allowed to import "@nestjs/common"'),
    ]);
  });

  it('forbids one app from importing another, by relative or workspace-root path', () => {
    expect(boundaryErrors('appImportsAppRelatively')).toEqual([
      expect.stringContaining('Projects cannot be imported by a relative or absolute path'),
    ]);
    expect(boundaryErrors('appImportsAppFromWorkspaceRoot')).toEqual([
      expect.stringContaining('Projects cannot be imported by a relative or absolute path'),
    ]);
  });

  it('allows an app to depend on contracts', () => {
    expect(boundaryErrors('appImportsContracts')).toEqual([]);
  });

  it('allows contracts its own dependencies, zod and uuid', () => {
    expect(boundaryErrors('contractsImportsZodAndUuid')).toEqual([]);
  });

  // Node built-ins are not in the Nx graph: eslint.config.mjs bans them with no-restricted-imports.
  it('forbids contracts from importing a Node built-in', () => {
    expect(boundaryErrors('contractsImportsNodeBuiltin')).toHaveLength(1);
  });
});
