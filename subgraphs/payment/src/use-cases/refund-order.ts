import { DomainError } from '@shop/service-kit/domain';
import type { OperationCause } from '../data/operation-repository';
import { PaymentErrorCode } from '../domain/errors';
import { refundKey, type Operation } from '../domain/operation';
import { decideRefund, type RefundRequest } from '../domain/requests';
import type { PaymentDeps } from './deps';
import { runOperation } from './run-operation';

/** What a refund came to: done, or still under way at the provider (the worker finishes it). */
export type RefundResult = { orderId: string; state: 'refunded' | 'in-progress' };

/**
 * An admin's refund (the caller checked the role). Decided and recorded in one transaction with
 * the payment row locked (concurrent refunds of one order queue there, so together they never
 * exceed what was captured), then made at once by this request, which holds the new operation as
 * a claim would (the worker takes it over only if the request dies). The same idempotency key
 * again answers the first refund and refunds nothing more, waiting a moment for it when it is
 * still in flight. Throws DomainError: BAD_INPUT, REFUND_EXCEEDS_CAPTURE, IDEMPOTENCY_KEY_REUSED,
 * REFUND_FAILED (the provider said no).
 */
export async function refundOrder(deps: PaymentDeps, request: RefundRequest, cause: OperationCause): Promise<RefundResult> {
  const key = refundKey(request.orderId, request.idempotencyKey);
  const decision = await deps.data.run(async ({ payments, operations }) => {
    const payment = await payments.lock(request.orderId);
    const previous = await operations.lock(key);
    const decided = decideRefund(payment, previous, payment === null ? 0 : await operations.pendingRefunds(request.orderId), request);
    const now = deps.clock();
    if (decided.kind === 'refund') await operations.record(decided.operation, cause, now, new Date(now.getTime() + deps.pacing.leaseMs));
    return decided;
  });

  const operations = deps.data.store.operations;
  const mine = decision.kind === 'refund' ? await operations.find(key) : await operations.claim(key, deps.clock(), deps.pacing.leaseMs);
  if (mine !== null) {
    await runOperation(deps, mine).catch((err: unknown) => {
      // due again after its lease: the worker makes it
      deps.logger.warn({ err, idempotencyKey: key }, 'refund failed on the first try; the worker takes it up');
    });
  } else {
    // the same key in flight in another request (or the worker): its outcome is this answer too
    await waitForSettlement(deps, key);
  }
  return answerOf(request.orderId, await operations.find(key));
}

/** Waits, a bounded while (one provider call), for another caller to settle the operation. */
async function waitForSettlement(deps: PaymentDeps, key: string): Promise<void> {
  const deadline = Date.now() + deps.pacing.leaseMs / 2;
  for (;;) {
    const operation = await deps.data.store.operations.find(key);
    if (operation === null || operation.state === 'SUCCEEDED' || operation.state === 'FAILED' || Date.now() > deadline) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function answerOf(orderId: string, operation: Operation | null): RefundResult {
  if (operation === null) throw new Error(`refund of order ${orderId} vanished`);
  if (operation.state === 'FAILED') {
    const why = operation.result?.kind === 'refused' ? operation.result.message : operation.result?.kind === 'not-sent' ? operation.result.reason : 'refused';
    throw new DomainError(PaymentErrorCode.RefundFailed, `The payment provider refused the refund: ${why}.`, 'amount');
  }
  return { orderId, state: operation.state === 'SUCCEEDED' ? 'refunded' : 'in-progress' };
}
