import { GraphQLError, Kind } from 'graphql';
import { DecimalScalar } from './scalars';

const codeOf = (parse: () => unknown) => {
  try {
    parse();
    return 'accepted';
  } catch (e) {
    return (e as GraphQLError).extensions?.code;
  }
};

describe('Decimal refuses what the database could not hold', () => {
  it('non-finite numbers as variables (JSON 1e309 is Infinity) and as literals → BAD_USER_INPUT', () => {
    for (const value of [Infinity, -Infinity, NaN, 'Infinity', '1e309']) expect(codeOf(() => DecimalScalar.parseValue(value))).toBe('BAD_USER_INPUT');
    expect(codeOf(() => DecimalScalar.parseLiteral({ kind: Kind.FLOAT, value: '1e309' }))).toBe('BAD_USER_INPUT');
  });

  it('more than ten whole digits (numeric(12, 2); 22003 in PostgreSQL) → BAD_USER_INPUT; the largest that fits is accepted', () => {
    expect(codeOf(() => DecimalScalar.parseValue('99999999999.99'))).toBe('BAD_USER_INPUT');
    expect(codeOf(() => DecimalScalar.parseValue('-12345678901'))).toBe('BAD_USER_INPUT');
    expect(DecimalScalar.parseValue('9999999999.99')).toBe('9999999999.99');
    expect(DecimalScalar.parseValue(19.9)).toBe('19.90');
  });
});
