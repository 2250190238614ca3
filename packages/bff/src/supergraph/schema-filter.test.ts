import { parse } from 'graphql';
import { apiSchemaOf } from './api-schema';
import { composeSupergraph } from '@shop/schema-tools';
import { applySchemaFilter } from './schema-filter';

const catalog = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@tag"])
  type Query { products: [Product!]! secretReport: Report @tag(name: "admin") }
  type Report { total: Int! }
  type Product @key(fields: "id") { id: ID! name: String! cost: Int @tag(name: "admin") }
  input CreateProductInput { name: String! }
  type CreateProductPayload { product: Product }
  type Mutation { createProduct(input: CreateProductInput!): CreateProductPayload! renameProduct(id: ID!, name: String!): Product }
`);
const supergraph = composeSupergraph([{ name: 'catalog', url: 'http://localhost:4001/graphql', typeDefs: catalog }]);

describe('applySchemaFilter', () => {
  it('hides listed fields, tagged fields, and the types only they reached; keeps the rest', async () => {
    const schema = await apiSchemaOf(applySchemaFilter(supergraph, { excludeTags: ['admin'], excludeFields: ['Mutation.createProduct'] }));
    expect(Object.keys(schema.getMutationType()!.getFields())).toEqual(['renameProduct']);
    expect(Object.keys(schema.getQueryType()!.getFields())).toEqual(['products']);
    expect(Object.keys((schema.getType('Product') as { getFields(): object }).getFields())).toEqual(['id', 'name']);
    for (const gone of ['CreateProductInput', 'CreateProductPayload', 'Report']) expect(schema.getType(gone)).toBeUndefined();
  });

  it('an empty filter changes nothing the API shows', async () => {
    const schema = await apiSchemaOf(applySchemaFilter(supergraph, {}));
    expect(Object.keys(schema.getMutationType()!.getFields())).toEqual(['createProduct', 'renameProduct']);
    expect(schema.getType('Report')).toBeDefined();
  });
});
