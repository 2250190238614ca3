import type { z } from 'zod';

/**
 * One event's contract: its wire name (routing key), its type name, its producer and the one
 * schema its `data` must satisfy. Producers validate before writing, consumers on receipt.
 */
export interface EventContract<TType extends string = string, TSchema extends z.ZodType = z.ZodType> {
  /** past-tense fact, subject first: "ProductPriceChanged" */
  readonly type: TType;
  /** `<producer>.<entity>.<fact>.v<major>` — an explicit string, never derived from a class name */
  readonly routingKey: string;
  readonly version: number;
  readonly source: 'catalog' | 'cart' | 'discount' | 'order';
  readonly description: string;
  readonly schema: TSchema;
}

export type EventData<C extends EventContract> = z.infer<C['schema']>;

export function defineEvent<TType extends string, TSchema extends z.ZodType>(
  contract: EventContract<TType, TSchema>,
): EventContract<TType, TSchema> {
  const expected = new RegExp(`^${contract.source}\\.[a-z-]+\\.[a-z-]+\\.v${contract.version}$`);
  if (!expected.test(contract.routingKey)) {
    throw new Error(`routing key ${contract.routingKey} must read ${contract.source}.<entity>.<fact>.v${contract.version}`);
  }
  return Object.freeze(contract);
}
