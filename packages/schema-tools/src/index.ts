// Build-time tooling for the graph, used by scripts/ and tests; never loaded by a running service.
export { composeSupergraph, readSubgraphSchemas, CompositionError, SUBGRAPH_PORTS, type SubgraphSource } from './compose';
export { printServedSchema, diffSnapshots, describeChanges, type SchemaChange } from './schema-snapshot';
