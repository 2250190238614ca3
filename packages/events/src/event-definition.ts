import type { z } from 'zod';

/**
 * One event's definition: its wire name (routing key), its type name, its producer and the one
 * schema its `data` must satisfy. Producers validate before writing, consumers on receipt.
 */
export interface EventDefinition<TType extends string = string, TSchema extends z.ZodType = z.ZodType> {
  /** past-tense fact, subject first: "ProductPriceChanged" */
  readonly type: TType;
  /** `<producer>.<entity>.<fact>.v<major>` — an explicit string, never derived from a class name */
  readonly routingKey: string;
  readonly version: number;
  readonly source: 'catalog' | 'cart' | 'discount' | 'order';
  readonly description: string;
  readonly schema: TSchema;
}

export type EventData<C extends EventDefinition> = z.infer<C['schema']>;

export function defineEvent<TType extends string, TSchema extends z.ZodType>(
  definition: EventDefinition<TType, TSchema>,
): EventDefinition<TType, TSchema> {
  const expected = new RegExp(`^${definition.source}\\.[a-z-]+\\.[a-z-]+\\.v${definition.version}$`);
  if (!expected.test(definition.routingKey)) {
    throw new Error(`routing key ${definition.routingKey} must read ${definition.source}.<entity>.<fact>.v${definition.version}`);
  }
  return Object.freeze(definition);
}
