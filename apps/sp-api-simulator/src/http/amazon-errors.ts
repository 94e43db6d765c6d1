import type { HttpReply } from './http-exchange';

/**
 * Error bodies in the shape every SP-API model declares: `{"errors":[{code, message, details?}]}`.
 * The texts of 403 and 429 are the ones Amazon sends; client libraries match on them (amazon-sp-api
 * refreshes its token when a 403's details say the access token expired).
 */
export interface AmazonError {
  code: string;
  message: string;
  details?: string;
}

export function amazonError(status: number, code: string, message: string, details?: string): HttpReply {
  const error: AmazonError = { code, message };
  if (details !== undefined) error.details = details;
  return { status, body: { errors: [error] } };
}

export const unauthorized = (details = ''): HttpReply =>
  amazonError(403, 'Unauthorized', 'Access to requested resource is denied.', details);

export const ACCESS_TOKEN_EXPIRED_DETAILS = 'The access token you provided has expired.';

export const quotaExceeded = (): HttpReply =>
  amazonError(429, 'QuotaExceeded', 'You exceeded your quota for the requested resource.');

export const invalidInput = (message: string, code = 'InvalidInput'): HttpReply =>
  amazonError(400, code, message, '');

export const notFound = (message: string, code = 'NotFound'): HttpReply =>
  amazonError(404, code, message, '');

export const internalFailure = (details = ''): HttpReply =>
  amazonError(500, 'InternalFailure', 'We encountered an internal error. Please try again.', details);

export const serviceUnavailable = (): HttpReply =>
  amazonError(503, 'ServiceUnavailable', 'Service temporarily unavailable. Please try again later.', '');

/** S3-style XML error, as the pre-signed document URLs answer (amazon-sp-api parses these). */
export function s3Error(status: number, code: string, message: string): HttpReply {
  const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`;
  return { status, raw: Buffer.from(xml), headers: { 'content-type': 'application/xml' } };
}
