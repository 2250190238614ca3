import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import { formatCents, toCents } from './money';

const invalid = (value: unknown) =>
  new GraphQLError(`Decimal must be a string like "19.99" with at most two fraction digits; got ${JSON.stringify(value)}`, {
    extensions: { code: 'BAD_USER_INPUT' },
  });

/** Amounts are stored as numeric(12, 2): ten whole digits at most; a larger one would fail in the database (22003). */
const MAX_DECIMAL_CENTS = 10 ** 12 - 1;

function parseDecimal(value: unknown): string {
  if (typeof value !== 'string' && !(typeof value === 'number' && Number.isFinite(value))) throw invalid(value);
  let cents: number;
  try {
    cents = toCents(typeof value === 'number' ? String(value) : value);
  } catch {
    throw invalid(value);
  }
  if (Math.abs(cents) > MAX_DECIMAL_CENTS) throw new GraphQLError(`Decimal must be at most 9999999999.99 in size; got ${JSON.stringify(value).slice(0, 40)}`, { extensions: { code: 'BAD_USER_INPUT' } });
  return formatCents(cents);
}

/** Exact decimal, serialized as a string with two fraction digits ("19.99"); never a float. */
export const DecimalScalar = new GraphQLScalarType({
  name: 'Decimal',
  description: 'An exact decimal amount, serialized as a string with two fraction digits, e.g. "19.99".',
  serialize: (value) => parseDecimal(typeof value === 'object' && value !== null ? String(value) : value),
  parseValue: parseDecimal,
  parseLiteral(ast) {
    if (ast.kind === Kind.STRING || ast.kind === Kind.INT || ast.kind === Kind.FLOAT) return parseDecimal(ast.value);
    throw invalid(ast.kind);
  },
});

/** ISO-8601 date-time, e.g. "2026-11-24T10:00:00.000Z". */
export const DateTimeScalar = new GraphQLScalarType({
  name: 'DateTime',
  description: 'An ISO-8601 date-time in UTC, e.g. "2026-11-24T10:00:00.000Z".',
  serialize(value) {
    const date = value instanceof Date ? value : new Date(String(value));
    if (Number.isNaN(date.getTime())) throw new GraphQLError('Invalid DateTime');
    return date.toISOString();
  },
  parseValue(value) {
    const date = typeof value === 'string' ? new Date(value) : new Date(NaN);
    if (Number.isNaN(date.getTime())) throw new GraphQLError(`DateTime must be an ISO-8601 string; got ${JSON.stringify(value)}`, { extensions: { code: 'BAD_USER_INPUT' } });
    return date;
  },
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw new GraphQLError('DateTime must be a string', { extensions: { code: 'BAD_USER_INPUT' } });
    const date = new Date(ast.value);
    if (Number.isNaN(date.getTime())) throw new GraphQLError(`Invalid DateTime "${ast.value}"`, { extensions: { code: 'BAD_USER_INPUT' } });
    return date;
  },
});
