import type { EventHandler, PaymentCaptured } from '@shop/events';
import type { OrderStore } from '../../data/store';
import type { OrderDeps } from '../../use-cases/deps';
import { recordCaptureReply } from '../../use-cases/record-reply';
import { applyOrDeadLetter, metadataOf } from '../handler-support';

/** Payment captured the total at shipping: the order is shipped, or the late reply is recorded. */
export const onPaymentCaptured =
  (deps: OrderDeps): EventHandler<typeof PaymentCaptured, OrderStore> =>
  async function onPaymentCaptured(event, store, ctx) {
    await applyOrDeadLetter(() => recordCaptureReply(deps, store, { type: 'PaymentCaptured', ...event.data }, metadataOf(ctx)));
  };
