import type { EventHandler, PaymentAuthorized } from '@shop/events';
import type { OrderStore } from '../../data/store';
import type { OrderDeps } from '../../use-cases/deps';
import { recordPaymentReply } from '../../use-cases/record-reply';
import { applyOrDeadLetter, metadataOf } from '../handler-support';

/** Payment authorized the order's total: the order is confirmed, or the late reply is recorded (an authorization for a closed order is voided by payment on the closing event). */
export const onPaymentAuthorized =
  (deps: OrderDeps): EventHandler<typeof PaymentAuthorized, OrderStore> =>
  async function onPaymentAuthorized(event, store, ctx) {
    await applyOrDeadLetter(() => recordPaymentReply(deps, store, { type: 'PaymentAuthorized', ...event.data }, metadataOf(ctx)));
  };
