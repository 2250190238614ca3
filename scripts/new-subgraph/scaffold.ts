/**
 * `npm run new-subgraph -- <name> [--entity <Entity>]`: a new subgraph in the one shape — its folder
 * (from template/, a working example: <Entity> with a name, listed by anyone, created by admins),
 * its prisma/<name>/, its entry in the list of services, and the deployment files the tests check
 * against that list (docker-compose.yml, deploy/kubernetes/base, the Dockerfile's EXPOSE). Then
 * the generated files: its Prisma client, its resolver types, the supergraph, the BFFs' schema
 * snapshots. What is left is the capability itself (docs/adding-a-subgraph.md).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { defaultMetricsPort } from '@shop/services';

const TEMPLATE = join(__dirname, 'template');

export interface SubgraphNames {
  name: string;
  Name: string;
  NAME: string;
  Entity: string;
  entity: string;
  Entities: string;
  entities: string;
  table: string;
  port: string;
}

const capitalized = (word: string) => word[0].toUpperCase() + word.slice(1);
const plural = (word: string) => (/(s|x|ch|sh)$/.test(word) ? `${word}es` : /[^aeiou]y$/.test(word) ? `${word.slice(0, -1)}ies` : `${word}s`);

/** Every spelling the templates use, from the subgraph's name (one lower-case word) and its entity. */
export function namesFor(name: string, port: number, entity = capitalized(name.replace(/(?<=.)s$/, ''))): SubgraphNames {
  if (!/^[a-z][a-z0-9]*$/.test(name)) throw new Error(`a subgraph's name is one lower-case word (letters and digits): got "${name}"`);
  if (!/^[A-Z][A-Za-z0-9]*$/.test(entity)) throw new Error(`an entity's name is PascalCase: got "${entity}"`);
  const lower = entity[0].toLowerCase() + entity.slice(1);
  return {
    name,
    Name: capitalized(name),
    NAME: name.toUpperCase(),
    Entity: entity,
    entity: lower,
    Entities: plural(entity),
    entities: plural(lower),
    table: plural(lower).replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`),
    port: String(port),
  };
}

const fill = (text: string, names: SubgraphNames) => text.replace(/\{\{(\w+)\}\}/g, (m, key: string) => (key in names ? names[key as keyof SubgraphNames] : m));

/** template/<from>/**.tmpl → <to>/**, names filled in, file names too (entity → the entity, entities → its plural). */
function copyTemplate(from: string, to: string, names: SubgraphNames, written: string[]): void {
  for (const entry of readdirSync(from)) {
    const source = join(from, entry);
    const target = join(to, entry.replace(/(^|-)entities(?=[.-])/, `$1${names.entities}`).replace(/(^|-)entity(?=[.-])/, `$1${names.entity}`).replace(/\.tmpl$/, ''));
    if (statSync(source).isDirectory()) {
      copyTemplate(source, target, names, written);
      continue;
    }
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, fill(readFileSync(source, 'utf8'), names));
    written.push(target);
  }
}

type ServiceEntry = { name: string; kind: string; port: number; consumes: string[] };

/** Adds the subgraph to services.json before the first BFF (it consumes nothing yet, so any place among the subgraphs would do); returns its port. */
function addToServiceList(root: string, name: string): number {
  const file = join(root, 'packages', 'services', 'services.json');
  const list = JSON.parse(readFileSync(file, 'utf8')) as { $comment: string; services: ServiceEntry[] };
  if (list.services.some((s) => s.name === name)) throw new Error(`services.json already lists "${name}"`);
  const taken = new Set(list.services.map((s) => s.port));
  let port = Math.max(...list.services.filter((s) => s.kind === 'subgraph').map((s) => s.port)) + 1;
  while (taken.has(port)) port += 1;
  // before the first BFF, not the first non-subgraph: simulators (the payment provider) start first
  const firstBff = list.services.findIndex((s) => s.kind === 'bff');
  list.services.splice(firstBff, 0, { name, kind: 'subgraph', port, consumes: [] });
  const lines = list.services.map((s) => `    ${JSON.stringify(s).replace(/,"/g, ', "').replace(/":/g, '": ').replace(/^\{/, '{ ').replace(/\}$/, ' }')}`);
  writeFileSync(file, `{\n  "$comment": ${JSON.stringify(list.$comment)},\n  "services": [\n${lines.join(',\n')}\n  ]\n}\n`);
  return port;
}

/** Inserts `text` after the last line matching `after` (or before the first line matching `before`). */
function insertLines(file: string, text: string, where: { after?: RegExp; before?: RegExp }): void {
  const lines = readFileSync(file, 'utf8').split('\n');
  const at = where.after ? lines.map((l, i) => (where.after!.test(l) ? i + 1 : -1)).reduce((a, b) => Math.max(a, b), -1) : lines.findIndex((l) => where.before!.test(l));
  if (at < 0) throw new Error(`${file}: found no place for ${JSON.stringify(text)}`);
  lines.splice(at, 0, text);
  writeFileSync(file, lines.join('\n'));
}

/** docker-compose.yml, the Dockerfile and deploy/kubernetes/base: the subgraph as the tests expect every listed service. */
function addToDeployment(root: string, names: SubgraphNames): void {
  const url = `http://${names.name}:${names.port}/graphql`;
  const compose = join(root, 'docker-compose.yml');
  insertLines(compose, `    SUBGRAPH_${names.NAME}_URL: ${url}`, { after: /^ {4}SUBGRAPH_[A-Z0-9_]+_URL: / });
  insertLines(compose, `  ${names.name}:\n    <<: *service\n    environment:\n      <<: *service-env\n      SERVICE: ${names.name}\n`, { before: /^ {2}web-bff:/ });
  const dockerfile = join(root, 'Dockerfile');
  writeFileSync(dockerfile, readFileSync(dockerfile, 'utf8').replace(/^EXPOSE (.+)$/m, (_m, ports: string) => `EXPOSE ${[...ports.split(/\s+/), names.port].map(Number).sort((a, b) => a - b).join(' ')}`));
  const base = join(root, 'deploy', 'kubernetes', 'base');
  // a subgraph's objects are the discount's (one replica, probes, grace period) under its own name and port
  const discount = readFileSync(join(base, 'discount.yaml'), 'utf8');
  const discountPort = Number(/containerPort: (\d+)/.exec(discount)![1]);
  // its port and its metrics port (port + 5000, as its config defaults it) in place of discount's
  const ports = new Map([discountPort, defaultMetricsPort(discountPort)].map((p, i) => [String(p), String(i === 0 ? names.port : defaultMetricsPort(Number(names.port)))]));
  writeFileSync(join(base, `${names.name}.yaml`), discount.replace(/\bdiscount\b/g, names.name).replace(/\b\d{4,5}\b/g, (n) => ports.get(n) ?? n));
  insertLines(join(base, 'kustomization.yaml'), `  - ${names.name}.yaml`, { before: /^ {2}- web-bff\.yaml/ });
  insertLines(join(base, 'config.yaml'), `  SUBGRAPH_${names.NAME}_URL: ${url}`, { after: /^ {2}SUBGRAPH_[A-Z0-9_]+_URL: / });
}

/** The generated files a new subgraph needs: its Prisma client and resolver types, the supergraph, the BFFs' snapshots. */
function generate(root: string, names: SubgraphNames): void {
  const run = (args: string[], cwd = root, env: NodeJS.ProcessEnv = process.env) => execFileSync(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'inherit'] });
  // as scripts/generate-prisma-clients.mjs does: generate needs no schema engine (none can be downloaded offline)
  run([join(root, 'node_modules', 'prisma', 'build', 'index.js'), 'generate', '--schema', join(root, 'prisma', names.name, 'schema.prisma')], root, {
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath,
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
  });
  run([join(root, 'node_modules', '@graphql-codegen', 'cli', 'cjs', 'bin.js'), '--config', 'codegen.ts', '--silent'], join(root, 'subgraphs', names.name));
  run(['--import', 'tsx', join(root, 'scripts', 'compose-supergraph.ts')]);
  run(['--import', 'tsx', join(root, 'scripts', 'schema-snapshots.ts')]);
}

/** Scaffolds the subgraph `name` in the repository at `root`; returns the files it wrote and its names. */
export function scaffoldSubgraph(root: string, name: string, entity?: string): { names: SubgraphNames; written: string[] } {
  if (existsSync(join(root, 'subgraphs', name))) throw new Error(`subgraphs/${name} exists already`);
  namesFor(name, 0, entity); // refuses a bad name before anything is written
  const names = namesFor(name, addToServiceList(root, name), entity);
  const written: string[] = [];
  copyTemplate(join(TEMPLATE, 'subgraph'), join(root, 'subgraphs', name), names, written);
  copyTemplate(join(TEMPLATE, 'prisma'), join(root, 'prisma', name), names, written);
  addToDeployment(root, names);
  generate(root, names);
  return { names, written: written.map((f) => relative(root, f)) };
}

if (require.main === module) {
  const [name, ...rest] = process.argv.slice(2);
  const entityAt = rest.indexOf('--entity');
  if (!name) {
    console.error('usage: npm run new-subgraph -- <name> [--entity <Entity>]');
    process.exit(2);
  }
  const root = join(__dirname, '..', '..');
  const { names, written } = scaffoldSubgraph(root, name, entityAt >= 0 ? rest[entityAt + 1] : undefined);
  console.log(`subgraphs/${name} (${names.Entity}) on port ${names.port}:\n  ${written.join('\n  ')}`);
  console.log('also: packages/services/services.json, docker-compose.yml, Dockerfile, deploy/kubernetes/base, gateways/supergraph.graphql, the BFF snapshots');
  console.log(`next: npm install (links @shop/${name}), npm test; then docs/adding-a-subgraph.md`);
}
