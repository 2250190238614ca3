import { composeServices } from '@apollo/composition';
import { operationFromDocument, Supergraph } from '@apollo/federation-internals';
import { QueryPlanner, type FetchNode, type PlanNode, type QueryPlan, type SubscriptionNode } from '@apollo/query-planner';
import { parse, type DocumentNode } from 'graphql';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// Discount's schema in the composed supergraph: it composes with every other subgraph, and the
// contract's cart documents are planned with ONE fetch per subgraph (the totals of a whole cart
// come from one `_entities` call to discount, carrying the subtotal cart resolved).
const root = join(__dirname, '..', '..', '..');
const subgraphs = readdirSync(join(root, 'subgraphs'))
  .filter((name) => existsSync(join(root, 'subgraphs', name, 'schema.graphql')))
  .map((name) => ({ name, url: `http://${name}.test/graphql`, typeDefs: parse(readFileSync(join(root, 'subgraphs', name, 'schema.graphql'), 'utf8')) }));

const composition = composeServices(subgraphs);
const contract = (file: string) => parse(readFileSync(join(root, 'contract', file), 'utf8'));

function plan(document: DocumentNode, operationName: string): QueryPlan {
  if (composition.errors) throw new Error(composition.errors.map((e) => e.message).join('\n'));
  const supergraph = Supergraph.build(composition.supergraphSdl);
  const operation = operationFromDocument(supergraph.schema, document, { operationName });
  return new QueryPlanner(supergraph).buildQueryPlan(operation);
}

/** Every fetch of the plan, in plan order (the cart documents have no subscriptions). */
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
const fetches = (node: PlanNode | SubscriptionNode | undefined) => fetchNodes(node).map((f) => f.serviceName);

const count = (list: string[]) => list.reduce<Record<string, number>>((acc, s) => ({ ...acc, [s]: (acc[s] ?? 0) + 1 }), {});

describe('discount in the supergraph', () => {
  it('composes with every subgraph without errors', () => {
    expect(subgraphs.map((s) => s.name)).toEqual(expect.arrayContaining(['cart', 'discount']));
    expect(composition.errors?.map((e) => e.message)).toBeUndefined();
  });

  it('Cart with totals: one fetch to cart, then ONE _entities fetch to discount with the subtotal', () => {
    const plan_ = plan(contract('storefront.graphql'), 'Cart');
    const services = fetches(plan_.node);
    expect(count(services)).toEqual({ cart: 1, discount: 1, catalog: 1 });
    expect(services.indexOf('cart')).toBeLessThan(services.indexOf('discount'));
    // the discount fetch sends the subtotal it @requires with each cart's key
    const discountFetch = fetchNodes(plan_.node).find((f) => f.serviceName === 'discount')!;
    expect(JSON.stringify(discountFetch.requires)).toContain(
      JSON.stringify({ kind: 'Field', name: 'subtotal', selections: [{ kind: 'Field', name: 'amount' }, { kind: 'Field', name: 'currencyCode' }] }),
    );
    expect(discountFetch.operation).toMatch(/_entities\(representations:\$representations\)\{\.\.\.on Cart\{appliedCoupon/);
  });

  it.each([
    ['storefront.graphql', 'ApplyCoupon'],
    ['storefront.graphql', 'RemoveCoupon'],
    ['mobile.graphql', 'MobileApplyCoupon'],
  ])('%s %s: the mutation on discount, the cart from cart once, totals from discount once', (file, operation) => {
    const services = fetches(plan(contract(file), operation).node);
    expect(services[0]).toBe('discount');
    expect(count(services)).toMatchObject({ cart: 1, discount: 2 });
  });

  it('mobile Cart: same shape, one fetch per subgraph', () => {
    expect(count(fetches(plan(contract('mobile.graphql'), 'MobileCart').node))).toMatchObject({ cart: 1, discount: 1 });
  });
});
