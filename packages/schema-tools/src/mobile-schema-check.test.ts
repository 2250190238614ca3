import { readManifests, REPO_ROOT } from '@shop/bff';
import { buildSchema, Kind, parse, print, visit, type FieldDefinitionNode } from 'graphql';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_TRUSTED_DOCUMENTS_PATH, MOBILE_SCHEMA_FILTER } from '../../../gateways/mobile-bff/src/config';
import { checkManifests, describeReport } from './mobile-schema-check';
import { diffSnapshots, printServedSchema } from './schema-snapshot';

const SNAPSHOT = readFileSync(join(REPO_ROOT, 'gateways', 'mobile-bff', 'schema.snapshot.graphql'), 'utf8');
const OLDER = join(REPO_ROOT, 'gateways', 'mobile-bff', 'test', 'fixtures', 'trusted-documents', 'shop-mobile@0.9.0.json');
const live = readManifests([DEFAULT_TRUSTED_DOCUMENTS_PATH, OLDER]);
// every version the served folder holds (this repository's app, current and still-installed releases)
const servedVersions = live.filter((m) => m.version !== '0.9.0').map((m) => `${m.app}@${m.version}`);

/** The snapshot with one field definition changed (undefined: removed). */
function withField(type: string, field: string, change: (node: FieldDefinitionNode) => FieldDefinitionNode | null): string {
  return print(
    visit(parse(SNAPSHOT), {
      ObjectTypeDefinition(node) {
        if (node.name.value !== type) return undefined;
        return { ...node, fields: node.fields?.flatMap((f) => (f.name.value === field ? (change(f) ?? []) : [f])) };
      },
    }),
  );
}

async function check(nextSdl: string) {
  return checkManifests(live, buildSchema(nextSdl), { schema: buildSchema(SNAPSHOT), changes: await diffSnapshots(SNAPSHOT, nextSdl) });
}

describe('check-mobile-schema: every live manifest against the schema about to ship', () => {
  it("today's mobile schema breaks no live manifest (the served folder and the older version)", async () => {
    const served = await printServedSchema(readFileSync(join(REPO_ROOT, 'gateways', 'supergraph.graphql'), 'utf8'), MOBILE_SCHEMA_FILTER);
    const report = checkManifests(readManifests([DEFAULT_TRUSTED_DOCUMENTS_PATH]), buildSchema(served));
    expect(report.broken).toEqual([]);
    expect((await check(served)).broken).toEqual([]);
  });

  it('removing a field only the older version uses is reported as breaking that version alone', async () => {
    const report = await check(withField('Product', 'createdAt', () => null));
    expect(report.brokenVersions).toEqual(['shop-mobile@0.9.0']);
    expect(report.broken).toEqual([{ version: 'shop-mobile@0.9.0', file: OLDER, operation: 'MobileNewArrivals', errors: ['Cannot query field "createdAt" on type "Product".'] }]);
    expect(report.changes).toEqual([{ change: expect.objectContaining({ level: 'BREAKING', path: 'Product.createdAt' }), versions: ['shop-mobile@0.9.0'] }]);
    expect(describeReport(report)).toMatch(/BREAKS shop-mobile@0\.9\.0:\n {2}shop-mobile@0\.9\.0 MobileNewArrivals/);
  });

  it('removing a field both versions use names both; one no live version uses breaks none', async () => {
    const both = await check(withField('Product', 'imageUrl', () => null));
    expect(both.brokenVersions).toEqual([...servedVersions, 'shop-mobile@0.9.0'].sort());
    const unused = await check(withField('Product', 'sku', () => null));
    expect(unused.brokenVersions).toEqual([]);
    expect(unused.changes).toEqual([{ change: expect.objectContaining({ level: 'BREAKING', path: 'Product.sku' }), versions: [] }]);
    expect(describeReport(unused)).toContain("Field 'sku' was removed from object type 'Product' → no live version uses it");
  });

  it('a new required argument on a field the versions call breaks them, though no operation mentions the argument', async () => {
    const next = withField('Query', 'products', (f) => ({
      ...f,
      arguments: [...(f.arguments ?? []), { kind: Kind.INPUT_VALUE_DEFINITION, name: { kind: Kind.NAME, value: 'channel' }, type: { kind: Kind.NON_NULL_TYPE, type: { kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: 'String' } } } }],
    }));
    const report = await check(next);
    expect(report.brokenVersions).toEqual([...servedVersions, 'shop-mobile@0.9.0'].sort());
    expect(report.changes.find((c) => c.change.path === 'Query.products.channel')?.versions).toEqual([...servedVersions, 'shop-mobile@0.9.0'].sort());
  });

  it('deprecated fields still used by a live version are listed with the versions and operations using them', async () => {
    const deprecate = (name: string) => (f: FieldDefinitionNode): FieldDefinitionNode => ({
      ...f,
      directives: [{ kind: Kind.DIRECTIVE, name: { kind: Kind.NAME, value: 'deprecated' }, arguments: [{ kind: Kind.ARGUMENT, name: { kind: Kind.NAME, value: 'reason' }, value: { kind: Kind.STRING, value: name } }] }],
    });
    const next = withField('Product', 'category', deprecate('browse by facets instead'));
    const report = await check(next);
    expect(report.broken).toEqual([]);
    expect(report.deprecations).toEqual([{ coordinate: 'Product.category', reason: 'browse by facets instead', usedBy: { 'shop-mobile@0.9.0': ['MobileNewArrivals'] } }]);
    expect(describeReport(report)).toContain('Product.category (browse by facets instead): shop-mobile@0.9.0 MobileNewArrivals');
  });
});
