import { buildTrustedManifest, documentHash, printManifest, REPO_ROOT } from '@shop/bff';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

describe('gateways/mobile-bff/trusted-documents.json', () => {
  const source = readFileSync(join(REPO_ROOT, 'contract', 'mobile.graphql'), 'utf8');
  const committed = readFileSync(join(REPO_ROOT, 'gateways', 'mobile-bff', 'trusted-documents.json'), 'utf8');

  it('is what contract/mobile.graphql gives today (else run `npm run trusted-documents`)', () => {
    if (printManifest(buildTrustedManifest(source).manifest) !== committed) {
      throw new Error('gateways/mobile-bff/trusted-documents.json is stale: run `npm run trusted-documents` and commit it');
    }
  });

  it('maps the sha256 of each text to that text, one entry per operation of the app', () => {
    const manifest = JSON.parse(committed) as Record<string, string>;
    const operations = [...source.matchAll(/^(query|mutation|subscription) (\w+)/gm)].map((m) => m[2]);
    expect(Object.keys(manifest)).toHaveLength(operations.length);
    for (const [hash, text] of Object.entries(manifest)) expect(documentHash(text)).toBe(hash);
    expect(Object.values(manifest).map((t) => /^(?:query|mutation|subscription) (\w+)/.exec(t)?.[1]).sort()).toEqual([...operations].sort());
  });

  it('each text carries the fragments its operation uses', () => {
    const manifest = JSON.parse(committed) as Record<string, string>;
    const home = Object.values(manifest).find((t) => t.startsWith('query MobileHome'))!;
    expect(home).toContain('fragment MobileMoney on Money');
    const facets = Object.values(manifest).find((t) => t.startsWith('query MobileFacets'))!;
    expect(facets).not.toContain('fragment');
  });
});
