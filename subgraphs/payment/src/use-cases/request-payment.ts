import type { OperationCause } from '../data/operation-repository';
import type { PaymentStore } from '../data/store';
import { closePayment, requestCapture, requestPayment, type OrderClose, type PaymentRequest } from '../domain/requests';
import type { PaymentDeps } from './deps';

/**
 * OrderPaymentRequested, in the inbox transaction: records the payment and its authorization to
 * make (the worker sends it), or — the order closed before it asked — a voided payment and nothing
 * to send. The same request again changes nothing.
 * @returns what was recorded
 */
export async function recordPaymentRequest(
  deps: Pick<PaymentDeps, 'clock'>,
  store: PaymentStore,
  request: PaymentRequest,
  cause: OperationCause,
): Promise<'authorize' | 'closed' | 'seen'> {
  const now = deps.clock();
  const existing = await store.payments.lock(request.orderId);
  const decision = requestPayment(existing, request, now);
  switch (decision.kind) {
    case 'seen':
      return 'seen';
    case 'authorize':
      await store.payments.insert(decision.payment, now);
      await store.operations.record(decision.operation, cause, now);
      return 'authorize';
    case 'closed':
      await store.payments.update(decision.payment, now);
      await store.paymentEvents.append(decision.payment.orderId, decision.timeline);
      return 'closed';
  }
}

/**
 * OrderCaptureRequested, in the inbox transaction: records the capture of this attempt (its own
 * idempotency key); whether there is anything to capture is judged when the worker takes it up.
 * @returns 'recorded', 'seen' (this attempt was recorded before), or 'no-payment' (the order never asked for one)
 */
export async function recordCaptureRequest(
  deps: Pick<PaymentDeps, 'clock'>,
  store: PaymentStore,
  capture: { orderId: string; attempt: number; amount: number },
  cause: OperationCause,
): Promise<'recorded' | 'seen' | 'no-payment'> {
  const now = deps.clock();
  const payment = await store.payments.lock(capture.orderId);
  if (payment === null || payment.requestedAt === null) return 'no-payment';
  return (await store.operations.record(requestCapture(capture.orderId, capture.attempt, capture.amount), cause, now)) ? 'recorded' : 'seen';
}

/**
 * OrderRejected / OrderCancelled, in the inbox transaction: marks the payment closed (a tombstone
 * when there is none yet) and records the void of a live authorization.
 * @returns what was recorded
 */
export async function recordOrderClosed(
  deps: Pick<PaymentDeps, 'clock'>,
  store: PaymentStore,
  close: OrderClose,
  currencyCode: string,
  cause: OperationCause,
): Promise<'tombstone' | 'closed' | 'void' | 'seen'> {
  const now = deps.clock();
  const decision = closePayment(await store.payments.lock(close.orderId), close, currencyCode, now);
  switch (decision.kind) {
    case 'seen':
      return 'seen';
    case 'tombstone':
      await store.payments.insert(decision.payment, now);
      return 'tombstone';
    case 'close':
      await store.payments.update(decision.payment, now);
      if (decision.void === null) return 'closed';
      await store.operations.record(decision.void, cause, now);
      return 'void';
  }
}
