import { PaymentCaptureFailed, type EnvelopeOf, type HandlerContext, type OrderCaptureRequested } from '@shop/events';
import { toCents } from '@shop/service-kit/domain';
import type { PaymentStore } from '../../data/store';
import type { PaymentDeps } from '../../use-cases/deps';
import { recordCaptureRequest } from '../../use-cases/request-payment';

/** Records the capture of this attempt; the worker makes it. An order without a payment is told at once. */
export const onOrderCaptureRequested = (deps: PaymentDeps) =>
  async function onOrderCaptureRequested(event: EnvelopeOf<typeof OrderCaptureRequested>, store: PaymentStore, ctx: HandlerContext): Promise<void> {
    const { orderId, customerId, amount, attempt } = event.data;
    const recorded = await recordCaptureRequest(deps, store, { orderId, attempt, amount: toCents(amount) }, ctx.causation);
    if (recorded === 'recorded') deps.operationRecorded.notify();
    if (recorded === 'no-payment') {
      await ctx.publish(PaymentCaptureFailed, { orderId, customerId, reason: 'the order has no payment to capture', attempt }, { subject: orderId });
    }
    ctx.logger.info({ orderId, amount, attempt, recorded }, 'capture requested');
  };
