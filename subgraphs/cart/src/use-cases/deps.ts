import type { Causation } from '@shop/events';
import type { Logger } from '@shop/service-kit';
import type { UnitOfWork } from '@shop/service-kit/database';
import type { CartStore } from '../data/store';

/** What the cart's use-cases are built from (server.ts wires them; tests may swap the clock). */
export interface CartDeps {
  /** the cart's repositories and outbox, outside a transaction (`store`) and in one (`run`) */
  data: UnitOfWork<CartStore>;
  logger: Logger;
  /** the time of a change, as events and rows record it */
  clock: () => Date;
  /** new order ids at checkout */
  newOrderId: () => string;
  /** the currency an empty cart is shown in */
  currency: string;
}

/**
 * Where a change came from, so the events it causes carry the same correlation and trace:
 * causationId is the request id or the id of the event that caused the change.
 */
export type ChangeOrigin = Causation;
