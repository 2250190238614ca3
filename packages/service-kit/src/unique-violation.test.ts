import { DatabaseError } from 'pg';
import { isUniqueViolation } from './unique-violation';

/** What a generated Prisma client throws (each subgraph has its own class of that name). */
class PrismaClientKnownRequestError extends Error {
  override name = 'PrismaClientKnownRequestError';
  constructor(
    readonly code: string,
    readonly meta?: Record<string, unknown>,
  ) {
    super(`prisma ${code}`);
  }
}

const pgError = (code: string, constraint?: string, detail?: string) =>
  Object.assign(new DatabaseError('duplicate key value violates unique constraint', 0, 'error'), { code, constraint, detail });

describe('isUniqueViolation', () => {
  it('Prisma P2002 → true; with a target, only when its meta names it', () => {
    const sku = new PrismaClientKnownRequestError('P2002', { modelName: 'Product', driverAdapterError: { cause: { constraint: { fields: ['sku'] } } } });
    expect(isUniqueViolation(sku)).toBe(true);
    expect(isUniqueViolation(sku, 'sku')).toBe(true);
    expect(isUniqueViolation(sku, 'name')).toBe(false);
    expect(isUniqueViolation(new PrismaClientKnownRequestError('P2002'))).toBe(true);
  });

  it('a raw query P2010 → true only with SQLSTATE 23505 (a target must be named too)', () => {
    const raw = new PrismaClientKnownRequestError('P2010', { code: '23505', message: 'duplicate key value violates unique constraint "order_events_pkey"' });
    expect(isUniqueViolation(raw)).toBe(true);
    expect(isUniqueViolation(raw, 'order_events_pkey')).toBe(true);
    expect(isUniqueViolation(raw, 'sku')).toBe(false);
    expect(isUniqueViolation(new PrismaClientKnownRequestError('P2010', { code: '23503', message: 'foreign key' }))).toBe(false);
  });

  it('other Prisma codes → false', () => {
    expect(isUniqueViolation(new PrismaClientKnownRequestError('P2025'))).toBe(false);
    expect(isUniqueViolation(new PrismaClientKnownRequestError('P2034', { code: '23505' }))).toBe(false);
  });

  it('a pg DatabaseError 23505 → true; with a target, by its constraint or detail', () => {
    const dup = pgError('23505', 'products_sku_key', 'Key (sku)=(MUG-1) already exists.');
    expect(isUniqueViolation(dup)).toBe(true);
    expect(isUniqueViolation(dup, 'products_sku_key')).toBe(true);
    expect(isUniqueViolation(dup, 'sku')).toBe(true);
    expect(isUniqueViolation(dup, 'email')).toBe(false);
    expect(isUniqueViolation(pgError('40001'))).toBe(false);
  });

  it('anything else → false', () => {
    for (const e of [new Error('23505'), null, undefined, '23505', { code: 'P2002' }]) expect(isUniqueViolation(e)).toBe(false);
  });
});
