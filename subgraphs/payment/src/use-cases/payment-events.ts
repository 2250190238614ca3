import {
  createEnvelope,
  PaymentAuthorized,
  PaymentCaptured,
  PaymentCaptureFailed,
  PaymentDeclined,
  PaymentRefunded,
  PaymentVoided,
  type Envelope,
} from '@shop/events';
import { formatCents } from '@shop/service-kit/domain';
import type { OperationCause } from '../data/operation-repository';
import type { Payment } from '../domain/payment';
import type { PaymentFact } from '../domain/settle';

/** The events of @shop/events for the facts a settlement decided about `payment`, caused by `cause`. */
export function paymentEvents(payment: Payment, facts: readonly PaymentFact[], cause: OperationCause): Envelope[] {
  const meta = { ...cause, subject: payment.orderId };
  const order = { orderId: payment.orderId, customerId: payment.customerId };
  const currencyCode = payment.currencyCode;
  return facts.map((fact): Envelope => {
    switch (fact.type) {
      case 'PaymentAuthorized':
        return createEnvelope(PaymentAuthorized, { ...order, amount: formatCents(fact.amount), currencyCode, brand: fact.brand, last4: fact.last4 }, meta);
      case 'PaymentDeclined':
        return createEnvelope(PaymentDeclined, { ...order, code: fact.code, reason: fact.reason }, meta);
      case 'PaymentCaptured':
        return createEnvelope(PaymentCaptured, { ...order, amount: formatCents(fact.amount), currencyCode, attempt: fact.attempt }, meta);
      case 'PaymentCaptureFailed':
        return createEnvelope(PaymentCaptureFailed, { ...order, reason: fact.reason, attempt: fact.attempt }, meta);
      case 'PaymentVoided':
        return createEnvelope(PaymentVoided, { ...order, amount: formatCents(fact.amount), currencyCode }, meta);
      case 'PaymentRefunded':
        return createEnvelope(
          PaymentRefunded,
          { ...order, refundId: fact.refundId, amount: formatCents(fact.amount), refundedTotal: formatCents(fact.refundedTotal), currencyCode },
          meta,
        );
      default: {
        const never: never = fact;
        throw new Error(`unknown payment fact ${JSON.stringify(never)}`);
      }
    }
  });
}
