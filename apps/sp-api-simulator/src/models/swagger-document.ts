/** The subset of Swagger 2.0 that Amazon's SP-API models use and the simulator reads. */
export interface SwaggerParameter {
  name: string;
  in: 'query' | 'path' | 'body' | 'header' | 'formData';
  required?: boolean;
  type?: string;
  format?: string;
  items?: Record<string, unknown>;
  enum?: unknown[];
  collectionFormat?: string;
  schema?: Record<string, unknown>;
  'x-example'?: unknown;
  [keyword: string]: unknown;
}

export interface SandboxStaticCase {
  request: { parameters: Record<string, { value?: unknown }> };
  response: unknown;
}

export interface SwaggerResponse {
  description?: string;
  schema?: Record<string, unknown>;
  headers?: Record<string, unknown>;
  'x-amzn-api-sandbox'?: { static?: SandboxStaticCase[]; dynamic?: unknown[] };
}

export interface SwaggerOperation {
  operationId: string;
  description?: string;
  parameters?: SwaggerParameter[];
  responses: Record<string, SwaggerResponse>;
}

export interface SwaggerDocument {
  swagger: string;
  info?: { title?: string; version?: string };
  paths: Record<string, Record<string, SwaggerOperation | SwaggerParameter[]>>;
  definitions: Record<string, Record<string, unknown>>;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
