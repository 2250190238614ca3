import { composeServices } from '@apollo/composition';
import { operationFromDocument, Supergraph } from '@apollo/federation-internals';
import { QueryPlanner, type FetchNode, type PlanNode, type SubscriptionNode } from '@apollo/query-planner';
import { parse } from 'graphql';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// Payment's schema in the composed supergraph: it composes with every other subgraph, and the
// contract's payment documents (../shared/contract: OrderPayment, RefundOrder) are planned with
// every order's payment from ONE _entities fetch to payment.
const root = join(__dirname, '..', '..', '..');
const subgraphs = readdirSync(join(root, 'subgraphs'))
  .filter((name) => existsSync(join(root, 'subgraphs', name, 'schema.graphql')))
  .map((name) => ({ name, url: `http://${name}.test/graphql`, typeDefs: parse(readFileSync(join(root, 'subgraphs', name, 'schema.graphql'), 'utf8')) }));
const composition = composeServices(subgraphs);

const MONEY = '{ amount currencyCode }';
const PAYMENT = `payment { status method { brand last4 } authorized ${MONEY} captured ${MONEY} refunded ${MONEY} events { kind amount ${MONEY} at } }`;
const DOCUMENTS = parse(/* GraphQL */ `
  query OrderPayment($id: ID!) { order(id: $id) { id status statusReason total ${MONEY} ${PAYMENT} } }
  query MyOrderPayments { myOrders(first: 20) { edges { node { id ${PAYMENT} } } } }
  mutation RefundOrder($orderId: ID!, $amount: Decimal!, $idempotencyKey: ID!, $reason: String) {
    refundOrder(orderId: $orderId, amount: $amount, idempotencyKey: $idempotencyKey, reason: $reason) {
      order { id status payment { status captured ${MONEY} refunded ${MONEY} } }
      userErrors { code message field }
    }
  }
`);

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
const fetches = (operationName: string) => {
  if (composition.errors) throw new Error(composition.errors.map((e) => e.message).join('\n'));
  const supergraph = Supergraph.build(composition.supergraphSdl);
  const plan = new QueryPlanner(supergraph).buildQueryPlan(operationFromDocument(supergraph.schema, DOCUMENTS, { operationName }));
  return fetchNodes(plan.node).map((f) => f.serviceName);
};

describe('payment in the supergraph', () => {
  it('composes with every subgraph without errors', () => {
    expect(subgraphs.map((s) => s.name)).toEqual(expect.arrayContaining(['order', 'payment']));
    expect(composition.errors?.map((e) => e.message)).toBeUndefined();
  });

  it.each(['OrderPayment', 'MyOrderPayments'])('%s: the orders from order, then every payment in one fetch to payment', (operation) => {
    expect(fetches(operation)).toEqual(['order', 'payment']);
  });

  it('RefundOrder: the mutation on payment, the order status from order, its payment from payment', () => {
    const services = fetches('RefundOrder');
    expect(services[0]).toBe('payment');
    expect(services).toContain('order');
  });
});
