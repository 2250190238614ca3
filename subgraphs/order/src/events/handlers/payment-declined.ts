import type { EventHandler, PaymentDeclined } from '@shop/events';
import type { OrderStore } from '../../data/store';
import type { OrderDeps } from '../../use-cases/deps';
import { recordPaymentReply } from '../../use-cases/record-reply';
import { applyOrDeadLetter, metadataOf } from '../handler-support';

/** Payment refused the authorization: the order is rejected with the reason, or the late reply is recorded. */
export const onPaymentDeclined =
  (deps: OrderDeps): EventHandler<typeof PaymentDeclined, OrderStore> =>
  async function onPaymentDeclined(event, store, ctx) {
    await applyOrDeadLetter(() => recordPaymentReply(deps, store, { type: 'PaymentDeclined', ...event.data }, metadataOf(ctx)));
  };
