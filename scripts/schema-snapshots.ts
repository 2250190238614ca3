/**
 * Writes each BFF's schema snapshot (gateways/<bff>/schema.snapshot.graphql): the API schema it
 * serves from gateways/supergraph.graphql, schema filter applied. Tests fail on any difference until
 * this is run on purpose.
 *
 *   npm run schema-snapshots            # write both snapshots, listing what changed
 *   npm run schema-snapshots -- --check # exit 1 when a snapshot is stale
 */
import { REPO_ROOT, type SchemaFilter } from '@shop/bff';
import { describeChanges, diffSnapshots, printServedSchema } from '@shop/schema-tools';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { MOBILE_SCHEMA_FILTER } from '../gateways/mobile-bff/src/config';

/** Each BFF whose served schema is kept as a committed snapshot, and the schema filter it applies. */
const BFF_SNAPSHOTS: { name: string; file: string; schemaFilter?: SchemaFilter }[] = [
  { name: 'web BFF', file: join(REPO_ROOT, 'gateways', 'web-bff', 'schema.snapshot.graphql') },
  { name: 'mobile BFF', file: join(REPO_ROOT, 'gateways', 'mobile-bff', 'schema.snapshot.graphql'), schemaFilter: MOBILE_SCHEMA_FILTER },
];

async function main(): Promise<number> {
  const supergraphSdl = readFileSync(join(REPO_ROOT, 'gateways', 'supergraph.graphql'), 'utf8');
  const check = process.argv.includes('--check');
  let stale = 0;
  for (const bff of BFF_SNAPSHOTS) {
    const current = await printServedSchema(supergraphSdl, bff.schemaFilter);
    const committed = existsSync(bff.file) ? readFileSync(bff.file, 'utf8') : '';
    const file = relative(process.cwd(), bff.file);
    if (committed === current) {
      console.log(`${file} is up to date`);
      continue;
    }
    stale += 1;
    if (committed) console.log(describeChanges(bff.name, await diffSnapshots(committed, current)));
    if (!check) {
      writeFileSync(bff.file, current);
      console.log(`wrote ${file}`);
    }
  }
  return check && stale > 0 ? 1 : 0;
}

main().then((code) => {
  process.exitCode = code;
});
