import { PoisonMessageError, type HandlerContext } from '@shop/events';
import { DomainError } from '@shop/service-kit/domain';
import type { EventMetadata } from '../data/order-stream-repository';

/** Events the order writes because of an incoming one carry its correlation, trace and id. */
export const metadataOf = (ctx: HandlerContext): EventMetadata => ({
  correlationId: ctx.causation.correlationId,
  causationId: ctx.causation.causationId ?? null,
  traceparent: ctx.causation.traceparent ?? null,
});

/**
 * Runs a use-case for an event. A DomainError here means the event itself cannot be right (a
 * reply for an order that was never placed, a checkout whose totals do not add up): retrying
 * cannot help, so it goes to the dead-letter queue at once, with the reason.
 */
export async function applyOrDeadLetter<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof DomainError) throw new PoisonMessageError(`${error.code}: ${error.message}`);
    throw error;
  }
}
