import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { SeededRandom } from '../support/seeded-random';

export interface FeedDocumentRecord {
  feedDocumentId: string;
  sellerId: string;
  purpose: 'input' | 'result';
  contentType: string;
  /** Bytes as stored (already gzipped when compressionAlgorithm is GZIP). */
  content?: Buffer;
  compressionAlgorithm?: 'GZIP';
  createdAt: number;
  uploadedAt?: number;
}

export type UrlCheck = 'valid' | 'expired' | 'invalid';

/**
 * Feed documents and the pre-signed URLs that stand in for Amazon's S3 links. URLs point at the
 * simulator itself, are signed with a per-run key and expire (5 minutes on Amazon, scaled).
 */
export class FeedDocuments {
  private readonly documents = new Map<string, FeedDocumentRecord>();
  private readonly signingKey = randomBytes(32);

  constructor(private readonly random: SeededRandom) {}

  create(
    sellerId: string,
    purpose: FeedDocumentRecord['purpose'],
    contentType: string,
    now: number,
    content?: Buffer,
    compressionAlgorithm?: 'GZIP',
  ): FeedDocumentRecord {
    const record: FeedDocumentRecord = {
      feedDocumentId: `amzn1.tortuga.4.eu.${this.random.hex(8)}-${this.random.hex(4)}-${this.random.hex(4)}-${this.random.hex(4)}-${this.random.hex(12)}.T${this.random.digits(13)}`,
      sellerId,
      purpose,
      contentType,
      createdAt: now,
    };
    if (content) {
      record.content = content;
      record.uploadedAt = now;
    }
    if (compressionAlgorithm) record.compressionAlgorithm = compressionAlgorithm;
    this.documents.set(record.feedDocumentId, record);
    return record;
  }

  get(feedDocumentId: string): FeedDocumentRecord | undefined {
    return this.documents.get(feedDocumentId);
  }

  signedUrl(
    publicUrl: string,
    action: 'upload' | 'download',
    feedDocumentId: string,
    expiresAt: number,
  ): string {
    const expires = String(Math.floor(expiresAt));
    const signature = this.sign(action, feedDocumentId, expires);
    return `${publicUrl}/_${action}/${encodeURIComponent(feedDocumentId)}?expires=${expires}&signature=${signature}`;
  }

  checkUrl(
    action: 'upload' | 'download',
    feedDocumentId: string,
    query: URLSearchParams,
    now: number,
  ): UrlCheck {
    const expires = query.get('expires') ?? '';
    const signature = Buffer.from(query.get('signature') ?? '', 'hex');
    const expected = Buffer.from(this.sign(action, feedDocumentId, expires), 'hex');
    if (signature.length !== expected.length || !timingSafeEqual(signature, expected)) return 'invalid';
    return Number(expires) < now ? 'expired' : 'valid';
  }

  reset(): void {
    this.documents.clear();
  }

  private sign(action: string, feedDocumentId: string, expires: string): string {
    return createHmac('sha256', this.signingKey)
      .update(`${action}\n${feedDocumentId}\n${expires}`)
      .digest('hex');
  }
}
