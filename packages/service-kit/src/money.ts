/**
 * Exact money arithmetic. Amounts travel as decimal strings ("19.99") and are computed as whole
 * cents (integers), never as floats. Plain TypeScript: domain code may use it.
 */
export const CURRENCY = 'EUR';

export type Cents = number;

const DECIMAL = /^(-)?(\d{1,13})(?:\.(\d{1,2}))?$/;

/** "19.9" → 1990. Throws RangeError for anything that is not a plain decimal with ≤ 2 fraction digits. */
export function toCents(decimal: string | number | { toString(): string }): Cents {
  const text = typeof decimal === 'string' ? decimal.trim() : decimal.toString();
  const match = DECIMAL.exec(text);
  if (!match) throw new RangeError(`"${text}" is not a decimal amount with at most two fraction digits`);
  const [, minus, whole, fraction = ''] = match;
  const cents = Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
  return minus && cents !== 0 ? -cents : cents;
}

/** 1990 → "19.90". */
export function formatCents(cents: Cents): string {
  if (!Number.isSafeInteger(cents)) throw new RangeError(`${cents} is not a whole number of cents`);
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** `percent`% of `cents`, rounded half-up to the cent (exact: integer arithmetic only). */
export function percentOf(cents: Cents, percent: Cents /* in hundredths of a percent */): Cents {
  // percent is given in basis points ×1 (e.g. 10.00 % = 1000) so 12.5 % is exact
  const numerator = cents * percent;
  const denominator = 10_000;
  return Math.floor((numerator + denominator / 2) / denominator);
}

export interface Money {
  amount: string;
  currencyCode: string;
}

export const money = (cents: Cents, currencyCode = CURRENCY): Money => ({ amount: formatCents(cents), currencyCode });
