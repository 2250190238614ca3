/**
 * Every workspace declares what it imports: packages its running code imports under
 * `dependencies`, packages only its tests, tooling and type imports use under `devDependencies`,
 * each at the version the root installs. So the boundaries between packages are visible in their
 * package.json files, and nothing is imported that only happens to be hoisted.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';

const root = join(__dirname, '..');
type Manifest = { name: string; version: string; workspaces?: string[]; dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
const read = (dir: string): Manifest => JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')) as Manifest;
const rootManifest = read('.');
const workspaces = execFileSync('git', ['ls-files', '--', ...rootManifest.workspaces!.map((w) => `${w}/package.json`)], { cwd: root, encoding: 'utf8' })
  .split('\n')
  .filter(Boolean)
  .map((file) => file.replace(/\/package\.json$/, ''));
const versions: Record<string, string> = {
  ...rootManifest.dependencies,
  ...rootManifest.devDependencies,
  ...Object.fromEntries(workspaces.map((w) => [read(w).name, read(w).version])),
};

const IMPORT = /^\s*(import|export)\s+(type\s+)?[^'"]*?from\s+['"]([^'"]+)['"]|^\s*import\s+['"]([^'"]+)['"]|require\(['"]([^'"]+)['"]\)/gm;
const packageOf = (specifier: string) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');
const isDevFile = (file: string) => /(\.test\.ts$|\/test\/|\/testing\/|\/bench\/|codegen\.ts$)/.test(file);

/** The packages a workspace's files import: at run time, and only in tests, tooling or types. */
function importsOf(workspace: string): { runtime: Set<string>; dev: Set<string> } {
  const files = execFileSync('git', ['ls-files', '--', `${workspace}/*.ts`], { cwd: root, encoding: 'utf8' })
    .split('\n')
    .filter((f) => f && !f.includes('/generated/') && existsSync(join(root, f)));
  const runtime = new Set<string>();
  const dev = new Set<string>();
  for (const file of files) {
    for (const m of readFileSync(join(root, file), 'utf8').matchAll(IMPORT)) {
      const specifier = m[3] ?? m[4] ?? m[5];
      if (specifier.startsWith('.') || specifier.startsWith('node:') || builtinModules.includes(specifier)) continue;
      const name = packageOf(specifier);
      if (name === read(workspace).name) continue;
      (isDevFile(file) || m[2] ? dev : runtime).add(name);
    }
  }
  for (const name of runtime) dev.delete(name);
  return { runtime, dev };
}

describe.each(workspaces)('%s/package.json', (workspace) => {
  const manifest = read(workspace);
  const { runtime, dev } = importsOf(workspace);
  const devTooling = manifest.name === '@shop/schema-tools'; // never loaded by a running service

  it('declares every package its code imports, where it belongs', () => {
    const declared = devTooling ? manifest.devDependencies ?? {} : manifest.dependencies ?? {};
    expect([...runtime].filter((name) => !(name in declared)).sort()).toEqual([]);
    const declaredDev = { ...manifest.dependencies, ...manifest.devDependencies };
    expect([...dev].filter((name) => !(name in declaredDev)).sort()).toEqual([]);
  });

  it('declares nothing it does not import, each at the version the root installs', () => {
    const declared = { ...manifest.dependencies, ...manifest.devDependencies };
    expect(Object.keys(declared).filter((name) => !runtime.has(name) && !dev.has(name))).toEqual([]);
    for (const [name, version] of Object.entries(declared)) expect(`${name}@${version}`).toBe(`${name}@${versions[name]}`);
  });
});
