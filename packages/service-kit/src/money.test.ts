import { formatCents, money, percentOf, toCents } from './money';

describe('money', () => {
  it.each([
    ['19.99', 1999],
    ['19.9', 1990],
    ['0', 0],
    ['100.00', 10000],
    ['-5.05', -505],
    [' 7 ', 700],
  ])('toCents(%p) = %p', (text, cents) => expect(toCents(text)).toBe(cents));

  it.each(['1.999', 'abc', '', '1e3', '0x10', 'NaN', '1.'])('rejects %p', (text) => {
    expect(() => toCents(text)).toThrow(RangeError);
  });

  it('formats with two fraction digits', () => {
    expect(formatCents(1990)).toBe('19.90');
    expect(formatCents(5)).toBe('0.05');
    expect(formatCents(-505)).toBe('-5.05');
    expect(money(1234)).toEqual({ amount: '12.34', currencyCode: 'EUR' });
  });

  it('percentages round half-up to the cent', () => {
    expect(percentOf(1999, 1000)).toBe(200); // 10 % of 19.99 = 1.999 → 2.00
    expect(percentOf(1995, 1000)).toBe(200); // 1.995 → 2.00 (half-up)
    expect(percentOf(1994, 1000)).toBe(199); // 1.994 → 1.99
    expect(percentOf(1050, 1250)).toBe(131); // 12.5 % of 10.50 = 1.3125 → 1.31
  });
});
