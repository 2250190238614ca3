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
  readonly source: 'catalog' | 'cart' | 'discount' | 'order' | 'payment';
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

/**
 * How a producer announces changes to the data its subgraph serves, so that a reader may keep
 * copies no staler than event delivery (the BFF's response and entity caches). A promise: every
 * change to data the subgraph serves is announced by one of `events`, whose subject is the key of
 * the entity that appeared or changed.
 */
export interface ChangeAnnouncements {
  /** the subgraph whose data the events cover, by its name in the supergraph */
  readonly subgraph: EventDefinition['source'];
  /** the entity the events name by key (their envelope's subject) */
  readonly entity: {
    readonly typename: string;
    readonly keyField: string;
    /** the root query field that reads one entity by that key (`product(id:)`): its answers show that entity only */
    readonly byKeyField: string;
  };
  /**
   * each event and what it announces: `created`, an entity that did not exist (it may join any
   * list, and a read of its key answered nothing before); `changed`, that entity's data (it may
   * move in any list)
   */
  readonly events: readonly { readonly event: EventDefinition; readonly announces: 'created' | 'changed' }[];
}
