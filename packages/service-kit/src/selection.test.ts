import { graphql, GraphQLInt, GraphQLObjectType, GraphQLSchema } from 'graphql';
import { asksFor } from './selection';

// A `page` field whose resolver records whether the client asked for `total` under it.
const asked: boolean[] = [];
const Page = new GraphQLObjectType({ name: 'Page', fields: { total: { type: GraphQLInt, resolve: () => 1 }, size: { type: GraphQLInt, resolve: () => 2 } } });
const schema = new GraphQLSchema({
  query: new GraphQLObjectType({
    name: 'Query',
    fields: {
      page: {
        type: Page,
        resolve: (_root, _args, _ctx, info) => {
          asked.push(asksFor(info, 'total'));
          return {};
        },
      },
    },
  }),
});

const asksForTotal = async (source: string, variableValues?: Record<string, unknown>) => {
  asked.length = 0;
  const result = await graphql({ schema, source, variableValues });
  expect(result.errors).toBeUndefined();
  return asked;
};

describe('asksFor: what the client selected under the field being resolved', () => {
  it('a subfield selected directly, or not at all', async () => {
    expect(await asksForTotal('{ page { total size } }')).toEqual([true]);
    expect(await asksForTotal('{ page { size } }')).toEqual([false]);
  });

  it('in an inline fragment, in a named fragment, in a fragment nested in another', async () => {
    expect(await asksForTotal('{ page { ... on Page { total } } }')).toEqual([true]);
    expect(await asksForTotal('{ page { ...Counted } } fragment Counted on Page { total }')).toEqual([true]);
    expect(await asksForTotal('{ page { ...Outer } } fragment Outer on Page { size ...Inner } fragment Inner on Page { total }')).toEqual([true]);
    expect(await asksForTotal('{ page { ...Sized } } fragment Sized on Page { size }')).toEqual([false]);
  });

  it('@skip and @include, literal or by variable, on the field and on fragments', async () => {
    expect(await asksForTotal('{ page { size total @skip(if: true) } }')).toEqual([false]);
    expect(await asksForTotal('query($on: Boolean!) { page { size total @include(if: $on) } }', { on: false })).toEqual([false]);
    expect(await asksForTotal('query($on: Boolean!) { page { size total @include(if: $on) } }', { on: true })).toEqual([true]);
    expect(await asksForTotal('{ page { size ... on Page @skip(if: true) { total } } }')).toEqual([false]);
    expect(await asksForTotal('{ page { size ...Counted @include(if: false) } } fragment Counted on Page { total }')).toEqual([false]);
  });

  it('one resolver call per alias, each with its own selection', async () => {
    expect(await asksForTotal('{ a: page { total } b: page { size } }')).toEqual([true, false]);
  });
});
