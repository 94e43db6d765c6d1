import { transformSync, type Options } from '@swc/core';
import { builtinModules } from 'node:module';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fromRoot, readText, repositoryRoot } from './repository';

/**
 * The npm packages an app loads at run time: its sources compiled as the build compiles them
 * (SWC with the repository's .swcrc, so imports used only as types are gone, as in dist/), the
 * `require`s followed from apps/<app>/src/main.ts through relative paths and the @holdfast/*
 * aliases. What the image's `npm ci --omit=dev` must provide.
 */
export function runtimePackages(app: string): Map<string, string[]> {
  const swcOptions = buildSwcOptions();
  const aliases = holdfastAliases();
  const packages = new Map<string, string[]>();
  const seen = new Set<string>();
  const pending = [fromRoot(`apps/${app}/src/main.ts`)];
  while (pending.length > 0) {
    const file = pending.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    if (!file.endsWith('.ts')) continue;
    const { code } = transformSync(readFileSync(file, 'utf8'), { ...swcOptions, filename: file });
    for (const match of code.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)) {
      const specifier = match[1];
      if (specifier.startsWith('.')) {
        pending.push(resolveSource(path.resolve(path.dirname(file), specifier), file));
      } else if (aliases.has(specifier)) {
        pending.push(aliases.get(specifier) as string);
      } else if (!isBuiltin(specifier)) {
        const name = packageName(specifier);
        const from = path.relative(repositoryRoot, file);
        packages.set(name, [...(packages.get(name) ?? []), from]);
      }
    }
  }
  return packages;
}

/** The packages `npm ci --omit=dev` installs: every lockfile entry not marked dev-only. */
export function productionInstalledPackages(): Set<string> {
  const lock = JSON.parse(readText('package-lock.json')) as {
    packages: Record<string, { dev?: boolean; devOptional?: boolean }>;
  };
  const installed = new Set<string>();
  for (const [location, entry] of Object.entries(lock.packages)) {
    if (!location.startsWith('node_modules/') || entry.dev || entry.devOptional) continue;
    // Only top-level installs can be required from the app's code.
    const name = location.slice('node_modules/'.length);
    if (!name.includes('/node_modules/')) installed.add(name);
  }
  return installed;
}

function buildSwcOptions(): Options {
  const swcrc = JSON.parse(readText('.swcrc')) as Options & { $schema?: string; exclude?: unknown };
  delete swcrc.$schema;
  delete swcrc.exclude;
  return { ...swcrc, swcrc: false, configFile: false, sourceMaps: false };
}

function holdfastAliases(): Map<string, string> {
  const tsconfig = JSON.parse(readText('tsconfig.base.json')) as {
    compilerOptions: { paths: Record<string, string[]> };
  };
  return new Map(
    Object.entries(tsconfig.compilerOptions.paths).map(([alias, [target]]) => [alias, fromRoot(target)]),
  );
}

function resolveSource(base: string, importer: string): string {
  for (const candidate of [`${base}.ts`, path.join(base, 'index.ts'), base, `${base}.js`, `${base}.json`]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  throw new Error(`${path.relative(repositoryRoot, importer)} requires ${base}, which does not exist`);
}

function isBuiltin(specifier: string): boolean {
  return specifier.startsWith('node:') || builtinModules.includes(specifier.split('/')[0]);
}

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}
