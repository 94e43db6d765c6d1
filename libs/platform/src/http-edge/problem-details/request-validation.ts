import { ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';
import { RequestValidationError, type FieldError } from '../edge.errors';

/**
 * class-validator has no rule against the NUL character, and PostgreSQL can store it in
 * neither text nor jsonb: a NUL anywhere in a body, path or query string would reach the
 * database and fail there as a 500. It is refused here, for every route, naming the field.
 */
class RequestValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type !== 'custom') {
      const errors = nulCharacterErrors(value, metadata.data ? [metadata.data] : []);
      if (errors.length > 0) throw new RequestValidationError(errors);
    }
    return super.transform(value, metadata);
  }
}

/**
 * Whitelist validation for every DTO: unknown fields are rejected (not silently dropped, so a
 * client's typo is an error rather than a field that never takes effect), values are
 * converted to the DTO's classes, and the offending values stay out of the error.
 */
export function createRequestValidationPipe(): ValidationPipe {
  return new RequestValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new RequestValidationError(flattenValidationErrors(errors)),
  });
}

export function nulCharacterErrors(value: unknown, segments: string[] = []): FieldError[] {
  if (typeof value === 'string') {
    if (!value.includes('\u0000')) return [];
    return [
      {
        field: fieldPath(segments),
        pointer: pointerOf(segments),
        detail: 'must not contain the NUL character',
      },
    ];
  }
  if (Array.isArray(value))
    return value.flatMap((item, i) => nulCharacterErrors(item, [...segments, String(i)]));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => [
      ...(key.includes('\u0000') ? nulCharacterErrors(key, [...segments, key]) : []),
      ...nulCharacterErrors(item, [...segments, key]),
    ]);
  }
  return [];
}

export function flattenValidationErrors(errors: ValidationError[], parents: string[] = []): FieldError[] {
  return errors.flatMap((error) => {
    const segments = [...parents, error.property];
    const own = Object.values(error.constraints ?? {}).map((detail) => ({
      field: fieldPath(segments),
      pointer: pointerOf(segments),
      detail,
    }));
    return [...own, ...flattenValidationErrors(error.children ?? [], segments)];
  });
}

function pointerOf(segments: string[]): string {
  return `#/${segments.map((s) => s.replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`;
}

function fieldPath(segments: string[]): string {
  return segments.reduce((path, segment) => {
    if (/^\d+$/.test(segment)) return `${path}[${segment}]`;
    return path ? `${path}.${segment}` : segment;
  }, '');
}
