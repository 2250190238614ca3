import type { PaymentDeclineCode } from '@shop/events';
import { formatCents, toCents, type Cents } from '@shop/service-kit/domain';
import { z } from 'zod';
import type { Authorization, PaymentProvider, ProviderOutcome } from './provider';

/**
 * The PaymentProvider over the provider's HTTP API (the simulated provider's wire protocol,
 * simulators/payment-provider/README.md). Each call carries the idempotency key and the API key,
 * and is bounded by `timeoutMs`. Classification, the heart of it:
 *   2xx                                  → succeeded
 *   402 (authorization), 409, other 4xx  → refused, final (a decline code, or CAPTURE/VOID/REFUND_REFUSED)
 *   5xx, 401/403/429, connection refused → unavailable: nothing happened, call again later
 *   timeout, reset, unreadable 2xx       → unknown: it may have happened; ask `status`, never guess
 */
export interface HttpProviderOptions {
  url: string;
  apiKey: string;
  timeoutMs: number;
}

type OperationName = 'authorization' | 'capture' | 'void' | 'refund';

const amount = z.string().regex(/^\d{1,13}(\.\d{1,2})?$/).transform((a): Cents => toCents(a));
const RESULTS = {
  authorization: z.object({ id: z.string().min(1), amount, brand: z.string().min(1), last4: z.string() }).transform((b): Authorization => ({ authorizationId: b.id, amount: b.amount, brand: b.brand, last4: b.last4 })),
  capture: z.object({ id: z.string().min(1), amount }).transform((b) => ({ captureId: b.id, amount: b.amount })),
  void: z.object({ amount }).transform((b) => ({ amount: b.amount })),
  refund: z.object({ id: z.string().min(1), amount }).transform((b) => ({ refundId: b.id, amount: b.amount })),
};
type ResultOf<O extends OperationName> = z.output<(typeof RESULTS)[O]>;

const errorBody = z.object({ error: z.object({ code: z.string().optional(), message: z.string().optional() }) });

/** The provider's decline codes in the shop's words (PaymentDeclined.code). */
const DECLINE_CODES: Record<string, PaymentDeclineCode> = {
  card_declined: 'DECLINED',
  insufficient_funds: 'INSUFFICIENT_FUNDS',
  expired_card: 'EXPIRED_CARD',
  invalid_token: 'INVALID_TOKEN',
  processing_error: 'PROCESSING_ERROR',
};
const REFUSED: Record<Exclude<OperationName, 'authorization'>, 'CAPTURE_REFUSED' | 'VOID_REFUSED' | 'REFUND_REFUSED'> = {
  capture: 'CAPTURE_REFUSED',
  void: 'VOID_REFUSED',
  refund: 'REFUND_REFUSED',
};
/** Answers that say "not now" rather than "no": our credentials or the provider's rate limit. */
const RETRYABLE_CLIENT_STATUSES = new Set([401, 403, 408, 429]);
/** Connection errors raised before a byte of the request left: the provider cannot have acted. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

/** What an answer (given directly, or recorded and read back by `status`) means for operation `name`. */
export function classifyAnswer<O extends OperationName>(name: O, status: number, body: unknown): ProviderOutcome<ResultOf<O>> {
  if (status >= 200 && status < 300) {
    const result = RESULTS[name].safeParse(body);
    // it acted, but we cannot read what it did: only the status query can tell
    return result.success ? { kind: 'succeeded', result: result.data as ResultOf<O> } : { kind: 'unknown', message: `unreadable ${status} answer to the ${name}` };
  }
  const error = errorBody.safeParse(body);
  const code = error.success ? error.data.error.code : undefined;
  const message = (error.success ? error.data.error.message : undefined) ?? `HTTP ${status}`;
  if (status >= 500 || RETRYABLE_CLIENT_STATUSES.has(status)) return { kind: 'unavailable', message: `the provider answered ${status}: ${message}` };
  if (name === 'authorization') return { kind: 'refused', code: (status === 402 && code && DECLINE_CODES[code]) || (status === 402 ? 'DECLINED' : 'PROCESSING_ERROR'), message };
  return { kind: 'refused', code: REFUSED[name], message: code ? `${code}: ${message}` : message };
}

/** A failed fetch: unavailable when nothing can have been sent, unknown otherwise. */
function classifyFailure(err: unknown, what: string): { kind: 'unavailable' | 'unknown'; message: string } {
  const error = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (error.name === 'TimeoutError') return { kind: 'unknown', message: `${what}: no answer in time` };
  const code = error.cause?.code;
  if (code && NOT_SENT.has(code)) return { kind: 'unavailable', message: `${what}: ${code} (nothing sent)` };
  return { kind: 'unknown', message: `${what}: ${code ?? error.cause?.message ?? error.message ?? 'connection lost'}` };
}

export function createHttpPaymentProvider(options: HttpProviderOptions): PaymentProvider {
  const base = options.url.replace(/\/+$/, '');
  const headers = (idempotencyKey?: string): Record<string, string> => ({
    authorization: `Bearer ${options.apiKey}`,
    'content-type': 'application/json',
    ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
  });

  /** One call; the answer's status and body, or how it failed. */
  async function call(method: 'GET' | 'POST', path: string, idempotencyKey?: string, body?: unknown): Promise<{ status: number; body: unknown } | { kind: 'unavailable' | 'unknown'; message: string }> {
    try {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: headers(idempotencyKey),
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      const text = await res.text();
      let parsed: unknown = undefined;
      try {
        parsed = text === '' ? undefined : JSON.parse(text);
      } catch {
        // a body that is not JSON: classified by its status alone
      }
      return { status: res.status, body: parsed };
    } catch (err) {
      return classifyFailure(err, `${method} ${path.split('/').slice(0, 3).join('/')}`);
    }
  }

  async function operate<O extends OperationName>(name: O, path: string, idempotencyKey: string, body: unknown): Promise<ProviderOutcome<ResultOf<O>>> {
    const answer = await call('POST', path, idempotencyKey, body);
    return 'kind' in answer ? answer : classifyAnswer(name, answer.status, answer.body);
  }

  const action = (authorizationId: string, verb: string) => `/v1/authorizations/${encodeURIComponent(authorizationId)}/${verb}`;

  return {
    authorize: (r) => operate('authorization', '/v1/authorizations', r.idempotencyKey, { token: r.token, amount: formatCents(r.amount), currency: r.currencyCode, reference: r.reference }),
    capture: (r) => operate('capture', action(r.authorizationId, 'capture'), r.idempotencyKey, { amount: formatCents(r.amount) }),
    void: (r) => operate('void', action(r.authorizationId, 'void'), r.idempotencyKey, {}),
    refund: (r) => operate('refund', action(r.authorizationId, 'refunds'), r.idempotencyKey, { amount: formatCents(r.amount) }),
    async status(idempotencyKey) {
      const answer = await call('GET', `/v1/operations/${encodeURIComponent(idempotencyKey)}`);
      if ('kind' in answer) return answer;
      if (answer.status === 404) return { kind: 'not-found' };
      if (answer.status !== 200) return classifyAnswer('authorization', answer.status, answer.body).kind === 'unavailable' ? { kind: 'unavailable', message: `status query answered ${answer.status}` } : { kind: 'unknown', message: `status query answered ${answer.status}` };
      const recorded = z.object({ operation: z.enum(['authorization', 'capture', 'void', 'refund']), status: z.number().int(), body: z.unknown() }).safeParse(answer.body);
      if (!recorded.success) return { kind: 'unknown', message: 'unreadable status answer' };
      return classifyAnswer(recorded.data.operation, recorded.data.status, recorded.data.body);
    },
  };
}
