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
 * - only SELECT, WITH, INSERT, UPDATE and DELETE: a SAVEPOINT or SET is not worth a name;
 * - never a statement marked `planForItsValues` (below).
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

/** What `planForItsValues` puts first: a comment, which the server ignores and its logs and `pg_stat_statements` show. */
export const PLANNED_FOR_ITS_VALUES = '/* planned for its values */';

/**
 * Marks a statement whose best plan depends on its values, so that it is never named: sent
 * unnamed, PostgreSQL plans it at each execution for the values it got. A named statement would
 * move to a generic plan after five executions whenever that plan's estimate is no dearer, and
 * the estimate cannot know how much of the table a price range, a brand or a search word selects:
 * measured on the catalog's filtered listings (10,000 products, `browse`'s filters), the generic
 * plans walked a sort's index through most of the table for some filters, up to 13 ms against
 * 2.5 ms planned for the values, and cost the server 20-25 % more CPU per listing than parsing
 * and planning each one (`npm run bench:listing`, bench/README.md). A statement whose plan fits
 * every value (by id, by key) would only lose its parse and plan savings: leave it unmarked.
 */
export function planForItsValues(text: string): string {
  return `${PLANNED_FOR_ITS_VALUES} ${text}`;
}

/** The statement `planForItsValues` marked, as it was before (an unmarked text is returned as it is). */
export function unmarked(text: string): string {
  const marker = `${PLANNED_FOR_ITS_VALUES} `;
  return text.startsWith(marker) ? text.slice(marker.length) : text;
}

export function preparedStatementNamer({ max = 100, after = 3 }: PreparedStatementLimits = {}): StatementNamer {
  const names = new Map<string, string>();
  // uses of texts not named yet; bounded too, so text that never repeats cannot grow it
  const seen = new Map<string, number>();
  const maxSeen = Math.max(1_000, 10 * max);
  return (text) => {
    const name = names.get(text);
    if (name !== undefined || names.size >= max || text.startsWith(PLANNED_FOR_ITS_VALUES) || !NAMEABLE.test(text)) return name;
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
