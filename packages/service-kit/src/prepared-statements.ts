import { createHash } from 'node:crypto';

/**
 * Which statements node-postgres sends as named (prepared) statements: a statement's name for
 * `{ name, text, values }`, or undefined to send it unnamed, parsed and planned again each time.
 *
 * A named statement is parsed once per connection; PostgreSQL then plans it per execution or,
 * after five executions, reuses a generic plan when that costs no more. Measured on the catalog's
 * page and count statements (10,000 products, one connection): the server's CPU per statement
 * −25 to −45 % (bench/README.md). Each prepared statement holds memory in every connection that ran
 * it (about 0.1 MB for a catalog page with its plans), so:
 * - only statements seen `after` times are named: rare shapes of a dynamic query stay unnamed;
 * - at most `max` distinct texts are ever named (per pool: per connection at most that many);
 * - only SELECT, WITH, INSERT, UPDATE and DELETE: a SAVEPOINT or SET is not worth a name.
 * `max: 0` names nothing (DATABASE_PREPARED_STATEMENTS=0: PgBouncer in transaction mode before 1.21).
 */
export type StatementNamer = (text: string) => string | undefined;

export interface PreparedStatementLimits {
  /** distinct texts named at most (default 100) */
  max?: number;
  /** uses of a text before it is named (default 3) */
  after?: number;
}

const NAMEABLE = /^\s*(select|with|insert|update|delete)\b/i;

export function preparedStatementNamer({ max = 100, after = 3 }: PreparedStatementLimits = {}): StatementNamer {
  const names = new Map<string, string>();
  // uses of texts not named yet; bounded too, so text that never repeats cannot grow it
  const seen = new Map<string, number>();
  const maxSeen = Math.max(1_000, 10 * max);
  return (text) => {
    const name = names.get(text);
    if (name !== undefined || names.size >= max || !NAMEABLE.test(text)) return name;
    const uses = (seen.get(text) ?? 0) + 1;
    if (uses < after) {
      if (seen.size < maxSeen || seen.has(text)) seen.set(text, uses);
      return undefined;
    }
    seen.delete(text);
    const named = `s_${createHash('sha256').update(text).digest('hex').slice(0, 32)}`;
    names.set(text, named);
    return named;
  };
}
