/**
 * Another network host on this machine: a network namespace joined to this one by a veth link
 * (/30: this side .1, the host .2), made and removed by the test. Needs root and iproute2, as the
 * project's CI machine has. `cut()` takes the link down (a partition: packets vanish, no reset),
 * `restore()` brings it back.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ip = (...args: string[]) => run('ip', args);

export interface NetworkHost {
  /** the namespace's name */
  name: string;
  /** this machine's address on the link (what the host dials to reach PostgreSQL, RabbitMQ) */
  gateway: string;
  /** the host's address (where this machine reaches its services) */
  address: string;
  /** a command run on that host */
  command(argv: string[]): string[];
  cut(): Promise<void>;
  restore(): Promise<void>;
  destroy(): Promise<void>;
}

/** true when this process may make network namespaces (root with iproute2) */
export async function canMakeNetworkHosts(): Promise<boolean> {
  if (process.getuid?.() !== 0) return false;
  return ip('netns', 'list').then(
    () => true,
    () => false,
  );
}

export async function createNetworkHost(label: string): Promise<NetworkHost> {
  const id = randomBytes(2).toString('hex');
  const name = `shop-${label}-${id}`;
  const outside = `shp${id}o`; // interface names: at most 15 characters
  const inside = `shp${id}i`;
  const subnet = `10.${200 + (parseInt(id.slice(0, 2), 16) % 50)}.${parseInt(id.slice(2), 16)}`;
  const gateway = `${subnet}.1`;
  const address = `${subnet}.2`;
  const destroy = async () => {
    await ip('link', 'del', outside).catch(() => undefined); // removes its peer too
    await ip('netns', 'del', name).catch(() => undefined);
  };
  try {
    await ip('netns', 'add', name);
    await ip('link', 'add', outside, 'type', 'veth', 'peer', 'name', inside);
    await ip('link', 'set', inside, 'netns', name);
    await ip('addr', 'add', `${gateway}/30`, 'dev', outside);
    await ip('link', 'set', outside, 'up');
    await ip('netns', 'exec', name, 'ip', 'addr', 'add', `${address}/30`, 'dev', inside);
    await ip('netns', 'exec', name, 'ip', 'link', 'set', inside, 'up');
    await ip('netns', 'exec', name, 'ip', 'link', 'set', 'lo', 'up');
  } catch (error) {
    await destroy();
    throw error;
  }
  return {
    name,
    gateway,
    address,
    command: (argv) => ['ip', 'netns', 'exec', name, ...argv],
    cut: () => ip('link', 'set', outside, 'down').then(() => undefined),
    restore: () => ip('link', 'set', outside, 'up').then(() => undefined),
    destroy,
  };
}
