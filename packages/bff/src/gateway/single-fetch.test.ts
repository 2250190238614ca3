import { ApolloGateway, type GraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayExecutor, GatewayGraphQLRequestContext, GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import {
  getNamedType,
  isEnumType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  parse,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SUPERGRAPH_PATH, REPO_ROOT } from '../config';
import { forwardedData, stringifyResult } from './forwarded-data';
import { singleFetchExecutor, singleFetchPlans, type ForwardingDataSource } from './single-fetch';

const supergraphSdl = readFileSync(DEFAULT_SUPERGRAPH_PATH, 'utf8');
const contract = ['storefront', 'mobile', 'admin'].map((name) => readFileSync(join(REPO_ROOT, 'contract', `${name}.graphql`), 'utf8')).join('\n');
const contractDocument = parse(contract);
const queries = contractDocument.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION && d.operation === 'query').map((d) => d.name!.value);

/**
 * A subgraph standing in for every one: answers any query with data made from its selection set
 * (deterministic values, some nullable fields null), or with what a test says. Records each request.
 */
class FakeSubgraphs implements GraphQLDataSource<Record<string, unknown>>, ForwardingDataSource {
  readonly requests: { query: string; variables: unknown }[] = [];
  answer?: (request: GraphQLDataSourceProcessOptions['request']) => GatewayGraphQLResponse;

  schema!: GraphQLSchema;

  /** as the BFF's data source: the answer goes over the wire as JSON text and is read as forwarded data when it is data alone */
  async processForwarded(options: GraphQLDataSourceProcessOptions, rootKeys: readonly string[]): Promise<GatewayGraphQLResponse> {
    const text = JSON.stringify(await this.process(options));
    const data = forwardedData(text, rootKeys);
    return data ? { data } : (JSON.parse(text) as GatewayGraphQLResponse);
  }

  async process({ request }: GraphQLDataSourceProcessOptions<Record<string, unknown>>): Promise<GatewayGraphQLResponse> {
    this.requests.push({ query: request.query!, variables: request.variables });
    if (this.answer) return this.answer(request);
    const document = parse(request.query!);
    const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
    const fragments = new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]));
    let counter = 0;
    const valueOf = (type: GraphQLOutputType, selectionSet: SelectionSetNode | undefined): unknown => {
      counter += 1;
      if (!isNonNullType(type) && counter % 7 === 0) return null;
      const inner = isNonNullType(type) ? type.ofType : type;
      if (isListType(inner)) return [valueOf(inner.ofType, selectionSet), valueOf(inner.ofType, selectionSet)];
      const named = getNamedType(inner);
      if (isObjectType(named)) return objectOf(named, selectionSet!, {});
      if (isEnumType(named)) return named.getValues()[counter % named.getValues().length].name;
      if (named.name === 'Int') return counter;
      if (named.name === 'Float') return counter + 0.5;
      if (named.name === 'Boolean') return counter % 2 === 0;
      return `${named.name}-${counter}`;
    };
    const objectOf = (type: GraphQLObjectType, selectionSet: SelectionSetNode, into: Record<string, unknown>): Record<string, unknown> => {
      for (const selection of selectionSet.selections) {
        if (selection.kind === Kind.FIELD) {
          const key = selection.alias?.value ?? selection.name.value;
          const field = type.getFields()[selection.name.value];
          if (selection.name.value === '__typename') into[key] = type.name;
          else if (selection.name.value === '_entities') into[key] = entitiesOf(selection.selectionSet!);
          else into[key] = field ? valueOf(field.type, selection.selectionSet) : `${selection.name.value}-${counter}`;
        } else {
          const set = selection.kind === Kind.INLINE_FRAGMENT ? selection.selectionSet : fragments.get(selection.name.value)!.selectionSet;
          objectOf(type, set, into);
        }
      }
      return into;
    };
    // an entity fetch: each representation answered with its type's fragment
    const entitiesOf = (selectionSet: SelectionSetNode) =>
      ((request.variables?.representations ?? []) as { __typename: string }[]).map((representation) => {
        const type = this.schema.getType(representation.__typename) as GraphQLObjectType;
        const entity: Record<string, unknown> = {};
        for (const selection of selectionSet.selections) {
          if (selection.kind === Kind.INLINE_FRAGMENT && selection.typeCondition?.name.value === type.name) objectOf(type, selection.selectionSet, entity);
        }
        return entity;
      });
    return { data: objectOf(this.schema.getQueryType()!, operation.selectionSet, {}) };
  }
}

async function setUp() {
  const fakes = new FakeSubgraphs();
  const gateway = new ApolloGateway({ supergraphSdl, buildService: () => fakes });
  const loaded = await gateway.load();
  const gatewaySchema = loaded.schema;
  fakes.schema = gatewaySchema;
  let gatewayCalls = 0;
  const counted: GatewayExecutor = (requestContext) => {
    gatewayCalls += 1;
    return loaded.executor(requestContext);
  };
  const fast = singleFetchExecutor(counted, { supergraphSdl, dataSource: () => fakes });
  const requestOf = (document: DocumentNode, operationName: string, variables: Record<string, unknown> = {}) =>
    ({ request: { query: '', operationName, variables }, document, operationName, queryHash: operationName, schema: gatewaySchema, context: {}, metrics: {}, logger: console, cache: undefined, overallCachePolicy: undefined }) as unknown as GatewayGraphQLRequestContext;
  return {
    fakes,
    schema: gatewaySchema,
    gatewayCalls: () => gatewayCalls,
    /** the same request through the gateway alone and through the single-fetch executor */
    both: async (document: DocumentNode, operationName: string, variables?: Record<string, unknown>) => {
      const byGateway = await loaded.executor(requestOf(document, operationName, variables));
      const before = gatewayCalls;
      const direct = await fast(requestOf(document, operationName, variables));
      return { byGateway, direct, forwarded: gatewayCalls === before };
    },
    stop: () => gateway.stop(),
  };
}

const json = (value: unknown) => JSON.stringify(value, (_k, v: unknown) => (v instanceof Error ? { message: v.message, path: (v as { path?: unknown }).path, extensions: (v as { extensions?: unknown }).extensions } : v));

describe('single-fetch plans answered without re-shaping', () => {
  let bench: Awaited<ReturnType<typeof setUp>>;
  beforeAll(async () => {
    bench = await setUp();
  });
  afterAll(() => bench.stop());
  beforeEach(() => {
    bench.fakes.answer = undefined;
  });

  it('every query of the contract: the same answer, key for key and in order, as the gateway gives', async () => {
    const forwarded: string[] = [];
    for (const name of queries) {
      const { byGateway, direct, forwarded: wasForwarded } = await bench.both(contractDocument, name, { id: 'p1', first: 3 });
      expect({ name, answer: json(direct) }).toEqual({ name, answer: json(byGateway) });
      // as written to the client: a forwarded answer with the subgraph's text, the same bytes as the gateway's
      if (!direct.errors) expect({ name, written: stringifyResult(direct) }).toEqual({ name, written: stringifyResult(byGateway) });
      if (wasForwarded) forwarded.push(name);
    }
    // the catalog's own queries are single fetches; the cart (discount's @requires) and the orders (catalog products) are not
    expect(forwarded).toEqual(expect.arrayContaining(['Facets', 'Products', 'Product']));
    expect(forwarded).not.toContain('Cart');
  });

  it('a subgraph error is passed on as the gateway passes it: path, code, serviceName; data as the subgraph gave it', async () => {
    bench.fakes.answer = () => ({ data: { product: null }, errors: [{ message: 'Product is gone', path: ['product'], extensions: { code: 'NOT_FOUND' } }, { message: '' }] });
    const { byGateway, direct, forwarded } = await bench.both(contractDocument, 'Product', { id: 'p1' });
    expect(forwarded).toBe(true);
    expect(json(direct)).toEqual(json(byGateway));
    expect(direct.errors?.[0].extensions).toEqual({ code: 'NOT_FOUND', serviceName: 'catalog' });
    expect(direct.errors?.[1].extensions?.code).toBe('DOWNSTREAM_SERVICE_ERROR');
  });

  it('no data from the subgraph (it was unavailable): each nullable root field null, or no data, as the gateway answers', async () => {
    bench.fakes.answer = () => ({ errors: [{ message: 'The catalog service is unavailable', extensions: { code: 'SUBGRAPH_UNAVAILABLE' } }] });
    const { byGateway, direct } = await bench.both(contractDocument, 'Products', { first: 2 });
    expect(json(direct)).toEqual(json(byGateway));
    expect(direct.data).toBeNull(); // products is non-null
    const nullable = await bench.both(contractDocument, 'Product', { id: 'p1' });
    expect(json(nullable.direct)).toEqual(json(nullable.byGateway));
    expect(nullable.direct.data).toEqual({ product: null });
  });

  it('variables that do not fit the operation: the gateway\'s errors, and no subgraph request', async () => {
    const sent = bench.fakes.requests.length;
    const { byGateway, direct } = await bench.both(contractDocument, 'Products', { first: 'many' });
    expect(json(direct)).toEqual(json(byGateway));
    expect(direct.errors?.[0].message).toMatch(/\$first/);
    expect(bench.fakes.requests.length).toBe(sent);
  });

  it('only the variables the subgraph query uses are sent, as the client gave them', async () => {
    await bench.both(contractDocument, 'Product', { id: 'p9', unused: 1 });
    expect(bench.fakes.requests.at(-1)!.variables).toEqual({ id: 'p9' });
  });

  it('what the gateway must shape goes to the gateway: a directive, a fragment on another type, root __typename, introspection', async () => {
    const decide = singleFetchPlans(supergraphSdl);
    const decided = (query: string) => decide(bench.schema, parse(query), undefined) !== undefined;
    expect(decided('{ product(id: "1") { id name } }')).toBe(true);
    expect(decided('{ product(id: "1") { ...on Product { id } } }')).toBe(true);
    expect(decided('query ($x: Boolean!) { product(id: "1") { id name @include(if: $x) } }')).toBe(false);
    expect(decided('{ __typename product(id: "1") { id } }')).toBe(false);
    expect(decided('{ __schema { queryType { name } } }')).toBe(false);
    expect(decided('{ cart { id total { amount } } }')).toBe(false);
    expect(decided('mutation { removeCoupon { cart { id } } }')).toBe(false);
  });

  it('aliases and a root field asked twice: forwarded, the same answer', async () => {
    const document = parse('query Twice($id: ID!) { first: product(id: $id) { id label: name } again: product(id: $id) { name } }');
    const { byGateway, direct, forwarded } = await bench.both(document, 'Twice', { id: 'p1' });
    expect(forwarded).toBe(true);
    expect(json(direct)).toEqual(json(byGateway));
  });

  it("a plan whose subgraph query orders the fields otherwise (a fragment's fields merged) goes to the gateway: the answer keeps the client's order", async () => {
    const document = parse(`
      query Mixed($id: ID!) { first: product(id: $id) { id n: name ...More } again: product(id: $id) { name } }
      fragment More on Product { name price { amount } n: name }`);
    const { byGateway, direct, forwarded } = await bench.both(document, 'Mixed', { id: 'p1' });
    expect(forwarded).toBe(false);
    expect(json(direct)).toEqual(json(byGateway));
  });
});
