import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { ApiKeyAuthenticator } from './api-key-authenticator';
import { ApiKeyEntriesError, parseApiKeyEntries, sha256Hex } from './api-key-entry';

describe(parseApiKeyEntries.name, () => {
  it('reads name, colon-bearing scopes, hash and optional accounts', () => {
    const hash = sha256Hex('key');
    expect(
      parseApiKeyEntries(` ops:orders:read,orders:pii:read:${hash.toUpperCase()}:accounts=A1|A2 ; `),
    ).toEqual([
      { name: 'ops', scopes: ['orders:read', 'orders:pii:read'], sha256: hash, accounts: ['A1', 'A2'] },
    ]);
    expect(parseApiKeyEntries('')).toEqual([]);
  });

  it('refuses duplicate names and duplicate keys', () => {
    const hash = sha256Hex('key');
    expect(() => parseApiKeyEntries(`a:s:${hash};a:s:${sha256Hex('other')}`)).toThrow(
      /entry 2 \(a\): the name is used twice/,
    );
    expect(() => parseApiKeyEntries(`a:s:${hash};b:s:${hash}`)).toThrow(
      /entry 2 \(b\): the same key is configured twice/,
    );
    expect(() => parseApiKeyEntries(`a:s:${hash}:accounts=`)).toThrow(ApiKeyEntriesError);
  });
});

describe(ApiKeyAuthenticator.name, () => {
  const authenticator = new ApiKeyAuthenticator(
    parseApiKeyEntries(
      `erp:stock:write:${sha256Hex('erp-key')};shop:orders:read:${sha256Hex('shop-key')}:accounts=acc-1`,
    ),
  );

  it('recognises each configured key and nothing else', () => {
    expect(authenticator.authenticate('erp-key')).toEqual({
      name: 'erp',
      scopes: ['stock:write'],
      accounts: null,
    });
    expect(authenticator.authenticate('shop-key')).toEqual({
      name: 'shop',
      scopes: ['orders:read'],
      accounts: ['acc-1'],
    });
    expect(authenticator.authenticate('erp-key ')).toBeUndefined();
    expect(authenticator.authenticate('')).toBeUndefined();
    // The configured hash itself is not a key.
    expect(authenticator.authenticate(sha256Hex('erp-key'))).toBeUndefined();
  });
});

describe('tools/hash-api-key.mjs', () => {
  const tool = path.resolve(__dirname, '../../../../../tools/hash-api-key.mjs');

  it('prints the hash the authenticator compares against', () => {
    expect(execFileSync(process.execPath, [tool, 'erp-key'], { encoding: 'utf8' }).trim()).toBe(
      sha256Hex('erp-key'),
    );
    expect(
      execFileSync(process.execPath, [tool, '--stdin'], { input: 'erp-key\n', encoding: 'utf8' }).trim(),
    ).toBe(sha256Hex('erp-key'));
  });

  it('generates a fresh key whose printed hash matches it', () => {
    const output = execFileSync(process.execPath, [tool], { encoding: 'utf8' });
    const key = /key:\s+(\S+)/.exec(output)![1];
    expect(key.length).toBeGreaterThan(40);
    expect(output).toContain(`sha256: ${sha256Hex(key)}`);
  });
});
