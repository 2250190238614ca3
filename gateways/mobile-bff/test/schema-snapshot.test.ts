import { REPO_ROOT } from '@shop/bff';
import { describeChanges, diffSnapshots, printServedSchema } from '@shop/schema-tools';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MOBILE_SCHEMA_FILTER } from '../src/config';

// the schema this BFF serves is part of its contract with clients: any change fails here, with a
// breaking/dangerous/safe classification, until the snapshot is regenerated on purpose
it('the mobile BFF serves exactly its committed schema snapshot (else `npm run schema-snapshots`)', async () => {
  const supergraph = readFileSync(join(REPO_ROOT, 'gateways', 'supergraph.graphql'), 'utf8');
  const current = await printServedSchema(supergraph, MOBILE_SCHEMA_FILTER);
  const snapshot = readFileSync(join(REPO_ROOT, 'gateways', 'mobile-bff', 'schema.snapshot.graphql'), 'utf8');
  if (current !== snapshot) throw new Error(describeChanges('mobile', await diffSnapshots(snapshot, current)));
});
