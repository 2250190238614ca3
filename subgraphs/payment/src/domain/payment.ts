/** The rules of a payment: plain TypeScript, no GraphQL, Prisma or AMQP. */

export const MAX_NAME_LENGTH = 100;

export type NewPaymentDecision = { ok: true; name: string } | { ok: false; problem: string };

/** A name is kept trimmed, 1 to MAX_NAME_LENGTH characters. */
export function decideNewPayment(name: string): NewPaymentDecision {
  const trimmed = name.trim();
  if (trimmed === '') return { ok: false, problem: 'A name is needed.' };
  if (trimmed.length > MAX_NAME_LENGTH) return { ok: false, problem: `A name has at most ${MAX_NAME_LENGTH} characters.` };
  return { ok: true, name: trimmed };
}

/** How many payments one page lists: what was asked, held to 1..100. */
export const pageSize = (first: number): number => Math.min(100, Math.max(1, Math.trunc(first)));
