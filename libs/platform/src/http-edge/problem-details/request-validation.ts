import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { RequestValidationError, type FieldError } from '../edge.errors';

/**
 * Whitelist validation for every DTO: unknown fields are rejected (not silently dropped, so a
 * client's typo is an error rather than a field that never takes effect), values are
 * converted to the DTO's classes, and the offending values stay out of the error.
 */
export function createRequestValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new RequestValidationError(flattenValidationErrors(errors)),
  });
}

export function flattenValidationErrors(errors: ValidationError[], parents: string[] = []): FieldError[] {
  return errors.flatMap((error) => {
    const segments = [...parents, error.property];
    const own = Object.values(error.constraints ?? {}).map((detail) => ({
      field: fieldPath(segments),
      pointer: `#/${segments.map((s) => s.replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`,
      detail,
    }));
    return [...own, ...flattenValidationErrors(error.children ?? [], segments)];
  });
}

function fieldPath(segments: string[]): string {
  return segments.reduce((path, segment) => {
    if (/^\d+$/.test(segment)) return `${path}[${segment}]`;
    return path ? `${path}.${segment}` : segment;
  }, '');
}
