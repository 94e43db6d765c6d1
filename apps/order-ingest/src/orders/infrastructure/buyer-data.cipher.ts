import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

export interface SealedBuyerData {
  keyId: string;
  iv: Buffer;
  authTag: Buffer;
  ciphertext: Buffer;
}

/**
 * AES-256-GCM for buyer data at rest, with node:crypto: Node's OpenSSL binding is the
 * audited primitive every JavaScript crypto library wraps, GCM is authenticated (a
 * tampered or swapped row fails to open) and nothing more is needed, so no dependency.
 * Each value gets a fresh 96-bit IV; the account and order id are the additional
 * authenticated data, so a ciphertext moved to another order's row does not decrypt.
 * `keyId` (a fingerprint, never the key) names the key a row was sealed with, for rotation.
 */
export class BuyerDataCipher {
  readonly keyId: string;

  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('the buyer-data key must be 32 bytes (AES-256)');
    this.keyId = createHash('sha256').update(key).digest('hex').slice(0, 16);
  }

  seal(plaintext: string, context: string): SealedBuyerData {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return { keyId: this.keyId, iv, authTag: cipher.getAuthTag(), ciphertext };
  }

  open(sealed: SealedBuyerData, context: string): string {
    if (sealed.keyId !== this.keyId) throw new Error(`buyer data sealed with key ${sealed.keyId}, not the configured one`);
    const decipher = createDecipheriv('aes-256-gcm', this.key, sealed.iv);
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(sealed.authTag);
    return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]).toString('utf8');
  }
}
