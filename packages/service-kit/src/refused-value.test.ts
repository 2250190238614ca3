import { GraphQLError } from 'graphql';
import { isRefusedValue } from './refused-value';
import { formatErrorFor } from './subgraph';

describe('a value the database refuses is the caller\'s bad input, not an internal error', () => {
  const nul = Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { code: '22021' });

  it('pg/PGlite errors with 22021, 22P02, 22003, 22001, 22P05, also wrapped; nothing else', () => {
    for (const code of ['22021', '22P02', '22003', '22001', '22P05']) expect(isRefusedValue(Object.assign(new Error('x'), { code }))).toBe(true);
    expect(isRefusedValue(new Error('wrapped', { cause: nul }))).toBe(true);
    expect(isRefusedValue({ name: 'PrismaClientKnownRequestError', code: 'P2010', meta: { code: '22021' } })).toBe(true);
    for (const other of [Object.assign(new Error('x'), { code: '23505' }), Object.assign(new Error('x'), { code: '40P01' }), new Error('kaput'), null, 'text']) expect(isRefusedValue(other)).toBe(false);
  });

  it('formatErrorFor answers BAD_USER_INPUT instead of a masked INTERNAL_SERVER_ERROR (was a masked INTERNAL_SERVER_ERROR, logged as an error)', () => {
    const format = formatErrorFor(true);
    const error = new GraphQLError(nul.message, { originalError: nul, path: ['applyCoupon'] });
    expect(format(error.toJSON(), error)).toMatchObject({ path: ['applyCoupon'], extensions: { code: 'BAD_USER_INPUT' } });
    const bug = new GraphQLError('kaput', { originalError: new Error('kaput') });
    expect(format(bug.toJSON(), bug).extensions?.code).toBe('INTERNAL_SERVER_ERROR');
  });
});
