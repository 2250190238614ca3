import { createLogger } from '@shop/service-kit';
import { waitFor } from '@shop/service-kit/testing';
import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { documentHash } from './manifest';
import { createTrustedDocumentStore, type TrustedDocumentStore } from './trusted-set';

const logger = createLogger('trusted-set-test', 'silent');
const facets = 'query Facets {\n  brands {\n    id\n  }\n}';
const home = 'query Home {\n  products {\n    totalCount\n  }\n}';
const manifest = (...bodies: string[]) =>
  JSON.stringify({ format: 'apollo-persisted-query-manifest', version: 1, operations: bodies.map((body) => ({ id: documentHash(body), name: /query (\w+)/.exec(body)![1], type: 'query', body })) });

let dir: string;
let store: TrustedDocumentStore | undefined;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'trusted-set-'));
  writeFileSync(join(dir, 'shop-ios@1.0.0.json'), manifest(facets));
});
afterEach(() => {
  store?.stop();
  store = undefined;
  rmSync(dir, { recursive: true, force: true });
});

describe('trusted document store', () => {
  it('serves the union of every version; the same document in two versions is one entry', () => {
    writeFileSync(join(dir, 'shop-ios@1.1.0.json'), manifest(facets, home));
    store = createTrustedDocumentStore({ sources: [dir], logger });
    expect(store.current().byId.size).toBe(2);
    expect(store.status()).toMatchObject({ versions: ['shop-ios@1.0.0', 'shop-ios@1.1.0'], documents: 2 });
    expect(store.knows('shop-ios', '1.1.0')).toBe(true);
    expect(store.knows('shop-ios', '0.1.0')).toBe(false);
    expect(store.knows('shop-android')).toBe(false);
  });

  it('a reload picks up a new version; a bad one keeps the set served, says why in the status, and a good one clears it', () => {
    const registry = new Registry();
    store = createTrustedDocumentStore({ sources: [dir], logger, registry });
    writeFileSync(join(dir, 'shop-ios@1.1.0.json'), manifest(facets, home));
    expect(store.reload('test')).toBe(true);
    expect(store.current().byId.has(documentHash(home))).toBe(true);

    writeFileSync(join(dir, 'shop-ios@1.2.0.json'), JSON.stringify({ ['f'.repeat(64)]: home }));
    expect(store.reload('test')).toBe(false);
    expect(store.status().versions).toEqual(['shop-ios@1.0.0', 'shop-ios@1.1.0']);
    expect(store.current().byId.has(documentHash(home))).toBe(true);
    expect(store.status().lastReloadError?.problems).toEqual([expect.stringMatching(/shop-ios@1\.2\.0\.json: operation Home: id f{64} is not the sha256/)]);

    rmSync(join(dir, 'shop-ios@1.2.0.json'));
    expect(store.reload('test')).toBe(true);
    expect(store.status().lastReloadError).toBeUndefined();
    return registry.metrics().then((text) => {
      expect(text).toContain('bff_trusted_documents_reloads_total{outcome="ok"} 2');
      expect(text).toContain('bff_trusted_documents_reloads_total{outcome="failed"} 1');
      expect(text).toContain('bff_trusted_documents{app="shop-ios",version="1.1.0"} 2');
    });
  });

  it('SIGHUP reloads', () => {
    store = createTrustedDocumentStore({ sources: [dir], logger, signal: true });
    writeFileSync(join(dir, 'shop-ios@1.1.0.json'), manifest(facets, home));
    process.emit('SIGHUP', 'SIGHUP');
    expect(store.status().versions).toEqual(['shop-ios@1.0.0', 'shop-ios@1.1.0']);
    store.stop();
    const after = store;
    writeFileSync(join(dir, 'shop-ios@1.2.0.json'), manifest(home));
    process.emit('SIGHUP', 'SIGHUP');
    expect(after.status().versions).toHaveLength(2);
  });

  it('watching: a manifest added to the folder, or a watched file replaced, is reloaded without a signal', async () => {
    store = createTrustedDocumentStore({ sources: [dir], logger, watch: true, debounceMs: 50 });
    writeFileSync(join(dir, 'shop-ios@1.1.0.json'), manifest(facets, home));
    await waitFor(() => store!.status().versions.length === 2, { what: 'the new manifest to be loaded' });
    store.stop();

    const file = join(dir, 'shop-ios@1.1.0.json');
    store = createTrustedDocumentStore({ sources: [file], logger, watch: true, debounceMs: 50 });
    expect(store.current().byId.size).toBe(2);
    // a deploy writes the new file beside the old one and renames it over
    writeFileSync(join(dir, 'next.tmp'), manifest(home));
    renameSync(join(dir, 'next.tmp'), file);
    await waitFor(() => store!.current().byId.size === 1, { what: 'the replaced file to be loaded' });
  });

  it('watching a folder mounted as a Kubernetes ConfigMap: the files are links into ..data, swapped in one rename', async () => {
    const mount = mkdtempSync(join(tmpdir(), 'configmap-'));
    try {
      const publish = (revision: string, files: Record<string, string>) => {
        mkdirSync(join(mount, revision));
        for (const [name, text] of Object.entries(files)) writeFileSync(join(mount, revision, name), text);
        symlinkSync(revision, join(mount, '..data_tmp'));
        renameSync(join(mount, '..data_tmp'), join(mount, '..data'));
      };
      publish('..r1', { 'shop-ios@1.0.0.json': manifest(facets) });
      symlinkSync(join('..data', 'shop-ios@1.0.0.json'), join(mount, 'shop-ios@1.0.0.json'));
      store = createTrustedDocumentStore({ sources: [mount], logger, watch: true, debounceMs: 50 });
      expect(store.current().byId.size).toBe(1);
      publish('..r2', { 'shop-ios@1.0.0.json': manifest(facets, home) });
      await waitFor(() => store!.current().byId.size === 2, { what: 'the swapped ConfigMap to be loaded' });
    } finally {
      rmSync(mount, { recursive: true, force: true });
    }
  });
});
