import { registerDecorator, type ValidationOptions } from 'class-validator';

/**
 * An ERP snapshot's `asOf`: a sequence number, or a timestamp (ISO 8601 with an offset,
 * or epoch milliseconds). Stored as a number, so one ERP must stick to one kind: a
 * sequence compared with a timestamp means nothing.
 */
export type AsOfInput = number | string;

const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** The numeric `asOf`, or null when the value is neither a sequence nor a timestamp. */
export function parseAsOf(value: unknown): number | null {
  if (typeof value === 'number') {
    return Number.isSafeInteger(value) && value >= 0 ? value : null;
  }
  if (typeof value === 'string') {
    if (/^\d{1,16}$/.test(value)) return parseAsOf(Number(value));
    if (!ISO_WITH_OFFSET.test(value)) return null;
    const ms = Date.parse(value);
    return Number.isFinite(ms) && ms >= 0 ? ms : null;
  }
  return null;
}

export const AS_OF_RULE = 'a non-negative integer sequence, epoch milliseconds, or an ISO 8601 timestamp with offset';

/** For values a validator already accepted. */
export function requireAsOf(value: unknown): number {
  const asOf = parseAsOf(value);
  if (asOf === null) throw new TypeError(`asOf must be ${AS_OF_RULE}`);
  return asOf;
}

/** class-validator rule for `asOf` fields. */
export function IsAsOf(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isAsOf',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: `$property must be ${AS_OF_RULE}`, ...options },
      validator: { validate: (value: unknown) => parseAsOf(value) !== null },
    });
}
