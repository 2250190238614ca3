import { Kind, parse } from 'graphql';
import { canonicalOperationText, documentHash, fragmentsOf } from './manifest';
import { createSafelist } from './safelist';
import { indexFromMap } from './trusted-set';

const source = `
  fragment M on Money { amount currencyCode }
  query Home($first: Int) { products(first: $first) { edges { node { id price { ...M } } } } }
  query Facets { brands { id } }
`;
const doc = parse(source);
const manifest: Record<string, string> = {};
const operations: { name: string; hash: string }[] = [];
for (const def of doc.definitions) {
  if (def.kind !== Kind.OPERATION_DEFINITION) continue;
  const text = canonicalOperationText(def, fragmentsOf(doc));
  manifest[documentHash(text)] = text;
  operations.push({ name: def.name!.value, hash: documentHash(text) });
}
const hashOf = (name: string) => operations.find((o) => o.name === name)!.hash;
const index = () => indexFromMap(manifest);
const safelist = createSafelist(index, { enforce: true, introspection: true, maxTokens: 1_000 });

describe('trusted documents gate', () => {
  it('a known hash → its text, the persistedQuery extension consumed', () => {
    const decision = safelist({ extensions: { persistedQuery: { version: 1, sha256Hash: hashOf('Home') } } });
    expect(decision).toEqual({ allowed: true, params: { query: manifest[hashOf('Home')], extensions: undefined } });
  });

  it('an unknown hash → PERSISTED_QUERY_NOT_ALLOWED', () => {
    const decision = safelist({ extensions: { persistedQuery: { version: 1, sha256Hash: 'f'.repeat(64) } } });
    expect(decision.allowed).toBe(false);
    expect(!decision.allowed && decision.error.extensions.code).toBe('PERSISTED_QUERY_NOT_ALLOWED');
  });

  it('a trusted document in full, however it is spaced and ordered → allowed, as its canonical text', () => {
    const sent = 'fragment M on Money { amount, currencyCode }\n# a comment\nquery Home($first: Int) {products(first:$first){edges{node{id price{...M}}}}}';
    const decision = safelist({ query: sent });
    expect(decision).toEqual({ allowed: true, params: { query: manifest[hashOf('Home')], extensions: undefined } });
  });

  it('an ad-hoc document, or a trusted one with a field more → PERSISTED_QUERY_NOT_ALLOWED', () => {
    for (const query of ['{ brands { id name } }', 'query Facets { brands { id } categories { id } }', 'query Facets { brands { id } } query Other { brands { id } }']) {
      const decision = safelist({ query });
      expect(!decision.allowed && decision.error.extensions.code).toBe('PERSISTED_QUERY_NOT_ALLOWED');
    }
  });

  it('introspection passes while enabled, not when disabled', () => {
    const query = 'query IntrospectionQuery { __schema { queryType { name } } }';
    expect(safelist({ query }).allowed).toBe(true);
    expect(createSafelist(index, { enforce: true, introspection: false, maxTokens: 1_000 })({ query }).allowed).toBe(false);
    expect(safelist({ query: '{ __schema { queryType { name } } brands { id } }' }).allowed).toBe(false);
  });

  it('enforcement off: anything passes; an unknown hash → PERSISTED_QUERY_NOT_FOUND so the client sends it in full', () => {
    const open = createSafelist(index, { enforce: false, introspection: true, maxTokens: 1_000 });
    expect(open({ query: '{ brands { id name } }' }).allowed).toBe(true);
    const decision = open({ extensions: { persistedQuery: { version: 1, sha256Hash: documentHash('{ x }') } } });
    expect(!decision.allowed && decision.error.extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
  });

  it('a body printed another way (another printer, __typename added by the client) is found by its id; in full it matches with or without __typename', () => {
    const body = 'query Facets { brands { id __typename } }';
    const gate = createSafelist(() => indexFromMap({ [documentHash(body)]: body }), { enforce: true, introspection: false, maxTokens: 1_000 });
    expect(gate({ extensions: { persistedQuery: { version: 1, sha256Hash: documentHash(body) } } })).toMatchObject({ allowed: true, params: { query: body } });
    const printed = 'query Facets {\n  brands {\n    id\n    __typename\n  }\n}';
    expect(gate({ query: printed })).toMatchObject({ allowed: true, params: { query: printed } });
    expect(gate({ query: 'query Facets { brands { id } }' })).toMatchObject({ allowed: true, params: { query: 'query Facets {\n  brands {\n    id\n  }\n}' } });
    expect(gate({ query: 'query Facets { brands { id name __typename } }' }).allowed).toBe(false);
  });

  it('a reloaded set applies to the next request', () => {
    let current = indexFromMap({});
    const gate = createSafelist(() => current, { enforce: true, introspection: false, maxTokens: 1_000 });
    const request = { extensions: { persistedQuery: { version: 1, sha256Hash: hashOf('Facets') } } };
    expect(gate(request).allowed).toBe(false);
    current = index();
    expect(gate(request).allowed).toBe(true);
  });
});
