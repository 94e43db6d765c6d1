import { randomBytes } from 'node:crypto';
import { BuyerDataCipher } from './buyer-data.cipher';

describe(BuyerDataCipher.name, () => {
  const cipher = new BuyerDataCipher(randomBytes(32));
  const context = 'acc\u0000402-0000000-0000001';

  it('seals and opens; the ciphertext does not contain the plaintext and differs each time', () => {
    const a = cipher.seal('{"name":"Giulia Rossi"}', context);
    const b = cipher.seal('{"name":"Giulia Rossi"}', context);
    expect(cipher.open(a, context)).toBe('{"name":"Giulia Rossi"}');
    expect(a.ciphertext.toString('utf8')).not.toContain('Giulia');
    expect(a.iv.equals(b.iv)).toBe(false);
  });

  it('refuses a ciphertext moved to another order, a tampered one, or another key', () => {
    const sealed = cipher.seal('secret', context);
    expect(() => cipher.open(sealed, 'acc\u0000402-0000000-0000002')).toThrow();
    const tampered = { ...sealed, ciphertext: Buffer.from(sealed.ciphertext.map((x, i) => (i === 0 ? x ^ 1 : x))) };
    expect(() => cipher.open(tampered, context)).toThrow();
    expect(() => new BuyerDataCipher(randomBytes(32)).open(sealed, context)).toThrow(/key/);
  });

  it('needs a 256-bit key', () => {
    expect(() => new BuyerDataCipher(randomBytes(16))).toThrow(/32 bytes/);
  });
});
