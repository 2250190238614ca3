import type { Subscription } from '@shop/events';
import type { PaymentStore } from '../data/store';
import type { PaymentDeps } from '../use-cases/deps';

/**
 * Every event payment consumes, one per line: `on(Event, onEvent(deps))`, where a handler is
 * `(deps) => async (event, store, ctx) => …` with `store` bound to the inbox transaction; the
 * queue's bindings are its `consumes` in services.json.
 */
export const paymentSubscriptions = (_deps: PaymentDeps): Subscription<PaymentStore>[] => [];
