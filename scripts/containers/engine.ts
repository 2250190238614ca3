/**
 * The container engine the test drives: podman (Debian's), installed when missing, with the two
 * settings this machine kind needs, and a compose command for docker-compose.yml.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';

export interface CommandResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end; rejects on a non-zero exit unless `allowFailure`. Output is kept, not shown, unless `echo`. */
export function run(command: string, args: readonly string[], options: { allowFailure?: boolean; echo?: boolean; input?: string; env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {}): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = options.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), options.timeoutMs) : undefined;
    child.stdout.on('data', (d: Buffer) => {
      stdout += d;
      if (options.echo) process.stdout.write(d);
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d;
      if (options.echo) process.stderr.write(d);
    });
    child.on('error', reject);
    // a command that exits without reading its input closes the pipe: the write fails with EPIPE,
    // which unheard crashed the whole run; the command's exit status already says how it went
    child.stdin.on('error', () => undefined);
    child.on('close', (code) => {
      clearTimeout(timer);
      const result = { status: code ?? 1, stdout, stderr };
      if (result.status !== 0 && !options.allowFailure) reject(new Error(`${command} ${args.join(' ')} exited ${result.status}:\n${stderr.slice(-4000)}`));
      else resolve(result);
    });
    child.stdin.end(options.input ?? '');
  });
}

const has = (command: string) => spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;
/** Whether a Debian package is installed (netavark and aardvark-dns put no command on PATH). */
const installed = (pkg: string) => spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' }).stdout?.includes('install ok installed') ?? false;

/**
 * Debian packages: the engine, the runtime this machine kind needs, debootstrap for stand-in base
 * images, docker-compose (1.29, driven against podman's Docker-compatible socket: unlike
 * podman-compose 1.0 it waits for `condition: service_healthy`), and netavark with aardvark-dns —
 * only recommended by podman's packages, so `--no-install-recommends` left podman on CNI without a
 * DNS plugin, where no container resolves another's name (`getaddrinfo EAI_AGAIN postgres`: every
 * service restarted forever on a fresh machine); and iptables, which netavark calls to set up every
 * network namespace — also only recommended: without it the first `RUN` of a build fails with
 * `netavark: No such file or directory (os error 2)`.
 */
const PACKAGES = ['podman', 'buildah', 'runc', 'debootstrap', 'docker-compose', 'netavark', 'aardvark-dns', 'iptables'];

/** Container names resolve through aardvark-dns on netavark networks (podman 4.3 would stay on CNI where a CNI network exists). */
const NETWORK_SETTINGS = `[network]
network_backend = "netavark"
`;
/**
 * Without these, containers do not start on this machine kind: podman's default open-files limit is
 * above what a process may set here (`setrlimit RLIMIT_NOFILE: Operation not permitted`), and crun
 * refuses the hybrid cgroup layout (`cgroups in hybrid mode not supported`).
 */
const ENGINE_SETTINGS = `# written by scripts/containers (npm run test:containers): what this machine kind needs
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
[engine]
runtime = "runc"
${NETWORK_SETTINGS}`;
const CONTAINERS_CONF = '/etc/containers/containers.conf';

/** Installs podman and its companions when missing (root, Debian), and writes the engine settings when there are none. */
export async function ensureEngine(log: (line: string) => void): Promise<void> {
  const missing = PACKAGES.filter((p) => !installed(p));
  if (missing.length > 0) {
    if (process.getuid?.() !== 0 || !has('apt-get')) throw new Error(`missing ${missing.join(', ')}: install them (Debian: apt-get install -y ${PACKAGES.join(' ')})`);
    log(`installing ${missing.join(', ')} (apt-get)`);
    await run('apt-get', ['update'], { allowFailure: true });
    await run('apt-get', ['install', '-y', '--no-install-recommends', ...PACKAGES], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  }
  const conf = existsSync(CONTAINERS_CONF) ? readFileSync(CONTAINERS_CONF, 'utf8') : '';
  if (!conf.includes('default_ulimits') && !conf.includes('runtime =')) {
    if (conf.trim()) throw new Error(`${CONTAINERS_CONF} exists without the settings this machine needs; add:\n${ENGINE_SETTINGS}`);
    mkdirSync('/etc/containers', { recursive: true });
    writeFileSync(CONTAINERS_CONF, ENGINE_SETTINGS);
    log(`wrote ${CONTAINERS_CONF} (open-files limit, runc, netavark)`);
  } else if (!conf.includes('network_backend')) {
    // written by an earlier version of this script: the DNS-capable network backend was missing
    writeFileSync(CONTAINERS_CONF, `${conf.trimEnd()}\n${NETWORK_SETTINGS}`);
    log(`added the netavark network backend to ${CONTAINERS_CONF}`);
  }
  // CNI's default bridge, left by an engine that ran on CNI before, keeps the route to 10.88.0.0/16:
  // netavark's podman0 gets the same subnet, and the host could not reach a container on it
  if (spawnSync('ip', ['link', 'show', 'cni-podman0'], { stdio: 'ignore' }).status === 0) {
    await run('ip', ['link', 'delete', 'cni-podman0']);
    log('removed the CNI bridge cni-podman0 (its route hid netavark\'s podman0)');
  }
}

/** `podman …` */
export const podman = (args: readonly string[], options: Parameters<typeof run>[2] = {}) => run('podman', args, options);

export interface PodmanService {
  /** DOCKER_HOST for docker-compose */
  dockerHost: string;
  stop(): Promise<void>;
}

/** podman's Docker-compatible API on a socket of this run's own (stopped by `stop`). */
export async function startPodmanService(socketDir: string): Promise<PodmanService> {
  mkdirSync(socketDir, { recursive: true });
  const socket = `${socketDir}/podman.sock`;
  const child = spawn('podman', ['system', 'service', '--time=0', `unix://${socket}`], { stdio: 'ignore' });
  const deadline = Date.now() + 20_000;
  while (!existsSync(socket)) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`podman system service did not open ${socket}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    dockerHost: `unix://${socket}`,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * podman runs health checks from systemd timers; without systemd (a container, this machine kind)
 * none runs, a container stays "starting" and compose never starts what depends on it being healthy.
 * Then this runs them itself while compose brings the stack up: every `intervalMs`, one after
 * another, only for the project's containers not yet healthy (each check starts a process in the
 * container: thirteen at once every few seconds took both cores, and the checks timed out).
 */
export function driveHealthChecks(project: string, intervalMs = 5_000): { stop(): void } | undefined {
  if (existsSync('/run/systemd/system')) return undefined;
  let stopped = false;
  const loop = async () => {
    while (!stopped) {
      const listed = await podman(['ps', '--filter', `label=com.docker.compose.project=${project}`, '--format', '{{.Names}}\t{{.Status}}'], { allowFailure: true });
      const waiting = listed.stdout.split('\n').filter((line) => line && !line.includes('(healthy)')).map((line) => line.split('\t')[0]);
      for (const name of waiting) if (!stopped) await podman(['healthcheck', 'run', name], { allowFailure: true });
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  };
  void loop();
  return {
    stop() {
      stopped = true;
    },
  };
}
