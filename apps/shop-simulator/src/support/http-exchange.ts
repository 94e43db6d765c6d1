import type { IncomingMessage, ServerResponse } from 'node:http';

export interface HttpReply {
  status: number;
  /** A JSON body; omitted for 204. */
  body?: unknown;
  headers?: Record<string, string>;
  contentType?: string;
}

export class PayloadTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`request body larger than ${limit} bytes`);
  }
}

export async function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new PayloadTooLargeError(limit);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export function send(response: ServerResponse, reply: HttpReply): void {
  const headers: Record<string, string | number> = { ...reply.headers };
  let payload: Buffer | undefined;
  if (reply.body !== undefined && reply.status !== 204) {
    payload = Buffer.from(JSON.stringify(reply.body));
    headers['content-type'] = reply.contentType ?? 'application/json; charset=utf-8';
  }
  if (payload) headers['content-length'] = payload.length;
  response.writeHead(reply.status, headers);
  response.end(payload);
}

/**
 * A 200 whose JSON body is cut in half, as a proxy that truncates answers would send: the change
 * behind it happened, the client cannot read what it was told.
 */
export function sendMalformed(response: ServerResponse, reply: HttpReply): void {
  const full = JSON.stringify(reply.body ?? {});
  const payload = Buffer.from(full.slice(0, Math.max(1, Math.floor(full.length / 2))));
  response.writeHead(200, {
    ...reply.headers,
    'content-type': reply.contentType ?? 'application/json; charset=utf-8',
    'content-length': payload.length,
  });
  response.end(payload);
}

/** Drops the connection without an answer, as a crashed proxy would. */
export function resetConnection(response: ServerResponse): void {
  response.socket?.destroy();
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
