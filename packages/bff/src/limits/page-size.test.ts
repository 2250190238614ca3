import { buildSchema, parse, print } from 'graphql';
import { enforcePageSize } from './page-size';

const schema = buildSchema(`
  type Query { products(first: Int = 20, after: String): ProductConnection! product(id: ID!): Product tags(first: Int): [String!]! }
  type ProductConnection { edges: [ProductEdge!]! }
  type ProductEdge { node: Product! }
  type Product { id: ID! related(first: Int): ProductConnection! }
`);

const run = (query: string, variables: Record<string, unknown> = {}, limits = { maxFirst: 50, defaultFirst: 10 }) =>
  enforcePageSize(schema, parse(query), variables, limits);

describe('page size (first) on connection fields', () => {
  it('first over the cap, literal → BAD_USER_INPUT naming the field', () => {
    expect(() => run('{ products(first: 10000) { edges { node { id } } } }')).toThrow('first must be between 0 and 50 on Query.products (got 10000)');
  });

  it('first over the cap through a variable, or a variable default → BAD_USER_INPUT', () => {
    expect(() => run('query($n: Int) { products(first: $n) { edges { node { id } } } }', { n: 51 })).toThrow(/got 51/);
    expect(() => run('query($n: Int = 99) { products(first: $n) { edges { node { id } } } }')).toThrow(/got 99/);
  });

  it('negative first → BAD_USER_INPUT', () => {
    expect(() => run('{ products(first: -1) { edges { node { id } } } }')).toThrow(/got -1/);
  });

  it('nested connections inside fragments are checked too', () => {
    expect(() => run('{ products(first: 5) { edges { node { ...P } } } } fragment P on Product { related(first: 500) { edges { node { id } } } }')).toThrow(/Product.related \(got 500\)/);
  });

  it('absent first → the default as a literal argument; a non-connection list is left alone', () => {
    const { document } = run('{ products { edges { node { id } } } tags }');
    expect(print(document)).toContain('products(first: 10)');
    expect(print(document)).toContain('tags\n');
  });

  it('literal null → the default', () => {
    expect(print(run('{ products(first: null) { edges { node { id } } } }').document)).toContain('products(first: 10)');
  });

  it('a variable left out or null → the variable gets the default; a given one is kept', () => {
    const q = 'query($n: Int) { products(first: $n) { edges { node { id } } } }';
    expect(run(q).variables).toEqual({ n: 10 });
    expect(run(q, { n: null }).variables).toEqual({ n: 10 });
    expect(run(q, { n: 7 }).variables).toEqual({ n: 7 });
  });

  it('planned once per document: the same parsed document gets the same rewrite, variables still checked per request', () => {
    const doc = parse('query($n: Int) { products(first: $n) { edges { node { id } } } tags }');
    const first = enforcePageSize(schema, doc, { n: 5 }, { maxFirst: 50, defaultFirst: 10 });
    const second = enforcePageSize(schema, doc, {}, { maxFirst: 50, defaultFirst: 10 });
    expect(second.document).toBe(first.document);
    expect(second.variables).toEqual({ n: 10 });
    expect(() => enforcePageSize(schema, doc, { n: 51 }, { maxFirst: 50, defaultFirst: 10 })).toThrow(/got 51/);
  });

  it('without a default nothing is rewritten', () => {
    const doc = parse('{ products { edges { node { id } } } }');
    const result = enforcePageSize(schema, doc, {}, { maxFirst: 100 });
    expect(result.document).toBe(doc);
  });
});
