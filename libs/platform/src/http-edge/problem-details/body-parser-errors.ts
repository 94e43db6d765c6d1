import type { NextFunction, Request, Response } from 'express';
import { buildProblem, sendProblem } from './problem-document';

/** The fields body-parser puts on the errors it raises (http-errors). */
interface BodyParserError {
  type?: string;
  status?: number;
  limit?: number;
}

/**
 * Express error middleware placed right after the body parsers. Their failures (too large,
 * malformed JSON, unsupported charset) happen before Nest routes the request, so Nest's
 * exception filters never see them; this answers them as problem documents too.
 */
export function bodyParserErrorHandler(
  error: unknown,
  request: Request,
  response: Response,
  next: NextFunction,
): void {
  const parserError = (typeof error === 'object' && error !== null ? error : {}) as BodyParserError;
  if (response.headersSent || typeof parserError.status !== 'number' || parserError.type === undefined) {
    next(error);
    return;
  }
  switch (parserError.type) {
    case 'entity.too.large':
      sendProblem(
        response,
        buildProblem(request, {
          status: 413,
          code: 'request.too-large',
          detail: `The request body exceeds the limit of ${parserError.limit ?? 'this API'} bytes.`,
          extensions: parserError.limit === undefined ? {} : { limitBytes: parserError.limit },
        }),
      );
      return;
    case 'entity.parse.failed':
      sendProblem(
        response,
        buildProblem(request, {
          status: 400,
          code: 'request.malformed',
          detail: 'The request body is not valid JSON.',
        }),
      );
      return;
    default:
      sendProblem(
        response,
        buildProblem(request, {
          status: parserError.status,
          code: parserError.status === 415 ? 'request.unsupported-encoding' : `http.${parserError.status}`,
          detail: 'The request body could not be read.',
        }),
      );
  }
}
