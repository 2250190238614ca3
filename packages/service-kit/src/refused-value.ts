// "Did the database refuse a value the caller sent?" — the data exceptions a request's input can
// cause, whichever driver reported them. Duck-typed like unique-violation.ts: pg's DatabaseError,
// PGlite's, or Prisma's raw-query P2010 carrying the SQLSTATE in its meta.

/**
 * SQLSTATEs of values PostgreSQL cannot take: 22021 a character it refuses (NUL), 22P05 an
 * untranslatable character, 22P02 text that is not of the column's type, 22003 a number out of
 * range, 22001 a string too long.
 */
const REFUSED_VALUE_STATES = new Set(['22021', '22P05', '22P02', '22003', '22001']);

/** Whether `error` (or an error it wraps) is PostgreSQL refusing a value: bad input, not a bug. */
export function isRefusedValue(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 4) return false;
  const { name, code, meta, cause, originalError } = error as { name?: unknown; code?: unknown; meta?: unknown; cause?: unknown; originalError?: unknown };
  if (typeof code === 'string' && REFUSED_VALUE_STATES.has(code)) return true;
  if (name === 'PrismaClientKnownRequestError' && code === 'P2010') return [...REFUSED_VALUE_STATES].some((state) => JSON.stringify(meta ?? {}).includes(state));
  return isRefusedValue(cause, depth + 1) || isRefusedValue(originalError, depth + 1);
}
