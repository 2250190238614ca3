import { z } from 'zod';
import { toCents, type Cents } from '@shop/service-kit/domain';
import type { Logger } from '@shop/service-kit';
import { openJournal } from './journal';

/** One thing the provider did with money: what GET /v1/ledger lists, for tests and the soak to compare. */
export const ledgerEntrySchema = z.object({
  kind: z.enum(['authorization', 'capture', 'void', 'refund']),
  id: z.string(),
  authorizationId: z.string(),
  reference: z.string(),
  /** decimal string, "12.34" */
  amount: z.string(),
  currency: z.string(),
  idempotencyKey: z.string(),
  at: z.string(),
});
export type LedgerEntry = z.infer<typeof ledgerEntrySchema>;

/** An authorization as the ledger's entries leave it. */
export interface AuthorizationState {
  id: string;
  reference: string;
  currency: string;
  amount: Cents;
  captured: Cents;
  refunded: Cents;
  voided: boolean;
}

export interface Ledger {
  readonly entries: readonly LedgerEntry[];
  record(entry: LedgerEntry): void;
  authorization(id: string): AuthorizationState | undefined;
}

/** The ledger under `dataDir` (ledger.jsonl), append-only; the authorizations' state is derived from it. */
export function openLedger(dataDir: string, logger: Logger): Ledger {
  const journal = openJournal(dataDir, 'ledger', (v) => ledgerEntrySchema.parse(v), logger);
  const authorizations = new Map<string, AuthorizationState>();
  const apply = (entry: LedgerEntry) => {
    const amount = toCents(entry.amount);
    if (entry.kind === 'authorization') {
      authorizations.set(entry.id, { id: entry.id, reference: entry.reference, currency: entry.currency, amount, captured: 0, refunded: 0, voided: false });
      return;
    }
    const authorization = authorizations.get(entry.authorizationId);
    if (!authorization) throw new Error(`ledger: ${entry.kind} ${entry.id} of an unknown authorization ${entry.authorizationId}`);
    if (entry.kind === 'capture') authorization.captured += amount;
    else if (entry.kind === 'refund') authorization.refunded += amount;
    else authorization.voided = true;
  };
  journal.records.forEach(apply);
  return {
    entries: journal.records,
    record(entry) {
      journal.append(entry);
      apply(entry);
    },
    authorization: (id) => authorizations.get(id),
  };
}
