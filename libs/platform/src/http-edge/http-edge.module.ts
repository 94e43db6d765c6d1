import { Logger, Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { ApiKeyAuthenticator } from './api-key/api-key-authenticator';
import type { ApiKeyEntry } from './api-key/api-key-entry';
import { ApiKeyGuard } from './api-key/api-key.guard';
import { ProblemDetailsFilter } from './problem-details/problem-details.filter';
import { createRequestValidationPipe } from './problem-details/request-validation';

export interface HttpEdgeModuleOptions {
  /** Parsed API_KEYS (see `apiKeysVariable()`); an empty list closes every non-public route. */
  apiKeys: readonly ApiKeyEntry[];
}

/**
 * The request-level half of the HTTP edge, as global providers so no route can opt out by
 * accident: the API-key guard, whitelist validation, problem+json errors. The express-level
 * half (body limit, OpenAPI) is `configureHttpEdge`, which refuses to run without this module.
 */
@Module({})
export class HttpEdgeModule {
  static forRoot(options: HttpEdgeModuleOptions): DynamicModule {
    return {
      module: HttpEdgeModule,
      global: true,
      providers: [
        {
          provide: ApiKeyAuthenticator,
          useFactory: () => {
            if (options.apiKeys.length === 0) {
              new Logger(HttpEdgeModule.name).warn(
                'no API keys configured (API_KEYS): only public routes answer',
              );
            }
            return new ApiKeyAuthenticator(options.apiKeys);
          },
        },
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        { provide: APP_PIPE, useFactory: createRequestValidationPipe },
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
      ],
      exports: [ApiKeyAuthenticator],
    };
  }
}
