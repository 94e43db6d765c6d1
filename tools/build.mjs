#!/usr/bin/env node
// Builds one app (or every app with no argument) into dist/ with SWC, then rewrites the
// @holdfast/* path aliases to relative paths with tsc-alias. SWC keeps decorator metadata
// (NestJS needs it) and takes a second where tsc takes a minute; type checking is the
// separate `typecheck` target and the lint run.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
const apps = process.argv[2]
  ? [process.argv[2].replace(/\/$/, '')]
  : readdirSync(path.join(root, 'apps')).map((a) => `apps/${a}`);

// tools/demo is the start command's scenario and live summary.
const sources = [...apps.map((a) => `${a}/src`), 'libs', 'tools/demo'].filter((p) =>
  existsSync(path.join(root, p)),
);
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });

run(bin('swc'), [...sources, '-d', 'dist', '--config-file', '.swcrc', '--copy-files', '--quiet']);
run(bin('tsc-alias'), ['-p', 'tsconfig.build.json', '--outDir', 'dist']);
console.log(`built ${apps.join(', ')} into dist/`);
