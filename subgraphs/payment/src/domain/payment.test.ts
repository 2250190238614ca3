import { decideNewPayment, MAX_NAME_LENGTH, pageSize } from './payment';

describe('a new payment', () => {
  it('keeps its name trimmed', () => {
    expect(decideNewPayment('  first  ')).toEqual({ ok: true, name: 'first' });
  });

  it('refuses an empty name and one that is too long', () => {
    expect(decideNewPayment('   ')).toMatchObject({ ok: false });
    expect(decideNewPayment('x'.repeat(MAX_NAME_LENGTH + 1))).toMatchObject({ ok: false });
  });

  it('lists 1 to 100 at a time', () => {
    expect([pageSize(0), pageSize(20), pageSize(1000)]).toEqual([1, 20, 100]);
  });
});
