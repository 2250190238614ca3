import type { EnvelopeOf, HandlerContext, OrderPaymentRequested } from '@shop/events';
import { toCents } from '@shop/service-kit/domain';
import type { PaymentStore } from '../../data/store';
import type { PaymentDeps } from '../../use-cases/deps';
import { recordPaymentRequest } from '../../use-cases/request-payment';

/** Records the payment and its authorization to make; the worker sends it after the commit. */
export const onOrderPaymentRequested = (deps: PaymentDeps) =>
  async function onOrderPaymentRequested(event: EnvelopeOf<typeof OrderPaymentRequested>, store: PaymentStore, ctx: HandlerContext): Promise<void> {
    const { orderId, customerId, amount, currencyCode, paymentToken } = event.data;
    const recorded = await recordPaymentRequest(deps, store, { orderId, customerId, amount: toCents(amount), currencyCode, token: paymentToken }, ctx.causation);
    if (recorded === 'authorize') deps.operationRecorded.notify();
    // never the token
    ctx.logger.info({ orderId, amount, recorded }, 'payment requested');
  };
