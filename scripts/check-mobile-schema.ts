/**
 * Checks the mobile schema about to ship against every live app version's manifest:
 *
 *   npm run check-mobile-schema                               # the served folder, schema from gateways/supergraph.graphql
 *   npm run check-mobile-schema -- --manifests dir,file.json  # other manifests (default: MOBILE_BFF_TRUSTED_DOCUMENTS or the served folder)
 *   npm run check-mobile-schema -- --schema next.graphql      # another schema (SDL of the API schema)
 *
 * Exit 1 when an operation of a live version no longer validates (the report names the version);
 * breaking changes since gateways/mobile-bff/schema.snapshot.graphql and deprecations still in use
 * are listed either way.
 */
import { readManifests, REPO_ROOT, TrustedDocumentsError } from '@shop/bff';
import { checkManifests, describeReport, diffSnapshots, printServedSchema } from '@shop/schema-tools';
import { buildSchema } from 'graphql';
import { readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { DEFAULT_TRUSTED_DOCUMENTS_PATH, MOBILE_SCHEMA_FILTER } from '../gateways/mobile-bff/src/config';

const SNAPSHOT = join(REPO_ROOT, 'gateways', 'mobile-bff', 'schema.snapshot.graphql');

const option = (name: string): string | undefined => {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
};

async function main(): Promise<number> {
  const sources = (option('--manifests') ?? process.env.MOBILE_BFF_TRUSTED_DOCUMENTS ?? DEFAULT_TRUSTED_DOCUMENTS_PATH)
    .split(',')
    .flatMap((p) => p.split(delimiter))
    .filter((p) => p !== '');
  const schemaFile = option('--schema');
  const nextSdl = schemaFile ? readFileSync(schemaFile, 'utf8') : await printServedSchema(readFileSync(join(REPO_ROOT, 'gateways', 'supergraph.graphql'), 'utf8'), MOBILE_SCHEMA_FILTER);
  const snapshot = readFileSync(SNAPSHOT, 'utf8');
  let manifests;
  try {
    manifests = readManifests(sources);
  } catch (e) {
    if (!(e instanceof TrustedDocumentsError)) throw e;
    console.error(`The manifests cannot be read:\n  ${e.problems.join('\n  ')}`);
    return 1;
  }
  const report = checkManifests(manifests, buildSchema(nextSdl), { schema: buildSchema(snapshot), changes: await diffSnapshots(snapshot, nextSdl) });
  const text = describeReport(report);
  if (report.brokenVersions.length > 0) console.error(text);
  else console.log(text);
  return report.brokenVersions.length > 0 ? 1 : 0;
}

main().then((code) => {
  process.exitCode = code;
});
