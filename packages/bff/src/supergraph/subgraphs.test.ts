import { readFileSync } from 'node:fs';
import { localSubgraphUrl, SUBGRAPH_NAMES } from '@shop/services';
import { DEFAULT_SUPERGRAPH_PATH } from '../config';
import { subgraphsOf } from './subgraphs';

const withGraphs = (values: string, rest = '') => `
  ${rest}
  enum join__Graph {
    ${values}
  }
  type Query { ok: Boolean }
`;

describe('the subgraphs a supergraph records', () => {
  it('the committed supergraph → every subgraph of the list of services at its local URL, in name order', () => {
    const expected = [...SUBGRAPH_NAMES].sort().map((name) => ({ name, url: localSubgraphUrl(name) }));
    expect(expected.map((s) => s.name)).toEqual(expect.arrayContaining(['cart', 'catalog', 'discount', 'order']));
    expect(subgraphsOf(readFileSync(DEFAULT_SUPERGRAPH_PATH, 'utf8'))).toEqual(expected);
  });

  it('arguments in either order, across lines, with escapes → read as GraphQL reads them', () => {
    const sdl = withGraphs(`
      CART @join__graph(url: "http://cart:4002/graphql", name: "cart")
      CATALOG @join__graph(
        name: "catalog"
        url: "http://catalog:4001/graphql?q=\\"x\\""
      )
    `);
    expect(subgraphsOf(sdl)).toEqual([
      { name: 'cart', url: 'http://cart:4002/graphql' },
      { name: 'catalog', url: 'http://catalog:4001/graphql?q="x"' },
    ]);
  });

  it('@join__graph in a comment, a description or outside join__Graph → not a subgraph', () => {
    const sdl = withGraphs(
      `# OLD @join__graph(name: "old", url: "http://old/graphql")
      """ see @join__graph(name: "doc", url: "http://doc/graphql") """
      CART @join__graph(name: "cart", url: "http://cart/graphql")`,
      'enum Other { X @join__graph(name: "other", url: "http://other/graphql") }\ndirective @join__graph(name: String!, url: String) on ENUM_VALUE',
    );
    expect(subgraphsOf(sdl)).toEqual([{ name: 'cart', url: 'http://cart/graphql' }]);
  });

  it('a value without a url, or none at all → left out', () => {
    expect(subgraphsOf(withGraphs('CART @join__graph(name: "cart")\nCATALOG @join__graph(name: "catalog", url: "")\nPLAIN'))).toEqual([{ name: 'catalog', url: '' }]);
    expect(subgraphsOf('type Query { ok: Boolean }')).toEqual([]);
  });

  it('SDL that does not parse → its syntax error', () => {
    expect(() => subgraphsOf('enum join__Graph {')).toThrow(/Syntax Error/);
  });
});
