/**
 * `npm run new-subgraph` in a copy of this repository: the scaffolded subgraph type-checks,
 * composes, passes the checks every listed service must pass (deployment files, Kubernetes,
 * topology, import graph, dependencies, codegen, its own unit tests), and answers through the
 * web BFF when the whole platform starts — the shape as code, not as a page.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { SUBGRAPHS } from '@shop/services';

const ROOT = join(__dirname, '..', '..');
const NAME = 'wishlist';
let copy: string;

/** The repository as a clone would have it (tracked and new files), its generated Prisma clients, node_modules by links (@shop/* to the copy's own workspaces). */
function copyRepository(): string {
  const dir = (copy = mkdtempSync(join(tmpdir(), 'new-subgraph-')));
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  for (const file of files.split('\0').filter(Boolean)) {
    if (!existsSync(join(ROOT, file)) || file === 'node_modules') continue; // deleted in the working tree; a linked node_modules
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    cpSync(join(ROOT, file), join(dir, file));
  }
  for (const service of readdirSync(join(ROOT, 'prisma'))) {
    const generated = join(ROOT, 'prisma', service, 'generated');
    if (existsSync(generated)) cpSync(generated, join(dir, 'prisma', service, 'generated'), { recursive: true });
  }
  mkdirSync(join(dir, 'node_modules', '@shop'), { recursive: true });
  for (const entry of readdirSync(join(ROOT, 'node_modules'))) {
    if (entry !== '@shop') symlinkSync(join(ROOT, 'node_modules', entry), join(dir, 'node_modules', entry));
  }
  for (const workspace of ['packages', 'subgraphs', 'gateways']) {
    for (const folder of readdirSync(join(dir, workspace)).filter((f) => existsSync(join(dir, workspace, f, 'package.json')))) {
      const { name } = JSON.parse(readFileSync(join(dir, workspace, folder, 'package.json'), 'utf8')) as { name: string };
      symlinkSync(join(dir, workspace, folder), join(dir, 'node_modules', name));
    }
  }
  // the tests that read `git ls-files` (import graph, dependencies) see the copy as a clone
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: dir, stdio: 'pipe' });
  git('init', '-q');
  git('add', '-A');
  git('commit', '-qm', 'copy');
  return dir;
}

const run = (args: string[], timeout = 240_000) => execFileSync(process.execPath, args, { cwd: copy, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout, maxBuffer: 64 * 1024 * 1024 });

beforeAll(() => {
  copyRepository();
  const out = run(['--import', 'tsx', 'scripts/new-subgraph/scaffold.ts', NAME]);
  expect(out).toContain(`subgraphs/${NAME}`);
  execFileSync('git', ['add', '-A'], { cwd: copy }); // what a contributor commits
}, 300_000);

afterAll(() => {
  // NEW_SUBGRAPH_KEEP=1 keeps the copy to look into a failure
  if (copy && !process.env.NEW_SUBGRAPH_KEEP) rmSync(copy, { recursive: true, force: true });
});

/** the port after the highest subgraph's of the repository's own list */
const NEXT_PORT = Math.max(...SUBGRAPHS.map((s) => s.port)) + 1;

it('adds one entry to the list of services, on the next free port, after the subgraphs and before the BFFs', () => {
  const { services } = JSON.parse(readFileSync(join(copy, 'packages', 'services', 'services.json'), 'utf8')) as { services: { name: string; kind: string; port: number }[] };
  const ports = services.map((s) => s.port);
  expect(services.find((s) => s.name === NAME)).toEqual({ name: NAME, kind: 'subgraph', port: NEXT_PORT, consumes: [] });
  expect(new Set(ports).size).toBe(ports.length);
  const at = services.findIndex((s) => s.name === NAME);
  expect([services[at - 1].kind, services[at + 1].kind]).toEqual(['subgraph', 'bff']);
});

it('writes its folder in the one shape, its prisma folder, and its place in the supergraph', () => {
  for (const file of ['schema.graphql', 'src/server.ts', 'src/index.ts', 'src/config.ts', 'src/context.ts', 'src/loaders.ts', 'src/resolvers/index.ts', 'src/use-cases/deps.ts', 'src/domain/wishlist.ts', 'src/data/prisma.ts', 'src/events/subscriptions.ts', 'src/generated/resolvers-types.ts']) {
    expect([file, existsSync(join(copy, 'subgraphs', NAME, file))]).toEqual([file, true]);
  }
  expect(existsSync(join(copy, 'prisma', NAME, 'migrations', '0001_init', 'migration.sql'))).toBe(true);
  expect(existsSync(join(copy, 'prisma', NAME, 'generated', 'client.ts'))).toBe(true);
  expect(readFileSync(join(copy, 'gateways', 'supergraph.graphql'), 'utf8')).toContain(`WISHLIST @join__graph(name: "wishlist", url: "http://localhost:${NEXT_PORT}/graphql")`);
  expect(readFileSync(join(copy, 'gateways', 'web-bff', 'schema.snapshot.graphql'), 'utf8')).toContain('createWishlist(name: String!): CreateWishlistPayload!');
});

it('type-checks', () => {
  run([join(copy, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '-p', 'tsconfig.json']);
}, 300_000);

it('passes what every listed service must pass: its own tests, composition, deployment files, Kubernetes, topology, import graph, dependencies', () => {
  const tests = [`subgraphs/${NAME}/`, 'packages/schema-tools/test/supergraph-file', 'scripts/deployment.test', 'scripts/kubernetes.test', 'scripts/topology.test', 'scripts/import-graph.test', 'scripts/workspace-dependencies.test'];
  const jest = spawnSync(process.execPath, ['--experimental-vm-modules', 'node_modules/jest/bin/jest.js', '--selectProjects', 'unit', '--ci', ...tests], {
    cwd: copy,
    encoding: 'utf8',
    timeout: 300_000,
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
  });
  const failures = jest.stderr.split('\n').filter((line) => line.startsWith('  ● '));
  const summary = [/^Tests: .*$/m.exec(jest.stderr)?.[0] ?? jest.stderr.slice(-4000), ...failures].join('\n');
  expect([jest.status, summary]).toEqual([0, expect.stringMatching(/^Tests: +(\d+ skipped, )?\d+ passed, \d+ total$/)]);
  // the subgraph's own tests ran (its domain and its codegen check), not only the repository's
  expect(jest.stderr).toMatch(/PASS .*subgraphs\/wishlist\/src\/domain\/wishlist\.test\.ts/);
  expect(jest.stderr).toMatch(/PASS .*subgraphs\/wishlist\/test\/codegen\.test\.ts/);
}, 300_000);

it('answers through the web BFF when the whole platform starts: created by an admin, refused with a reason, listed', () => {
  const answer = JSON.parse(run(['--import', 'tsx', 'scripts/new-subgraph/probe.ts', NAME, 'Wishlist', 'wishlist', 'wishlists']).trim().split('\n').pop()!) as Record<string, { data?: Record<string, unknown>; errors?: { extensions?: { code?: string } }[] }> & { subgraphs: string[] };
  expect(answer.subgraphs).toContain(NAME);
  const created = answer.created.data!.createWishlist as { wishlist: { id: string; name: string }; userErrors: unknown[] };
  expect(created).toEqual({ wishlist: { id: expect.any(String), name: 'Birthday' }, userErrors: [] });
  expect(answer.refused.data!.createWishlist).toEqual({ wishlist: null, userErrors: [{ code: 'BAD_INPUT', field: 'name' }] });
  expect(answer.anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  expect(answer.listed.data!.wishlists).toEqual([{ id: created.wishlist.id, name: 'Birthday', createdAt: expect.any(String) }]);
}, 180_000);
