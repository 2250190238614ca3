import { documentHash, readManifestFile, readManifests, REPO_ROOT } from '@shop/bff';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { appOfSource, buildAppManifests, printJson } from '@shop/schema-tools';

const SOURCE = readFileSync(join(REPO_ROOT, 'contract', 'mobile.graphql'), 'utf8');
const { app, version } = appOfSource(SOURCE);
const APOLLO_FILE = join(REPO_ROOT, 'gateways', 'mobile-bff', 'trusted-documents', `${app}@${version}.json`);
const CODEGEN_FILE = join(REPO_ROOT, 'gateways', 'mobile-bff', 'persisted-documents', `${app}@${version}.json`);
const FIXTURE = join(__dirname, 'fixtures', 'trusted-documents', 'shop-mobile@0.9.0.json');

describe("this repository's app manifest (contract/mobile.graphql)", () => {
  const built = buildAppManifests(SOURCE);

  it('is committed in both formats as `npm run trusted-documents` writes them today', () => {
    const stale = [
      [APOLLO_FILE, printJson(built.apollo)],
      [CODEGEN_FILE, printJson(built.hashMap)],
    ].filter(([file, text]) => readFileSync(file, 'utf8') !== text);
    if (stale.length > 0) throw new Error(`${stale.map(([f]) => f).join(', ')} stale: run \`npm run trusted-documents\` and commit (bump the app version in contract/mobile.graphql when a released operation changes)`);
  });

  it('both formats load as the same app version with the same operations, one per operation of the source', () => {
    const apollo = readManifestFile(APOLLO_FILE);
    const codegen = readManifestFile(CODEGEN_FILE);
    expect(apollo).toMatchObject({ app: 'shop-mobile', version, format: 'apollo-persisted-query-manifest' });
    expect(codegen).toMatchObject({ app: 'shop-mobile', version, format: 'hash-map' });
    const names = [...SOURCE.matchAll(/^(?:query|mutation|subscription) (\w+)/gm)].map((m) => m[1]).sort();
    expect(apollo.operations.map((o) => o.name).sort()).toEqual(names);
    expect([...codegen.operations].sort((a, b) => a.name.localeCompare(b.name))).toEqual([...apollo.operations].sort((a, b) => a.name.localeCompare(b.name)));
  });

  it('bodies are what Apollo Client sends: __typename in every selection set, the fragments used after the operation', () => {
    const home = built.operations.find((o) => o.name === 'MobileHome')!;
    expect(home.body).toMatch(/^query MobileHome[\s\S]*__typename[\s\S]*\n\nfragment MobileMoney on Money \{\n {2}amount\n {2}currencyCode\n {2}__typename\n\}$/);
    expect(built.operations.find((o) => o.name === 'MobileFacets')!.body).not.toContain('fragment');
    for (const op of built.operations) expect(documentHash(op.body)).toBe(op.id);
  });
});

describe("a manifest written by Apollo's own generator (@apollo/generate-persisted-query-manifest 1.4.0)", () => {
  it('is accepted as it is: app version from its file name, every id verified', () => {
    const raw = JSON.parse(readFileSync(FIXTURE, 'utf8')) as { format: string; version: number; operations: { id: string; name: string; type: string; body: string }[] };
    expect(Object.keys(raw)).toEqual(['format', 'version', 'operations']);
    const loaded = readManifestFile(FIXTURE);
    expect(loaded).toMatchObject({ app: 'shop-mobile', version: '0.9.0', format: 'apollo-persisted-query-manifest' });
    expect(loaded.operations).toEqual(raw.operations);
  });

  it("shares the unchanged operation's id with 1.0.0 (written by `npm run trusted-documents`): the generator and the script print alike", () => {
    const older = readManifestFile(FIXTURE).operations.find((o) => o.name === 'MobileCheckout')!;
    const released = readManifestFile(join(REPO_ROOT, 'gateways', 'mobile-bff', 'trusted-documents', 'shop-mobile@1.0.0.json'));
    expect(released.operations.find((o) => o.name === 'MobileCheckout')!.id).toBe(older.id);
  });

  it('loads together with the served folder: every served version, then the fixture', () => {
    const manifests = readManifests([join(REPO_ROOT, 'gateways', 'mobile-bff', 'trusted-documents'), FIXTURE]);
    expect(manifests.map((m) => `${m.app}@${m.version}`)).toEqual(['shop-mobile@1.0.0', `shop-mobile@${version}`, 'shop-mobile@0.9.0']);
  });
});
