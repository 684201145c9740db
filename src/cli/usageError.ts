/** A mistake in how the command was called: printed with the usage, exit code 2. */
export class UsageError extends Error {}

export function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) {
    return fallback;
  }
  if (!(allowed as readonly string[]).includes(value)) {
    throw new UsageError(`--${flag} must be one of ${allowed.join(', ')} (got '${value}')`);
  }
  return value as T;
}

export function positiveNumber(flag: string, value: string | undefined, fallback: number, { integer = false } = {}): number {
  if (value === undefined) {
    return fallback;
  }
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || (integer && !Number.isInteger(n))) {
    throw new UsageError(`--${flag} must be a ${integer ? 'whole ' : ''}number ≥ 0 (got '${value}')`);
  }
  return n;
}
