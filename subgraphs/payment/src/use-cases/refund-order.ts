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
 * exceed what was captured), then made at once; the same idempotency key again answers the first
 * refund and refunds nothing more. Throws DomainError: BAD_INPUT, REFUND_EXCEEDS_CAPTURE,
 * IDEMPOTENCY_KEY_REUSED, REFUND_FAILED (the provider said no).
 */
export async function refundOrder(deps: PaymentDeps, request: RefundRequest, cause: OperationCause): Promise<RefundResult> {
  const decision = await deps.data.run(async ({ payments, operations }) => {
    const payment = await payments.lock(request.orderId);
    const previous = await operations.lock(refundKey(request.orderId, request.idempotencyKey));
    const decided = decideRefund(payment, previous, payment === null ? 0 : await operations.pendingRefunds(request.orderId), request);
    if (decided.kind === 'refund') await operations.record(decided.operation, cause, deps.clock());
    return decided;
  });
  const key = decision.operation.idempotencyKey;

  // make it now, unless another caller (the same key sent twice at once, or the worker) holds it
  const claimed = await deps.data.store.operations.claim(key, deps.clock(), deps.pacing.leaseMs);
  if (claimed !== null) {
    await runOperation(deps, claimed).catch((err: unknown) => {
      // due again after its lease: the worker makes it
      deps.logger.warn({ err, idempotencyKey: key }, 'refund failed on the first try; the worker takes it up');
    });
  } else if (decision.kind === 'refund') {
    deps.operationRecorded.notify();
  }
  return answerOf(request.orderId, await deps.data.store.operations.find(key));
}

function answerOf(orderId: string, operation: Operation | null): RefundResult {
  if (operation === null) throw new Error(`refund of order ${orderId} vanished`);
  if (operation.state === 'FAILED') {
    const why = operation.result?.kind === 'refused' ? operation.result.message : operation.result?.kind === 'not-sent' ? operation.result.reason : 'refused';
    throw new DomainError(PaymentErrorCode.RefundFailed, `The payment provider refused the refund: ${why}.`, 'amount');
  }
  return { orderId, state: operation.state === 'SUCCEEDED' ? 'refunded' : 'in-progress' };
}
