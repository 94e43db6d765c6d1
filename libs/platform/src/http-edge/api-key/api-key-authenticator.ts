import { timingSafeEqual } from 'node:crypto';
import type { ApiKeyEntry } from './api-key-entry';
import { sha256Hex } from './api-key-entry';
import type { ApiKeyPrincipal } from './api-key-principal';

/** Recognises presented API keys against the configured hashes. */
export class ApiKeyAuthenticator {
  private readonly entries: { entry: ApiKeyEntry; digest: Buffer }[];

  constructor(entries: readonly ApiKeyEntry[]) {
    this.entries = entries.map((entry) => ({ entry, digest: Buffer.from(entry.sha256, 'hex') }));
  }

  get configuredKeys(): number {
    return this.entries.length;
  }

  /**
   * The principal for `presentedKey`, or undefined. Every entry is compared, in constant time,
   * whether or not an earlier one matched: response timing reveals nothing about the hashes.
   */
  authenticate(presentedKey: string): ApiKeyPrincipal | undefined {
    const digest = Buffer.from(sha256Hex(presentedKey), 'hex');
    let match: ApiKeyEntry | undefined;
    for (const { entry, digest: expected } of this.entries) {
      if (timingSafeEqual(digest, expected) && match === undefined) match = entry;
    }
    return match && { name: match.name, scopes: match.scopes, accounts: match.accounts };
  }
}
