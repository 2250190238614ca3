import type { HandlerContext } from '@shop/events';
import { CURRENCY } from '@shop/service-kit/domain';
import type { PaymentStore } from '../../data/store';
import type { PaymentDeps } from '../../use-cases/deps';
import { recordOrderClosed } from '../../use-cases/request-payment';

/** OrderRejected and OrderCancelled mean the same to a payment: release what it holds, send nothing new. */
export async function closeOrderPayment(
  deps: PaymentDeps,
  store: PaymentStore,
  ctx: HandlerContext,
  close: { orderId: string; customerId: string; reason: string },
): Promise<void> {
  const recorded = await recordOrderClosed(deps, store, close, CURRENCY, ctx.causation);
  if (recorded === 'void') deps.operationRecorded.notify();
  ctx.logger.info({ orderId: close.orderId, recorded }, 'order closed for payment');
}
