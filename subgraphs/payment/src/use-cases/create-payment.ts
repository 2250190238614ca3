import { ErrorCode, userError, type UserError } from '@shop/service-kit';
import type { PaymentRecord } from '../data/payment-repository';
import { decideNewPayment } from '../domain/payment';
import type { PaymentDeps } from './deps';

export type CreatePaymentResult = { payment: PaymentRecord; userErrors: [] } | { payment: null; userErrors: UserError[] };

/**
 * Creates a payment (the caller checked the admin role); a bad name → BAD_INPUT naming the field,
 * nothing written. One statement: no transaction needed (a use-case that also publishes an event
 * writes both in `deps.data.run(({ payments, outbox }) => …)`).
 */
export async function createPayment(deps: PaymentDeps, name: string): Promise<CreatePaymentResult> {
  const decision = decideNewPayment(name);
  if (!decision.ok) return { payment: null, userErrors: [userError(ErrorCode.BadInput, decision.problem, 'name')] };
  const payment = await deps.data.store.payments.insert({ id: deps.newId(), name: decision.name, createdAt: deps.clock() });
  return { payment, userErrors: [] };
}
