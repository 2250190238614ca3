/**
 * Every subgraph's definition, found by its name in the list of services: `subgraphs/<name>/src/server.ts`
 * exports it as its default. The one place that goes from a name to a subgraph, so that what starts
 * the platform (the stack, one service per process, bench, soak) needs no edit for a new one.
 */
import { SUBGRAPH_NAMES } from '@shop/services';
import type { AnySubgraphDefinition } from '@shop/subgraph-kit';
import { join } from 'node:path';

/** The definition of the subgraph named so (its folder under subgraphs/). */
export function subgraphDefinition(name: string): AnySubgraphDefinition {
  if (!SUBGRAPH_NAMES.includes(name)) throw new Error(`no subgraph "${name}" in packages/services/services.json (known: ${SUBGRAPH_NAMES.join(', ')})`);
  const loaded = require(join(__dirname, '..', 'subgraphs', name, 'src', 'server')) as { default?: AnySubgraphDefinition };
  if (loaded.default?.name !== name) throw new Error(`subgraphs/${name}/src/server.ts must export its defineSubgraph({ name: '${name}', … }) as default`);
  return loaded.default;
}

/** Every subgraph's definition, in start order. */
export const subgraphDefinitions = (): AnySubgraphDefinition[] => SUBGRAPH_NAMES.map(subgraphDefinition);
