// One answer to "did this write hit a unique constraint?", whichever way the database said so.
// Duck-typed: each subgraph has its own generated Prisma client (its own error classes), and
// PGlite's errors are not pg's.

const PRISMA_KNOWN_REQUEST_ERROR = 'PrismaClientKnownRequestError';
/** PostgreSQL's SQLSTATE for unique_violation */
const UNIQUE_VIOLATION = '23505';

const mentions = (what: unknown, target: string | undefined) => target === undefined || JSON.stringify(what ?? {}).includes(target);

/**
 * Whether `error` is a unique-constraint violation: Prisma's P2002; a raw query's P2010 whose
 * database error is SQLSTATE 23505; or a driver error (pg's DatabaseError, PGlite's) with code
 * 23505. With `target` (a column such as "sku", or a constraint name), only when the error names it:
 * Prisma's `meta`, or the driver error's constraint and detail.
 * @returns false for anything else, null and non-objects included
 */
export function isUniqueViolation(error: unknown, target?: string): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name, code, meta } = error as { name?: unknown; code?: unknown; meta?: unknown };
  if (name === PRISMA_KNOWN_REQUEST_ERROR) {
    if (code === 'P2002') return mentions(meta, target);
    // raw statements report the SQLSTATE instead
    if (code === 'P2010') return JSON.stringify(meta ?? {}).includes(UNIQUE_VIOLATION) && mentions(meta, target);
    return false;
  }
  if (code !== UNIQUE_VIOLATION) return false;
  const { constraint, detail } = error as { constraint?: unknown; detail?: unknown };
  return mentions({ constraint, detail }, target);
}
