import { money } from '@shop/service-kit/domain';
import type { PaymentContext } from '../context';
import type { PaymentEventResolvers, PaymentResolvers } from '../generated/resolvers-types';

export const Payment: PaymentResolvers<PaymentContext> = {
  status: (payment) => payment.status,
  method: (payment) => payment.method,
  authorized: (payment) => money(payment.authorized, payment.currencyCode),
  captured: (payment) => money(payment.captured, payment.currencyCode),
  refunded: (payment) => money(payment.refunded, payment.currencyCode),
  events: async (payment, _args, ctx) => (await ctx.loaders.timeline.load(payment.orderId)).map((event) => ({ ...event, currencyCode: payment.currencyCode })),
};

export const PaymentEvent: PaymentEventResolvers<PaymentContext> = {
  amount: (event) => (event.amount === null ? null : money(event.amount, event.currencyCode)),
};
