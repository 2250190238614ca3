import { buildTrustedManifest, documentHash } from './manifest';
import { createSafelist } from './safelist';

const source = `
  fragment M on Money { amount currencyCode }
  query Home($first: Int) { products(first: $first) { edges { node { id price { ...M } } } } }
  query Facets { brands { id } }
`;
const { manifest, operations } = buildTrustedManifest(source);
const hashOf = (name: string) => operations.find((o) => o.name === name)!.hash;
const safelist = createSafelist(manifest, { enforce: true, introspection: true, maxTokens: 1_000 });

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
    expect(createSafelist(manifest, { enforce: true, introspection: false, maxTokens: 1_000 })({ query }).allowed).toBe(false);
    expect(safelist({ query: '{ __schema { queryType { name } } brands { id } }' }).allowed).toBe(false);
  });

  it('enforcement off: anything passes; an unknown hash → PERSISTED_QUERY_NOT_FOUND so the client sends it in full', () => {
    const open = createSafelist(manifest, { enforce: false, introspection: true, maxTokens: 1_000 });
    expect(open({ query: '{ brands { id name } }' }).allowed).toBe(true);
    const decision = open({ extensions: { persistedQuery: { version: 1, sha256Hash: documentHash('{ x }') } } });
    expect(!decision.allowed && decision.error.extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
  });
});
