import type { SchemaFilter } from './schema-filter';
import { applySchemaFilter } from './schema-filter';
import { withBffSubscriptions } from './subscriptions';

/**
 * The supergraph one BFF actually serves: the composed file, plus the subscriptions the BFF runs
 * itself, minus what its schema filter hides. Its API schema is what clients see.
 */
export function servedSupergraphSdl(supergraphSdl: string, schemaFilter?: SchemaFilter): string {
  const withSubscriptions = withBffSubscriptions(supergraphSdl);
  return schemaFilter ? applySchemaFilter(withSubscriptions, schemaFilter) : withSubscriptions;
}
