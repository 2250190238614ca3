import { ErrorCode } from '@shop/service-kit';
import { GraphQLError } from 'graphql';

/**
 * Bounds on a request's JSON values (variables, extensions), checked before anything walks them
 * recursively (coercion, cache keys, the gateway's query plan): the contract's deepest input is
 * three levels, so 16 is generous, and 20,000 levels can no longer exhaust a stack.
 */
export const REQUEST_VALUE_LIMITS = { maxDepth: 16, maxValues: 10_000 };

/**
 * Characters PostgreSQL refuses in text (NUL: SQLSTATE 22021): refused at the edge, as bad input,
 * instead of reaching a database as a statement that fails.
 */
export const REFUSED_CHARACTERS = /\u0000/;

const refused = (message: string, code: string) => new GraphQLError(message, { extensions: { code, http: { status: 400 } } });

/**
 * The first problem with a request's values, or undefined: nested deeper than `maxDepth`, more
 * than `maxValues` values, a number that is not finite (JSON `1e309` parses as Infinity and would
 * reach a subgraph as null), a string with a character PostgreSQL refuses. Iterative: its own
 * depth does not grow with the input's.
 */
export function requestValuesProblem(values: Record<string, unknown>, limits = REQUEST_VALUE_LIMITS): GraphQLError | undefined {
  const stack: { value: unknown; path: string; depth: number }[] = Object.entries(values).map(([name, value]) => ({ value, path: name, depth: 0 }));
  let seen = 0;
  while (stack.length > 0) {
    const { value, path, depth } = stack.pop()!;
    if (++seen > limits.maxValues) return refused(`Request values hold more than ${limits.maxValues} values`, 'BAD_REQUEST');
    if (typeof value === 'number' && !Number.isFinite(value)) return refused(`${path}: numbers must be finite`, ErrorCode.BadUserInput);
    if (typeof value === 'string' && REFUSED_CHARACTERS.test(value)) return refused(`${path}: text must not contain NUL (\\u0000) characters`, ErrorCode.BadUserInput);
    if (value === null || typeof value !== 'object') continue;
    if (depth >= limits.maxDepth) return refused(`${path}: values nested deeper than ${limits.maxDepth} levels`, 'BAD_REQUEST');
    const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
    for (const [key, inner] of entries) {
      if (REFUSED_CHARACTERS.test(key)) return refused(`${path}: names must not contain NUL (\\u0000) characters`, ErrorCode.BadUserInput);
      stack.push({ value: inner, path: `${path}.${key}`, depth: depth + 1 });
    }
  }
  return undefined;
}
