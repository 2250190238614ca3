/**
 * Builds gateways/mobile-bff/trusted-documents.json from contract/mobile.graphql: for each
 * operation, sha256 of its canonical text (the operation, then the fragments it uses, printed by
 * graphql-js) → that text. The app sends the hash as extensions.persistedQuery.sha256Hash.
 *
 *   npm run trusted-documents            # write the manifest
 *   npm run trusted-documents -- --check # exit 1 when the committed manifest is stale
 */
import { buildTrustedManifest, printManifest, REPO_ROOT } from '@shop/bff';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const SOURCE = join(REPO_ROOT, 'contract', 'mobile.graphql');
const MANIFEST = join(REPO_ROOT, 'gateways', 'mobile-bff', 'trusted-documents.json');

function main(): number {
  const { manifest, operations } = buildTrustedManifest(readFileSync(SOURCE, 'utf8'));
  const text = printManifest(manifest);
  const current = existsSync(MANIFEST) ? readFileSync(MANIFEST, 'utf8') : '';
  const file = relative(process.cwd(), MANIFEST);
  if (process.argv.includes('--check')) {
    if (current === text) {
      console.log(`${file} is up to date (${operations.length} operations)`);
      return 0;
    }
    console.error(`${file} is stale: run \`npm run trusted-documents\` and commit it`);
    return 1;
  }
  writeFileSync(MANIFEST, text);
  for (const op of operations) console.log(`${op.hash}  ${op.name}`);
  console.log(`wrote ${file} (${operations.length} operations)`);
  return 0;
}

process.exitCode = main();
