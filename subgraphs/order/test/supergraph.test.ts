import { composeServices } from '@apollo/composition';
import { operationFromDocument, Supergraph } from '@apollo/federation-internals';
import { QueryPlanner, type FetchNode, type PlanNode, type QueryPlan, type SubscriptionNode } from '@apollo/query-planner';
import { parse, type DocumentNode } from 'graphql';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// Order's schema in the composed supergraph: it composes with every other subgraph, and the
// contract's order documents are planned with one fetch to order and at most one to catalog
// (the product names of every line of every order of a page in a single `_entities` call).
const root = join(__dirname, '..', '..', '..');
const subgraphs = readdirSync(join(root, 'subgraphs'))
  .filter((name) => existsSync(join(root, 'subgraphs', name, 'schema.graphql')))
  .map((name) => ({ name, url: `http://${name}.test/graphql`, typeDefs: parse(readFileSync(join(root, 'subgraphs', name, 'schema.graphql'), 'utf8')) }));

const composition = composeServices(subgraphs);
const contract = (file: string) => parse(readFileSync(join(root, 'contract', file), 'utf8'));

function plan(document: DocumentNode, operationName: string): QueryPlan {
  if (composition.errors) throw new Error(composition.errors.map((e) => e.message).join('\n'));
  const supergraph = Supergraph.build(composition.supergraphSdl);
  return new QueryPlanner(supergraph).buildQueryPlan(operationFromDocument(supergraph.schema, document, { operationName }));
}

function fetchNodes(node: PlanNode | SubscriptionNode | undefined): FetchNode[] {
  if (!node) return [];
  switch (node.kind) {
    case 'Fetch':
      return [node];
    case 'Flatten':
      return fetchNodes(node.node);
    case 'Sequence':
    case 'Parallel':
      return node.nodes.flatMap(fetchNodes);
    default:
      throw new Error(`unexpected plan node ${node.kind}`);
  }
}
const services = (operation: QueryPlan) =>
  fetchNodes(operation.node).reduce<Record<string, number>>((acc, f) => ({ ...acc, [f.serviceName]: (acc[f.serviceName] ?? 0) + 1 }), {});

describe('order in the supergraph', () => {
  it('composes with every subgraph without errors', () => {
    expect(subgraphs.map((s) => s.name)).toContain('order');
    expect(composition.errors?.map((e) => e.message)).toBeUndefined();
  });

  it.each([
    ['storefront.graphql', 'Order'],
    ['storefront.graphql', 'MyOrders'],
  ])('%s %s: one fetch to order, the product names from catalog in one batch', (file, operation) => {
    expect(services(plan(contract(file), operation))).toEqual({ order: 1, catalog: 1 });
  });

  it.each([
    ['storefront.graphql', 'CancelOrder'],
    ['admin.graphql', 'ShipOrder'],
    ['mobile.graphql', 'MobileOrders'],
  ])('%s %s: served by order alone', (file, operation) => {
    expect(services(plan(contract(file), operation))).toEqual({ order: 1 });
  });
});
