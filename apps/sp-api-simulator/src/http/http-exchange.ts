import type { IncomingMessage, ServerResponse } from 'node:http';

export interface HttpReply {
  status: number;
  /** A JSON body; omitted for 204 and for raw replies. */
  body?: unknown;
  /** Raw bytes, sent as they are (documents, XML errors). */
  raw?: Buffer;
  headers?: Record<string, string>;
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

export function send(response: ServerResponse, reply: HttpReply, contentType = 'application/json'): void {
  const headers: Record<string, string | number> = { ...reply.headers };
  let payload: Buffer | undefined;
  if (reply.raw) payload = reply.raw;
  else if (reply.body !== undefined && reply.status !== 204) {
    payload = Buffer.from(JSON.stringify(reply.body));
    headers['content-type'] ??= contentType;
  }
  if (payload) headers['content-length'] = payload.length;
  response.writeHead(reply.status, headers);
  response.end(payload);
}

/** Sends a reply whose JSON is cut in half, as a broken proxy or a truncated transfer would. */
export function sendMalformed(response: ServerResponse, reply: HttpReply): void {
  const full = reply.body === undefined ? '{"payload":{}}' : JSON.stringify(reply.body);
  const payload = Buffer.from(full.slice(0, Math.max(1, Math.floor(full.length / 2))));
  response.writeHead(reply.status === 204 ? 200 : reply.status, {
    ...reply.headers,
    'content-type': 'application/json',
    'content-length': payload.length,
  });
  response.end(payload);
}
