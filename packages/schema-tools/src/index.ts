// Build-time tooling for the graph, used by scripts/ and tests; never loaded by a running service.
export { composeSupergraph, readSubgraphSchemas, CompositionError, type SubgraphSource } from './compose';
export { buildAppManifests, appOfSource, clientBody, printJson, type AppManifests } from './app-manifest';
export { checkManifests, describeReport, coordinatesUsed, type MobileSchemaReport, type BrokenOperation, type DeprecationUse, type ChangeImpact } from './mobile-schema-check';
export { printServedSchema, diffSnapshots, describeChanges, type SchemaChange } from './schema-snapshot';
