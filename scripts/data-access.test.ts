/**
 * One way to reach the database (docs/adding-a-subgraph.md), checked on the source of every
 * subgraph: repositories over the one `Sql` interface inside `data/`, a unit of work in the
 * use-cases' deps, and nothing else. A new subgraph that copies an old habit fails here, naming
 * the file.
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { SUBGRAPH_NAMES } from '@shop/services';

const root = join(__dirname, '..');

function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'generated' ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

const subgraphFiles = SUBGRAPH_NAMES.flatMap((name) => sourceFiles(join(root, 'subgraphs', name, 'src')).map((path) => ({ name, path, rel: relative(join(root, 'subgraphs', name, 'src'), path) })));
const text = (path: string) => readFileSync(path, 'utf8');

/** Prisma's raw methods (the one adapter in service-kit calls them), its model API through a client or a transaction, and its transactions. */
const PRISMA_CALL = /\$(queryRaw|executeRaw|queryRawUnsafe|executeRawUnsafe|transaction)\b|\b(prisma|tx|db)\.[a-z]\w*\.(findMany|findUnique|findFirst|create|createMany|update|updateMany|upsert|delete|deleteMany|count|aggregate|groupBy)\(/;

describe('one way to reach the database', () => {
  it('every subgraph has data/store.ts, data/prisma.ts and use-cases/deps.ts', () => {
    const missing = SUBGRAPH_NAMES.flatMap((name) =>
      ['data/store.ts', 'data/prisma.ts', 'use-cases/deps.ts'].filter((file) => !existsSync(join(root, 'subgraphs', name, 'src', file))).map((file) => `${name}/src/${file}`),
    );
    expect(missing).toEqual([]);
  });

  it('no subgraph calls Prisma itself (raw methods, model API, transactions): repositories speak Sql', () => {
    expect(subgraphFiles.length).toBeGreaterThan(40);
    expect(subgraphFiles.filter((f) => PRISMA_CALL.test(text(f.path))).map((f) => `${f.name}/src/${f.rel}`)).toEqual([]);
  });

  it('only data/prisma.ts loads a generated Prisma client', () => {
    const loading = subgraphFiles.filter((f) => /prisma\/[\w-]+\/generated/.test(text(f.path)) && f.rel !== join('data', 'prisma.ts'));
    expect(loading.map((f) => `${f.name}/src/${f.rel}`)).toEqual([]);
  });

  it('outside data/ and the composition roots (server.ts, scripts/), only use-cases/deps.ts names @shop/service-kit/database, for the type UnitOfWork', () => {
    const root = (rel: string) => rel.startsWith('data') || rel === 'server.ts' || rel.startsWith('scripts');
    const outside = subgraphFiles.filter((f) => !root(f.rel) && /@shop\/service-kit\/database/.test(text(f.path)));
    const allowed = (f: (typeof outside)[number]) =>
      f.rel === join('use-cases', 'deps.ts') && /^import type \{ UnitOfWork \} from '@shop\/service-kit\/database';$/m.test(text(f.path));
    expect(outside.filter((f) => !allowed(f)).map((f) => `${f.name}/src/${f.rel}`)).toEqual([]);
  });

  it('the event backbone calls no Prisma method either: it speaks the same Sql', () => {
    const files = sourceFiles(join(root, 'packages', 'events', 'src'));
    expect(files.filter((path) => PRISMA_CALL.test(text(path))).map((path) => relative(root, path))).toEqual([]);
  });
});
