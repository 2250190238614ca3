export * from './config';
export type { BffContext } from './context';
export { startBff, resolveSubgraphs, type BffDeps, type RunningBff } from './server';
export { composeSupergraph, readSubgraphSchemas, subgraphsOf, CompositionError, SUBGRAPH_PORTS, type SubgraphSource } from './supergraph/compose';
export { applyContract, type ContractFilter } from './supergraph/contract';
export { apiSchemaOf, printApiSchema } from './supergraph/api-schema';
export { buildTrustedManifest, printManifest, documentHash, canonicalDocumentText, type TrustedManifest } from './trusted-documents/manifest';
