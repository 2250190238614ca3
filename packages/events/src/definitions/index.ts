import type { EventDefinition } from '../event-definition';
import * as cart from './cart';
import * as catalog from './catalog';
import * as discount from './discount';
import * as order from './order';

export * from './cart';
export * from './catalog';
export * from './discount';
export * from './order';

/** Every event of the platform, by type name. The AsyncAPI document is generated from this list. */
export const allEvents: readonly EventDefinition[] = [
  ...Object.values(catalog),
  ...Object.values(cart),
  ...Object.values(discount),
  ...Object.values(order),
].filter((c) => typeof c === 'object') as EventDefinition[];

export const definitionByType = new Map(allEvents.map((c) => [c.type, c]));
export const contractByRoutingKey = new Map(allEvents.map((c) => [c.routingKey, c]));
