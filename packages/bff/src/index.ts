export * from './config';
export type { BffContext } from './context';
export { startBff, resolveSubgraphs, type BffDeps, type RunningBff } from './server';
export { subgraphsOf } from './supergraph/subgraphs';
export { applyContract, type ContractFilter } from './supergraph/contract';
export { apiSchemaOf, printApiSchema } from './supergraph/api-schema';
export { servedSupergraphSdl } from './supergraph/served';
export { withBffSubscriptions } from './supergraph/subscriptions';
export { buildTrustedManifest, printManifest, documentHash, canonicalDocumentText, type TrustedManifest } from './trusted-documents/manifest';
