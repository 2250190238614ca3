/**
 * The test cards of ../shared/SPEC.md "Payments": what the simulated provider does when an
 * authorization is made with a token of each. Any other number that passes the Luhn check is an
 * ordinary card and is approved, as a real provider's sandbox does.
 */
export type CardBehaviour = 'approve' | 'decline' | 'insufficient-funds' | 'expired-card' | 'processing-error' | 'unknown-outcome';

export interface TestCard {
  number: string;
  behaviour: CardBehaviour;
  /** what a developer reads in the start banner and the README */
  description: string;
}

export const TEST_CARDS: readonly TestCard[] = [
  { number: '4242424242424242', behaviour: 'approve', description: 'approved' },
  { number: '4000000000000002', behaviour: 'decline', description: 'declined' },
  { number: '4000000000009995', behaviour: 'insufficient-funds', description: 'declined: insufficient funds' },
  { number: '4000000000000069', behaviour: 'expired-card', description: 'declined: expired card' },
  { number: '4000000000000119', behaviour: 'processing-error', description: 'processing error: 503 a few times per idempotency key, then approved' },
  { number: '4000000000005126', behaviour: 'unknown-outcome', description: 'unknown outcome: authorized, but the answer is lost (the connection is held past the timeout, then dropped); GET /v1/operations knows' },
];

/** The behaviour of a card number (digits only). */
export function behaviourOf(number: string): CardBehaviour {
  return TEST_CARDS.find((c) => c.number === number)?.behaviour ?? 'approve';
}

/** The card's brand by its leading digits (the networks' published ranges, the common ones). */
export function brandOf(number: string): string {
  if (/^4/.test(number)) return 'visa';
  if (/^(5[1-5]|2(2[2-9]|[3-6]\d|7[01]|720))/.test(number)) return 'mastercard';
  if (/^3[47]/.test(number)) return 'amex';
  if (/^6(011|5)/.test(number)) return 'discover';
  return 'unknown';
}

/** Whether the number's check digit is right (Luhn), as every card number's is. */
export function passesLuhn(number: string): boolean {
  let sum = 0;
  for (let i = 0; i < number.length; i += 1) {
    let digit = Number(number[number.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/** A number as the banner shows it: groups of four. */
export const spacedNumber = (number: string): string => number.replace(/(\d{4})(?=\d)/g, '$1 ');
