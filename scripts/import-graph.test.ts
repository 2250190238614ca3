/**
 * The import graph of every TypeScript file in the repo, read from the files' text with the
 * TypeScript scanner (no type checking, so it stays fast): no import cycle anywhere, and every
 * import runs down the layers, never up. Cycles make load order matter (a module sees another's
 * exports still undefined) and an upward import drags a whole layer (e2e, scripts) into whatever
 * imports the lower file. Type-only imports count too: the scanner does not tell them apart, and
 * a cycle through types is still two modules that cannot be understood one without the other.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import ts from 'typescript';

const root = join(__dirname, '..');

/**
 * Folders the build writes (Prisma clients, the storefront's typed documents): not in git on a
 * clean clone until postinstall or the storefront build runs, so an import into one needs no file.
 */
const GENERATED = /(^|\/)generated\/|^storefront\/src\/gql\//;

/**
 * What each top folder may import besides itself: only the layers below it. packages <
 * subgraphs, gateways < scripts < bench < e2e; prisma/ (schemas and their generated clients) is
 * the floor. A subgraph or gateway is a unit of its own: it never imports another one (what two
 * share lives in packages/, BFF code in @shop/bff). The storefront is an island: a static build
 * that talks to the web BFF over HTTP only, so it imports nothing of the repo and nothing imports it.
 */
const MAY_IMPORT: Record<string, readonly string[]> = {
  prisma: [],
  packages: ['packages', 'prisma'],
  subgraphs: ['packages', 'prisma'],
  gateways: ['packages', 'prisma'],
  // stand-ins for third parties (the payment provider): units of their own beside the subgraphs
  simulators: ['packages', 'prisma'],
  scripts: ['packages', 'subgraphs', 'gateways', 'simulators', 'prisma'],
  bench: ['packages', 'subgraphs', 'gateways', 'simulators', 'scripts', 'prisma'],
  e2e: ['packages', 'subgraphs', 'gateways', 'simulators', 'scripts', 'bench', 'prisma'],
  storefront: [],
};

/**
 * Upward imports that are known and owned by someone, each with why it is still here. Delete an
 * entry when its import is gone (the last test fails until then, so the list cannot go stale).
 */
const KNOWN_UPWARD: { file: string; specifier: string; why: string }[] = [
  {
    file: 'packages/schema-tools/src/mobile-schema-check.test.ts',
    specifier: '../../../gateways/mobile-bff/src/config',
    why: 'the mobile BFF’s filter and documents path; schema-tools is being reworked',
  },
];

/**
 * What the storefront reads of the repo outside its folder, by path rather than import: codegen
 * types its documents against the contract and the web BFF's committed schema.
 */
const STOREFRONT_READS = ['contract/storefront.graphql', 'contract/admin.graphql', 'gateways/web-bff/schema.snapshot.graphql'];

interface Edge {
  from: string;
  specifier: string;
  /** repo-relative path of the imported file */
  to: string;
}

const git = (...args: string[]) =>
  execFileSync('git', args, { cwd: root, encoding: 'utf8' })
    .split('\n')
    .filter(Boolean);

/** Tracked files and new ones not yet committed (ignored ones excluded), as they are on disk. */
const sourceFiles = git('ls-files', '--cached', '--others', '--exclude-standard', '--', '*.ts', '*.tsx').filter(
  (file) => !GENERATED.test(file) && !file.includes('node_modules/') && existsSync(join(root, file)),
);
const sources = new Set(sourceFiles);

type Workspace = { dir: string; main?: string; exports?: Record<string, string> };
const workspaces = new Map<string, Workspace>(
  git('ls-files', '--', 'packages/*/package.json', 'subgraphs/*/package.json', 'gateways/*/package.json', 'simulators/*/package.json', 'storefront/package.json').map((manifest) => {
    const { name, main, exports } = JSON.parse(readFileSync(join(root, manifest), 'utf8')) as { name: string } & Omit<Workspace, 'dir'>;
    return [name, { dir: posix.dirname(manifest), main, exports }];
  }),
);

const isFile = (path: string) => existsSync(join(root, path)) && statSync(join(root, path)).isFile();

/** The file a relative specifier names, as Node and tsx resolve it (x, x.ts, x.tsx, x/index.ts). */
function resolveRelative(from: string, specifier: string): string | undefined {
  const base = posix.join(posix.dirname(from), specifier);
  const candidates = [base, `${base}.ts`, `${base}.tsx`, `${base}/index.ts`, `${base}/index.tsx`];
  return candidates.find((c) => sources.has(c)) ?? candidates.find(isFile) ?? (GENERATED.test(base) ? base : undefined);
}

/** The file `@shop/<name>[/sub]` names, through that workspace's package.json `exports` only. */
function resolveWorkspace(specifier: string): string | undefined {
  const [scope, name, ...sub] = specifier.split('/');
  const workspace = workspaces.get(`${scope}/${name}`);
  if (!workspace) return undefined;
  const subpath = sub.length ? `./${sub.join('/')}` : '.';
  const target = workspace.exports ? workspace.exports[subpath] : subpath === '.' ? workspace.main : undefined;
  return target && posix.join(workspace.dir, target);
}

/** Every import of the repo's own files: static, `export … from`, `require()` and `import()`. */
function readEdges(): { edges: Edge[]; unresolved: string[] } {
  const edges: Edge[] = [];
  const unresolved: string[] = [];
  for (const from of sourceFiles) {
    const { importedFiles } = ts.preProcessFile(readFileSync(join(root, from), 'utf8'), true, true);
    for (const { fileName: specifier } of importedFiles) {
      const ours = specifier.startsWith('.') || specifier.startsWith('@shop/');
      if (!ours) continue;
      const to = specifier.startsWith('.') ? resolveRelative(from, specifier) : resolveWorkspace(specifier);
      if (to) edges.push({ from, specifier, to });
      else unresolved.push(`${from}: '${specifier}'`);
    }
  }
  return { edges, unresolved };
}

/** The layer a file belongs to and its unit: `subgraphs/cart`, `packages/bff`, or the top folder. */
function placeOf(file: string): { layer: string; unit: string } {
  const [top, second] = file.split('/');
  return { layer: top, unit: ['packages', 'subgraphs', 'gateways', 'simulators'].includes(top) ? `${top}/${second}` : top };
}

/** A subgraph's tests may run against a simulator, as they would against the third party it stands in for; its running code never imports one. */
const testAgainstSimulator = (from: string, to: string) => from.startsWith('subgraphs/') && /\.test\.ts$/.test(from) && to.startsWith('simulators/');

function importsUpward({ from, to }: Edge): boolean {
  const source = placeOf(from);
  const target = placeOf(to);
  if (source.unit === target.unit) return false;
  if (testAgainstSimulator(from, to)) return false;
  if (source.layer === target.layer && source.layer !== 'packages') return true;
  return !(MAY_IMPORT[source.layer] ?? []).includes(target.layer);
}

/** Strongly connected components with more than one file (or a file importing itself): Tarjan. */
function cyclesOf(edges: Edge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const { from, to } of edges) if (sources.has(to)) next.set(from, [...(next.get(from) ?? []), to]);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (file: string) => {
    index.set(file, index.size);
    low.set(file, index.get(file)!);
    stack.push(file);
    onStack.add(file);
    for (const to of next.get(file) ?? []) {
      if (!index.has(to)) {
        visit(to);
        low.set(file, Math.min(low.get(file)!, low.get(to)!));
      } else if (onStack.has(to)) low.set(file, Math.min(low.get(file)!, index.get(to)!));
    }
    if (low.get(file) !== index.get(file)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== file);
    if (component.length > 1 || next.get(file)?.includes(file)) components.push(component);
  };
  for (const file of sourceFiles) if (!index.has(file)) visit(file);
  return components.map((component) => oneCycleThrough(component, next));
}

/** A concrete loop inside a component, first file back to itself (shortest, breadth first). */
function oneCycleThrough(component: string[], next: Map<string, string[]>): string[] {
  const inside = new Set(component);
  const start = [...component].sort()[0];
  const cameFrom = new Map<string, string>();
  const queue = [start];
  while (queue.length) {
    const file = queue.shift()!;
    for (const to of next.get(file) ?? []) {
      if (!inside.has(to)) continue;
      if (to === start) {
        const path = [file];
        while (path[0] !== start) path.unshift(cameFrom.get(path[0])!);
        return [...path, start];
      }
      if (!cameFrom.has(to)) {
        cameFrom.set(to, file);
        queue.push(to);
      }
    }
  }
  return component;
}

const { edges, unresolved } = readEdges();
const isKnown = ({ from, specifier }: Edge) => KNOWN_UPWARD.some((k) => k.file === from && k.specifier === specifier);

describe('import graph', () => {
  it('sees the imports there are: static, dynamic, relative, through a workspace subpath, into a folder index', () => {
    expect(sourceFiles.length).toBeGreaterThan(300);
    expect(edges.length).toBeGreaterThan(1000);
    const has = (from: string, to: string) => edges.some((e) => e.from === from && e.to === to);
    expect(has('scripts/stack.ts', 'gateways/web-bff/src/server.ts')).toBe(true);
    expect(has('bench/lib/workloads.ts', 'subgraphs/catalog/src/data/demo-catalog.ts')).toBe(true);
    expect(has('bench/lib/workloads.ts', 'packages/test-support/src/index.ts')).toBe(true); // '@shop/test-support'
    expect(has('bench/lib/gateway-process.ts', 'gateways/web-bff/src/server.ts')).toBe(true); // await import(…)
    expect(has('scripts/dlq.ts', 'packages/events/src/rabbitmq/index.ts')).toBe(true); // await import('@shop/events/rabbitmq')
    expect(has('packages/events/src/service-events.ts', 'packages/events/src/rabbitmq/index.ts')).toBe(true); // './rabbitmq'
  });

  it('every import of the repo’s own files resolves to a file (an @shop/* one through its exports)', () => {
    expect(unresolved).toEqual([]);
  });

  it('has no import cycle', () => {
    const cycles = cyclesOf(edges).map((cycle) => cycle.join('\n  → '));
    expect(cycles).toEqual([]);
  });

  it('imports only its own layer or those below (packages < subgraphs, gateways, simulators < scripts < bench < e2e; storefront alone)', () => {
    const upward = edges.filter((e) => importsUpward(e) && !isKnown(e)).map((e) => `${e.from}: '${e.specifier}' (${e.to})`);
    expect(upward).toEqual([]);
  });

  it('the storefront reads nothing outside its folder but the contract documents and the web BFF schema', () => {
    const outside = git('ls-files', '--', 'storefront/*.ts', 'storefront/*.tsx').flatMap((file) =>
      [...readFileSync(join(root, file), 'utf8').matchAll(/['"](\.\.?\/[^'"\s]+)['"]/g)]
        .map((m) => posix.join(posix.dirname(file), m[1]))
        .filter((path) => !path.startsWith('storefront/') && !STOREFRONT_READS.includes(path)),
    );
    expect(outside).toEqual([]);
  });

  it('every known upward import still exists (delete the entry once it is fixed)', () => {
    const stale = KNOWN_UPWARD.filter((k) => !edges.some((e) => isKnown(e) && e.from === k.file && e.specifier === k.specifier && importsUpward(e)));
    expect(stale).toEqual([]);
  });
});
