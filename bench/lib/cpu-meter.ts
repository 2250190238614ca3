/**
 * CPU time read from /proc (Linux) while a workload runs: the service processes the bench started,
 * the PostgreSQL backends serving this run's databases, the RabbitMQ node(s) on this host, the
 * bench process itself (the load generator), and the machine as a whole. Each is a counter; a
 * window's figure is the difference of two snapshots.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { Client } from 'pg';
import { cpuMillisOf } from './processes';

/** A counter of CPU ms used so far. */
export interface CpuCounter {
  /** what the table calls it, e.g. `order:4554` */
  name: string;
  /** the service it counts for, e.g. `order` (two replicas share one) */
  group: string;
  cpuMillis(): number;
}

export const processCounter = (name: string, group: string, pid: number | undefined): CpuCounter => ({ name, group, cpuMillis: () => cpuMillisOf(pid) });

/** The bench process itself: it generates the load (HTTP, WebSockets) on the same cores. */
export const loadGeneratorCounter = (): CpuCounter => ({
  name: 'load generator (bench process)',
  group: 'load generator',
  cpuMillis: () => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1000;
  },
});

/** Every `beam.smp` on this host: the broker, shared with whatever else uses it. */
export function rabbitCounter(): CpuCounter {
  const pids = readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'beam.smp';
      } catch {
        return false;
      }
    })
    .map(Number);
  return { name: `RabbitMQ (${pids.length} beam.smp on this host, shared)`, group: 'RabbitMQ (shared)', cpuMillis: () => pids.reduce((ms, pid) => ms + (cpuMillisOf(pid) || 0), 0) };
}

/** Busy and total CPU ms of every core of the machine since boot (/proc/stat; idle and iowait are not busy). */
export function machineCpu(): { busyMs: number; totalMs: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const total = fields.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = fields[3] + fields[4];
  return { busyMs: (total - idle) * 10, totalMs: total * 10 };
}

/**
 * The PostgreSQL backends serving the databases `<prefix>_<service>`, grouped by service, found
 * through pg_stat_activity every half second while `start()`…`stop()` runs. A pool opens and closes
 * connections: a backend first seen after start counts from 0 (its start-up is part of the cost),
 * one gone before stop counts up to its last sighting. Needs the server on this host.
 */
export function watchPostgresBackends(adminUrl: string, prefix: string, services: readonly string[]) {
  const seen = new Map<number, { group: string; first: number; last: number }>();
  const client = new Client({ connectionString: adminUrl });
  let connected = false;
  let timer: NodeJS.Timeout | undefined;
  const poll = async (baseline: boolean) => {
    const { rows } = await client.query<{ pid: number; datname: string }>('SELECT pid, datname FROM pg_stat_activity WHERE datname LIKE $1', [`${prefix}\\_%`]);
    for (const { pid, datname } of rows) {
      const service = services.find((s) => datname === `${prefix}_${s}`);
      const ms = cpuMillisOf(pid);
      if (!service || !Number.isFinite(ms)) continue;
      const known = seen.get(pid);
      if (known) known.last = ms;
      else seen.set(pid, { group: service, first: baseline ? ms : 0, last: ms });
    }
  };
  return {
    async connect() {
      await client.connect();
      connected = true;
    },
    /** starts watching: the backends open now count from here */
    async start() {
      seen.clear();
      await poll(true);
      timer = setInterval(() => void poll(false).catch(() => undefined), 500);
    },
    /** CPU ms per service's backends since start */
    async stop(): Promise<Record<string, number>> {
      clearInterval(timer);
      await poll(false);
      const used: Record<string, number> = Object.fromEntries(services.map((s) => [s, 0]));
      for (const { group, first, last } of seen.values()) used[group] += last - first;
      return used;
    },
    async close() {
      clearInterval(timer);
      if (connected) await client.end();
    },
  };
}
