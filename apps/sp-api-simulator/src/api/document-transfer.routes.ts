import type { IncomingMessage } from 'node:http';
import { s3Error } from '../http/amazon-errors';
import type { HttpReply } from '../http/http-exchange';
import type { SimulatedAmazon } from '../state/simulated-amazon';

function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

/**
 * The pre-signed document URLs (Amazon's S3 links): PUT uploads a feed document with the content
 * type given to createFeedDocument, GET downloads a processing report. No access token; the signed
 * query string is the credential and it expires.
 */
export function uploadDocument(
  world: SimulatedAmazon,
  feedDocumentId: string,
  query: URLSearchParams,
  request: IncomingMessage,
  body: Buffer,
): HttpReply {
  const check = world.documents.checkUrl('upload', feedDocumentId, query, world.now());
  if (check === 'invalid')
    return s3Error(
      403,
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided.',
    );
  if (check === 'expired') return s3Error(403, 'AccessDenied', 'Request has expired');
  const document = world.documents.get(feedDocumentId);
  if (!document || document.purpose !== 'input')
    return s3Error(404, 'NoSuchKey', 'The specified key does not exist.');
  if (mediaType(request.headers['content-type']) !== mediaType(document.contentType)) {
    return s3Error(
      403,
      'SignatureDoesNotMatch',
      'The Content-Type must be the one given to createFeedDocument.',
    );
  }
  document.content = body;
  document.uploadedAt = world.now();
  return { status: 200, raw: Buffer.alloc(0), headers: { etag: `"${feedDocumentId}"` } };
}

export function downloadDocument(
  world: SimulatedAmazon,
  feedDocumentId: string,
  query: URLSearchParams,
): HttpReply {
  const check = world.documents.checkUrl('download', feedDocumentId, query, world.now());
  if (check === 'invalid')
    return s3Error(
      403,
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided.',
    );
  if (check === 'expired') return s3Error(403, 'AccessDenied', 'Request has expired');
  const document = world.documents.get(feedDocumentId);
  if (!document?.content) return s3Error(404, 'NoSuchKey', 'The specified key does not exist.');
  return { status: 200, raw: document.content, headers: { 'content-type': document.contentType } };
}
