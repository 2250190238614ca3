/**
 * An in-memory PaymentProvider for the payment subgraph's tests: deterministic by token, it acts
 * once per idempotency key (the same key replays its outcome), keeps a ledger of what it did, and
 * answers `status` from it — like the real provider, minus HTTP.
 *
 * Tokens: tok_ok (approve), tok_declined, tok_funds (insufficient funds), tok_expired,
 * tok_flaky (unavailable twice, then approve), tok_unknown (authorizes, then the answer is lost),
 * tok_lost (the request is lost before the provider sees it: unknown, and status says not-found).
 */
import type { Cents } from '@shop/service-kit/domain';
import type { Authorization, PaymentProvider, ProviderOutcome } from '../src/provider/provider';

export interface LedgerEntry {
  kind: 'authorization' | 'capture' | 'void' | 'refund';
  idempotencyKey: string;
  authorizationId: string;
  amount: Cents;
}

interface Held {
  captured: Cents;
  refunded: Cents;
  voided: boolean;
  amount: Cents;
}

export interface FakeProvider extends PaymentProvider {
  ledger: LedgerEntry[];
  /** provider calls per idempotency key (status queries apart) */
  calls: Map<string, number>;
  statusQueries: string[];
  /** refuse captures of these authorizations' orders (by reference) */
  refuseCapturesOf: Set<string>;
  /** calls (by idempotency key) that wait for `release(key)` before answering */
  hold(idempotencyKey: string): void;
  release(idempotencyKey: string): void;
  /** how many calls are waiting on a hold */
  waiting(idempotencyKey: string): boolean;
}

export function createFakeProvider(): FakeProvider {
  const ledger: LedgerEntry[] = [];
  const calls = new Map<string, number>();
  const outcomes = new Map<string, ProviderOutcome<unknown>>();
  const authorizations = new Map<string, Held & { reference: string }>();
  const holds = new Map<string, { promise: Promise<void>; release: () => void; waiting: boolean }>();
  const statusQueries: string[] = [];
  const refuseCapturesOf = new Set<string>();
  let sequence = 0;

  const count = (key: string) => {
    const n = (calls.get(key) ?? 0) + 1;
    calls.set(key, n);
    return n;
  };
  const held = async (key: string) => {
    const hold = holds.get(key);
    if (hold === undefined) return;
    hold.waiting = true;
    await hold.promise;
  };
  /** acts once per key: the same key replays the first outcome */
  const once = async <T>(key: string, act: () => ProviderOutcome<T>, { lose = false } = {}): Promise<ProviderOutcome<T>> => {
    count(key);
    const known = outcomes.get(key);
    if (known !== undefined) {
      await held(key);
      return known as ProviderOutcome<T>;
    }
    const outcome = act();
    if (outcome.kind === 'succeeded' || outcome.kind === 'refused') outcomes.set(key, outcome);
    await held(key);
    if (lose && outcome.kind === 'succeeded') return { kind: 'unknown', message: 'timed out after 5000 ms' };
    return outcome;
  };

  return {
    ledger,
    calls,
    statusQueries,
    refuseCapturesOf,
    hold(key) {
      let release = () => {};
      const promise = new Promise<void>((resolve) => (release = resolve));
      holds.set(key, { promise, release, waiting: false });
    },
    release(key) {
      holds.get(key)?.release();
      holds.delete(key);
    },
    waiting: (key) => holds.get(key)?.waiting ?? false,

    async authorize({ idempotencyKey, token, amount, reference }) {
      if (token === 'tok_flaky' && (calls.get(idempotencyKey) ?? 0) < 2) {
        count(idempotencyKey);
        return { kind: 'unavailable', message: '503 Service Unavailable' };
      }
      if (token === 'tok_lost' && !calls.has(idempotencyKey)) {
        count(idempotencyKey);
        return { kind: 'unknown', message: 'connection lost' };
      }
      return once<Authorization>(
        idempotencyKey,
        () => {
          const refusals: Record<string, ProviderOutcome<Authorization>> = {
            tok_declined: { kind: 'refused', code: 'DECLINED', message: 'Your card was declined.' },
            tok_funds: { kind: 'refused', code: 'INSUFFICIENT_FUNDS', message: 'Your card has insufficient funds.' },
            tok_expired: { kind: 'refused', code: 'EXPIRED_CARD', message: 'Your card has expired.' },
          };
          if (refusals[token]) return refusals[token];
          const authorizationId = `auth_${++sequence}`;
          authorizations.set(authorizationId, { amount, captured: 0, refunded: 0, voided: false, reference });
          ledger.push({ kind: 'authorization', idempotencyKey, authorizationId, amount });
          return { kind: 'succeeded', result: { authorizationId, amount, brand: 'visa', last4: '4242' } };
        },
        { lose: token === 'tok_unknown' },
      );
    },
    async capture({ idempotencyKey, authorizationId, amount }) {
      return once(idempotencyKey, () => {
        const auth = authorizations.get(authorizationId);
        if (auth === undefined || auth.voided || refuseCapturesOf.has(auth.reference)) {
          return { kind: 'refused', code: 'CAPTURE_REFUSED', message: 'the authorization cannot be captured' };
        }
        auth.captured += amount;
        ledger.push({ kind: 'capture', idempotencyKey, authorizationId, amount });
        return { kind: 'succeeded', result: { captureId: `cap_${++sequence}`, amount } };
      });
    },
    async void({ idempotencyKey, authorizationId }) {
      return once(idempotencyKey, () => {
        const auth = authorizations.get(authorizationId);
        if (auth === undefined || auth.captured > 0) return { kind: 'refused', code: 'VOID_REFUSED', message: 'nothing to void' };
        auth.voided = true;
        ledger.push({ kind: 'void', idempotencyKey, authorizationId, amount: auth.amount });
        return { kind: 'succeeded', result: { amount: auth.amount } };
      });
    },
    async refund({ idempotencyKey, authorizationId, amount }) {
      return once(idempotencyKey, () => {
        const auth = authorizations.get(authorizationId);
        if (auth === undefined || auth.refunded + amount > auth.captured) return { kind: 'refused', code: 'REFUND_REFUSED', message: 'the refund exceeds the capture' };
        auth.refunded += amount;
        ledger.push({ kind: 'refund', idempotencyKey, authorizationId, amount });
        return { kind: 'succeeded', result: { refundId: `re_${++sequence}`, amount } };
      });
    },
    async status(idempotencyKey) {
      statusQueries.push(idempotencyKey);
      return outcomes.get(idempotencyKey) ?? { kind: 'not-found' };
    },
  };
}
