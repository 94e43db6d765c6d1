import { readFileSync } from 'node:fs';
import { z } from 'zod';

/**
 * Where a secret comes from: an environment variable or a mounted file. Only the reference is
 * configured, stored or logged; the value is read when a client is built. Same shape as the
 * Amazon accounts' references, so one secrets layout serves every channel.
 */
export const ShopifySecretRefSchema = z.union([
  z.strictObject({ env: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'an environment variable name') }),
  z.strictObject({ file: z.string().min(1) }),
]);
export type ShopifySecretRef = z.infer<typeof ShopifySecretRefSchema>;

export class ShopifyShopsConfigError extends Error {
  override readonly name = 'ShopifyShopsConfigError';
}

export function readShopifySecret(ref: ShopifySecretRef, env: NodeJS.ProcessEnv = process.env): string {
  if ('env' in ref) {
    const value = env[ref.env]?.trim();
    if (!value) throw new ShopifyShopsConfigError(`secret variable ${ref.env} is not set`);
    return value;
  }
  try {
    const value = readFileSync(ref.file, 'utf8').trim();
    if (!value) throw new Error('empty');
    return value;
  } catch {
    throw new ShopifyShopsConfigError(`secret file ${ref.file} cannot be read or is empty`);
  }
}
