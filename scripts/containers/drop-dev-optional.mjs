// Run by the Dockerfile's build stage after `npm prune --omit=dev`: removes the packages the lockfile
// marks devOptional — installed only because a dev dependency is also an optional peer of a
// production one (@prisma/client's `prisma` and `typescript`, with the Prisma CLI's studio and
// engines: ~250 MB). npm keeps them with --omit=dev, and --omit=optional would also drop esbuild's
// platform binary, which tsx needs at run time. Nothing in production requires them.
import { readFileSync, rmSync } from 'node:fs';

const root = process.argv[2] ?? '.';
const { packages } = JSON.parse(readFileSync(`${root}/package-lock.json`, 'utf8'));
let removed = 0;
for (const [path, entry] of Object.entries(packages)) {
  if (!entry.devOptional || !path.startsWith('node_modules/')) continue;
  rmSync(`${root}/${path}`, { recursive: true, force: true });
  removed++;
}
console.log(`removed ${removed} dev-only optional peers from ${root}/node_modules`);
