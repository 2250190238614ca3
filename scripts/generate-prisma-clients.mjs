// Generates every service's Prisma client after `npm ci`.
// Offline, the Prisma CLI tries to download its schema-engine binary before any command;
// `generate` does not need that engine (the client is TypeScript + wasm), so we point the CLI
// at a harmless executable to skip the download. Migrations are plain SQL applied by our own
// runner (packages/service-kit/src/database.ts), never by `prisma migrate`.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const prismaCli = join(root, 'node_modules', 'prisma', 'build', 'index.js');
if (!existsSync(prismaCli)) {
  console.log('prisma CLI not installed (production install?): skipping client generation');
  process.exit(0);
}
const env = { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath, PRISMA_HIDE_UPDATE_MESSAGE: '1' };
for (const service of readdirSync(join(root, 'prisma'))) {
  const schema = join(root, 'prisma', service, 'schema.prisma');
  if (!existsSync(schema)) continue;
  execFileSync(process.execPath, [prismaCli, 'generate', '--schema', schema], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  console.log(`generated Prisma client for ${service}`);
}
