import { EVENTS_MIGRATIONS_DIR } from '@shop/events';
import { openServiceDatabase, type ServiceDatabase, type ServiceDatabaseOptions } from '@shop/service-kit/database';
import type { AnySubgraphDefinition } from './define-subgraph';

/**
 * Opens (creating and migrating it if needed) a subgraph's database: PostgreSQL when a URL is
 * given, else an embedded PGlite in `dataDir` ("memory://" keeps it in memory). The event
 * backbone's tables come first, then the subgraph's own migrations.
 */
export function openSubgraphDatabase(definition: Pick<AnySubgraphDefinition, 'name' | 'database'>, options: ServiceDatabaseOptions): Promise<ServiceDatabase> {
  return openServiceDatabase({
    ...options,
    service: definition.name,
    migrationsDirs: [EVENTS_MIGRATIONS_DIR, definition.database.migrationsDir],
    transactions: definition.database.transactions,
  });
}
