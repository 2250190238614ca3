import type { EventDefinition } from '../event-definition';
import * as cart from './cart';
import * as catalog from './catalog';
import * as discount from './discount';
import * as order from './order';
import * as payment from './payment';

export * from './cart';
export * from './catalog';
export * from './discount';
export * from './order';
export * from './payment';

// a definition module also exports what its producer knows about its events (order statuses, …)
const isEventDefinition = (value: unknown): value is EventDefinition =>
  typeof value === 'object' && value !== null && 'routingKey' in value && 'schema' in value;

/** Every event of the platform, by type name. The AsyncAPI document is generated from this list. */
export const allEvents: readonly EventDefinition[] = [catalog, cart, discount, order, payment].flatMap((exports): unknown[] => Object.values(exports)).filter(isEventDefinition);

export const definitionByType = new Map(allEvents.map((c) => [c.type, c]));
export const contractByRoutingKey = new Map(allEvents.map((c) => [c.routingKey, c]));
