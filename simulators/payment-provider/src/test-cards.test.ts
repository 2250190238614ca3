import { behaviourOf, brandOf, passesLuhn, spacedNumber, TEST_CARDS } from './test-cards';

describe('test cards', () => {
  it('every test card of the SPEC passes the Luhn check (a real tokenizer would accept it)', () => {
    expect(TEST_CARDS.map((c) => c.number).filter((n) => !passesLuhn(n))).toEqual([]);
  });

  it('the SPEC table: 4242… approves, …0002 declines, …9995 insufficient funds, …0069 expired, …0119 processing error, …5126 unknown outcome', () => {
    expect(TEST_CARDS.map((c) => [c.number.slice(-4), c.behaviour])).toEqual([
      ['4242', 'approve'],
      ['0002', 'decline'],
      ['9995', 'insufficient-funds'],
      ['0069', 'expired-card'],
      ['0119', 'processing-error'],
      ['5126', 'unknown-outcome'],
    ]);
  });

  it('any other valid number is an ordinary card: approved', () => {
    expect(behaviourOf('5555555555554444')).toBe('approve');
  });

  it('a wrong check digit fails Luhn', () => {
    expect(passesLuhn('4242424242424241')).toBe(false);
  });

  it('brands by leading digits', () => {
    expect([brandOf('4242424242424242'), brandOf('5555555555554444'), brandOf('2223003122003222'), brandOf('378282246310005'), brandOf('6011111111111117'), brandOf('9999999999999995')]).toEqual([
      'visa',
      'mastercard',
      'mastercard',
      'amex',
      'discover',
      'unknown',
    ]);
  });

  it('spaces a number in groups of four', () => {
    expect(spacedNumber('4242424242424242')).toBe('4242 4242 4242 4242');
  });
});
