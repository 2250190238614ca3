/**
 * Writes this repository's own app's trusted-document manifest, from contract/mobile.graphql, in
 * both formats the mobile BFF reads, named after the app version in its `# app:` line:
 *
 *   gateways/mobile-bff/trusted-documents/<app>@<version>.json   Apollo persisted query manifest (served by default)
 *   gateways/mobile-bff/persisted-documents/<app>@<version>.json GraphQL Code Generator's hash → text map
 *
 * Manifests of other versions in those folders are left alone: an older app version stays live
 * until its file is removed.
 *
 *   npm run trusted-documents            # write both
 *   npm run trusted-documents -- --check # exit 1 when either committed file is stale
 */
import { REPO_ROOT } from '@shop/bff';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { buildAppManifests, printJson } from '@shop/schema-tools';

export const APP_SOURCE = join(REPO_ROOT, 'contract', 'mobile.graphql');
export const APOLLO_MANIFESTS = join(REPO_ROOT, 'gateways', 'mobile-bff', 'trusted-documents');
export const CODEGEN_MANIFESTS = join(REPO_ROOT, 'gateways', 'mobile-bff', 'persisted-documents');

function main(): number {
  const built = buildAppManifests(readFileSync(APP_SOURCE, 'utf8'));
  const name = `${built.app}@${built.version}.json`;
  const outputs = [
    { file: join(APOLLO_MANIFESTS, name), text: printJson(built.apollo) },
    { file: join(CODEGEN_MANIFESTS, name), text: printJson(built.hashMap) },
  ];
  const check = process.argv.includes('--check');
  let stale = 0;
  for (const { file, text } of outputs) {
    const shown = relative(process.cwd(), file);
    const current = existsSync(file) ? readFileSync(file, 'utf8') : '';
    if (current === text) {
      console.log(`${shown} is up to date (${built.operations.length} operations)`);
      continue;
    }
    if (check) {
      stale += 1;
      console.error(`${shown} is stale: run \`npm run trusted-documents\` and commit it (or bump the app version in contract/mobile.graphql)`);
      continue;
    }
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, text);
    console.log(`wrote ${shown} (${built.operations.length} operations)`);
  }
  if (!check) for (const op of built.operations) console.log(`${op.id}  ${op.name}`);
  return stale > 0 ? 1 : 0;
}

if (require.main === module) process.exitCode = main();
