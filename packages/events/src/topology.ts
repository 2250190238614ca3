import { SUBGRAPHS } from '@shop/services';
import { definitionByType } from './definitions';
import type { EventDefinition } from './event-definition';

/**
 * Which events each service's durable queue receives: the `consumes` of every subgraph in the one
 * list of services (packages/services/services.json) that consumes anything (one that consumes
 * nothing has no queue). A queue only receives what is published
 * after it exists, so on a fresh broker a producer that starts before its consumers would lose
 * its first events (the demo catalog's ProductCreated, say, when catalog starts before cart).
 * Every RabbitMQ bus therefore declares all service queues and their bindings before it first
 * publishes. Each service's `events/subscriptions.ts` must consume exactly its list (a test checks).
 */
export const SERVICE_QUEUES: Readonly<Record<string, readonly EventDefinition[]>> = Object.fromEntries(
  SUBGRAPHS.filter(({ consumes }) => consumes.length > 0).map(({ name, consumes }) => [
    name,
    consumes.map((type) => {
      const definition = definitionByType.get(type);
      if (!definition) throw new Error(`services.json: ${name} consumes "${type}", but no event is defined with that type`);
      return definition;
    }),
  ]),
);
