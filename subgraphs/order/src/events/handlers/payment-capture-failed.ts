import type { EventHandler, PaymentCaptureFailed } from '@shop/events';
import type { OrderStore } from '../../data/store';
import type { OrderDeps } from '../../use-cases/deps';
import { recordCaptureReply } from '../../use-cases/record-reply';
import { applyOrDeadLetter, metadataOf } from '../handler-support';

/** Payment could not capture at shipping: the order stays CONFIRMED and may be shipped again, or the late reply is recorded. */
export const onPaymentCaptureFailed =
  (deps: OrderDeps): EventHandler<typeof PaymentCaptureFailed, OrderStore> =>
  async function onPaymentCaptureFailed(event, store, ctx) {
    await applyOrDeadLetter(() => recordCaptureReply(deps, store, { type: 'PaymentCaptureFailed', ...event.data }, metadataOf(ctx)));
  };
