/**
 * What a module really loads at run time, seen from a fresh Node process (tsx, as the services
 * run): the packages under node_modules that end up in require.cache. Type imports and tsconfig
 * paths cannot hide a runtime import here.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..');

/** For each file, the npm packages loading it pulls in (each file in a clean module cache). */
function packagesLoadedBy(files: string[]): Record<string, string[]> {
  const probe = `
    const loaded = {};
    for (const file of JSON.parse(process.argv[1])) {
      for (const key of Object.keys(require.cache)) delete require.cache[key];
      require(file);
      const names = Object.keys(require.cache)
        .map((k) => k.match(/node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//)?.[1])
        .filter((n) => n && n !== 'tsx' && n !== 'esbuild');
      loaded[file] = [...new Set(names)].sort();
    }
    process.stdout.write(JSON.stringify(loaded));
  `;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '-e', probe, JSON.stringify(files)], { cwd: root, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  return JSON.parse(out) as Record<string, string[]>;
}

const DATABASE_PACKAGES = ['pg', 'pg-pool', '@electric-sql/pglite', 'pglite-prisma-adapter', '@prisma/client', '@prisma/adapter-pg', '@prisma/client-runtime-utils'];
const DEV_ONLY_PACKAGES = ['@graphql-inspector/core', 'typescript', 'jest', 'prisma', 'graphql-http', '@apollo/client'];

describe('module boundaries', () => {
  it.each(['web-bff', 'mobile-bff'])('loading gateways/%s loads no database driver, no Prisma and no dev-only package', (bff) => {
    const file = join(root, 'gateways', bff, 'src', 'server.ts');
    const loaded = packagesLoadedBy([file])[file];
    expect(loaded).toContain('@apollo/gateway'); // the probe sees what it should
    expect(loaded.filter((p) => DATABASE_PACKAGES.includes(p) || p.startsWith('@prisma/'))).toEqual([]);
    expect(loaded.filter((p) => DEV_ONLY_PACKAGES.includes(p))).toEqual([]);
  });

  it('no module of subgraphs/*/src/domain loads graphql (or any other package)', () => {
    const files = readdirSync(join(root, 'subgraphs')).flatMap((subgraph) => {
      const dir = join(root, 'subgraphs', subgraph, 'src', 'domain');
      return readdirSync(dir)
        .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
        .map((f) => join(dir, f));
    });
    expect(files.length).toBeGreaterThan(10);
    const loaded = packagesLoadedBy(files);
    expect(Object.entries(loaded).filter(([, packages]) => packages.length > 0)).toEqual([]);
  });
});
