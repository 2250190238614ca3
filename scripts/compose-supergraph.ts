/**
 * Composes subgraphs/<name>/schema.graphql into gateways/supergraph.graphql, the file both BFFs
 * load (they never introspect running subgraphs). Subgraph URLs in the file are the local
 * defaults (http://localhost:400x/graphql); each BFF overrides them from its configuration.
 *
 *   npm run compose-supergraph            # write the file
 *   npm run compose-supergraph -- --check # exit 1 when the committed file is stale
 */
import { REPO_ROOT } from '@shop/bff';
import { CompositionError, composeSupergraph, readSubgraphSchemas } from '@shop/schema-tools';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const SUPERGRAPH_FILE = join(REPO_ROOT, 'gateways', 'supergraph.graphql');

function main(): number {
  const subgraphs = readSubgraphSchemas(REPO_ROOT);
  let sdl: string;
  try {
    sdl = composeSupergraph(subgraphs);
  } catch (e) {
    if (e instanceof CompositionError) {
      console.error(e.message);
      return 1;
    }
    throw e;
  }
  const names = subgraphs.map((s) => s.name).join(', ');
  const current = existsSync(SUPERGRAPH_FILE) ? readFileSync(SUPERGRAPH_FILE, 'utf8') : '';
  const file = relative(process.cwd(), SUPERGRAPH_FILE);
  if (process.argv.includes('--check')) {
    if (current === sdl) {
      console.log(`${file} is up to date (${names})`);
      return 0;
    }
    console.error(`${file} is stale: run \`npm run compose-supergraph\` and commit it`);
    return 1;
  }
  if (current === sdl) {
    console.log(`${file} unchanged (${names})`);
    return 0;
  }
  writeFileSync(SUPERGRAPH_FILE, sdl);
  console.log(`wrote ${file} from ${names}`);
  return 0;
}

process.exitCode = main();
