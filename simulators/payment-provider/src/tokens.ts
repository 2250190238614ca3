import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Logger } from '@shop/service-kit';
import { openJournal } from './journal';
import { behaviourOf, brandOf, passesLuhn, type CardBehaviour } from './test-cards';

/** What a browser posts to POST /v1/tokens. */
export const cardSchema = z.object({
  number: z.string().transform((n) => n.replace(/[\s-]/g, '')).pipe(z.string().regex(/^\d{12,19}$/, 'must be 12 to 19 digits')),
  expMonth: z.coerce.number().int().min(1, 'must be 1 to 12').max(12, 'must be 1 to 12'),
  expYear: z.coerce.number().int().min(0).max(9999),
  cvc: z.string().regex(/^\d{3,4}$/, 'must be 3 or 4 digits'),
});
export type Card = z.input<typeof cardSchema>;

/**
 * A card token: what the provider keeps in place of the card. The number itself is never stored
 * or logged — only what an authorization needs (brand, last four digits, how the test card behaves).
 */
const tokenSchema = z.object({ token: z.string(), brand: z.string(), last4: z.string(), behaviour: z.string() as z.ZodType<CardBehaviour>, expiresAt: z.string() });
export type CardToken = z.infer<typeof tokenSchema>;

export type Tokenized = { kind: 'tokenized'; token: CardToken } | { kind: 'malformed'; message: string };

export interface TokenVault {
  /** checks the card's form and, if it is one, returns a new token for it */
  tokenize(card: unknown, now: Date): Tokenized;
  /** the token's card, unless it is unknown or expired */
  find(token: string, now: Date): CardToken | undefined;
}

export function openTokenVault(dataDir: string, ttlSeconds: number, logger: Logger): TokenVault {
  const journal = openJournal(dataDir, 'tokens', (v) => tokenSchema.parse(v), logger);
  const byToken = new Map(journal.records.map((t) => [t.token, t]));
  return {
    tokenize(input, now) {
      const parsed = cardSchema.safeParse(input);
      if (!parsed.success) return { kind: 'malformed', message: parsed.error.issues.map((i) => `${i.path.join('.') || 'card'}: ${i.message}`).join('; ') };
      const card = parsed.data;
      if (!passesLuhn(card.number)) return { kind: 'malformed', message: 'number: not a valid card number (check digit)' };
      const year = card.expYear < 100 ? 2000 + card.expYear : card.expYear;
      // a card is valid to the end of its expiry month
      if (new Date(Date.UTC(year, card.expMonth, 1)) <= now) return { kind: 'malformed', message: 'expYear/expMonth: the card has expired' };
      const token: CardToken = {
        token: `tok_${randomBytes(12).toString('hex')}`,
        brand: brandOf(card.number),
        last4: card.number.slice(-4),
        behaviour: behaviourOf(card.number),
        expiresAt: new Date(now.getTime() + ttlSeconds * 1000).toISOString(),
      };
      journal.append(token);
      byToken.set(token.token, token);
      return { kind: 'tokenized', token };
    },
    find(token, now) {
      const found = byToken.get(token);
      return found && new Date(found.expiresAt) > now ? found : undefined;
    },
  };
}
