import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { documentHash } from './manifest';
import { appVersionOfFile, readManifestFile, readManifests, TrustedDocumentsError } from './manifest-files';

const facets = 'query Facets {\n  brands {\n    id\n    __typename\n  }\n}';
const home = 'query Home($first: Int) {\n  products(first: $first) {\n    totalCount\n    __typename\n  }\n}';
const apollo = (operations: object[]) => ({ format: 'apollo-persisted-query-manifest', version: 1, operations });
const op = (body: string, extra: object = {}) => ({ id: documentHash(body), name: /(?:query|mutation) (\w+)/.exec(body)![1], type: 'query', body, ...extra });

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'manifests-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, content: unknown) => {
  const file = join(dir, name);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
};
const problemsOf = (fn: () => unknown): string[] => {
  try {
    fn();
  } catch (e) {
    if (e instanceof TrustedDocumentsError) return e.problems;
    throw e;
  }
  throw new Error('expected a TrustedDocumentsError');
};

describe('manifest files', () => {
  it('the app version is in the file name: <app>@<version>.json', () => {
    expect(appVersionOfFile('/x/shop-ios@2.4.0.json')).toEqual({ app: 'shop-ios', version: '2.4.0' });
    expect(appVersionOfFile('shop-android@3.0.0-beta.2+481.json')).toEqual({ app: 'shop-android', version: '3.0.0-beta.2+481' });
    expect(appVersionOfFile('persisted-documents.json')).toBeUndefined();
  });

  it("reads Apollo's format and codegen's hash → text map alike", () => {
    const a = readManifestFile(write('shop-ios@1.0.0.json', apollo([op(facets), op(home)])));
    expect(a).toMatchObject({ app: 'shop-ios', version: '1.0.0', format: 'apollo-persisted-query-manifest' });
    const b = readManifestFile(write('shop-android@1.0.0.json', { [documentHash(facets)]: facets, [`sha256:${documentHash(home)}`]: home }));
    expect(b).toMatchObject({ app: 'shop-android', format: 'hash-map' });
    expect(b.operations).toEqual(expect.arrayContaining(a.operations));
  });

  it('a wrong id names the file and the operation, and gives the sha256 the client would send', () => {
    const file = write('shop-ios@1.0.0.json', apollo([op(facets), op(home, { id: documentHash(facets) })]));
    const problems = problemsOf(() => readManifestFile(file));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(file);
    expect(problems[0]).toContain('operation Home (operations[1])');
    expect(problems[0]).toContain(`is not the sha256 of its body (that is ${documentHash(home)})`);
    const map = write('shop-android@1.0.0.json', { ['0'.repeat(64)]: home });
    expect(problemsOf(() => readManifestFile(map))[0]).toMatch(/shop-android@1\.0\.0\.json: operation Home: id 0{64} is not the sha256/);
  });

  it('a name or type that does not match the body, a body of two operations, a file that is no manifest → each reported', () => {
    const two = 'query A { a } query B { b }';
    const file = write('shop-ios@1.0.0.json', apollo([op(facets, { name: 'Brands' }), op(home, { type: 'mutation' }), { id: documentHash(two), name: 'A', type: 'query', body: two }]));
    const problems = problemsOf(() => readManifestFile(file));
    expect(problems).toEqual([
      expect.stringContaining('named "Brands" but its body is operation Facets'),
      expect.stringContaining('type "mutation" but its body is a query'),
      expect.stringContaining('body holds 2 operations'),
    ]);
    expect(problemsOf(() => readManifestFile(write('shop-ios@2.0.0.json', { format: 'apollo-persisted-query-manifest', version: 2, operations: [] })))[0]).toContain('version');
    expect(problemsOf(() => readManifestFile(write('shop-ios@3.0.0.json', [1, 2])))[0]).toContain('neither an Apollo persisted query manifest');
    expect(problemsOf(() => readManifestFile(write('shop-ios@4.0.0.json', '{ nope')))[0]).toContain('cannot read it as JSON');
  });

  it('a file name without the version is refused', () => {
    expect(problemsOf(() => readManifestFile(write('persisted-query-manifest.json', apollo([op(facets)]))))[0]).toContain('must be <app>@<version>.json');
  });

  it('folders give their *.json files; the same app version twice, a missing path or an empty folder is refused', () => {
    write('shop-ios@1.0.0.json', apollo([op(facets)]));
    write('shop-ios@1.1.0.json', apollo([op(facets), op(home)]));
    write('README.md', 'not read');
    mkdirSync(join(dir, 'old'));
    expect(readManifests([dir]).map((m) => m.version)).toEqual(['1.0.0', '1.1.0']);
    const other = mkdtempSync(join(tmpdir(), 'manifests-'));
    try {
      writeFileSync(join(other, 'shop-ios@1.1.0.json'), JSON.stringify({ [documentHash(home)]: home }));
      expect(problemsOf(() => readManifests([dir, other]))).toEqual([expect.stringContaining('shop-ios@1.1.0 is also in')]);
      expect(problemsOf(() => readManifests([join(dir, 'absent')]))[0]).toContain('cannot read it');
      expect(problemsOf(() => readManifests([join(dir, 'old')]))[0]).toContain('no manifest');
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
});
