import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import { ApiKeyAuthenticator } from './api-key/api-key-authenticator';
import { API_KEY_SECURITY_SCHEME, BEARER_SECURITY_SCHEME } from './api-key/access.decorators';
import { bodyParserErrorHandler } from './problem-details/body-parser-errors';

export const DEFAULT_BODY_LIMIT = '1mb';
export const OPENAPI_JSON_PATH = '/openapi.json';
export const OPENAPI_UI_PATH = 'docs';

export interface HttpEdgeOptions {
  /** Largest accepted request body, in bytes or as `512kb` / `1mb`. Default 1 MB. */
  bodyLimit?: string | number;
  /** The OpenAPI document's title and version; `false` serves none. */
  openApi: { title: string; version: string; description?: string } | false;
}

/**
 * Express-level set-up every service applies before `listen`: body parsers with the size
 * limit (413 as problem+json), no framework fingerprint, and the OpenAPI document at
 * /openapi.json with its UI at /docs, both public. Call it after NestFactory.create and
 * before listen; HttpEdgeModule.forRoot must be imported.
 */
export function configureHttpEdge(
  app: NestExpressApplication,
  options: HttpEdgeOptions,
): OpenAPIObject | undefined {
  try {
    app.get(ApiKeyAuthenticator, { strict: false });
  } catch {
    throw new Error('configureHttpEdge needs HttpEdgeModule.forRoot(...) imported in the application module');
  }

  app.disable('x-powered-by');
  app.use((_request: Request, response: Response, next: NextFunction) => {
    response.setHeader('X-Content-Type-Options', 'nosniff');
    next();
  });

  // Registering the parsers here, rather than letting Nest add its defaults at init, sets
  // the limit and puts the error handler directly behind them.
  const limit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  app.useBodyParser('json', { limit, type: ['application/json', 'application/*+json'] });
  app.useBodyParser('urlencoded', { limit, extended: false });
  app.use(bodyParserErrorHandler);

  if (options.openApi === false) return undefined;
  const config = new DocumentBuilder()
    .setTitle(options.openApi.title)
    .setVersion(options.openApi.version)
    .setDescription(options.openApi.description ?? '')
    .addApiKey(
      { type: 'apiKey', in: 'header', name: 'x-api-key', description: 'An API key configured in API_KEYS.' },
      API_KEY_SECURITY_SCHEME,
    )
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', description: 'The same API key, as "Authorization: Bearer <key>".' },
      BEARER_SECURITY_SCHEME,
    )
    .build();
  const document = SwaggerModule.createDocument(app, config);
  // Served by express directly, outside the guard: the document describes, it does not grant.
  SwaggerModule.setup(OPENAPI_UI_PATH, app, document, { jsonDocumentUrl: OPENAPI_JSON_PATH, raw: ['json'] });
  return document;
}
