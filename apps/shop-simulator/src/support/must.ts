/** The value, or an error naming what was missing: for lookups that the simulator's own invariants guarantee. */
export function must<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined)
    throw new Error(`simulator invariant broken: ${what} is missing`);
  return value;
}
