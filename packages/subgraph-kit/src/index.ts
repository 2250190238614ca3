export { loadSubgraphConfig, subgraphConfigSchema, type SubgraphConfig } from './config';
export { openSubgraphDatabase } from './database';
export {
  defineSubgraph,
  type AnySubgraphDefinition,
  type SubgraphContext,
  type SubgraphDefinition,
  type SubgraphSpec,
  type SubgraphStart,
} from './define-subgraph';
export { runSubgraph } from './run-subgraph';
export { startSubgraph, type RunningSubgraph, type SubgraphOverrides } from './start-subgraph';
