import {
  Catch,
  HttpException,
  HttpStatus,
  Logger,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainError, type DomainErrorKind } from '../../errors/domain-error';
import { buildProblem, sendProblem, type ProblemDocument } from './problem-document';

/** The one place where domain error kinds become HTTP statuses. */
export function statusForKind(kind: DomainErrorKind): number {
  switch (kind) {
    case 'invalid-input':
      return HttpStatus.BAD_REQUEST;
    case 'unauthenticated':
      return HttpStatus.UNAUTHORIZED;
    case 'forbidden':
      return HttpStatus.FORBIDDEN;
    case 'not-found':
      return HttpStatus.NOT_FOUND;
    case 'conflict':
      return HttpStatus.CONFLICT;
    case 'precondition-failed':
      return HttpStatus.PRECONDITION_FAILED;
    case 'rule-violation':
      return HttpStatus.UNPROCESSABLE_ENTITY;
    case 'rate-limited':
      return HttpStatus.TOO_MANY_REQUESTS;
    case 'unavailable':
      return HttpStatus.SERVICE_UNAVAILABLE;
  }
}

const TITLE_BY_KIND: Record<DomainErrorKind, string> = {
  'invalid-input': 'Invalid input',
  unauthenticated: 'Unauthenticated',
  forbidden: 'Forbidden',
  'not-found': 'Not found',
  conflict: 'Conflict',
  'precondition-failed': 'Precondition failed',
  'rule-violation': 'Business rule violated',
  'rate-limited': 'Too many requests',
  unavailable: 'Service unavailable',
};

/**
 * Turns everything thrown while handling an HTTP request into application/problem+json.
 * Domain errors keep their code and message; Nest's HTTP exceptions (unknown route, ...)
 * keep their status; anything else is a 500 whose detail says nothing about the internals,
 * while the log gets the stack.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger(ProblemDetailsFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    // Other transports handle their own failures (the messaging lib's retry and DLQ).
    if (host.getType() !== 'http') throw exception;
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    const problem = this.toProblem(exception, request);
    if (response.headersSent) {
      response.end();
      return;
    }
    sendProblem(response, problem);
  }

  private toProblem(exception: unknown, request: Request): ProblemDocument {
    if (exception instanceof DomainError) {
      return buildProblem(request, {
        status: statusForKind(exception.kind),
        code: exception.code,
        title: TITLE_BY_KIND[exception.kind],
        detail: exception.message,
        extensions: { ...exception.extensions },
      });
    }
    if (exception instanceof HttpException && exception.getStatus() < 500) {
      const status = exception.getStatus();
      return buildProblem(request, {
        status,
        code: status === 404 ? 'route.not-found' : `http.${status}`,
        detail: httpExceptionDetail(exception),
      });
    }
    this.logger.error(
      `unhandled error on ${request.method} ${request.path}`,
      exception instanceof Error ? exception.stack : String(exception),
    );
    return buildProblem(request, {
      status: HttpStatus.INTERNAL_SERVER_ERROR,
      code: 'internal',
      detail: 'An unexpected error occurred. It has been logged; quote the traceId when reporting it.',
    });
  }
}

function httpExceptionDetail(exception: HttpException): string {
  const body = exception.getResponse();
  if (typeof body === 'string') return body;
  const message = (body as { message?: unknown }).message;
  if (typeof message === 'string') return message;
  if (Array.isArray(message)) return message.map(String).join('; ');
  return exception.message;
}
