import { STATUS_CODES } from 'node:http';
import { currentTraceIds } from '@holdfast/telemetry';
import type { Request, Response } from 'express';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/**
 * RFC 9457 problem details, plus `code` (the stable error code clients switch on) and
 * `traceId` (so a caller's report leads straight to the trace).
 */
export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  code: string;
  traceId?: string;
  [extension: string]: unknown;
}

/** `type` is a URN built from the code: stable, resolvable by nobody, meaningful to clients. */
export function problemType(code: string): string {
  return `urn:holdfast:problem:${code}`;
}

export function buildProblem(
  request: Pick<Request, 'originalUrl' | 'url'>,
  problem: {
    status: number;
    code: string;
    detail: string;
    title?: string;
    extensions?: Record<string, unknown>;
  },
): ProblemDocument {
  const traceId = currentTraceIds()?.trace_id;
  return {
    // Extensions first so they can never overwrite the standard members.
    ...problem.extensions,
    type: problemType(problem.code),
    title: problem.title ?? STATUS_CODES[problem.status] ?? 'Error',
    status: problem.status,
    detail: problem.detail,
    // The path only: a query string may carry things that do not belong in an error body.
    instance: (request.originalUrl ?? request.url ?? '').split('?')[0] ?? '',
    code: problem.code,
    ...(traceId ? { traceId } : {}),
  };
}

export function sendProblem(response: Response, problem: ProblemDocument): void {
  if (problem.status === 401) response.setHeader('WWW-Authenticate', 'Bearer');
  response.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
}
