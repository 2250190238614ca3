import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, subgraphsOf } from '@shop/bff';
import { localSubgraphUrl } from '@shop/services';
import { composeSupergraph, readSubgraphSchemas } from '../src/compose';

// composing the supergraph is a test: a subgraph schema change that does not compose, or that was
// not composed into the committed file the BFFs load, fails here
describe('gateways/supergraph.graphql', () => {
  const subgraphs = readSubgraphSchemas(REPO_ROOT);
  const committed = readFileSync(join(REPO_ROOT, 'gateways', 'supergraph.graphql'), 'utf8');

  it('the subgraph schemas compose', () => {
    expect(() => composeSupergraph(subgraphs)).not.toThrow();
  });

  it('is what composing subgraphs/*/schema.graphql gives today (else run `npm run compose-supergraph`)', () => {
    const fresh = composeSupergraph(subgraphs);
    if (fresh !== committed) throw new Error('gateways/supergraph.graphql is stale: run `npm run compose-supergraph` and commit it');
  });

  it('records every subgraph at its default local URL (the BFFs override URLs from config)', () => {
    expect(subgraphsOf(committed)).toEqual(subgraphs.map((s) => ({ name: s.name, url: localSubgraphUrl(s.name) })));
  });
});
