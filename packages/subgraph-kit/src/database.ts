import { EVENTS_MIGRATIONS_DIR, type SqlTx } from '@shop/events';
import { openServiceDatabase, type ServiceDatabase, type ServiceDatabaseOptions } from '@shop/service-kit/database';
import type { AnySubgraphDefinition, SubgraphPrisma } from './define-subgraph';

type Defined<P> = Pick<AnySubgraphDefinition, 'name'> & { database: { createPrisma: (...args: never[]) => P; migrationsDir: string } };

/**
 * Opens (creating and migrating it if needed) a subgraph's database: PostgreSQL when a URL is
 * given, else an embedded PGlite in `dataDir` ("memory://" keeps it in memory). The event
 * backbone's tables come first, then the subgraph's own migrations.
 */
export function openSubgraphDatabase<P extends SubgraphPrisma<SqlTx>>(definition: Defined<P>, options: ServiceDatabaseOptions): Promise<ServiceDatabase<P>> {
  return openServiceDatabase({
    ...options,
    service: definition.name,
    migrationsDirs: [EVENTS_MIGRATIONS_DIR, definition.database.migrationsDir],
    createPrisma: definition.database.createPrisma as Parameters<typeof openServiceDatabase<P>>[0]['createPrisma'],
  });
}
