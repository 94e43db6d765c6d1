import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * Walks up from `startDir` until `relativePath` exists below a folder, and returns the full path.
 * The build copies no data files into dist/, so the same lookup has to work from
 * `apps/sp-api-simulator/src` (tests, ts-node) and from `dist/apps/sp-api-simulator/src` (built app).
 */
export function findUpwards(startDir: string, relativePath: string): string | undefined {
  let dir = path.resolve(startDir);
  for (;;) {
    const candidate = path.join(dir, relativePath);
    if (existsSync(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
